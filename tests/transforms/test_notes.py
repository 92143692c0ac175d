"""The notes transform, on IR built directly (no reader)."""

from __future__ import annotations

import datetime as dt

from book.diagnostics import Reporter
from book.ir import Book, Chapter, Metadata, Note, NoteRef, Paragraph, SourceLocation, Text
from book.transforms.notes import number_notes

META = Metadata("T", "en", "urn:x", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


def loc(line: int) -> SourceLocation:
    return SourceLocation("c.txt", line, 1)


def chapter(number: int, markers: list[int], defined: list[int]) -> Chapter:
    inlines: list[Text | NoteRef] = []
    for m in markers:
        inlines += [Text("word"), NoteRef(m, loc(3))]
    return Chapter(
        number,
        "T",
        None,
        None,
        (Paragraph(tuple(inlines), loc(3)),),
        tuple(Note(d, ((Text(f"note {d}"),),), loc(10 + d)) for d in defined),
        loc(1),
        "sha",
    )


def test_numbers_are_book_wide_in_reading_order() -> None:
    book = Book(META, (chapter(1, [1, 2, 3], [1, 2, 3]), chapter(2, [1], [1]), chapter(3, [2, 1], [1, 2])))
    reporter = Reporter()
    out = number_notes(book, reporter)
    assert not reporter.diagnostics
    assert [(n.number, n.marker) for n in out.notes] == [(1, 1), (2, 2), (3, 3), (4, 1), (5, 2), (6, 1)]
    assert len({n.id for n in out.notes}) == 6


def test_a_note_referenced_twice_links_back_to_both() -> None:
    out = number_notes(Book(META, (chapter(1, [1, 1], [1]),)), Reporter())
    (note,) = out.notes
    assert note.ref_ids == ("noteref-1", "noteref-1-2")
    refs = [i for i in out.chapters[0].blocks[0].inlines if isinstance(i, NoteRef)]  # type: ignore[union-attr]
    assert [r.ref_id for r in refs] == ["noteref-1", "noteref-1-2"]
    assert {r.note_id for r in refs} == {"note-1"}


def test_problems_are_reported_and_unreferenced_notes_kept() -> None:
    reporter = Reporter()
    out = number_notes(Book(META, (chapter(1, [1, 5], [1, 1, 2]),)), reporter)
    assert sorted(d.code for d in reporter.diagnostics) == ["N001", "N002", "N003"]
    assert [(n.marker, n.number, n.ref_ids) for n in out.notes] == [(1, 1, ("noteref-1",)), (2, 2, ())]


def test_transform_returns_a_new_book() -> None:
    book = Book(META, (chapter(1, [1], [1]),))
    out = number_notes(book, Reporter())
    assert book.notes[0].number == 0 and out.notes[0].number == 1
