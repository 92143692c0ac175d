"""The IR as data: `from_data` is the exact inverse of `to_data`, and accepts nothing else."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.cli import main
from book.diagnostics import Reporter
from book.ir import (
    Book,
    Chapter,
    DataError,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    SourceLocation,
    Text,
    Wording,
    dump,
    from_data,
    load,
    to_data,
)
from book.readers.site_export import read_chapter
from book.synth import SynthOptions, chapter_text
from tests.conftest import load as load_source

PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _round_trips(book: Book) -> None:
    data = to_data(book)
    assert from_data(data) == book
    assert from_data(data, Book) == book
    # through JSON text too, as the cache and `book manifest --ir` store it
    assert from_data(json.loads(json.dumps(data))) == book
    assert load(dump(book)) == book
    # every chapter, note and block on its own, by its own type
    for chapter in book.chapters:
        assert from_data(to_data(chapter), Chapter) == chapter
        for node in (*chapter.blocks, *chapter.notes, chapter.location, chapter.strip):
            assert from_data(to_data(node), type(node)) == node


def test_the_sample_book_round_trips(sample_source: Path) -> None:
    book, _, reporter = load_source(sample_source)
    assert book is not None, reporter.diagnostics
    assert book.notes and any(isinstance(i, NoteRef) for c in book.chapters for i in _inlines(c))
    _round_trips(book)


@pytest.mark.parametrize(
    "options",
    [
        {"chapters": 6},
        {"chapters": 8, "crlf_every": 2, "bom_every": 3},
        {"chapters": 4, "notes_per_chapter": 60, "words_per_chapter": 600},
        {"chapters": 3, "spice": False, "notes_per_chapter": 0},
    ],
    ids=["plain", "crlf-bom", "notes-heavy", "no-notes"],
)
def test_synthetic_books_round_trip(synth: Callable[..., Path], options: dict[str, Any]) -> None:
    book, _, reporter = load_source(synth(**options))
    assert book is not None, reporter.diagnostics
    _round_trips(book)


def test_a_book_with_its_own_wording_round_trips(synth: Callable[..., Path]) -> None:
    yaml = (
        "title: T\nauthor: A\nlanguage: fr\n"
        'labels:\n  chapter: "Épisode {number}"\n  contents: Sommaire\n'
        'naming:\n  arcs: grouped\n  arc_title: "{part_label}"\n'
    )
    book, _, reporter = load_source(synth(book_yaml=yaml, chapters=5))
    assert book is not None, reporter.diagnostics
    assert book.wording.labels and book.wording.group_arcs and book.wording.arc_title
    _round_trips(book)
    assert from_data(to_data(book.wording), Wording) == book.wording


def test_decoded_values_have_the_ir_types(sample_source: Path) -> None:
    book, _, _ = load_source(sample_source)
    assert book is not None
    again = load(dump(book))
    # tuples stay tuples (the IR is hashable and immutable), datetimes stay aware datetimes
    chapter = again.chapters[0]
    assert type(chapter.blocks) is tuple and type(again.metadata.authors) is tuple
    assert type(chapter.notes[0].paragraphs[0]) is tuple and type(chapter.notes[0].ref_ids) is tuple
    assert isinstance(again.metadata.modified, dt.datetime) and again.metadata.modified.tzinfo is not None
    assert hash(chapter.blocks[0]) == hash(book.chapters[0].blocks[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        chapter.title = "changed"  # type: ignore[misc]


def test_book_manifest_ir_reads_back(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`book manifest --ir` prints the IR that `ir.load` reads back, as pandoc's JSON AST does."""
    assert main(["manifest", "--ir", "--source", str(sample_source), "--build", str(tmp_path / "b")]) == 0
    printed = capsys.readouterr().out
    book, _, _ = load_source(sample_source)
    assert load(printed) == book
    assert dump(load(printed)) + "\n" == printed


def _inlines(chapter: Chapter) -> list[object]:
    return [i for b in chapter.blocks if isinstance(b, Paragraph) for i in b.inlines]


