"""The cover's pages as HTML (positions decided here, drawn by templates/cover/) and PDF by WeasyPrint."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from book.config import Config
from book.ir import Book
from book.printing import fonts as print_fonts
from book.printing.cover import SAFE_IN, SPINE_CLEAR_IN, SPINE_TEXT_MIN_PAGES, CoverGeometry, Rect
from book.resources import style_roots
from book.writers.cover.fit import SpineLine, fit_block
from book.writers.epub.cover import BACKGROUND, HEIGHT, INK, RULE, WIDTH
from book.writers.pdf.css import text_size
from book.writers.pdf.fetch import ConfinedFetcher
from book.writers.templating import template

# The back's text sits well inside the safe area, and a clear gap above the barcode area.
BACK_SIDE_IN = 0.5
BACK_TOP_IN = 0.6
BARCODE_GAP_IN = 0.25
LEADING = 1.35
TITLE_LEADING = 1.2  # the front's title, subtitle and authors (templates/cover/cover.html)


@dataclass(frozen=True)
class Fonts:
    """The text face and fallbacks as CSS, the file to measure the spine with, and the URL fetcher."""

    css: str
    stack: str
    measure: Path
    fetcher: ConfinedFetcher


def font_setup(config: Config) -> Fonts:
    faces = print_fonts.text_faces(config.source_dir)
    fallbacks, _missing = print_fonts.resolve_fallbacks(config.print.fallback_fonts, config.source_dir)
    css = "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
        f'font-weight: normal; src: url("{face.path.as_uri()}"); }}'
        for face in [*faces, *fallbacks]
        if face.font_face
    )
    regular = next(face.path for face in faces if face.style == "normal")
    fetcher = ConfinedFetcher([*style_roots(config.source_dir), config.source_dir])
    return Fonts(css, print_fonts.font_stack(fallbacks), regular, fetcher)


def _rgb(colour: tuple[int, int, int]) -> str:
    return "rgb({}, {}, {})".format(*colour)


def _rect(rect: Rect) -> dict[str, float]:
    return {k: round(v, 6) for k, v in vars(rect).items()}


@dataclass(frozen=True)
class BackText:
    """The description on the back: its paragraphs, its box and its type size."""

    paragraphs: list[str]
    box: Rect
    size_pt: float


def back_text(book: Book, geometry: CoverGeometry) -> BackText | None:
    """The description's box: inside the back's safe area, above the barcode area."""
    description = book.metadata.description
    if not description:
        return None
    # Paragraphs are separated by blank lines; a single line break (YAML's `|`) is a space.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", description) if p.strip()]
    back = geometry.back
    top = back.y + BACK_TOP_IN
    bottom = geometry.barcode.y - BARCODE_GAP_IN
    box = Rect(back.x + BACK_SIDE_IN, top, back.width - 2 * BACK_SIDE_IN, bottom - top)
    assert box.x >= geometry.back_safe.x and box.right <= geometry.back_safe.right
    return BackText(paragraphs, box, text_size(geometry.trim))


def _back(back: BackText | None) -> dict[str, Any]:
    if back is None:
        return {"paragraphs": [], "size_pt": 11, "leading": LEADING}
    return {
        "paragraphs": back.paragraphs,
        "box": _rect(back.box),
        "size_pt": back.size_pt,
        "leading": LEADING,
    }


def description_page(book: Book, back: BackText, fonts: Fonts) -> tuple[str, str]:
    """The description alone on pages of its box's size: (HTML, extra CSS)."""
    html = template("cover", "description.html").render(
        lang=book.metadata.language, font_css=fonts.css, font_stack=fonts.stack, back=_back(back)
    )
    return html, ""


def _generated_front(book: Book, geometry: CoverGeometry, font: Path) -> dict[str, Any]:
    """The EPUB's generated cover (writers/epub/cover.py) laid out on the front panel, as text.

    Its 1600 x 2560 px design is scaled to the trim: the same frame, title position, rule and
    author line, the same colours, so the print and e-book covers match.
    """
    front = geometry.front
    x = front.width / WIDTH  # inches per design pixel, across
    y = front.height / HEIGHT  # and down
    meta = book.metadata
    long_title = len(meta.title) > 42  # the EPUB's 3 lines of 14 characters
    frame = front.inset(120 * x)
    text = Rect(front.x + 180 * x, front.y, front.width - 360 * x, front.height)
    title_top, authors_top = front.y + 640 * y, front.y + (HEIGHT - 560) * y
    title_size, subtitle_size, author_size = (110 if long_title else 150) * x, 72 * x, 84 * x
    # A long title or subtitle is set smaller, never into the author line; long names likewise
    # stay above the frame's foot.
    room = authors_top - title_top - (60 + 80 + 80) * y
    blocks = [(meta.title, title_size), (meta.subtitle or "", subtitle_size)]
    scale = fit_block(blocks, text.width, room, font, TITLE_LEADING)
    authors = ", ".join(meta.authors)
    author_room = frame.bottom - authors_top - 60 * y
    author_scale = fit_block([(authors, author_size)], text.width, author_room, font, TITLE_LEADING)
    return {
        "image": None,
        "frame": _rect(frame),
        "frame_rule": round(6 * x, 4),
        "text": _rect(text),
        "title": meta.title,
        "subtitle": meta.subtitle or "",
        "authors": authors,
        "title_top": round(title_top, 4),
        "title_size": round(title_size * scale, 4),
        "subtitle_size": round(subtitle_size * scale, 4),
        "subtitle_gap": round(60 * y, 4),
        "rule_width": round(400 * x, 4),
        "rule_weight": round(4 * x, 4),
        "rule_gap": round(80 * y, 4),
        "authors_top": round(authors_top, 4),
        "author_size": round(author_size * author_scale, 4),
    }


