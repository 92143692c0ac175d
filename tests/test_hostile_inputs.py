"""Large and hostile manuscripts: each builds or gets a clear diagnostic, never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from book.diagnostics import Reporter
from book.ir import Book, Paragraph
from book.writers.epub import build_epub
from tests.conftest import load, needs_pdftotext


def epub_builds(book: Book, config: object, out: Path) -> None:
    """The EPUB writer takes the book too, and EPUBCheck-level structure is the writer tests' job."""
    reporter = Reporter()
    (path,) = build_epub(book, config, out, reporter)  # type: ignore[arg-type]
    assert path.stat().st_size > 0 and not reporter.errors


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_five_megabyte_single_paragraph(tmp_path: Path) -> None:
    paragraph = ("word " * 1_000_000).strip()
    write(tmp_path / "s", "a.txt", f"001 - Huge\n\n{paragraph} *1\n\n~~~\n\n*1: The only note.\n")
    book, config, reporter = load(tmp_path / "s")
    assert book is not None and not reporter.diagnostics
    (block,) = book.chapters[0].blocks
    assert isinstance(block, Paragraph) and len(book.notes) == 1
    epub_builds(book, config, tmp_path / "out")
    # The print interior refuses it with a clear diagnostic at the paragraph, instead of minutes
    # of layout and gigabytes of memory; nothing is written.
    from book.writers.pdf import build_pdf

    pdf_reporter = Reporter()
    assert build_pdf(book, config, tmp_path / "pdf", pdf_reporter) == []  # type: ignore[arg-type]
    (d,) = pdf_reporter.diagnostics
    assert (
        d.code == "P014"
        and d.location is not None
        and (d.location.path, d.location.line) == (block.location.path, 3)
    )


def test_two_thousand_notes_in_one_chapter(tmp_path: Path) -> None:
    body = "\n\n".join(f"Sentence {n} ends here. *{n}" for n in range(1, 2001))
    notes = "\n\n".join(f"*{n}: Note {n}." for n in range(1, 2001))
    write(tmp_path / "s", "a.txt", f"001 - Notes\n\n{body}\n\n~~~~\n\nNotes\n\n{notes}\n")
    book, config, reporter = load(tmp_path / "s")
    assert book is not None and not reporter.diagnostics
    assert [n.number for n in book.notes] == list(range(1, 2001))
    assert book.notes[-1].ref_ids == ("noteref-2000",)
    epub_builds(book, config, tmp_path / "out")


def test_ten_thousand_character_title_line(tmp_path: Path) -> None:
    title = "Long " * 2000
    write(tmp_path / "s", "a.txt", f"001 - {title}\n\nText.\n")
    book, config, _ = load(tmp_path / "s")
    assert book is not None and book.chapters[0].title == title.strip()
    epub_builds(book, config, tmp_path / "out")


@pytest.mark.slow
def test_a_thousand_chapters(synth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = synth(chapters=1000, words_per_chapter=60, notes_per_chapter=1)
    book, config, reporter = load(source)
    assert book is not None and not reporter.diagnostics
    assert [c.number for c in book.chapters] == list(range(1, 1001))
    assert len(book.notes) == 1000
    epub_builds(book, config, tmp_path / "out")


def test_date_comes_from_the_sources_not_the_clock(sample_source: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for path in sample_source.iterdir():
        os.utime(path, (1_600_000_000, 1_600_000_000))
    book, _, _ = load(sample_source)
    assert book is not None and int(book.metadata.modified.timestamp()) == 1_600_000_000


@pytest.mark.slow
@needs_pdftotext
@pytest.mark.parametrize("case", ["long-title", "many-notes"])
def test_hostile_inputs_print_and_pass_the_preflight(tmp_path: Path, case: str) -> None:
    from book.check.pdf import preflight_pdf
    from book.writers.pdf import build_pdf

    if case == "long-title":
        write(tmp_path / "s", "a.txt", f"001 - {'Long ' * 2000}\n\nText.\n")
    else:
        body = "\n\n".join(f"Sentence {n} ends here. *{n}" for n in range(1, 2001))
        notes = "\n\n".join(f"*{n}: Note {n}." for n in range(1, 2001))
        write(tmp_path / "s", "a.txt", f"001 - Notes\n\n{body}\n\n~~~~\n\nNotes\n\n{notes}\n")
    book, config, _ = load(tmp_path / "s")
    assert book is not None and config is not None
    reporter = Reporter()
    (path,) = build_pdf(book, config, tmp_path / "out", reporter)
    preflight_pdf(path, book, config, reporter)
    assert not reporter.diagnostics
