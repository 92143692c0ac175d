"""`book azw3`: calibre's conversion when calibre is there, D011 with the install command when it is not."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from book.cli import main
from tests.conftest import SAMPLE

SLUG = "time-slip-reiwa-japan"


def _run(build: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    status = main(["azw3", "--source", str(SAMPLE), "--build", str(build), "--format", "json"])
    return status, json.loads(capsys.readouterr().err)["diagnostics"]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("ebook-convert") is None or shutil.which("ebook-meta") is None,
    reason="calibre not installed (apt-get install calibre)",
)
def test_writes_a_kf8_book_that_calibre_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, diagnostics = _run(tmp_path, capsys)
    assert status == 0 and diagnostics == []
    azw3 = tmp_path / f"{SLUG}.azw3"
    data = azw3.read_bytes()
    assert data[60:68] == b"BOOKMOBI"  # the PalmDB type and creator of a Kindle book
    assert (azw3.stat().st_mode & 0o777) == 0o644
    meta = subprocess.run(["ebook-meta", str(azw3)], capture_output=True, text=True, check=True).stdout
    assert "Time Slip Reiwa Japan" in meta and "Anonymous" in meta
    # nothing left behind: no temporary EPUB or folder in the build folder
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".cache")
    assert left == ["manifest.json", f"{SLUG}.azw3"]


def test_without_calibre_it_is_D011_with_the_install_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    status, diagnostics = _run(tmp_path / "build", capsys)
    d = next(d for d in diagnostics if d["code"] == "D011")
    assert "apt-get install calibre" in str(d["message"])
    assert str(d["file"]).endswith(f"{SLUG}.azw3")
    assert status == 1
    assert not (tmp_path / "build" / f"{SLUG}.azw3").exists()


def test_a_failed_conversion_is_D012_and_keeps_the_previous_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ebook-convert"
    fake.write_text("#!/bin/sh\necho 'Conversion error: broken input' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    build = tmp_path / "build"
    build.mkdir()
    previous = build / f"{SLUG}.azw3"
    previous.write_bytes(b"the previous book")
    status, diagnostics = _run(build, capsys)
    d = next(d for d in diagnostics if d["code"] == "D012")
    assert "broken input" in str(d["message"]) and str(d["file"]).endswith(f"{SLUG}.azw3")
    assert status == 1
    assert previous.read_bytes() == b"the previous book"
    assert [p.name for p in build.iterdir() if p.name.startswith(".azw3")] == []
