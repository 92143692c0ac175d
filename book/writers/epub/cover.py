"""The cover image: the configured file when it is a usable image, else a generated typographic PNG."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from book.ir import Metadata
from book.resources import STYLES_DIR

# Pillow is imported where an image is drawn or checked: a rebuild takes its cover from the cache.
if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2560
BACKGROUND = (32, 44, 57)
INK = (240, 234, 220)
RULE = (176, 141, 87)
# Formats every EPUB 3.3 reading system must show (core media types), by Pillow's name.
CORE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
# Fonts tried in order for the generated cover; the first that has every character wins.
# styles/fonts is the project's committed OFL faces (same bytes on every machine); the rest
# are Debian's fonts-ebgaramond / fonts-noto-core / fonts-noto-cjk (all under the SIL OFL).
SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf"),
    Path("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)


@dataclass(frozen=True)
class CoverImage:
    """The cover's bytes, its file name inside the EPUB and its media type."""

    data: bytes
    file_name: str
    media_type: str


class CoverError(Exception):
    """The configured cover cannot be used; the message says why."""


def load_cover(path: Path) -> CoverImage:
    """The configured cover, unchanged, if it is an image every reading system can show."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format or ""
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise CoverError(f"cover '{path.name}' is not a readable image ({exc})") from exc
    if kind not in CORE_FORMATS:
        raise CoverError(f"cover '{path.name}' is {kind or 'an unknown format'}; use JPEG, PNG, GIF or WebP")
    extension = {"JPEG": "jpg"}.get(kind, kind.lower())
    return CoverImage(data, f"images/cover.{extension}", CORE_FORMATS[kind])


def _covers(font_path: Path, text: str) -> bool:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        font = TTCollection(font_path).fonts[0] if font_path.suffix == ".ttc" else TTFont(font_path)
        cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font file is simply not a candidate
        return False
    return all(ord(c) in cmap for c in text if not c.isspace())


GENERATED_COVER = "images/cover.png"


def font_candidates() -> list[Path]:
    fonts_dir = STYLES_DIR / "fonts"
    committed = (
        sorted(p for p in fonts_dir.glob("*") if p.suffix.lower() in {".otf", ".ttf"})
        if fonts_dir.is_dir()
        else []
    )
    # Prefer a regular upright face among the committed ones.
    committed.sort(key=lambda p: ("regular" not in p.name.lower(), p.name))
    return committed + [p for p in SYSTEM_FONTS if p.is_file()]


def _font(text: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    for path in font_candidates():
        if _covers(path, text):
            # BASIC layout: no dependency on the machine's libraqm version, so the same bytes everywhere.
            return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(size)


def _wrap(text: str, width: int) -> list[str]:
    if " " not in text.strip():  # scripts without spaces: cut by characters
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    return textwrap.wrap(text, width) or [""]


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], text: str, size: int, top: int) -> int:
    """Draw centred lines starting at `top`; return the y below the last one."""
    font = _font(text, size)
    y = top
    for line in lines:
        left, _, right, _ = draw.textbbox((0, 0), line, font=font)
        draw.text(((WIDTH - (right - left)) / 2 - left, y), line, font=font, fill=INK)
        y += int(size * 1.25)
    return y


def generate_cover(metadata: Metadata) -> CoverImage:
    """A 1600×2560 typographic cover: title, subtitle and author(s) on a plain ground; deterministic."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 120
    draw.rectangle((margin, margin, WIDTH - margin, HEIGHT - margin), outline=RULE, width=6)

    title_lines = _wrap(metadata.title, 14 if " " in metadata.title else 8)
    size = 150 if len(title_lines) <= 3 else 110
    y = _draw_lines(draw, title_lines, metadata.title, size, 640)
    if metadata.subtitle:
        y = _draw_lines(draw, _wrap(metadata.subtitle, 26), metadata.subtitle, 72, y + 60)
    draw.line((WIDTH / 2 - 200, y + 80, WIDTH / 2 + 200, y + 80), fill=RULE, width=4)
    if metadata.authors:
        authors = ", ".join(metadata.authors)
        _draw_lines(draw, _wrap(authors, 24), authors, 84, HEIGHT - 560)

    out = io.BytesIO()
    # No text chunks or timestamps: the PNG depends on nothing but the metadata and the font.
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return CoverImage(out.getvalue(), GENERATED_COVER, "image/png")
