"""The rules that make stores and Send to Kindle reject or degrade a book, checked before upload.

Sources, with the rest of the device rules, in docs/devices.md: KDP's eBook cover guidelines
(JPEG or PNG, 1000×625 px at least, 10,000 px at most, ideally 2560×1600, a 1.6:1 ratio),
Kobo's epub-spec (no transparent images), KDP's supported languages, Send to Kindle's 50 MB
e-mail limit.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation

STORE_FORMATS = ("JPEG", "PNG")
MIN_LONG_SIDE, MIN_SHORT_SIDE = 1000, 625
MAX_SIDE = 10_000
IDEAL_WIDTH, IDEAL_HEIGHT = 1600, 2560
IDEAL_RATIO = IDEAL_HEIGHT / IDEAL_WIDTH
RATIO_TOLERANCE = 0.05
SEND_TO_KINDLE_LIMIT = 50 * 1024 * 1024
# KDP's eBook languages (KDP help "Supported languages", G200673300), as primary BCP 47 subtags.
# Amazon adds languages now and then: a language missing here is a warning, never an error.
_KINDLE_LANGUAGE_CODES = """
    af ar br ca co cy da de en es eu fi fr frr frs fy ga gd gl gsw gu gv hi is it ja kw lb
    ml mr nb nl nn no oc pl pt rm sco sv ta uk yi zh
"""
KINDLE_LANGUAGES = frozenset(_KINDLE_LANGUAGE_CODES.split())


def _has_transparency(image: Image.Image) -> bool:
    """True when some pixel is not fully opaque (an alpha channel that is all 255 is fine)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        alpha = image.convert("RGBA").getchannel("A")
        # One band: getextrema gives (min, max) numbers.
        low = alpha.getextrema()[0]
        return isinstance(low, int | float) and low < 255
    return False


def check_cover(path: Path, where: SourceLocation | None, reporter: Reporter) -> None:
    """D004-D007 for a configured cover: format, transparency, size, and the recommended size and ratio."""
    name = path.name
    try:
        with Image.open(path) as image:
            kind = image.format or "an unknown format"
            width, height = image.size
            transparent = _has_transparency(image)
    except (OSError, UnidentifiedImageError, ValueError):
        return  # an unreadable cover is E006 at build time
    if kind not in STORE_FORMATS:
        reporter.report("D004", f"cover '{name}' is {kind}; Kindle, Kobo and Apple want JPEG or PNG", where)
    if transparent:
        reporter.report(
            "D005", f"cover '{name}' has transparent pixels; stores want an opaque image (flatten it)", where
        )
    short, long = sorted((width, height))
    if short < MIN_SHORT_SIDE or long < MIN_LONG_SIDE or long > MAX_SIDE:
        reporter.report(
            "D006",
            f"cover '{name}' is {width}×{height} px; KDP accepts 625 px to 10,000 px a side, "
            "with the long side at least 1000 px",
            where,
        )
        return
    advice = []
    if width < IDEAL_WIDTH or height < IDEAL_HEIGHT:
        advice.append(f"smaller than the recommended {IDEAL_WIDTH}×{IDEAL_HEIGHT} px")
    if abs(height / width - IDEAL_RATIO) > RATIO_TOLERANCE:
        advice.append(f"height:width {height / width:.2f}:1 instead of 1.6:1")
    if advice:
        reasons = " and ".join(advice)
        reporter.report(
            "D007", f"cover '{name}' is {width}×{height} px: {reasons}; stores may blur it", where
        )


def _book_yaml(config: Config, key: str) -> SourceLocation:
    located = config.location(key)
    if located is not None:
        return located
    path = config.path or config.source_dir / "book.yaml"
    return SourceLocation(display_path(path), 1 if config.path else 0)


def check_stores(book: Book, config: Config, build_dir: Path, epub: Path | None, reporter: Reporter) -> None:
    """Every store rule that can be checked here; each finding points at book.yaml or the EPUB."""
    if config.cover is not None:
        check_cover(config.cover, config.location("cover"), reporter)
    if not book.metadata.authors:
        reporter.report(
            "D008",
            "the book has no author: stores list it as 'Unknown' or refuse it; add `author:` to book.yaml",
            _book_yaml(config, "title"),
        )
    language = book.metadata.language
    if language.split("-")[0].lower() not in KINDLE_LANGUAGES:
        reporter.report(
            "D009",
            f"language '{language}' is not one Kindle (KDP, Send to Kindle) accepts for eBooks; "
            "Kobo, Apple Books and KOReader read it",
            _book_yaml(config, "language"),
        )
    if epub is not None and epub.exists():
        size = epub.stat().st_size
        if size > SEND_TO_KINDLE_LIMIT:
            reporter.report(
                "D010",
                f"the EPUB is {size / 1024 / 1024:.1f} MB; Send to Kindle by e-mail refuses files over 50 MB "
                "(use the Send to Kindle app or USB)",
                SourceLocation(display_path(epub)),
            )
