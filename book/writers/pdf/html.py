"""IR → the print HTML: every typographic decision made here, rendered by logic-free templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from book.ir import Book, Chapter, Inline, NoteRef, Paragraph, SceneBreak, SectionHeading, Text
from book.naming import book_labels, chapter_name
from book.writers.templating import template

SCENE_BREAK = "*\u2003*\u2003*"  # three spaced asterisks: a glyph every text face has
RUNNING_HEAD_MAX = 42  # longer chapter titles are shortened in the running head
# Links inside the book as a part writes them: WeasyPrint drops a `#id` link whose target is in
# another part, but keeps a URI; the merge turns these back into named destinations.
PART_LINK = "x-book:"


@dataclass(frozen=True)
class HtmlBlock:
    """One block as the template writes it: an element, its class and id, its escaped content."""

    tag: str
    cls: str
    id: str
    content: Markup


@dataclass(frozen=True)
class ChapterView:
    id: str
    arc: str  # the arc's name above the label, when arcs are grouped and the chapter opens one
    label: str
    title: str
    running_head: str
    bookmark: str
    cls: str
    blocks: tuple[HtmlBlock, ...]


@dataclass(frozen=True)
class NoteView:
    id: str
    number: int
    backlink: str
    paragraphs: tuple[Markup, ...]


@dataclass(frozen=True)
class NoteGroupView:
    heading: str
    notes: tuple[NoteView, ...]


@dataclass(frozen=True)
class TocEntry:
    href: str
    title: str
    arc: str = ""  # an unnumbered line above the entry: its arc's name, when arcs are grouped
    nested: bool = False  # the entry sits under its arc's line
    folio: str = ""  # set when the contents are laid out apart from the chapters


@dataclass(frozen=True)
class Selection:
    """Which pieces of the book one HTML document holds; the default is the whole book.

    A part of a book laid out piece by piece holds the front matter, some chapters or the notes;
    `part_end` closes it with a page that the writer drops, after the blank verso it forces.
    """

    front: bool = True
    chapters: range | None = None  # indices into book.chapters; None: all
    notes: bool = True
    folios: tuple[str, ...] = ()  # the contents' page numbers, when known in advance
    part_end: bool = False
    closing: bool = True

    @property
    def part(self) -> bool:
        return self != Selection()


def inlines_html(inlines: tuple[Inline, ...], anchor: str = "#") -> Markup:
    """Escaped text with note references as superscript links (source markup stays visible text)."""
    parts: list[Markup] = []
    for inline in inlines:
        if isinstance(inline, Text):
            parts.append(escape(inline.text))
        elif isinstance(inline, NoteRef):
            parts.append(
                Markup('<a class="noteref" id="{}" href="{}{}">{}</a>').format(
                    inline.ref_id, anchor, inline.note_id, inline.number
                )
            )
    return Markup("").join(parts)


def running_head(title: str) -> str:
    if len(title) <= RUNNING_HEAD_MAX:
        return title
    return title[: RUNNING_HEAD_MAX - 1].rsplit(" ", 1)[0] + "\u2026"


def blocks_view(chapter: Chapter, anchor: str = "#") -> tuple[HtmlBlock, ...]:
    """Paragraphs indented except after a heading or break; breaks as a centred ornament."""
    views: list[HtmlBlock] = []
    flush = True  # the first paragraph of a chapter or section is set flush left
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            views.append(HtmlBlock("p", "first" if flush else "", "", inlines_html(block.inlines, anchor)))
            flush = False
        elif isinstance(block, SectionHeading):
            # Non-breaking hyphens: a heading never breaks inside `D-Day`.
            text = block.text.replace("-", "\u2011")
            views.append(HtmlBlock("h2", "section", block.id, escape(text)))
            flush = True
        elif isinstance(block, SceneBreak):
            views.append(HtmlBlock("p", "scene-break", "", escape(SCENE_BREAK)))
            flush = True
    return tuple(views)


def _opens_arc(book: Book, index: int) -> str:
    """The chapter's arc when arcs are grouped and the chapter before it is not of the same arc."""
    arc = chapter_name(book, book.chapters[index]).arc
    if arc is None or (index > 0 and chapter_name(book, book.chapters[index - 1]).arc == arc):
        return ""
    return arc


