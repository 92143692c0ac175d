"""The EPUB's XHTML documents (cover, title page, chapters, endnotes) rendered from plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from markupsafe import Markup

from book.ir import Book, Chapter, Inline, Note, NoteRef, Paragraph, SceneBreak, SectionHeading, Text
from book.labels import Labels
from book.naming import book_labels, chapter_name
from book.writers.templating import template

STYLESHEET = "css/epub.css"
COVER_FILE = "cover.xhtml"
TITLEPAGE_FILE = "titlepage.xhtml"
NAV_FILE = "toc.xhtml"
ENDNOTES_FILE = "endnotes.xhtml"


def render_xhtml(name: str, **data: Any) -> bytes:
    """Render one template of templates/epub with plain data to UTF-8 bytes."""
    return template("epub", name).render(**data).encode("utf-8")


class Document(NamedTuple):
    """One XHTML file of the book: its name in the EPUB, manifest id, title and bytes."""

    file_name: str
    uid: str
    title: str
    content: bytes

    def to_data(self) -> list[str]:
        """As a JSON-able cache entry; the content is UTF-8 (any other byte kept as a lone surrogate)."""
        return [self.file_name, self.uid, self.title, self.content.decode("utf-8", "surrogateescape")]

    @classmethod
    def from_data(cls, data: object) -> Document:
        """The inverse of `to_data`; ValueError for anything it did not write."""
        if type(data) is not list or len(data) != 4 or not all(type(item) is str for item in data):
            raise ValueError("not a document")
        file_name, uid, title, content = data
        return cls(file_name, uid, title, content.encode("utf-8", "surrogateescape"))


@dataclass(frozen=True)
class InlineView:
    """Text, or a note reference when `href` is set."""

    text: str
    href: str = ""
    id: str = ""


@dataclass(frozen=True)
class XhtmlBlock:
    """A paragraph (`parts`), a section heading (`text`, `id`) or a scene break."""

    kind: str
    parts: tuple[InlineView, ...] = ()
    text: str = ""
    id: str = ""


def chapter_file(chapter: Chapter) -> str:
    return f"{chapter.id}.xhtml"


def _inlines(inlines: tuple[Inline, ...]) -> tuple[InlineView, ...]:
    views = []
    for inline in inlines:
        if isinstance(inline, NoteRef):
            views.append(InlineView(str(inline.number), f"{ENDNOTES_FILE}#{inline.note_id}", inline.ref_id))
        elif isinstance(inline, Text):
            views.append(InlineView(inline.text))
    return tuple(views)


def _block(block: Paragraph | SectionHeading | SceneBreak) -> XhtmlBlock:
    if isinstance(block, SectionHeading):
        return XhtmlBlock("heading", text=block.text, id=block.id)
    if isinstance(block, SceneBreak):
        return XhtmlBlock("break")
    return XhtmlBlock("paragraph", parts=_inlines(block.inlines))


def _page_fields(book: Book, doc_title: str, body_type: str) -> dict[str, Any]:
    return {
        "lang": book.metadata.language,
        "doc_title": doc_title,
        "stylesheet": STYLESHEET,
        "body_type": body_type,
    }


def authors_text(book: Book) -> str:
    return book_labels(book).get("author_separator").join(book.metadata.authors)


def cover_document(book: Book, image_href: str) -> Document:
    meta, words = book.metadata, book_labels(book)
    if meta.authors:
        alt = words.get("cover_alt_authors", title=meta.title, authors=authors_text(book))
    else:
        alt = words.get("cover_alt", title=meta.title)
    name = words.get("cover")
    content = render_xhtml(
        "cover.xhtml", **_page_fields(book, name, "frontmatter"), image=image_href, alt=alt
    )
    return Document(COVER_FILE, "cover", name, content)


def titlepage_document(book: Book) -> Document:
    meta = book.metadata
    content = render_xhtml(
        "titlepage.xhtml",
        **_page_fields(book, meta.title, "frontmatter"),
        title=meta.title,
        subtitle_lines=[meta.subtitle] if meta.subtitle else [],
        author_lines=[authors_text(book)] if meta.authors else [],
        publisher_lines=[meta.publisher] if meta.publisher else [],
    )
    return Document(TITLEPAGE_FILE, "titlepage", book_labels(book).get("title_page"), content)


def chapter_document(book: Book, chapter: Chapter) -> Document:
    name = chapter_name(book, chapter)
    content = render_xhtml(
        "chapter.xhtml",
        **_page_fields(book, name.full, "bodymatter"),
        id=chapter.id,
        label=name.label,
        title=name.title,
        blocks=[_block(b) for b in chapter.blocks],
    )
    return Document(chapter_file(chapter), chapter.id, name.full, content)


def _note_view(note: Note, where: dict[str, str], words: Labels) -> dict[str, Any]:
    many = len(note.ref_ids) > 1
    backlinks = [
        {
            "href": f"{where[ref]}#{ref}",
            "label": words.get("backlink_nth", index=i, number=note.number)
            if many
            else words.get("backlink", number=note.number),
        }
        for i, ref in enumerate(note.ref_ids, 1)
    ]
    paragraphs = [_inlines(p) for p in note.paragraphs] or [()]
    return {"id": note.id, "number": note.number, "paragraphs": paragraphs, "backlinks": backlinks}


def endnote_group(book: Book, chapter: Chapter) -> str:
    """One chapter's endnotes as markup for the endnotes document: a function of the chapter and the
    book's wording alone (its notes' references are in its own text), so a build can keep it with
    the chapter's XHTML."""
    where = {
        inline.ref_id: chapter_file(chapter)
        for block in chapter.blocks
        if isinstance(block, Paragraph)
        for inline in block.inlines
        if isinstance(inline, NoteRef)
    }
    words = book_labels(book)
    group = {
        "id": f"endnotes-{chapter.id}",
        "title": chapter_name(book, chapter).full,
        "notes": [_note_view(note, where, words) for note in chapter.notes],
    }
    markup: str = template("epub", "endnotes-group.xhtml").render(group=group)
    return markup


def endnotes_document(book: Book, groups: Sequence[str] | None = None) -> Document | None:
    """One endnotes document, notes grouped under their chapter; None when the book has no notes.

    `groups` are endnote_group() of each chapter with notes, in order, when the caller kept them.
    """
    if not book.has_notes:
        return None
    if groups is None:
        groups = [endnote_group(book, chapter) for chapter in book.chapters if chapter.note_numbers]
    heading = book_labels(book).get("notes")
    content = render_xhtml(
        "endnotes.xhtml",
        **_page_fields(book, heading, "backmatter"),
        heading=heading,
        groups=[Markup(group) for group in groups],
    )
    return Document(ENDNOTES_FILE, "endnotes", heading, content)
