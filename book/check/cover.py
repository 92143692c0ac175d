"""Cover preflight: the built cover against the built interior, one rule per thing a printer checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf

from book.check import pdf_words
from book.check.pdf import page_fonts
from book.check.pdf_content import font_is_embedded, page_ink
from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.printing.cover import (
    SAFE_IN,
    SPINE_CLEAR_IN,
    CoverGeometry,
    Interior,
    Rect,
    cover_geometry,
    cover_setup,
)
from book.printing.trim import PT_PER_IN

SIZE_TOLERANCE_IN = 0.003  # the printers' templates are given to the thousandth of an inch
# A word's box as poppler measures it, shrunk by this much: rounding never makes a finding.
WORD_SLACK_IN = 0.2 / PT_PER_IN


@dataclass
class CoverInspection:
    """The cover read once: its page, its words in inches from the top-left, and the geometry."""

    pdf: pikepdf.Pdf
    words: list[tuple[str, Rect]] | None  # None when pdftotext is not installed
    geometry: CoverGeometry
    report: Callable[[str, str], None]


def _inches(word: pdf_words.Word) -> Rect:
    x0, y0 = word.x0 / PT_PER_IN + WORD_SLACK_IN, word.y0 / PT_PER_IN + WORD_SLACK_IN
    x1, y1 = word.x1 / PT_PER_IN - WORD_SLACK_IN, word.y1 / PT_PER_IN - WORD_SLACK_IN
    return Rect(x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))


def check_size(it: CoverInspection) -> None:
    """W010: bleed + back + spine (pages x paper) + front + bleed wide, bleed + trim + bleed high."""
    media = [float(v) for v in it.pdf.pages[0].obj.MediaBox]
    width, height = (media[2] - media[0]) / PT_PER_IN, (media[3] - media[1]) / PT_PER_IN
    g = it.geometry
    if abs(width - g.width) > SIZE_TOLERANCE_IN or abs(height - g.height) > SIZE_TOLERANCE_IN:
        it.report(
            "W010",
            f"the cover is {width:.3f} x {height:.3f} in; {g.pages} pages on {g.paper.printer} "
            f"{g.paper.name} paper need {g.width:.3f} x {g.height:.3f} in "
            f"(spine {g.spine_width:.4f} in): rebuild it with 'make cover'",
        )


def check_fonts(it: CoverInspection) -> None:
    """W011: every font the cover lists or draws with carries its font program."""
    page = it.pdf.pages[0]
    fonts = [*page_fonts(page), *page_ink(page, 0.0).fonts.items()]
    for name in sorted({name for name, font in fonts if not font_is_embedded(font)}):
        it.report("W011", f"font '{name}' is not embedded in the cover")


def _where(rect: Rect) -> str:
    return f"at {rect.x:.3f}, {rect.y:.3f} in from the sheet's top-left corner"


def check_barcode(it: CoverInspection) -> None:
    """W012: the barcode area on the back is empty (the printer prints the ISBN barcode there)."""
    for text, rect in it.words or []:
        if rect.intersects(it.geometry.barcode):
            where = _where(rect)
            it.report("W012", f"'{text}' {where} is in the barcode area (2 x 1.2 in, back, lower right)")


def check_trim_clearance(it: CoverInspection) -> None:
    """W013: no text within 0.125 in of a trim edge (nor in the bleed)."""
    safe = it.geometry.trimmed.inset(SAFE_IN)
    for text, rect in it.words or []:
        gaps = {
            "left": rect.x - it.geometry.trimmed.x,
            "right": it.geometry.trimmed.right - rect.right,
            "top": rect.y - it.geometry.trimmed.y,
            "bottom": it.geometry.trimmed.bottom - rect.bottom,
        }
        side, gap = min(gaps.items(), key=lambda item: item[1])
        if not safe.contains(rect):
            it.report(
                "W013",
                f"'{text}' {_where(rect)} is {gap:.3f} in from the {side} trim (needs {SAFE_IN} in)",
            )


def _fold_bands(g: CoverGeometry) -> Iterator[tuple[str, Rect]]:
    for name, x in (("back", g.spine.x), ("front", g.spine.right)):
        yield name, Rect(x - SPINE_CLEAR_IN, 0.0, 2 * SPINE_CLEAR_IN, g.height)


def check_spine_clearance(it: CoverInspection) -> None:
    """W014: no text within 0.0625 in of either spine fold."""
    for text, rect in it.words or []:
        for name, band in _fold_bands(it.geometry):
            if rect.intersects(band):
                it.report(
                    "W014",
                    f"'{text}' {_where(rect)} is within {SPINE_CLEAR_IN} in of the spine's {name} fold",
                )


def check_spine_text(it: CoverInspection) -> None:
    """W015: no spine text on a book too thin for it (KDP: under 79 pages)."""
    if it.geometry.spine_text:
        return
    found = [text for text, rect in it.words or [] if rect.intersects(it.geometry.spine)]
    if found:
        it.report(
            "W015",
            f"spine text ('{' '.join(found[:6])}') on a book of {it.geometry.pages} pages; "
            "KDP prints spine text only from 79 pages",
        )


def _transparency(obj: Any, seen: set[tuple[int, int]]) -> Iterator[str]:
    """Soft masks, transparency groups and constant alpha anywhere under `obj`."""
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        if obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        mask = obj.get("/SMask")
        if mask is not None and mask != pikepdf.Name.None_:
            yield "a soft mask (/SMask)"
        group = obj.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and group.get("/S") == pikepdf.Name.Transparency:
            yield "a transparency group"
        for key in ("/CA", "/ca"):
            value = obj.get(key)
            if value is not None and float(value) < 1.0:
                yield f"constant alpha {key} {float(value):g}"
        blend = obj.get("/BM")
        if blend is not None and blend not in (pikepdf.Name.Normal, pikepdf.Name.Compatible):
            yield f"blend mode {blend}"
        for key in obj.keys():  # noqa: SIM118
            if key not in ("/Parent", "/P"):
                yield from _transparency(obj.get(key), seen)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            yield from _transparency(item, seen)


def check_transparency(it: CoverInspection) -> None:
    """W016: nothing transparent (printers flatten it unpredictably; PDF/X-1a forbids it)."""
    found = sorted(set(_transparency(it.pdf.pages[0].obj, set())))
    if found:
        it.report("W016", f"the cover uses {', '.join(found)}; flatten it to opaque colour")


RULES: tuple[Callable[[CoverInspection], None], ...] = (
    check_size,
    check_fonts,
    check_barcode,
    check_trim_clearance,
    check_spine_clearance,
    check_spine_text,
    check_transparency,
)


def check_cover(interior: Interior, book: Book, config: Config, reporter: Reporter) -> None:
    """`book check` for one cover: read it and its interior, then apply every rule."""
    path = interior.cover
    location = SourceLocation(display_path(path))

    def report(code: str, message: str) -> None:
        reporter.report(code, message, location)

    setup = cover_setup(config, Reporter())  # the cover command reported these already
    if setup is None:
        return
    try:
        with pikepdf.open(interior.pdf) as pdf:
            pages = len(pdf.pages)
    except (pikepdf.PdfError, OSError) as exc:
        report("W004", f"cannot count the pages of '{display_path(interior.pdf)}' to check its cover: {exc}")
        return
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        report("W017", f"'{display_path(path)}' cannot be read as a PDF: {exc}")
        return
    with pdf:
        if len(pdf.pages) != 1:
            report("W017", f"the cover has {len(pdf.pages)} pages; a full-wrap cover is one page")
            return
        words: list[tuple[str, Rect]] | None = None
        if pdf_words.available():
            words = [(word.text, _inches(word)) for word in pdf_words.page_words(path)[0]]
        else:
            report("W013", "cannot check where the cover's text is: pdftotext (poppler-utils) is missing")
        inspection = CoverInspection(pdf, words, cover_geometry(*setup, pages), report)
        for rule in RULES:
            rule(inspection)
