"""IR → print-ready PDF: HTML from templates/pdf, laid out by WeasyPrint, fixed up for the printer."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from book import progress
from book.cache import digest
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, Chapter, Inline, Paragraph, SourceLocation, Text
from book.output import atomic_path, output_path
from book.writers import fonts, pdf_parts
from book.writers.pdf_css import generated_css
from book.writers.pdf_fetch import ConfinedFetcher
from book.writers.pdf_html import Selection, has_notes, render_html
from book.writers.pdf_merge import merge
from book.writers.pdf_parts import FOLIOS_PER_SHEET, Job, Part, Renderer
from book.writers.pdf_post import finish, finish_pdf
from book.writers.trim import PAGE_LIMITS, Trim, gutter_for, margins_for, parse_trim

PRINT_CSS = fonts.STYLES_DIR / "print.css"
MAX_LAYOUTS = 4  # the gutter band can change the page count, which can change the band...


@dataclass(frozen=True)
class PrintSetup:
    """Everything the layout needs besides the book: resolved from book.yaml's print section."""

    trim: Trim
    profile: str
    bleed: bool
    faces: list[fonts.Face]
    fallbacks: list[fonts.Face]
    source_dir: Path


def print_setup(config: Config, reporter: Reporter) -> PrintSetup | None:
    """Resolve the trim size and fonts; None (with a P011 error) when the trim is unknown."""
    settings = config.print
    trim = parse_trim(settings.trim)
    if trim is None:
        reporter.report(
            "P011",
            f"'{settings.trim}' is not a KDP standard trim size; use a name (A5) or dimensions "
            "like 5.5x8.5in, 6 x 9 or 152x229mm",
            config.location("print.trim") or config.location("print"),
        )
        return None
    fallbacks, missing = fonts.resolve_fallbacks(settings.fallback_fonts, config.source_dir)
    # The default chain is best effort; a font the author named and we cannot find is worth a word.
    for name in missing if settings.fallback_fonts else []:
        reporter.report(
            "P013",
            f"fallback font '{name}' was not found (not installed, nor a font file inside the source folder)",
            config.location("print.fallback_fonts") or config.location("print"),
        )
    return PrintSetup(
        trim, settings.profile, settings.bleed, fonts.text_faces(), fallbacks, config.source_dir
    )


def _text_of(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text for i in inlines if isinstance(i, Text))


_NO_CONFIG = Config(source_dir=Path("."))


def _texts(book: Book, config: Config) -> Iterator[tuple[str, SourceLocation]]:
    """Every piece of the book's own text with the place it came from."""
    meta_loc = config.location("title") or SourceLocation(str(config.path or config.source_dir))
    yield book.metadata.title, meta_loc
    for extra in (
        book.metadata.subtitle,
        book.metadata.publisher,
        book.metadata.rights,
        *book.metadata.authors,
    ):
        if extra:
            yield extra, meta_loc
    for chapter in book.chapters:
        yield from _chapter_texts(chapter)


def _chapter_texts(chapter: Chapter) -> Iterator[tuple[str, SourceLocation]]:
    yield chapter.title, chapter.location
    for block in chapter.blocks:
        text = getattr(block, "text", None)
        if text is None and hasattr(block, "inlines"):
            text = _text_of(block.inlines)
        if text:
            yield text, block.location
    for note in chapter.notes:
        for paragraph in note.paragraphs:
            yield _text_of(paragraph), note.location


def check_glyphs(book: Book, config: Config, setup: PrintSetup, reporter: Reporter) -> bool:
    """P010 for every character no configured font can draw, at its paragraph; True if all can."""
    covered = fonts.coverage(setup.faces + setup.fallbacks)
    chain = ", ".join([fonts.TEXT_FAMILY, *(f.family for f in setup.fallbacks)]) or fonts.TEXT_FAMILY
    ok = True
    for text, location in _texts(book, config):
        # Distinct characters first: a book is millions of characters but a few hundred distinct.
        missing = sorted(c for c in set(text) if ord(c) not in covered and fonts.needs_glyph(c))
        if missing:
            ok = False
            shown = " ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:8])
            reporter.report(
                "P010",
                f"no glyph for {shown} in the text face or the fallbacks ({chain}); "
                "install a font that has it and name it in book.yaml print: fallback_fonts:",
                location,
            )
    return ok


# WeasyPrint lays a paragraph out line by line at a cost that grows faster than its length: 50,000
# words take ~8 s, a million would take many minutes and gigabytes. No printed paragraph is that long.
MAX_PARAGRAPH_WORDS = 50_000


def check_paragraph_lengths(book: Book, reporter: Reporter) -> bool:
    """P014 for every paragraph too long to typeset; True if there is none."""
    ok = True
    for chapter in book.chapters:
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                words = len(_text_of(block.inlines).split())
                if words > MAX_PARAGRAPH_WORDS:
                    ok = False
                    reporter.report(
                        "P014",
                        f"this paragraph has {words:,} words, too many to typeset (the limit is "
                        f"{MAX_PARAGRAPH_WORDS:,}); split it with blank lines",
                        block.location,
                    )
    return ok


