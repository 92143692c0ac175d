"""IR → the print HTML: every typographic decision made here, rendered by logic-free templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from book.ir import Book, Chapter, Inline, NoteRef, Paragraph, SceneBreak, SectionHeading, Text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "pdf"
SCENE_BREAK = "*\u2003*\u2003*"  # three spaced asterisks: a glyph every text face has
RUNNING_HEAD_MAX = 42  # longer chapter titles are shortened in the running head


@dataclass(frozen=True)
class BlockView:
    """One block as the template writes it: an element, its class and id, its escaped content."""

    tag: str
    cls: str
    id: str
    content: Markup


@dataclass(frozen=True)
class ChapterView:
    id: str
    label: str
    title: str
    running_head: str
    bookmark: str
    cls: str
    blocks: tuple[BlockView, ...]


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
    label: str
    title: str


def inlines_html(inlines: tuple[Inline, ...]) -> Markup:
    """Escaped text with note references as superscript links (source markup stays visible text)."""
    parts: list[Markup] = []
    for inline in inlines:
        if isinstance(inline, Text):
            parts.append(escape(inline.text))
        elif isinstance(inline, NoteRef):
            parts.append(
                Markup('<a class="noteref" id="{}" href="#{}">{}</a>').format(
                    inline.ref_id, inline.note_id, inline.number
                )
            )
    return Markup("").join(parts)


def chapter_title(chapter: Chapter) -> str:
    """The printed title: the arc's part number set off with an en dash (`War – 8`)."""
    if chapter.arc and chapter.part is not None:
        return f"{chapter.arc} \u2013 {chapter.part}"
    return chapter.title


def running_head(title: str) -> str:
    if len(title) <= RUNNING_HEAD_MAX:
        return title
    return title[: RUNNING_HEAD_MAX - 1].rsplit(" ", 1)[0] + "\u2026"


def blocks_view(chapter: Chapter) -> tuple[BlockView, ...]:
    """Paragraphs indented except after a heading or break; breaks as a centred ornament."""
    views: list[BlockView] = []
    flush = True  # the first paragraph of a chapter or section is set flush left
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            views.append(BlockView("p", "first" if flush else "", "", inlines_html(block.inlines)))
            flush = False
        elif isinstance(block, SectionHeading):
            # Non-breaking hyphens: a heading never breaks inside `D-Day`.
            text = block.text.replace("-", "\u2011")
            views.append(BlockView("h2", "section", block.id, escape(text)))
            flush = True
        elif isinstance(block, SceneBreak):
            views.append(BlockView("p", "scene-break", "", escape(SCENE_BREAK)))
            flush = True
    return tuple(views)


def chapters_view(book: Book) -> tuple[ChapterView, ...]:
    views = []
    for index, chapter in enumerate(book.chapters):
        title = chapter_title(chapter)
        label = f"Chapter {chapter.number}"
        views.append(
            ChapterView(
                id=chapter.id,
                label=label,
                title=title,
                running_head=running_head(title),
                bookmark=f"{label}: {title}",
                cls="chapter first-chapter" if index == 0 else "chapter",
                blocks=blocks_view(chapter),
            )
        )
    return tuple(views)


def notes_view(book: Book) -> tuple[NoteGroupView, ...]:
    """Endnotes grouped under their chapter, numbered as in the EPUB, each linking back to its ref."""
    groups = []
    for chapter in book.chapters:
        if not chapter.notes:
            continue
        notes = tuple(
            NoteView(
                id=note.id,
                number=note.number,
                backlink=f"#{note.ref_ids[0]}" if note.ref_ids else f"#{chapter.id}",
                paragraphs=tuple(inlines_html(p) for p in note.paragraphs) or (Markup(""),),
            )
            for note in chapter.notes
        )
        groups.append(NoteGroupView(f"Chapter {chapter.number}: {chapter_title(chapter)}", notes))
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


def render_html(book: Book, stylesheet_urls: list[str], padding: int = 0, closing_verso: bool = False) -> str:
    """The whole print interior as one HTML document.

    `padding` blank pages end the book (to reach a printer's minimum page count); `closing_verso`
    ends it on a blank verso so that the page count is even.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    meta = book.metadata
    notes = notes_view(book)
    toc = [TocEntry(f"#{c.id}", f"{c.number}", chapter_title(c)) for c in book.chapters]
    if notes:
        toc.append(TocEntry("#notes", "", "Notes"))
    return env.get_template("book.html").render(
        lang=meta.language,
        title=meta.title,
        subtitle=meta.subtitle or "",
        authors=", ".join(meta.authors),
        publisher=meta.publisher or "",
        rights=meta.rights or "",
        identifier=identifier_text(meta.identifier),
        edition=edition_date(book),
        created=pdf_date(meta.modified),
        stylesheets=stylesheet_urls,
        toc=toc,
        chapters=chapters_view(book),
        note_groups=notes,
        closing_pages=["pad-blank"] * padding + (["final-blank"] if closing_verso else []),
    )
