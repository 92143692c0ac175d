"""The user's own two chapters, end to end through the front half: order, endnotes, nothing lost."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from book.ir import NoteRef, Paragraph, SectionHeading, Text
from tests.conftest import SAMPLE, load

NOISE = re.compile(r"^\d+ \d+ \d+$|^\s+$|^~+$|^Notes$|Where stories live")


def words(text: str) -> list[str]:
    """Words with punctuation folded, so curly and straight quotes, `...` and `…` compare equal."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("—", "--")):
        text = text.replace(a, b)
    return re.sub(r"\*\d+", " ", text).split()


def source_body_paragraphs(path: Path) -> list[str]:
    """Body paragraphs straight from a seed file: after the header, before the notes separator."""
    lines = path.read_text(encoding="utf-8").split("\n")[1:]
    body = []
    for line in lines:
        if line.startswith("~~~"):
            break
        if line.strip() and not NOISE.search(line) and line.strip() != ". . .":
            body.append(line)
    return body


def test_chapters_are_in_number_order_not_file_order() -> None:
    book, _, reporter = load(SAMPLE)
    assert book is not None
    assert [c.number for c in book.chapters] == [35, 37]
    assert [Path(c.location.path).name for c in book.chapters] == [
        "001_a8db442c64566133.txt",
        "000_506ad125502b2475.txt",
    ]
    assert not reporter.diagnostics, reporter.diagnostics


def test_gap_warning_is_suppressed_only_by_known_gaps(sample_source: Path) -> None:
    yaml_path = sample_source / "book.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("known_gaps: [36]\n", ""))
    book, _, reporter = load(sample_source)
    assert book is not None
    (warning,) = reporter.warnings
    assert warning.code == "M002" and "chapter 36 missing" in warning.message
    assert "001_a8db442c64566133.txt" in warning.message and "000_506ad125502b2475.txt" in warning.message


def test_four_endnotes_with_the_right_text_in_order_each_linked_both_ways() -> None:
    book, _, _ = load(SAMPLE)
    assert book is not None
    notes = book.notes
    assert [n.number for n in notes] == [1, 2, 3, 4]
    assert [n.id for n in notes] == ["note-1", "note-2", "note-3", "note-4"]
    texts = ["".join(i.text for i in n.paragraphs[0] if isinstance(i, Text)) for n in notes]
    assert texts[0] == "The two brigades were volunteer units from Germany and Italy respectively."
    assert texts[1].startswith("The author of the report was asked by Stalin")
    assert texts[2].startswith("Since the 601st Mechanized Division")
    assert texts[3].startswith("The fact of the matter is that the opposition parties")
    assert [len(c.notes) for c in book.chapters] == [3, 1]
    refs = [
        i
        for c in book.chapters
        for b in c.blocks
        if isinstance(b, Paragraph)
        for i in b.inlines
        if isinstance(i, NoteRef)
    ]
    assert [(r.number, r.note_id, r.ref_id) for r in refs] == [
        (n, f"note-{n}", f"noteref-{n}") for n in (1, 2, 3, 4)
    ]
    assert [n.ref_ids for n in notes] == [(f"noteref-{n}",) for n in (1, 2, 3, 4)]


def test_marker_leaves_the_sentence_as_it_was() -> None:
    book, _, _ = load(SAMPLE)
    assert book is not None
    paragraph = next(
        b
        for b in book.chapters[0].blocks
        if isinstance(b, Paragraph) and any(isinstance(i, NoteRef) for i in b.inlines)
    )
    i = next(k for k, inline in enumerate(paragraph.inlines) if isinstance(inline, NoteRef))
    before, after = paragraph.inlines[i - 1], paragraph.inlines[i + 1]
    assert isinstance(before, Text) and before.text.endswith("brigades,")
    assert isinstance(after, Text) and after.text.startswith(" and put")


def test_no_site_noise_survives_and_no_word_is_lost() -> None:
    book, _, _ = load(SAMPLE)
    assert book is not None
    for chapter in book.chapters:
        texts = []
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                texts.append("".join(i.text for i in block.inlines if isinstance(i, Text)))
            elif isinstance(block, SectionHeading):
                texts.append(block.text)
        joined = "\n".join(texts)
        assert not re.search(r"\*\d|~~~|Where stories live|^\d+ \d+ \d+$|^Notes$", joined, re.M)
        expected = [w for p in source_body_paragraphs(Path(chapter.location.path)) for w in words(p)]
        assert [w for t in texts for w in words(t)] == expected


def test_headings_are_found_after_scene_breaks() -> None:
    book, _, _ = load(SAMPLE)
    assert book is not None
    assert [h.text for h in book.chapters[1].headings] == [
        "Japan (D-Day+65)",
        "Chinese Communist Party (D-Day+66)",
        "Soviet Union (D-Day+67)",
    ]
    assert book.chapters[0].headings[0].text == "Primorsky Krai, Khabarovsk Offensive – 2 (D-Day+48~52)"