def chapters_view(book: Book, indices: range | None = None, anchor: str = "#") -> tuple[ChapterView, ...]:
    views = []
    for index in indices if indices is not None else range(len(book.chapters)):
        chapter = book.chapters[index]
        name = chapter_name(book, chapter)
        views.append(
            ChapterView(
                id=chapter.id,
                arc=_opens_arc(book, index),
                label=name.label,
                title=name.title,
                running_head=running_head(name.running_head),
                bookmark=name.full,
                cls="chapter first-chapter" if index == 0 else "chapter",
                blocks=blocks_view(chapter, anchor),
            )
        )
    return tuple(views)


def notes_view(book: Book, anchor: str = "#") -> tuple[NoteGroupView, ...]:
    """Endnotes grouped under their chapter, numbered as in the EPUB, each linking back to its ref."""
    groups = []
    for chapter in book.chapters:
        if not chapter.notes:
            continue
        notes = tuple(
            NoteView(
                id=note.id,
                number=note.number,
                backlink=anchor + (note.ref_ids[0] if note.ref_ids else chapter.id),
                paragraphs=tuple(inlines_html(p, anchor) for p in note.paragraphs) or (Markup(""),),
            )
            for note in chapter.notes
        )
        groups.append(NoteGroupView(chapter_name(book, chapter).full, notes))
    return tuple(groups)


def edition_date(book: Book) -> str:
    """The date printed on the copyright page: book.yaml's date, else the build date."""
    if book.metadata.date:
        return book.metadata.date
    return book.metadata.modified.date().isoformat()


def identifier_text(identifier: str) -> str:
    lowered = identifier.lower()
    if lowered.startswith("urn:isbn:") or lowered.startswith("isbn:"):
        return "ISBN " + identifier.split(":")[-1]
    return identifier


def pdf_date(moment: dt.datetime) -> str:
    """ISO 8601 in UTC, the form WeasyPrint turns into the PDF's CreationDate/ModDate."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def has_notes(book: Book) -> bool:
    return any(chapter.notes for chapter in book.chapters)


def render_html(
    book: Book,
    stylesheet_urls: list[str],
    padding: int = 0,
    closing_verso: bool = False,
    selection: Selection = Selection(),
) -> str:
    """The print interior as one HTML document: the whole book, or the part `selection` names.

    `padding` blank pages end the book (to reach a printer's minimum page count); `closing_verso`
    ends it on a blank verso so that the page count is even. A part links to other parts through
    PART_LINK URIs, sets the running title itself and carries no date (its bytes are a cache key).
    """
    meta, words = book.metadata, book_labels(book)
    part = selection.part
    anchor = PART_LINK if part else "#"
    toc: list[TocEntry] = []
    if selection.front:
        toc = [
            TocEntry(
                f"{anchor}{c.id}",
                chapter_name(book, c).full,
                _opens_arc(book, i),
                chapter_name(book, c).arc is not None,
            )
            for i, c in enumerate(book.chapters)
        ]
        if has_notes(book):
            toc.append(TocEntry(f"{anchor}notes", words.get("notes")))
        if selection.folios:
            toc = [dataclasses.replace(e, folio=f) for e, f in zip(toc, selection.folios, strict=True)]
    notes = notes_view(book, anchor) if selection.notes else ()
    closing = ["pad-blank"] * padding + (["final-blank"] if closing_verso else [])
    return template("pdf", "book.html").render(
        lang=meta.language,
        title=meta.title,
        subtitle=meta.subtitle or "",
        authors=words.get("author_separator").join(meta.authors),
        publisher=meta.publisher or "",
        published_by=words.get("published_by", publisher=meta.publisher) if meta.publisher else "",
        rights=meta.rights or "",
        identifier=identifier_text(meta.identifier),
        edition=words.get("edition", date=edition_date(book)),
        contents_heading=words.get("contents"),
        notes_heading=words.get("notes"),
        created="" if part and not selection.front else pdf_date(meta.modified),
        stylesheets=stylesheet_urls,
        front=selection.front,
        running_title=meta.title if part else "",
        toc=toc,
        chapters=chapters_view(book, selection.chapters, anchor),
        note_groups=notes,
        part_end=selection.part_end,
        closing_pages=closing if selection.closing else [],
    )
