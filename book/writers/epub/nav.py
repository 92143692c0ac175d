"""The EPUB's navigation: one tree (arcs → chapters → section headings) rendered as nav.xhtml and toc.ncx."""

from __future__ import annotations

from itertools import groupby
from typing import NamedTuple

from book.ir import Book, Chapter
from book.writers.epub.documents import (
    COVER_FILE,
    ENDNOTES_FILE,
    ENDNOTES_HEADING,
    NAV_FILE,
    Document,
    chapter_file,
    chapter_heading,
    chapter_label,
    render_xhtml,
)

CONTENTS_HEADING = "Contents"


class NavPoint(NamedTuple):
    """One entry of the table of contents; `href` is empty for an arc, which has no page of its own."""

    id: str
    label: str
    href: str
    children: tuple[NavPoint, ...] = ()

    @property
    def target(self) -> str:
        """Where the entry leads: its own page, else its first child's (the NCX needs one for every entry)."""
        return self.href or self.children[0].target


def _chapter_point(chapter: Chapter, label: str) -> NavPoint:
    href = chapter_file(chapter)
    headings = tuple(NavPoint(f"nav-{h.id}", h.text, f"{href}#{h.id}") for h in chapter.headings)
    return NavPoint(f"nav-{chapter.id}", label, href, headings)


def _part_label(chapter: Chapter) -> str:
    """Inside its arc a chapter is named by its part: `Chapter 35: Part 8`."""
    if chapter.part is None:
        return chapter_heading(chapter)
    return f"{chapter_label(chapter)}: Part {chapter.part}"


def toc_points(book: Book) -> tuple[NavPoint, ...]:
    """Chapters in reading order; a run of two or more chapters of one arc is nested under the arc's name."""
    points: list[NavPoint] = []
    for arc, run in groupby(book.chapters, key=lambda c: c.arc):
        chapters = list(run)
        if arc is None or len(chapters) < 2:
            points.extend(_chapter_point(c, chapter_heading(c)) for c in chapters)
            continue
        children = tuple(_chapter_point(c, _part_label(c)) for c in chapters)
        points.append(NavPoint(f"nav-arc-{chapters[0].id}", arc, "", children))
    if book.notes:
        points.append(NavPoint("nav-endnotes", ENDNOTES_HEADING, ENDNOTES_FILE))
    return tuple(points)


def _depth(points: tuple[NavPoint, ...]) -> int:
    return max((1 + _depth(p.children) for p in points), default=0)


def landmarks(book: Book) -> list[dict[str, str]]:
    marks = [
        {"type": "cover", "href": COVER_FILE, "label": "Cover"},
        {"type": "toc", "href": NAV_FILE, "label": CONTENTS_HEADING},
    ]
    if book.chapters:
        marks.append(
            {"type": "bodymatter", "href": chapter_file(book.chapters[0]), "label": "Start of Content"}
        )
    if book.notes:
        marks.append({"type": "endnotes", "href": ENDNOTES_FILE, "label": ENDNOTES_HEADING})
    return marks


def nav_document(book: Book, points: tuple[NavPoint, ...]) -> Document:
    content = render_xhtml(
        "nav.xhtml",
        lang=book.metadata.language,
        doc_title=CONTENTS_HEADING,
        stylesheet="css/epub.css",
        body_type="frontmatter",
        heading=CONTENTS_HEADING,
        points=points,
        landmarks=landmarks(book),
        landmarks_heading="Landmarks",
    )
    return Document(NAV_FILE, "toc", CONTENTS_HEADING, content)


def ncx_content(book: Book, points: tuple[NavPoint, ...]) -> bytes:
    """The EPUB 2 NCX, for readers that predate the nav document."""
    meta = book.metadata
    return render_xhtml(
        "toc.ncx",
        lang=meta.language,
        uid=meta.identifier,
        depth=max(_depth(points), 1),
        title=meta.title,
        points=points,
    )
