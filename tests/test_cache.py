"""Incremental builds: a no-op is skipped, any changed input rebuilds, and cached output equals uncached."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from book.cli import main

EPOCH = "1700000000"


def epub(source: Path, build: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["epub", "--source", str(source), "--build", str(build)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("BOOK_NO_CACHE", raising=False)


def test_no_op_rebuild_is_skipped_and_replays_warnings(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_source / "book.yaml").write_text("title: Time Slip Reiwa Japan\n")  # chapter 36 gap: a warning
    build = tmp_path / "build"
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "wrote" in out and "warning[M002]" in err
    first = (build / "time-slip-reiwa-japan.epub").read_bytes()
    code, out, err = epub(sample_source, build, capsys)
    assert code == 0 and "up to date" in out and "warning[M002]" in err
    assert (build / "time-slip-reiwa-japan.epub").read_bytes() == first


def test_changed_inputs_rebuild(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = tmp_path / "build"
    epub(sample_source, build, capsys)
    chapter = next(sample_source.glob("000_*.txt"))
    chapter.write_text(chapter.read_text().replace("Stalin", "Molotov", 1))
    _, out, _ = epub(sample_source, build, capsys)
    assert "wrote" in out
    # a removed or replaced output is rebuilt too
    (build / "time-slip-reiwa-japan.epub").unlink()
    _, out, _ = epub(sample_source, build, capsys)
    assert "wrote" in out


def test_a_style_change_rebuilds_everything(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from book.resources import STYLES_DIR, user_styles_dir

    # The user's own styles/ beside the source folder overrides the package's stylesheet.
    styles = user_styles_dir(sample_source)
    styles.mkdir()
    shutil.copy(STYLES_DIR / "epub.css", styles / "epub.css")
    build = tmp_path / "build"
    epub(sample_source, build, capsys)
    assert "up to date" in epub(sample_source, build, capsys)[1]
    (styles / "epub.css").write_text((styles / "epub.css").read_text() + "\n/* changed */\n")
    assert "wrote" in epub(sample_source, build, capsys)[1]
    with zipfile.ZipFile(build / "time-slip-reiwa-japan.epub") as z:
        assert b"/* changed */" in z.read("EPUB/css/epub.css")
    # and the rebuilt book is the one a build without any cache makes
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    epub(sample_source, tmp_path / "cold", capsys)
    name = "time-slip-reiwa-japan.epub"
    assert (build / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_cached_output_equals_uncached(
    sample_source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = tmp_path / "warm"
    epub(sample_source, warm, capsys)
    chapter = next(sample_source.glob("001_*.txt"))
    chapter.write_text(chapter.read_text() + "\n")  # forces a rebuild that reuses the chapter cache
    epub(sample_source, warm, capsys)
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    cold = tmp_path / "cold"
    epub(sample_source, cold, capsys)
    assert not (cold / ".cache").exists()
    name = "time-slip-reiwa-japan.epub"
    assert (warm / name).read_bytes() == (cold / name).read_bytes()


def test_adding_a_chapter_reuses_the_compressed_chapters_and_equals_a_cold_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from book.synth import SynthOptions, chapter_text, write_book
    from book.writers.epub.ziparchive import LAST_WRITE

    options = SynthOptions(chapters=12, words_per_chapter=400, notes_per_chapter=2)
    source = tmp_path / "source"
    write_book(source, options)
    build = tmp_path / "build"
    assert epub(source, build, capsys)[0] == 0
    assert LAST_WRITE.reused == [] and len(LAST_WRITE.compressed) > 12
    (source / "new.txt").write_text(chapter_text(13, options), encoding="utf-8")
    assert epub(source, build, capsys)[0] == 0
    incremental = (build / "synthetic-saga.epub").read_bytes()
    with zipfile.ZipFile(build / "synthetic-saga.epub") as book:
        chapters = [n for n in book.namelist() if n.startswith("EPUB/ch")]
    assert len(chapters) == 13
    # Only what the new chapter changes is compressed again: itself, the package, contents, notes.
    assert set(chapters) - set(LAST_WRITE.compressed) == set(chapters[:12])
    assert set(chapters[:12]) <= set(LAST_WRITE.reused)
    assert len(LAST_WRITE.compressed) <= 6, LAST_WRITE.compressed
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    assert epub(source, tmp_path / "cold", capsys)[0] == 0
    assert (tmp_path / "cold" / "synthetic-saga.epub").read_bytes() == incremental
