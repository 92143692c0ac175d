"""One name per chapter, from the IR and the book's labels: every writer names chapters through here."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from book import labels
from book.ir import Book, Chapter

INLINE_ARC_TITLE = "{arc} \u2013 {part}"  # `Siberian War of Independence – 8`
GROUPED_ARC_TITLE = "{part_label}"  # under its arc's heading: `Part 8`
ARC_TITLE_FIELDS = frozenset({"arc", "part", "part_label", "title"})


@dataclass(frozen=True)
class ChapterName:
    """How a chapter is named: `label` `Chapter 35`, `title`, their join `full`, and the arc it sits under."""

    label: str
    title: str
    full: str
    arc: str | None  # set when arcs are grouped: the heading shown once above the arc's chapters
    running_head: str  # the recto's running head in print: the arc when grouped, else the title


@functools.lru_cache(maxsize=64)
def _labels(language: str, overrides: tuple[tuple[str, str], ...]) -> labels.Labels:
    return labels.resolve(language, dict(overrides))


def book_labels(book: Book) -> labels.Labels:
    """The book's labels: its language's table with book.yaml's `labels:` over it."""
    return _labels(book.metadata.language, book.wording.labels)


def arc_title_template(book: Book) -> str:
    if book.wording.arc_title is not None:
        return book.wording.arc_title
    return GROUPED_ARC_TITLE if book.wording.group_arcs else INLINE_ARC_TITLE


def chapter_name(book: Book, chapter: Chapter) -> ChapterName:
    """The chapter's label, title and full name, as the nav, NCX, contents, heads and notes show them."""
    words = book_labels(book)
    label = words.get("chapter", number=chapter.number)
    title = chapter.title
    arc = None
    if chapter.arc is not None and chapter.part is not None:
        title = arc_title_template(book).format(
            arc=chapter.arc,
            part=chapter.part,
            part_label=words.get("part", number=chapter.part),
            title=chapter.title,
        )
        arc = chapter.arc if book.wording.group_arcs else None
    # A title line that is only a number (`001`) gives a chapter with no title: no dangling colon.
    full = words.get("chapter_name", label=label, title=title) if title else label
    return ChapterName(label, title, full, arc, arc or title)
