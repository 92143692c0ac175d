"""Notes transform: chapter `*N` footnotes → book-wide endnotes with stable ids, linked both ways."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from book.diagnostics import Reporter
from book.ir import Block, Book, Chapter, Inline, Note, NoteRef, Paragraph

# One chapter's notes numbered from a first number: (the chapter, the number after its last).
NumberChapter = Callable[[Chapter, int, Reporter], tuple[Chapter, int]]


def note_id(number: int) -> str:
    return f"note-{number}"


def ref_id(number: int, occurrence: int) -> str:
    # The first reference keeps the plain id; a second reference to the same note gets a suffix.
    return f"noteref-{number}" if occurrence == 1 else f"noteref-{number}-{occurrence}"


def number_chapter(chapter: Chapter, next_number: int, reporter: Reporter) -> tuple[Chapter, int]:
    """Number this chapter's notes from `next_number` on, in order of first reference; the number
    after its last. Every number and id is set afresh, so a numbered chapter can be numbered again."""
    definitions: dict[int, Note] = {}
    for note in chapter.notes:
        if note.marker in definitions:
            reporter.report(
                "N003",
                f"note *{note.marker} is defined twice (first at line "
                f"{definitions[note.marker].location.line})",
                note.location,
            )
            continue
        if not note.paragraphs:
            reporter.report("N004", f"note *{note.marker} has no text", note.location)
        definitions[note.marker] = note

    numbers: dict[int, int] = {}  # marker → book-wide number
    refs: dict[int, list[str]] = {}  # marker → reference ids

    def link(inline: Inline) -> Inline:
        nonlocal next_number
        if not isinstance(inline, NoteRef):
            return inline
        if inline.marker not in definitions:
            reporter.report(
                "N001",
                f"note marker *{inline.marker} has no definition '*{inline.marker}:' in this chapter",
                inline.location,
            )
            return inline
        if inline.marker not in numbers:
            numbers[inline.marker] = next_number
            next_number += 1
        number = numbers[inline.marker]
        ids = refs.setdefault(inline.marker, [])
        ids.append(ref_id(number, len(ids) + 1))
        return replace(inline, number=number, note_id=note_id(number), ref_id=ids[-1])

    def block(b: Block) -> Block:
        if isinstance(b, Paragraph):
            return replace(b, inlines=tuple(link(i) for i in b.inlines))
        return b

    blocks = tuple(block(b) for b in chapter.blocks)

    notes: list[Note] = []
    for marker, note in definitions.items():
        if marker not in numbers:
            reporter.report(
                "N002", f"note *{marker} is defined but never referenced in the text", note.location
            )
            # Kept, not dropped: it is the author's text. It follows the referenced notes.
            numbers[marker] = next_number
            next_number += 1
            refs[marker] = []
        number = numbers[marker]
        notes.append(replace(note, number=number, id=note_id(number), ref_ids=tuple(refs[marker])))
    notes.sort(key=lambda n: n.number)
    return replace(chapter, blocks=blocks, notes=tuple(notes)), next_number


def number_notes(book: Book, reporter: Reporter, number: NumberChapter | None = None) -> Book:
    """Book-wide endnotes numbered 1..N in reading order; unreferenced notes are reported and kept.

    `number` numbers one chapter (number_chapter, or the build cache's, which keeps chapters).
    """
    chapters: list[Chapter] = []
    next_number = 1
    for chapter in book.chapters:
        done, next_number = (number or number_chapter)(chapter, next_number, reporter)
        chapters.append(done)
    return replace(book, chapters=tuple(chapters))