LOCATION = SourceLocation("source/a.txt", 3, 1)
METADATA = Metadata("T", "en", "urn:x", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC))


@pytest.mark.parametrize(
    "data, expected",
    [
        (None, Book),
        ([], Book),
        ("Book", Book),
        ({}, Book),
        ({"type": "Chapter"}, Book),
        ({"type": "Text"}, Text),  # a field missing
        ({"type": "Text", "text": "a", "extra": 1}, Text),  # a field too many
        ({"type": "Text", "txt": "a"}, Text),  # right size, wrong field
        ({"type": "Text", "text": 1}, Text),
        ({"type": "SourceLocation", "path": "a", "line": True, "column": 0}, SourceLocation),
        ({"type": "SourceLocation", "path": "a", "line": 1.0, "column": 0}, SourceLocation),
        ({"type": "Paragraph", "inlines": [{"type": "Paragraph"}], "location": to_data(LOCATION)}, Paragraph),
        ({"type": "Paragraph", "inlines": {"a": 1}, "location": to_data(LOCATION)}, Paragraph),
        ({"type": "Paragraph", "inlines": [], "location": None}, Paragraph),
        ({**to_data(METADATA), "modified": "yesterday"}, Metadata),
        ({**to_data(METADATA), "modified": 1700000000}, Metadata),
        ({**to_data(METADATA), "authors": ["a", 1]}, Metadata),
        ({**to_data(Note(1, (), LOCATION)), "paragraphs": [["x"]]}, Note),
    ],
)
def test_anything_else_is_a_data_error(data: object, expected: type) -> None:
    with pytest.raises(DataError):
        from_data(data, expected)


def test_load_rejects_text_that_is_not_the_ir() -> None:
    for text in ("", "{", "[" * 100_000 + "]" * 100_000, '{"type": "Text", "text": "a"}', "\udcff"):
        with pytest.raises(DataError):
            load(text)


def test_only_ir_types_decode() -> None:
    with pytest.raises(TypeError):
        from_data({}, dict)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
TAGS = st.sampled_from(["Book", "Chapter", "Paragraph", "Text", "NoteRef", "SourceLocation", "Note", "x"])


@PROFILE
@given(JSON, st.sampled_from([None, Book, Chapter, Paragraph, Text, SourceLocation]))
def test_arbitrary_json_decodes_or_is_a_data_error(data: object, expected: type | None) -> None:
    with contextlib.suppress(DataError):
        node = from_data(data) if expected is None else from_data(data, expected)
        assert to_data(node) == data  # it decoded: then it was exactly what to_data writes


@PROFILE
@given(st.data())
def test_a_damaged_book_decodes_or_is_a_data_error(data: st.DataObject) -> None:
    """One value anywhere in a real book's data replaced by any JSON: the book it now says, or DataError."""
    text = chapter_text(7, SynthOptions(words_per_chapter=200))
    chapter = read_chapter(text.encode(), "source/a.txt", Reporter())
    assert chapter is not None
    encoded = to_data(Book(METADATA, (chapter,)))
    node, key = data.draw(st.sampled_from(list(_slots(encoded))))
    node[key] = data.draw(JSON | TAGS | st.sampled_from(["2024-01-02", "2024-01-02T03:04:05Z"]))
    with contextlib.suppress(DataError):
        assert to_data(from_data(encoded, Book)) == encoded


def _slots(value: Any) -> Any:
    """Every (container, key or index) in nested JSON data."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key
            yield from _slots(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index
            yield from _slots(item)


@PROFILE
@given(st.lists(st.text(max_size=60), max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_whatever_the_reader_makes_round_trips(lines: list[str], newline: str, bom: bool) -> None:
    text = newline.join(
        ["012 - A - 3", "", "1 2 3", *lines, "*1: a note", "T" + "Where stories live. Discover now"]
    )
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")
    chapter = read_chapter(data, "source/x.txt", Reporter())
    if chapter is not None:
        assert from_data(json.loads(json.dumps(to_data(chapter))), Chapter) == chapter
