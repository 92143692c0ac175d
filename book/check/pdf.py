"""Print preflight: read the built PDF and report every rule a printer would reject it for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from book.check import pdf_words
from book.check.pdf_content import PageInk, font_is_embedded, page_ink
from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.printing.limits import PageLimits, describe, page_limits
from book.printing.trim import (
    BLEED_IN,
    MIN_EDGE_MARGIN_IN,
    PT_PER_IN,
    Trim,
    gutter_for,
)

MIN_TEXT_PT = 7.0
TOLERANCE_PT = 0.5  # rounding in the PDF's numbers and poppler's word boxes
MAX_BLANK_RUN = 2


@dataclass(frozen=True)
class Expect:
    """What the book's print section promises about the PDF."""

    trim: Trim
    profile: str
    bleed: bool
    limits: PageLimits
    printer: str  # "KDP paperback on white paper at 6x9in", for messages


@dataclass
class Inspection:
    """Everything read from the PDF once, shared by the rules."""

    path: Path
    pdf: pikepdf.Pdf
    ink: list[PageInk]
    words: list[list[pdf_words.Word]] | None  # None when pdftotext is missing or failed (P015)
    report: Callable[[str, str], None]


def _box(page: pikepdf.Page, key: str) -> list[float] | None:
    value = page.obj.get(key)
    return [float(v) for v in value] if value is not None else None