def _weasyprint_quiet() -> None:
    # WeasyPrint logs refused URLs and unsupported CSS as warnings; the build reports its own.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def layout(book: Book, setup: PrintSetup, pages_guess: int, padding: int) -> tuple[bytes, int]:
    """One WeasyPrint run for a gutter chosen as if the book had `pages_guess` pages."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    _weasyprint_quiet()
    fetcher = ConfinedFetcher([fonts.STYLES_DIR, setup.source_dir])
    font_config = FontConfiguration()
    margins = margins_for(setup.trim, pages_guess)
    css = generated_css(setup.trim, margins, setup.faces, setup.fallbacks, setup.profile, setup.bleed)
    html = render_html(book, [PRINT_CSS.as_uri()], padding=padding, closing_verso=setup.profile == "ingram")
    document = HTML(
        string=html, base_url=setup.source_dir.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render(
        font_config=font_config,
        stylesheets=[CSS(string=css, font_config=font_config, url_fetcher=fetcher)],
    )
    options: dict[str, object] = {"uncompressed_pdf": False, "pdf_identifier": False}
    if setup.profile == "ingram":
        options["pdf_variant"] = "pdf/x-1a"
    data = document.write_pdf(**options)
    return data, len(document.pages)


def estimate_pages(book: Book, trim: Trim) -> int:
    """A first guess at the page count, so that most books need a single layout."""
    words = sum(len(text.split()) for text, _ in _texts(book, _NO_CONFIG))
    per_page = 290 * (trim.width * trim.height) / (5.5 * 8.5)
    return int(words / per_page + 1.5 * len(book.chapters) + 8)


def single_flow(book: Book, setup: PrintSetup) -> bytes:
    """The whole book as one WeasyPrint flow, re-laid while the gutter band changes (BOOK_JOBS=1).

    The reference the part-by-part layout must match, page for page.
    """
    minimum = PAGE_LIMITS[setup.profile][0]
    guess, padding = estimate_pages(book, setup.trim), 0
    for _ in range(MAX_LAYOUTS):
        data, pages = layout(book, setup, guess, padding)
        short = max(0, minimum - pages) if padding == 0 else 0
        if gutter_for(pages) == gutter_for(guess) and not short:
            break
        guess, padding = pages + short, padding + short
    return data


@dataclass(frozen=True)
class Parts:
    """The book laid out part by part: front matter, body parts in order, folio sheets."""

    front: Part
    body: list[Part]
    sheets: list[Part]


# Words per part: each WeasyPrint document costs ~50 ms of fonts, CSS and subsetting on top of its
# pages, so short chapters are laid out a few at a time; an edit re-lays out its whole group.
WORDS_PER_PART = 5000
MAX_CHAPTERS_PER_PART = 8


def chapter_groups(book: Book) -> list[range]:
    """Consecutive chapters in parts of a fixed size, chosen from the median chapter's length.

    Fixed-size groups keep their boundaries when a chapter is edited (a word budget would move
    every later boundary, and with them every later part's cache key); the median barely moves.
    """
    sizes = sorted(sum(len(text.split()) for text, _ in _chapter_texts(c)) for c in book.chapters)
    median = sizes[len(sizes) // 2] if sizes else WORDS_PER_PART
    size = min(MAX_CHAPTERS_PER_PART, max(1, round(WORDS_PER_PART / max(median, 1))))
    return [range(i, min(i + size, len(book.chapters))) for i in range(0, len(book.chapters), size)]


def part_label(book: Book, group: range) -> str:
    first, last = book.chapters[group[0]].number, book.chapters[group[-1]].number
    return f"chapter {first}" if first == last else f"chapters {first}-{last}"


def _part_jobs(book: Book, setup: PrintSetup, css: str, padding: int) -> Iterator[Job]:
    """One job per chapter, then the notes; the last part ends the book (padding, closing verso)."""
    base_url = setup.source_dir.resolve().as_uri() + "/"
    roots = (str(fonts.STYLES_DIR), str(setup.source_dir))
    ingram = setup.profile == "ingram"
    pieces = [(part_label(book, group), group, False) for group in chapter_groups(book)]
    if has_notes(book):
        pieces.append(("notes", range(0), True))
    for position, (label, chapters, notes) in enumerate(pieces):
        last = position == len(pieces) - 1
        selection = Selection(front=False, chapters=chapters, notes=notes, part_end=not last, closing=last)
        html = render_html(book, [PRINT_CSS.as_uri()], padding, ingram, selection=selection)
        anchors = tuple(book.chapters[i].id for i in chapters) + (("notes",) if notes else ())
        yield Job(
            label, html, css, base_url, roots, ingram, drop_last=not last, lift_folios=True, anchors=anchors
        )


def _sheet_jobs(book: Book, setup: PrintSetup, css: str, first: int, last: int) -> list[Job]:
    """Folio sheets for the folios first..last (sheet-aligned: `first` is 1 more than a multiple)."""
    base_url = setup.source_dir.resolve().as_uri() + "/"
    roots = (str(fonts.STYLES_DIR), str(setup.source_dir))
    html = pdf_parts.folio_sheet_html(book.metadata.language, [PRINT_CSS.as_uri()])
    return [
        Job(
            f"folios {start}-{start + FOLIOS_PER_SHEET - 1}",
            html,
            css + pdf_parts.first_folio_css(start),
            base_url,
            roots,
            setup.profile == "ingram",
        )
        for start in range(first, last + 1, FOLIOS_PER_SHEET)
    ]


def _front_job(book: Book, setup: PrintSetup, css: str, body: list[Part]) -> Job:
    """The front matter, its contents printing the folios the body parts start on."""
    # The folio each chapter (and the notes) starts on: its part's first folio plus its page there.
    folio_of: dict[str, int] = {}
    folio = 1
    for part in body:
        folio_of.update((name, folio + index) for name, index in part.anchors)
        folio += part.pages
    ids = [c.id for c in book.chapters] + (["notes"] if has_notes(book) else [])
    starts = [str(folio_of[name]) for name in ids]
    selection = Selection(
        front=True, chapters=range(0), notes=False, folios=tuple(starts), part_end=True, closing=False
    )
    html = render_html(book, [PRINT_CSS.as_uri()], selection=selection)
    base_url = setup.source_dir.resolve().as_uri() + "/"
    roots = (str(fonts.STYLES_DIR), str(setup.source_dir))
    return Job("front matter", html, css, base_url, roots, setup.profile == "ingram", drop_last=True)


def parts_salt(setup: PrintSetup) -> str:
    """What every part's cache key shares: the writer's code and the font files in use."""
    return digest(
        pdf_parts.code_version(), pdf_parts.fonts_digest([f.path for f in setup.faces + setup.fallbacks])
    )


def parts_layout(book: Book, setup: PrintSetup, renderer: Renderer) -> Parts:
    """The book part by part on the renderer's workers, re-laid while the gutter band changes.

    The folio sheets for the estimated page count are laid out with the body parts, so that no
    core waits; the front matter comes last, when the contents' folios are known.
    """
    minimum = PAGE_LIMITS[setup.profile][0]
    guess, padding = estimate_pages(book, setup.trim), 0
    count = len(chapter_groups(book)) + int(has_notes(book))
    with progress.stage("rendering", count + 1) as bar:
        for _ in range(MAX_LAYOUTS):
            margins = margins_for(setup.trim, guess)
            css = generated_css(setup.trim, margins, setup.faces, setup.fallbacks, setup.profile, setup.bleed)
            early = _sheet_jobs(book, setup, css, 1, guess)
            bar.total, bar.done = count + len(early) + 1, 0
            done = renderer.run(itertools.chain(_part_jobs(book, setup, css, padding), early), bar)
            body, sheets = done[:count], done[count:]
            folios = sum(part.pages for part in body)
            late = _sheet_jobs(book, setup, css, len(sheets) * FOLIOS_PER_SHEET + 1, folios)
            bar.total += len(late)
            front, *more = renderer.run([_front_job(book, setup, css, body), *late], bar)
            sheets = (sheets + more)[: -(-folios // FOLIOS_PER_SHEET)]
            pages = front.pages + folios
            short = max(0, minimum - pages) if padding == 0 else 0
            if gutter_for(pages) == gutter_for(guess) and not short:
                break
            guess, padding = pages + short, padding + short
    return Parts(front, body, sheets)


def build_pdf(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """`book pdf`: lay the book out, re-laying it while the gutter band changes; write atomically.

    With more than one worker (BOOK_JOBS, else the cores) the parts are laid out in parallel and
    cached under BUILD/.cache; BOOK_JOBS=1 lays the book out as one flow, the reference.
    """
    setup = print_setup(config, reporter)
    if setup is None or not check_paragraph_lengths(book, reporter):
        return []
    target = output_path(book.metadata.title, build_dir, "pdf")
    first_body = book.chapters[0].id if book.chapters else ""
    options = {"bleed": setup.bleed, "pure_k": setup.profile == "ingram", "first_body": first_body}
    workers = pdf_parts.jobs()
    if workers == 1 or not book.chapters:
        if not check_glyphs(book, config, setup, reporter):
            return []
        data = single_flow(book, setup)
        with atomic_path(target) as tmp:
            finish(data, tmp, **options)  # type: ignore[arg-type]
        return [target]
    with Renderer(build_dir, parts_salt(setup), workers) as renderer:
        # The glyph check runs while the workers start up and import WeasyPrint.
        if not check_glyphs(book, config, setup, reporter):
            return []
        parts = parts_layout(book, setup, renderer)
    joined, sources = merge(
        parts.front.pdf,
        [part.pdf for part in parts.body],
        [part.folios for part in parts.body],
        [sheet.pdf for sheet in parts.sheets],
    )
    try:
        with atomic_path(target) as tmp:
            finish_pdf(joined, tmp, **options)  # type: ignore[arg-type]
    finally:
        for source in [joined, *sources]:
            source.close()
    return [target]
