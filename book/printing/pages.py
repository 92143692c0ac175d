"""A page estimate from the text alone: lines per paragraph at the trim's measure, chapters on rectos.

Splitting a long book into volumes must know roughly how many pages each chapter takes before
anything is laid out. The model counts lines the way print.css sets them (body size by trim,
1.32 leading, the widest gutter the printer's range can need) and rounds every chapter up to an
even number of pages, since each opens on a recto. It errs on the long side, and the volumes'
real layouts are checked against the printer's limits all the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from book.ir import Chapter, Inline, Note, Paragraph, SceneBreak, SectionHeading, Text
from book.printing.trim import PT_PER_IN, Trim, margins_for

LEADING = 1.32  # print.css: body line-height
NOTE_SIZE = 0.88  # print.css: .note font-size (em)
# EB Garamond's mean advance per character of justified, hyphenated English text, in em: fitted
# on the synthetic serial (120 chapters of 1,600 words: the model says 1,034 pages, the layout 1,025).
CHAR_EM = 0.40
OPENING_LINES = 11  # a chapter's sunk head: the 20 % sink, label and title (print.css .chapter-head)
HEADING_LINES = 3  # a section heading with its space above and below
BREAK_LINES = 2  # a scene-break ornament with its margins
NOTE_GROUP_LINES = 3  # "Chapter N: Title" above each chapter's endnotes
CONTENTS_PER_PAGE = 22  # contents lines at 1.55 em apiece on a contents page
FRONT_PAGES = 6  # half-title, title page, copyright, the contents' blank verso, slack


def body_size(trim: Trim) -> float:
    """print.css's body size by trim width (the same rule as writers/pdf/css.text_size)."""
    return 11.0 if trim.width < 5.4 else 11.5 if trim.width < 6.0 else 12.0


def _text(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text if isinstance(i, Text) else "00" for i in inlines)


@dataclass(frozen=True)
class PageModel:
    """Characters per line and lines per page of the body text; characters per line of the endnotes."""

    chars_per_line: float
    lines_per_page: float
    note_chars_per_line: float

    def _lines(self, text: str, per_line: float) -> int:
        return max(1, math.ceil(len(text) / per_line))

    def chapter_pages(self, chapter: Chapter) -> int:
        """The pages a chapter takes, its blank verso included (the next chapter opens on a recto)."""
        lines = OPENING_LINES + self._lines(chapter.title, self.chars_per_line / 1.6)
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                lines += self._lines(_text(block.inlines), self.chars_per_line)
            elif isinstance(block, SectionHeading):
                lines += HEADING_LINES + self._lines(block.text, self.chars_per_line) - 1
            elif isinstance(block, SceneBreak):
                lines += BREAK_LINES
        pages = math.ceil(lines / self.lines_per_page)
        return pages + pages % 2

    def note_lines(self, chapter: Chapter) -> float:
        """The endnote lines a chapter adds to the notes section (in body lines)."""
        if not chapter.notes:
            return 0.0
        lines = sum(self._note_lines(note) for note in chapter.notes) * NOTE_SIZE
        return NOTE_GROUP_LINES + lines

    def _note_lines(self, note: Note) -> int:
        return sum(self._lines(_text(p), self.note_chars_per_line) for p in note.paragraphs) or 1

    def notes_pages(self, note_lines: float) -> int:
        if not note_lines:
            return 0
        pages = math.ceil((OPENING_LINES + note_lines) / self.lines_per_page)
        return pages + pages % 2

    def front_pages(self, chapters: int) -> int:
        return FRONT_PAGES + 2 * math.ceil((chapters + 1) / CONTENTS_PER_PAGE)

    def book_pages(self, chapters: list[Chapter]) -> int:
        """The whole interior of a book (or a volume) made of these chapters."""
        notes = sum(self.note_lines(c) for c in chapters)
        return (
            self.front_pages(len(chapters))
            + sum(self.chapter_pages(c) for c in chapters)
            + self.notes_pages(notes)
        )


def page_model(trim: Trim, pages: int) -> PageModel:
    """The model for a book of about `pages` pages (its gutter band sets the measure)."""
    margins = margins_for(trim, pages)
    size = body_size(trim)
    width = (trim.width - margins.inside - margins.outside) * PT_PER_IN
    height = (trim.height - margins.top - margins.bottom) * PT_PER_IN
    per_line = width / (CHAR_EM * size)
    per_page = math.floor(height / (size * LEADING))
    return PageModel(per_line, per_page, per_line / NOTE_SIZE)
