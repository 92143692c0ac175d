"""The README's guarantees, end to end in both formats: escaping, atomic outputs, reproducible bytes."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book import output
from book.cli import main
from tests.conftest import ROOT, needs_pdftotext

HOSTILE = ["<script>alert(1)</script>", "</p>", "&amp;", "]]>", "{{ 6+1 }}", "{% if x %}"]
NAME = "time-slip-reiwa-japan"


def build(source: Path, build_dir: Path, *commands: str) -> int:
    status = 0
    for command in commands:
        status = max(status, main([command, "--source", str(source), "--build", str(build_dir)]))
    return status


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("BOOK_NO_CACHE", "1")


@needs_pdftotext
def test_markup_in_the_source_is_visible_text_in_both_formats(sample_source: Path, tmp_path: Path) -> None:
    chapter = next(sample_source.glob("000_*.txt"))
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace("\n\nHaving lost", "\n\n" + " ".join(HOSTILE) + "\n\nHaving lost", 1), "utf-8"
    )
    assert build(sample_source, tmp_path, "epub", "pdf") == 0
    with zipfile.ZipFile(tmp_path / f"{NAME}.epub") as epub:
        xhtml = (
            epub.read("EPUB/chapter-037.xhtml")
            if "EPUB/chapter-037.xhtml" in epub.namelist()
            else next(epub.read(n) for n in epub.namelist() if n.endswith("chapter-037.xhtml"))
        )
    visible = "".join(etree.fromstring(xhtml).itertext())
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / f"{NAME}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for needle in HOSTILE:
        assert needle in visible, needle
        assert needle in pdf_text, needle
    assert b"<script>" not in xhtml


def _outputs(build_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in build_dir.glob(f"{NAME}.*")}


@pytest.fixture
def built(sample_source: Path, tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    build_dir = tmp_path / "build"
    assert build(sample_source, build_dir, "epub", "pdf") == 0
    return sample_source, build_dir, _outputs(build_dir)


def _no_partial_files(build_dir: Path) -> None:
    assert not [p for p in build_dir.iterdir() if p.name.endswith(".part")]


def test_bad_input_leaves_previous_outputs(built: tuple[Path, Path, dict[str, bytes]]) -> None:
    source, build_dir, before = built
    (source / "zz.txt").write_text("no title line here\n")
    assert build(source, build_dir, "epub") == 1 and build(source, build_dir, "pdf") == 1
    assert _outputs(build_dir) == before
    _no_partial_files(build_dir)


@pytest.mark.parametrize("failure", ["full-disk", "interrupt"])
@pytest.mark.parametrize("command", ["epub", "pdf"])
def test_a_failed_write_leaves_previous_outputs(
    built: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch, failure: str, command: str
) -> None:
    source, build_dir, before = built
    chapter = next(source.glob("000_*.txt"))
    chapter.write_text(chapter.read_text() + "\nA new last paragraph.\n")

    def fail(src: object, dst: object) -> None:
        if failure == "full-disk":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", fail)
    status = build(source, build_dir, command)
    assert status == (1 if failure == "full-disk" else 130)
    assert _outputs(build_dir) == before
    _no_partial_files(build_dir)


def test_two_builds_in_different_places_and_times_give_the_same_bytes(
    sample_source: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "source"
    shutil.copytree(sample_source, other)
    for path in other.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))  # different mtimes: SOURCE_DATE_EPOCH wins
    assert build(sample_source, tmp_path / "a", "epub", "pdf") == 0
    assert build(other, tmp_path / "b", "epub", "pdf") == 0
    a, b = _outputs(tmp_path / "a"), _outputs(tmp_path / "b")
    assert set(a) == {f"{NAME}.epub", f"{NAME}.pdf"} and a == b


@pytest.mark.slow
def test_make_builds_both_formats_in_parallel(sample_source: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "-j2", "epub", "pdf", f"SOURCE={sample_source}", f"BUILD={tmp_path / 'out'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").glob(f"{NAME}.*")} == {f"{NAME}.epub", f"{NAME}.pdf"}
