"""The site-export reader: source text → Chapter, one table row per feature of FORMAT.md."""

from __future__ import annotations

import pytest

from book.diagnostics import Reporter
from book.ir import Chapter, NoteRef, Paragraph, SceneBreak, SectionHeading, Text
from book.readers.site_export import read_chapter

SEED_LIKE = (
    "035 - Siberian War of Independence - 8\n"
    "\n"
    "123 8 1\n"
    "                                    \n"
    "\n"
    "They had 5 divisions and 2 brigades, *1 and put them forward.\n"
    "\n"
    ". . .\n"
    "\n"
    "Primorsky Krai, Khabarovsk Offensive – 2 (D-Day+48~52)\n"
    "\n"
    "Khabarovsk became independent. *2 The problem was the rest.\n"
    "\n"
    "~~~~~~~~~~~~~~~~~~~\n"
    "\n"
    "Notes\n"
    "\n"
    "*1: The two brigades were volunteer units.\n"
    "\n"
    "*2: A second note.\n"
    "\n"
    "Time Slip Reiwa JapanWhere stories live. Discover now"
)


def read(text: str | bytes, name: str = "source/ch.txt") -> tuple[Chapter | None, Reporter]:
    reporter = Reporter()
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_chapter(data, name, reporter), reporter


def plain(chapter: Chapter) -> list[str]:
    """Each block as a short string: paragraphs with markers shown as ^N."""
    out = []
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            out.append("".join(i.text if isinstance(i, Text) else f"^{i.marker}" for i in block.inlines))
        elif isinstance(block, SectionHeading):
            out.append(f"## {block.text}")
        elif isinstance(block, SceneBreak):
            out.append("---")
    return out


def test_every_part_of_the_format_is_recognised() -> None:
    chapter, reporter = read(SEED_LIKE)
    assert chapter is not None and not reporter.diagnostics
    assert (chapter.number, chapter.title) == (35, "Siberian War of Independence - 8")
    assert (chapter.arc, chapter.part) == ("Siberian War of Independence", 8)
    assert plain(chapter) == [
        "They had 5 divisions and 2 brigades,^1 and put them forward.",
        "---",
        "## Primorsky Krai, Khabarovsk Offensive – 2 (D-Day+48~52)",
        "Khabarovsk became independent.^2 The problem was the rest.",
    ]
    assert [(n.marker, n.paragraphs[0][0]) for n in chapter.notes] == [
        (1, Text("The two brigades were volunteer units.")),
        (2, Text("A second note.")),
    ]
    s = chapter.strip
    assert (s.stats_lines, s.padding_lines, s.notes_separators, s.notes_headings, s.trailers) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert chapter.trailer_title == "Time Slip Reiwa Japan"


def test_locations_point_at_source_lines_and_columns() -> None:
    chapter, _ = read(SEED_LIKE)
    assert chapter is not None
    assert chapter.location.line == 1
    first = chapter.blocks[0]
    assert isinstance(first, Paragraph) and first.location.line == 6
    ref = next(i for i in first.inlines if isinstance(i, NoteRef))
    assert (ref.location.line, ref.location.column) == (6, SEED_LIKE.splitlines()[5].index("*1") + 1)
    assert chapter.blocks[2].location.line == 10
    assert [n.location.line for n in chapter.notes] == [18, 20]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="bom"),
        pytest.param(lambda t: (t + "\n\n").encode(), id="trailing-newlines"),
        pytest.param(lambda t: t.replace("\n", "\r").encode(), id="old-mac-cr"),
    ],
)
def test_line_end_and_bom_variants_read_the_same(variant) -> None:  # type: ignore[no-untyped-def]
    base, _ = read(SEED_LIKE)
    other, reporter = read(variant(SEED_LIKE))
    assert other is not None and not reporter.diagnostics
    assert base is not None and plain(other) == plain(base)
    assert other.notes == base.notes


def test_chapter_without_stats_notes_or_trailer() -> None:
    chapter, reporter = read("7 - Plain\n\nJust one paragraph.\n\nAnd another.")
    assert chapter is not None and not reporter.diagnostics
    assert (chapter.number, chapter.title, chapter.arc, chapter.part) == (7, "Plain", None, None)
    assert plain(chapter) == ["Just one paragraph.", "And another."]
    assert chapter.notes == () and chapter.strip.total() == 0 and chapter.trailer_title is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("brigades, *1 and put", "brigades,^1 and put"),
        ("independent. *2 The problem", "independent.^2 The problem"),
        ("glued*3 to a word", "glued^3 to a word"),
        ("two digits *12 here", "two digits^12 here"),
        ("at the end. *4", "at the end.^4"),
        ("*5 at the start", "^5 at the start"),
        ("twice *1 and *1 again", "twice^1 and^1 again"),
        ("a star * alone and 5*3", "a star * alone and 5^3"),
    ],
)
def test_note_markers_sit_on_the_word_before_them(line: str, expected: str) -> None:
    chapter, _ = read(f"001 - T\n\n{line}\n")
    assert chapter is not None
    assert plain(chapter) == [expected]


