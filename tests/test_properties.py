"""Property-based tests: any manuscript builds or is reported; nothing crashes, no word is lost."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.diagnostics import Reporter, Severity
from book.ir import Chapter, Note, Paragraph, SectionHeading, Text
from book.readers.site_export import (
    FORBIDDEN_RE,
    NOTE_DEFINITION_RE,
    NOTES_HEADING_RE,
    NOTES_SEPARATOR_RE,
    SCENE_BREAK_RE,
    SLOGAN_RE,
    STATS_RE,
    read_chapter,
)
from tests.conftest import load

PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces a hostile or broken export may hold, placed anywhere.
NOISY_LINES = st.sampled_from(
    [
        "",
        "   ",
        "\t",
        " " * 36,
        ". . .",
        "~~~~~~~~~~~~~~~~~~~",
        "~",
        "Notes",
        "*1: a note",
        "*12:",
        "*3",
        "123 8 1",
        "Time Slip Reiwa JapanWhere stories live. Discover now",
        "\x00",
        "\x0b\x0c",
        "<script>",
        "]]>",
        "{{ x }}",
        "{% if %}",
        "&amp;",
        "A heading (D-Day+1)",
        "x" * 5000,
        "\ufeff",
        "\u2028",
        "—–",
    ]
)
ANY_LINE = st.one_of(NOISY_LINES, st.text(max_size=200))


def _reads_or_reports(data: bytes) -> None:
    reporter = Reporter()
    chapter = read_chapter(data, "source/x.txt", reporter)
    if chapter is None:
        assert any(d.severity == Severity.ERROR for d in reporter.diagnostics)
    else:
        assert isinstance(chapter, Chapter)


@PROFILE
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_reader(data: bytes) -> None:
    _reads_or_reports(data)


@PROFILE
@given(st.lists(ANY_LINE, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_arbitrary_lines_never_crash_the_reader(lines: list[str], newline: str, bom: bool) -> None:
    text = newline.join(["001 - Title", *lines])
    data = text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8, as on disk
    _reads_or_reports((b"\xef\xbb\xbf" if bom else b"") + data)


@PROFILE
@given(st.lists(st.lists(ANY_LINE, max_size=15), min_size=1, max_size=3), st.booleans())
def test_arbitrary_books_build_or_report_through_every_transform(
    chapters: list[list[str]], typography: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp)
        (source / "book.yaml").write_text(f"title: T\ntypography: {str(typography).lower()}\n")
        for number, lines in enumerate(chapters, 1):
            text = "\n".join([f"{number:03d} - Chapter", *lines])
            (source / f"{number}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
        book, _, reporter = load(source)
        if book is None:
            assert reporter.errors and reporter.exit_code() in (1, 2)
        else:
            assert not reporter.errors and len(book.chapters) == len(chapters)


# --- no word lost -------------------------------------------------------------------------

WORD_RE = re.compile(r"\w+")
MARKER_RE = re.compile(r"\*\d+")


def words(text: str) -> list[str]:
    text = FORBIDDEN_RE.sub(lambda m: " " if m.group().isspace() else "", text)
    return WORD_RE.findall(MARKER_RE.sub(" ", text))


def _is_format_line(line: str) -> bool:
    """Lines the format gives a meaning to; body text drawn at random must not be one by accident."""
    return bool(
        STATS_RE.match(line)
        or SCENE_BREAK_RE.match(line)
        or NOTES_SEPARATOR_RE.match(line)
        or NOTES_HEADING_RE.match(line)
        or NOTE_DEFINITION_RE.match(line)
        or SLOGAN_RE.match(line)
        or "\n" in line
        or "\r" in line
        or not line.strip()
    )


BODY_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r*"),
    min_size=1,
    max_size=120,
).filter(lambda s: not _is_format_line(s))
MARKER = st.integers(1, 30).map(lambda n: f"*{n}")
BODY_LINE = (
    st.lists(st.one_of(BODY_TEXT, MARKER), min_size=1, max_size=5)
    .map(" ".join)
    .filter(lambda s: not _is_format_line(s))
)


@st.composite
def chapter_source(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A chapter file and the words a reader must keep, in order: body first, then the notes."""
    body = draw(st.lists(st.one_of(BODY_LINE, st.just(". . .")), min_size=1, max_size=12))
    notes = draw(st.lists(BODY_TEXT, max_size=4))
    stats = draw(st.sampled_from([[], ["123 8 1"], ["123 8 1", " " * 36]]))
    header = ["007 - The Title - 3", "", *stats, ""]
    lines = header + [x for line in body for x in (line, "")]
    if notes:
        lines += ["~~~~~~~~~~~~~~~~~~~", "", "Notes", ""]
        lines += [x for n, text in enumerate(notes, 1) for x in (f"*{n}: {text}", "")]
    if draw(st.booleans()):
        lines.append("Time Slip Reiwa JapanWhere stories live. Discover now")
    expected = [w for line in body for w in words(line)] + [w for text in notes for w in words(text)]
    return "\n".join(lines), expected


def body_words(chapter: Chapter) -> list[str]:
    """The words of the chapter's paragraphs and headings, in reading order."""
    out: list[str] = []
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            out += words("".join(i.text for i in block.inlines if isinstance(i, Text)))
        elif isinstance(block, SectionHeading):
            out += words(block.text)
    return out


def note_words(note: Note) -> list[str]:
    return [w for paragraph in note.paragraphs for w in words("".join(i.text for i in paragraph))]


def chapter_words(chapter: Chapter) -> list[str]:
    """Body then notes, as the chapter file holds them."""
    return body_words(chapter) + [w for note in chapter.notes for w in note_words(note)]


@PROFILE
@given(chapter_source())
def test_no_word_of_the_source_is_lost(case: tuple[str, list[str]]) -> None:
    text, expected = case
    reporter = Reporter()
    chapter = read_chapter(text.encode("utf-8"), "source/x.txt", reporter)
    assert chapter is not None
    assert chapter.title == "The Title - 3"
    assert chapter_words(chapter) == expected


@PROFILE
@given(chapter_source())
def test_transforms_keep_every_word(case: tuple[str, list[str]]) -> None:
    text, _ = case
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp)
        (source / "a.txt").write_text(text, encoding="utf-8")
        reporter = Reporter()
        raw = read_chapter(text.encode("utf-8"), "a.txt", reporter)
        book, _, reporter = load(source)
        assert raw is not None
        if book is None:  # an undefined marker or a duplicate definition: reported, exit 1
            assert reporter.exit_code() == 1
            assert {d.code for d in reporter.errors} <= {"N001", "N003"}
            return
        (chapter,) = book.chapters
        assert body_words(chapter) == body_words(raw)
        # Notes are renumbered in order of first reference; each keeps its words, in order.
        assert [n.number for n in chapter.notes] == sorted(n.number for n in chapter.notes)
        assert {n.marker: note_words(n) for n in chapter.notes} == {
            n.marker: note_words(n) for n in raw.notes
        }