def cover_html(
    book: Book,
    geometry: CoverGeometry,
    fonts: Fonts,
    image: str | None,
    spine: SpineLine | None,
    back: BackText | None,
) -> str:
    front = _generated_front(book, geometry, fonts.measure)
    if image is not None:
        front["image"] = image
        front["fill"] = _rect(geometry.front_with_bleed)
    spine_data = None
    if spine is not None:
        safe = geometry.spine_safe
        centre_x, centre_y = safe.x + safe.width / 2, safe.y + safe.height / 2
        # The box is laid out across, then turned a quarter clockwise about its centre, so that the
        # spine reads top to bottom, as English-language books do.
        box = Rect(centre_x - safe.height / 2, centre_y - safe.width / 2, safe.height, safe.width)
        spine_data = {"text": spine.text, "size_pt": spine.size_pt, "box": _rect(box)}
    return template("cover", "cover.html").render(
        lang=book.metadata.language,
        title=book.metadata.title,
        font_css=fonts.css,
        font_stack=fonts.stack,
        sheet=_rect(geometry.sheet),
        background=_rgb(BACKGROUND),
        ink=_rgb(INK),
        rule=_rgb(RULE),
        front=front,
        spine=spine_data,
        back=_back(back),
    )


def guides_html(book: Book, geometry: CoverGeometry, fonts: Fonts) -> str:
    """The guides template: bleed, trim, spine, safe areas and barcode area, labelled."""
    g = geometry
    back_label = Rect(g.back_safe.x + 0.1, g.back_safe.y + 0.1, g.back_safe.width - 0.2, 2.0)
    front_label = Rect(g.front_safe.x + 0.1, g.front_safe.y + 0.1, g.front_safe.width - 0.2, 2.0)
    barcode_label = Rect(g.barcode.x + 0.08, g.barcode.y + 0.08, g.barcode.width - 0.16, 1.0)
    labels = [
        {
            **_rect(back_label),
            "rotated": False,
            "lines": [
                f"BACK {g.trim.width:.3f} x {g.trim.height:.3f} in (trim, black line)",
                f"full sheet {g.width:.4f} x {g.height:.4f} in = {g.width_pt:.2f} x {g.height_pt:.2f} pt, "
                f"with {g.bleed:.3f} in bleed (pink)",
                f"spine {g.spine_width:.4f} in (blue) = {g.pages} pages x {g.paper.inches_per_page} in "
                f"({g.paper.printer}, {g.paper.name} paper)",
                f"safe areas (green, dashed): {SAFE_IN} in inside the trim and the folds",
                (
                    f"spine text: allowed, {g.spine_safe.width:.4f} in wide "
                    f"({SPINE_CLEAR_IN} in clear of each fold)"
                    if g.spine_text
                    else f"spine text: none (under {SPINE_TEXT_MIN_PAGES} pages, or too narrow a spine)"
                ),
            ],
        },
        {
            **_rect(front_label),
            "rotated": False,
            "lines": [f"FRONT {g.trim.width:.3f} x {g.trim.height:.3f} in", f"{book.metadata.title}"],
        },
        {
            **_rect(barcode_label),
            "rotated": False,
            "lines": ["barcode area 2 x 1.2 in", "0.25 in from the trim and the spine: keep empty"],
        },
    ]
    return template("cover", "guides.html").render(
        title=book.metadata.title,
        font_css=fonts.css,
        font_stack=fonts.stack,
        sheet=_rect(g.sheet),
        trim=_rect(g.trimmed),
        spine=_rect(g.spine),
        safe=[_rect(box) for box in (g.back_safe, g.front_safe, g.spine_safe) if box.width > 0],
        barcode=_rect(g.barcode),
        labels=labels,
    )


def to_pdf(html: str, fonts: Fonts) -> bytes:
    """One WeasyPrint run; fonts are embedded (subset), no PDF/X is claimed (see the README)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint logs refused URLs and unsupported CSS as warnings; the build reports its own.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, url_fetcher=fonts.fetcher).render(font_config=FontConfiguration())
    data: bytes = document.write_pdf(uncompressed_pdf=False, pdf_identifier=False)
    return data
