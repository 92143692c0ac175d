"""What the print interior will be: its trim and fonts, the checks before layout, and its parts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from book.cache import digest, files_digest
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, Chapter, Inline, Paragraph, SourceLocation, Text
from book.naming import book_labels
from book.printing import fonts, hyphenation
from book.printing.limits import PageLimits, describe, page_limits
from book.printing.pages import page_model
from book.printing.trim import Trim
from book.resources import style_files, style_path, style_roots
from book.writers.pdf import layout
from book.writers.pdf.html import Selection, has_notes, render_html
from book.writers.pdf.layout import FOLIOS_PER_SHEET, Job, Part


@dataclass(frozen=True)
class PrintSetup:
    """Everything the layout needs besides the book: resolved from book.yaml's print section."""

    trim: Trim
    profile: str
    bleed: bool
    faces: list[fonts.Face]
    fallbacks: list[fonts.Face]
    source_dir: Path
    stylesheet: Path  # print.css: the user's styles/print.css, else the package's
    limits: PageLimits  # the printer's page range for this binding, paper and trim
    printer: str  # "KDP paperback on white paper at 5.5x8.5in", for messages
    hyphenate: bool = True  # False when the language has no hyphenation dictionary

    @property
    def roots(self) -> tuple[str, ...]:
        """The folders WeasyPrint may read from: the styles in use and the source folder."""
        return (*(str(root) for root in style_roots(self.source_dir)), str(self.source_dir))

    @property
    def base_url(self) -> str:
        return self.source_dir.resolve().as_uri() + "/"


def print_setup(config: Config, reporter: Reporter) -> PrintSetup:
    """Resolve the fonts (book.yaml's trim size was validated with the rest of it)."""
    settings = config.print
    fallbacks, missing = fonts.resolve_fallbacks(settings.fallback_fonts, config.source_dir)
    # The default chain is best effort; a font the author named and we cannot find is worth a word.
    for name in missing if settings.fallback_fonts else []:
        reporter.report(
            "P013",
            f"fallback font '{name}' was not found (not installed, nor a font file inside the source folder)",
            config.location("print.fallback_fonts") or config.location("print"),
        )
    hyphenate = hyphenation.dictionary(config.language) is not None
    if not hyphenate and hyphenation.needs_dictionary(config.language):
        reporter.report(
            "L005",
            f"there is no hyphenation dictionary for '{config.language}'; the print interior is set "
            "without hyphenation (pyphen's dictionaries cover most European languages)",
            config.location("language"),
        )
    return PrintSetup(
        settings.trim,
        settings.profile,
        settings.bleed,
        fonts.text_faces(config.source_dir),
        fallbacks,
        config.source_dir,
        style_path("print.css", config.source_dir),
        page_limits(settings.profile, settings.binding, settings.paper, settings.trim.name),
        describe(settings.profile, settings.binding, settings.paper, settings.trim.name),
        hyphenate,
    )


def _text_of(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text for i in inlines if isinstance(i, Text))


_NO_CONFIG = Config(source_dir=Path("."))
PRINTED_LABELS = ("chapter", "chapter_name", "part", "contents", "notes", "edition", "published_by")


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
    # The labels print shows (book/labels.py): a translation in a script the fonts lack is caught too.
    words = book_labels(book)
    for key in PRINTED_LABELS:
        yield words.strings[key], config.location(f"labels.{key}") or config.location("language") or meta_loc


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


def report_missing_glyphs(book: Book, config: Config, setup: PrintSetup, reporter: Reporter) -> bool:
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


def report_long_paragraphs(book: Book, reporter: Reporter) -> bool:
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


def estimate_pages(book: Book, trim: Trim) -> int:
    """A first guess at the page count, so that most books need a single layout: the line model of
    printing/pages.py, at the gutter band of its own first count (a guess in the wrong band costs
    a whole second layout, which a 790-page volume paid with the old words-per-page rule)."""
    chapters = list(book.chapters)
    first = page_model(trim, 1).book_pages(chapters)
    return page_model(trim, first).book_pages(chapters)


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


def part_jobs(book: Book, setup: PrintSetup, css: str, padding: int) -> Iterator[Job]:
    """One job per chapter, then the notes; the last part ends the book (padding, closing verso)."""
    ingram = setup.profile == "ingram"
    pieces = [(part_label(book, group), group, False) for group in chapter_groups(book)]
    if has_notes(book):
        pieces.append(("notes", range(0), True))
    for position, (label, chapters, notes) in enumerate(pieces):
        last = position == len(pieces) - 1
        selection = Selection(front=False, chapters=chapters, notes=notes, part_end=not last, closing=last)
        html = render_html(book, [setup.stylesheet.as_uri()], padding, ingram, selection=selection)
        anchors = tuple(book.chapters[i].id for i in chapters) + (("notes",) if notes else ())
        yield Job(
            label,
            html,
            css,
            setup.base_url,
            setup.roots,
            ingram,
            drop_last=not last,
            lift_folios=True,
            anchors=anchors,
        )


def sheet_jobs(book: Book, setup: PrintSetup, css: str, first: int, last: int) -> list[Job]:
    """Folio sheets for the folios first..last (sheet-aligned: `first` is 1 more than a multiple)."""
    html = layout.folio_sheet_html(book.metadata.language, [setup.stylesheet.as_uri()])
    return [
        Job(
            f"folios {start}-{start + FOLIOS_PER_SHEET - 1}",
            html,
            css,
            setup.base_url,
            setup.roots,
            setup.profile == "ingram",
            extra_css=layout.first_folio_css(start),
        )
        for start in range(first, last + 1, FOLIOS_PER_SHEET)
    ]


def front_job(book: Book, setup: PrintSetup, css: str, body: list[Part]) -> Job:
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
    html = render_html(book, [setup.stylesheet.as_uri()], selection=selection)
    return Job(
        "front matter", html, css, setup.base_url, setup.roots, setup.profile == "ingram", drop_last=True
    )


def parts_salt(setup: PrintSetup) -> str:
    """What every part's cache key shares: the writer's code, the styles and the font files in use."""
    return digest(
        layout.code_version(),
        files_digest(style_files(setup.source_dir)),
        layout.fonts_digest([f.path for f in setup.faces + setup.fallbacks]),
    )