def _pages(numbers: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def check_fonts(it: Inspection, expect: Expect) -> None:
    """P001: every font, used or merely listed, carries its font program."""
    missing: dict[str, list[int]] = {}
    for number, page in enumerate(it.pdf.pages, 1):
        # Not a dict by name: a book joined from parts has distinct subsets under one name.
        fonts = [*page_fonts(page), *it.ink[number - 1].fonts.items()]
        for name in sorted({name for name, font in fonts if not font_is_embedded(font)}):
            missing.setdefault(name, []).append(number)
    for name, pages in missing.items():
        it.report("P001", f"font '{name}' is not embedded (pages {_pages(pages)})")


def page_fonts(page: pikepdf.Page) -> list[tuple[str, Any]]:
    resources: Any = page.obj.get("/Resources", pikepdf.Dictionary())
    fonts: Any = resources.get("/Font", {})
    return [(str(f.get("/BaseFont", key))[1:], f) for key, f in fonts.items()]


def check_geometry(it: Inspection, expect: Expect) -> None:
    """P002 page size = trim (+ KDP bleed); P003 TrimBox and BleedBox on every page."""
    width, height = expect.trim.width_pt, expect.trim.height_pt
    bleed = BLEED_IN * PT_PER_IN
    if expect.bleed:
        width, height = width + bleed, height + 2 * bleed
    wrong: list[int] = []
    first = ("", "")
    boxless: list[int] = []
    for number, page in enumerate(it.pdf.pages, 1):
        media = _box(page, "/MediaBox") or [0, 0, 0, 0]
        trim = _box(page, "/TrimBox")
        if trim is None or page.obj.get("/BleedBox") is None:
            boxless.append(number)
        # Proofs carry crop marks outside the trim: there the TrimBox must be the trim size.
        measured = trim if expect.profile == "proof" and trim else media
        size = (measured[2] - measured[0], measured[3] - measured[1])
        want = (expect.trim.width_pt, expect.trim.height_pt) if expect.profile == "proof" else (width, height)
        if abs(size[0] - want[0]) > TOLERANCE_PT or abs(size[1] - want[1]) > TOLERANCE_PT:
            wrong.append(number)
            if len(wrong) == 1:
                got = f"{size[0] / PT_PER_IN:.3f} x {size[1] / PT_PER_IN:.3f} in"
                need = f"{want[0] / PT_PER_IN:.3f} x {want[1] / PT_PER_IN:.3f} in"
                first = (got, need)
    if wrong:
        extra = " with bleed" if expect.bleed else ""
        it.report(
            "P002",
            f"page size {first[0]} is not the trim size {expect.trim.name}{extra} "
            f"({first[1]}) on pages {_pages(wrong)}",
        )
    if boxless:
        it.report("P003", f"no TrimBox or BleedBox on pages {_pages(boxless)}")


def check_page_count(it: Inspection, expect: Expect) -> None:
    """P004: within the profile's page limits, and even where the printer needs it."""
    limits = expect.limits
    count = len(it.pdf.pages)
    if not limits.minimum <= count <= limits.maximum:
        it.report("P004", f"{count} pages: {expect.printer} needs {limits.minimum} to {limits.maximum} pages")
    elif limits.even and count % 2:
        it.report("P004", f"{count} pages: the {expect.profile} profile needs an even page count")


def check_margins(it: Inspection, expect: Expect) -> None:
    """P005: every word stays inside the margins the page count requires (gutter on the inside)."""
    if it.words is None:
        return  # P015 said why
    gutter = gutter_for(len(it.pdf.pages)) * PT_PER_IN
    edge = MIN_EDGE_MARGIN_IN * PT_PER_IN
    bad: list[int] = []
    example = ""
    for number, (page, words) in enumerate(zip(it.pdf.pages, it.words, strict=False), 1):
        media = _box(page, "/CropBox") or _box(page, "/MediaBox") or [0, 0, 0, 0]
        trim = _box(page, "/TrimBox") or media
        recto = number % 2 == 1
        need_left, need_right = (gutter, edge) if recto else (edge, gutter)
        for word in words:
            # poppler measures from the crop box's top-left corner; PDF y grows upwards.
            left = media[0] + word.x0 - trim[0]
            right = trim[2] - (media[0] + word.x1)
            top = trim[3] - (media[3] - word.y0)
            bottom = (media[3] - word.y1) - trim[1]
            gaps = {
                "left": (left, need_left),
                "right": (right, need_right),
                "top": (top, edge),
                "bottom": (bottom, edge),
            }
            side = next((s for s, (got, need) in gaps.items() if got < need - TOLERANCE_PT), None)
            if side:
                bad.append(number)
                if not example:
                    got, need = gaps[side]
                    example = (
                        f"'{word.text}' on page {number} is {got / PT_PER_IN:.3f} in from "
                        f"the {side} edge (needs {need / PT_PER_IN:.3f} in)"
                    )
                break
    if bad:
        it.report(
            "P005", f"text outside the margins for {len(it.pdf.pages)} pages: {example}; pages {_pages(bad)}"
        )


def check_blank_runs(it: Inspection, expect: Expect) -> None:
    """P006: at most two blank pages in a row, except at the end of the book."""
    blank = [
        (not words) if it.words is not None else ink.text_runs == 0
        for words, ink in zip(it.words or it.ink, it.ink, strict=False)
    ]
    run_start = None
    for index, empty in enumerate([*blank, False]):
        if empty and run_start is None:
            run_start = index
        elif not empty and run_start is not None:
            length = index - run_start
            at_end = index == len(blank)
            if length > MAX_BLANK_RUN and not at_end:
                it.report("P006", f"{length} blank pages in a row (pages {run_start + 1}-{index})")
            run_start = None


def check_text_size(it: Inspection, expect: Expect) -> None:
    """P007: no text smaller than 7 pt."""
    small = [(n, ink.small_text[0]) for n, ink in enumerate(it.ink, 1) if ink.small_text]
    if small:
        number, (size, font) = small[0]
        it.report(
            "P007",
            f"{size:.2f} pt text in '{font}' on page {number} (at least "
            f"{MIN_TEXT_PT:g} pt); pages {_pages([n for n, _ in small])}",
        )


def check_colour(it: Inspection, expect: Expect) -> None:
    """P008: an IngramSpark black-and-white interior uses no RGB at all."""
    if expect.profile != "ingram":
        return
    found = [(n, ink.rgb[0]) for n, ink in enumerate(it.ink, 1) if ink.rgb]
    if found:
        number, what = found[0]
        it.report(
            "P008",
            f"{what} on page {number}; the interior must be grayscale or K only; "
            f"pages {_pages([n for n, _ in found])}",
        )


def check_outline(it: Inspection, expect: Expect) -> None:
    """P009: the chapters are bookmarked."""
    outlines = it.pdf.Root.get("/Outlines")
    if outlines is None or outlines.get("/First") is None:
        it.report("P009", "the PDF has no outline: readers and printers' previews need bookmarks")


def check_glyphs(it: Inspection, expect: Expect) -> None:
    """P010: no character is drawn with the .notdef glyph (an empty box)."""
    for number, ink in enumerate(it.ink, 1):
        for font, count in ink.notdef.items():
            it.report(
                "P010",
                f"{count} character(s) on page {number} have no glyph in '{font}' and print as empty boxes",
            )


RULES: tuple[Callable[[Inspection, Expect], None], ...] = (
    check_fonts,
    check_geometry,
    check_page_count,
    check_margins,
    check_blank_runs,
    check_text_size,
    check_colour,
    check_outline,
    check_glyphs,
)


def expectations(config: Config) -> Expect:
    """What book.yaml's print section promises (its trim was validated with the rest of it)."""
    settings = config.print
    limits = page_limits(settings.profile, settings.binding, settings.paper, settings.trim.name)
    printer = describe(settings.profile, settings.binding, settings.paper, settings.trim.name)
    return Expect(settings.trim, settings.profile, settings.bleed, limits, printer)


def preflight_pdf(path: Path, book: Book, config: Config, reporter: Reporter) -> None:
    """`book check` for the print interior: every rule, every problem, then stop."""
    location = SourceLocation(display_path(path))
    expect = expectations(config)
    if not path.is_file():
        reporter.report("P012", f"no PDF at '{display_path(path)}': run 'make pdf' first", location)
        return
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        reporter.report("P012", f"'{display_path(path)}' cannot be read as a PDF: {exc}", location)
        return
    with pdf:
        words = _words(path, lambda message: reporter.report("P015", message, location))
        ink = [page_ink(page, MIN_TEXT_PT) for page in pdf.pages]
        inspection = Inspection(
            path, pdf, ink, words, lambda code, message: _report(reporter, code, message, location)
        )
        for rule in RULES:
            rule(inspection, expect)


def _words(path: Path, unmeasured: Callable[[str], object]) -> list[list[pdf_words.Word]] | None:
    """Every page's words from poppler; None, with P015, when they cannot be had."""
    if not pdf_words.available():
        unmeasured(
            "cannot measure the margins: pdftotext is not installed "
            "(apt-get install poppler-utils, or `make tools`)"
        )
        return None
    try:
        return pdf_words.page_words(path)
    except OSError as exc:
        unmeasured(f"cannot measure the margins: {exc}")
        return None


def _report(reporter: Reporter, code: str, message: str, location: SourceLocation) -> None:
    reporter.report(code, message, location)
