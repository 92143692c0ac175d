"""The EPUB's navigation: one tree (arcs → chapters → section headings) rendered as nav.xhtml and toc.ncx.

Kindle's rules shape it (KDP help, "Create a table of contents"; docs/devices.md): every entry is a
link, and Kindle shows two levels, so both files stop at two levels unless `toc_depth:` asks the nav
for more.
"""

from __future__ import annotations

import json
import zlib
from functools import partial
from itertools import groupby
from typing import NamedTuple

from markupsafe import Markup

from book.cache import Bundle, code_digest, digest
from book.ir import Book, Chapter
from book.naming import book_labels, chapter_name
from book.writers.epub.documents import (
    COVER_FILE,
    ENDNOTES_FILE,
    NAV_FILE,
    Document,
    chapter_file,
    render_xhtml,
)
from book.writers.templating import template

# Kindle shows two levels of contents; deeper NCX entries are hidden or flattened (docs/devices.md).
KINDLE_TOC_LEVELS = 2


class NavPoint(NamedTuple):
    """One entry of the table of contents; every entry links (an arc to its first chapter)."""

    id: str
    label: str
    href: str
    children: tuple[NavPoint, ...] = ()


def _chapter_point(book: Book, chapter: Chapter) -> NavPoint:
    href = chapter_file(chapter)
    headings = tuple(NavPoint(f"nav-{h.id}", h.text, f"{href}#{h.id}") for h in chapter.headings)
    return NavPoint(f"nav-{chapter.id}", chapter_name(book, chapter).full, href, headings)


def toc_points(book: Book) -> tuple[NavPoint, ...]:
    """Chapters in reading order, named as everywhere (book/naming.py); with `naming: arcs: grouped`
    each run of one arc's chapters is nested under the arc's name."""
    points: list[NavPoint] = []
    for arc, run in groupby(book.chapters, key=lambda c: chapter_name(book, c).arc):
        chapters = list(run)
        if arc is None:
            points.extend(_chapter_point(book, c) for c in chapters)
            continue
        children = tuple(_chapter_point(book, c) for c in chapters)
        # KDP: an entry that is not a link is an error; an arc has no page, so it opens its first chapter.
        points.append(NavPoint(f"nav-arc-{chapters[0].id}", arc, children[0].href, children))
    if book.has_notes:
        points.append(NavPoint("nav-endnotes", book_labels(book).get("notes"), ENDNOTES_FILE))
    return tuple(points)


def _depth(points: tuple[NavPoint, ...]) -> int:
    return max((1 + _depth(p.children) for p in points), default=0)


def prune(points: tuple[NavPoint, ...], levels: int) -> tuple[NavPoint, ...]:
    """The tree cut to its first `levels` levels; the very same points where it is no deeper (a
    thousand chapters' contents are not copied point by point to cut nothing)."""
    pruned = tuple(_pruned(point, levels) for point in points)
    return points if all(new is old for new, old in zip(pruned, points, strict=True)) else pruned


def _pruned(point: NavPoint, levels: int) -> NavPoint:
    if not point.children:
        return point
    if levels <= 1:
        return point._replace(children=())
    children = prune(point.children, levels - 1)
    return point if children is point.children else point._replace(children=children)


def landmarks(book: Book) -> list[dict[str, str]]:
    words = book_labels(book)
    marks = [
        {"type": "cover", "href": COVER_FILE, "label": words.get("cover")},
        {"type": "toc", "href": NAV_FILE, "label": words.get("contents")},
    ]
    if book.chapters:
        start = chapter_file(book.chapters[0])
        marks.append({"type": "bodymatter", "href": start, "label": words.get("start")})
    if book.has_notes:
        marks.append({"type": "endnotes", "href": ENDNOTES_FILE, "label": words.get("notes")})
    return marks


def nav_document(
    book: Book, points: tuple[NavPoint, ...], levels: int = KINDLE_TOC_LEVELS, kept: Bundle | None = None
) -> Document:
    """The nav document, `levels` deep (two unless book.yaml's `toc_depth:` asks otherwise)."""
    words = book_labels(book)
    contents = words.get("contents")
    content = render_xhtml(
        "nav.xhtml",
        lang=book.metadata.language,
        doc_title=contents,
        stylesheet="css/epub.css",
        body_type="frontmatter",
        heading=contents,
        items=rendered_points("nav-points.xhtml", prune(points, levels), kept),
        landmarks=landmarks(book),
        landmarks_heading=words.get("landmarks"),
    )
    return Document(NAV_FILE, "toc", contents, content)


def ncx_content(
    book: Book, points: tuple[NavPoint, ...], levels: int = KINDLE_TOC_LEVELS, kept: Bundle | None = None
) -> bytes:
    """The EPUB 2 NCX, for readers that predate the nav document (and Kindle), at most two levels."""
    meta = book.metadata
    shown = prune(points, min(levels, KINDLE_TOC_LEVELS))
    return render_xhtml(
        "toc.ncx",
        lang=meta.language,
        uid=meta.identifier,
        depth=max(_depth(shown), 1),
        title=meta.title,
        items=rendered_points("toc-points.ncx", shown, kept),
    )


def rendered_points(name: str, points: tuple[NavPoint, ...], kept: Bundle | None) -> list[Markup]:
    """Each top-level point (a chapter, or an arc with its chapters) rendered by the template `name`,
    or taken from `kept` when an earlier build rendered the same point: adding a chapter to a book of
    a thousand renders one point, not a thousand."""
    # A key per point: the template and code's digest, then a CRC of the point (cheaper than a
    # digest a thousand times; two points sharing a key only make a miss, as the value names its point).
    prefix = digest(name, code_digest("writers/epub/nav.py"))[:32] if kept is not None else ""
    items = []
    for point in points:
        data = json.dumps(point)  # the point and everything below it: what its markup depends on
        key = f"{prefix}{zlib.crc32(data.encode()):08x}{len(data):x}"
        markup = kept.get(key, partial(_markup, name=name, data=data)) if kept is not None else None
        if markup is None:
            markup = template("epub", name).render(points=(point,))
            if kept is not None:
                kept.put(key, [name, data, markup])
        items.append(Markup(markup))
    return items


def _markup(value: object, name: str, data: str) -> str:
    """A kept point's markup, which must be the point `data`'s by the template `name` (the nav's and
    the NCX's of one point are kept side by side); ValueError for anything else."""
    if type(value) is not list or len(value) != 3 or value[:2] != [name, data] or type(value[2]) is not str:
        raise ValueError("not the markup of this point")
    return value[2]
