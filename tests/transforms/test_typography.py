"""The typography transform: smart punctuation that never moves a word."""

from __future__ import annotations

import datetime as dt

import pytest

from book.ir import Book, Chapter, Metadata, Note, NoteRef, Paragraph, SectionHeading, SourceLocation, Text
from book.transforms.typography import apply_typography, quote_language

LOC = SourceLocation("c.txt", 3, 1)


def book_with(*inlines: Text | NoteRef, language: str = "en") -> Book:
    meta = Metadata("T", language, "urn:x", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    chapter = Chapter(
        1,
        'It\'s "here"',
        None,
        None,
        (Paragraph(tuple(inlines), LOC), SectionHeading("Japan's Day -- 2", "h", LOC)),
        (Note(1, ((Text('A "note"...'),),), LOC),),
        LOC,
        "sha",
    )
    return Book(meta, (chapter,))


def text_of(book: Book) -> str:
    p = book.chapters[0].blocks[0]
    assert isinstance(p, Paragraph)
    return "".join(i.text if isinstance(i, Text) else "^" for i in p.inlines)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"Hello," she said.', "“Hello,” she said."),
        ("It's the 90's -- really...", "It’s the 90’s — really…"),
        ("'Single' quotes", "‘Single’ quotes"),
        ("x < y && a > b", "x < y && a > b"),
    ],
)
def test_english_punctuation(source: str, expected: str) -> None:
    assert text_of(apply_typography(book_with(Text(source)))) == expected


def test_quote_after_a_note_marker_still_closes() -> None:
    out = apply_typography(book_with(Text('He said "wait'), NoteRef(1, LOC), Text('" and left.')))
    assert text_of(out) == "He said “wait^” and left."


def test_language_aware_quotes() -> None:
    assert text_of(apply_typography(book_with(Text('"Привет"'), language="ru"))) == "«Привет»"
    assert text_of(apply_typography(book_with(Text('"Hallo"'), language="de-DE"))) == "„Hallo“"
    assert quote_language("en-GB") == "en" and quote_language("xx") == "en"


def test_titles_headings_and_notes_too() -> None:
    out = apply_typography(book_with(Text("x")))
    chapter = out.chapters[0]
    assert chapter.title == "It’s “here”"
    assert chapter.headings[0].text == "Japan’s Day — 2"
    assert chapter.notes[0].paragraphs[0][0] == Text("A “note”…")
