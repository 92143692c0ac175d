"""The EPUB's navigation: one tree (arcs → chapters → section headings) rendered as nav.xhtml and toc.ncx.

Kindle's rules shape it (KDP help, "Create a table of contents"; docs/devices.md): every entry is a
link, and Kindle shows two levels, so both files stop at two levels unless `toc_depth:` asks the nav
for more.
"""

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
# Kindle shows two levels of contents; deeper NCX entries are hidden or flattened (docs/devices.md).
KINDLE_TOC_LEVELS = 2


class NavPoint(NamedTuple):
    """One entry of the table of contents; every entry links (an arc to its first chapter)."""

    id: str
    label: str
    href: str
    children: tuple[NavPoint, ...] = ()


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
        # KDP: an entry that is not a link is an error; an arc has no page, so it opens its first chapter.
        points.append(NavPoint(f"nav-arc-{chapters[0].id}", arc, children[0].href, children))
    if book.notes:
        points.append(NavPoint("nav-endnotes", ENDNOTES_HEADING, ENDNOTES_FILE))
    return tuple(points)


def _depth(points: tuple[NavPoint, ...]) -> int:
    return max((1 + _depth(p.children) for p in points), default=0)


def prune(points: tuple[NavPoint, ...], levels: int) -> tuple[NavPoint, ...]:
    """The tree cut to its first `levels` levels."""
    if levels <= 1:
        return tuple(p._replace(children=()) for p in points)
    return tuple(p._replace(children=prune(p.children, levels - 1)) for p in points)


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


def nav_document(book: Book, points: tuple[NavPoint, ...], levels: int = KINDLE_TOC_LEVELS) -> Document:
    """The nav document, `levels` deep (two unless book.yaml's `toc_depth:` asks otherwise)."""
    content = render_xhtml(
        "nav.xhtml",
        lang=book.metadata.language,
        doc_title=CONTENTS_HEADING,
        stylesheet="css/epub.css",
        body_type="frontmatter",
        heading=CONTENTS_HEADING,
        points=prune(points, levels),
        landmarks=landmarks(book),
        landmarks_heading="Landmarks",
    )
    return Document(NAV_FILE, "toc", CONTENTS_HEADING, content)


def ncx_content(book: Book, points: tuple[NavPoint, ...], levels: int = KINDLE_TOC_LEVELS) -> bytes:
    """The EPUB 2 NCX, for readers that predate the nav document (and Kindle), at most two levels."""
    meta = book.metadata
    shown = prune(points, min(levels, KINDLE_TOC_LEVELS))
    return render_xhtml(
        "toc.ncx",
        lang=meta.language,
        uid=meta.identifier,
        depth=max(_depth(shown), 1),
        title=meta.title,
        points=shown,
    )