def test_tilde_inside_text_is_not_a_separator_and_escapable_text_is_kept() -> None:
    text = '002 - Тест 令和\n\nD-Day+48~52: x < y && a > b "quoted" it\'s Новосибирск 東京\n'
    chapter, reporter = read(text)
    assert chapter is not None and not reporter.diagnostics
    assert plain(chapter) == ['D-Day+48~52: x < y && a > b "quoted" it\'s Новосибирск 東京']
    assert chapter.title == "Тест 令和"


def test_heading_only_after_a_scene_break_and_only_when_short_without_full_stop() -> None:
    text = (
        "003 - T\n\nShort line without stop\n\n. . .\n\nThis is a sentence.\n\n"
        ". . .\n\nA Real Heading (D-Day+1)\n\nBody.\n"
    )
    chapter, _ = read(text)
    assert chapter is not None
    assert plain(chapter) == [
        "Short line without stop",
        "---",
        "This is a sentence.",
        "---",
        "## A Real Heading (D-Day+1)",
        "Body.",
    ]
    heading = chapter.blocks[4]
    assert isinstance(heading, SectionHeading) and heading.id == "chapter-003-s1"


def test_multi_paragraph_note_and_definition_without_separator() -> None:
    text = "004 - T\n\nText *1 here.\n\n*1: First part.\n\nSecond part of the same note.\n"
    chapter, _ = read(text)
    assert chapter is not None
    assert plain(chapter) == ["Text^1 here."]
    (note,) = chapter.notes
    assert [p[0] for p in note.paragraphs] == [Text("First part."), Text("Second part of the same note.")]


def test_a_marker_inside_a_note_is_the_notes_text_not_a_reference() -> None:
    chapter, reporter = read("004 - T\n\nText *1 here.\n\n~~~\n\n*1: See *2 below.\n\nAnd *3.\n")
    assert chapter is not None and not reporter.diagnostics
    (note,) = chapter.notes
    assert note.paragraphs == ((Text("See *2 below."),), (Text("And *3."),))


def test_control_characters_are_removed_and_reported() -> None:
    chapter, reporter = read("005 - T\n\nNUL\x00here and\x0bthere.\n")
    assert chapter is not None
    assert plain(chapter) == ["NULhere and there."]
    (d,) = reporter.diagnostics
    assert d.code == "R004" and (d.location.line, d.location.column) == (3, 4)  # type: ignore[union-attr]
    assert chapter.strip.control_characters == 2


@pytest.mark.parametrize(
    ("data", "code", "line", "column"),
    [
        (b"001 - T\n\nok\n\nbad \xff byte\n", "R001", 5, 5),
        (b"", "R002", 1, 1),
        (b"  \n\n \r\n", "R002", 1, 1),
        (b"\n\nNo number here\n\nText.\n", "R003", 3, 1),
    ],
)
def test_unreadable_files_are_errors_with_a_position(data: bytes, code: str, line: int, column: int) -> None:
    chapter, reporter = read(data)
    assert chapter is None
    (d,) = reporter.diagnostics
    assert d.code == code and d.location is not None
    assert (d.location.path, d.location.line, d.location.column) == ("source/ch.txt", line, column)


def test_notes_heading_without_a_separator_is_stripped() -> None:
    chapter, _ = read("006 - T\n\nText *1 here.\n\nNotes\n\n*1: The note.\n")
    assert chapter is not None
    assert plain(chapter) == ["Text^1 here."]
    assert chapter.strip.notes_headings == 1 and len(chapter.notes) == 1


def test_tildes_with_text_after_them_are_a_scene_break_not_noise() -> None:
    chapter, _ = read("007 - T\n\nBefore.\n\n~~~~~~~~\n\nShort Heading\n\nAfter.\n")
    assert chapter is not None
    assert plain(chapter) == ["Before.", "---", "## Short Heading", "After."]
    assert chapter.strip.notes_separators == 0


def test_invalid_byte_position_counts_the_bom_and_characters() -> None:
    chapter, reporter = read(b"\xef\xbb\xbf001 - T\n\n\xc3\xa9t\xc3\xa9 \xff\n")
    assert chapter is None
    (d,) = reporter.diagnostics
    assert (d.location.line, d.location.column) == (3, 5)  # type: ignore[union-attr]
    assert "byte offset 18 of the file" in d.message
