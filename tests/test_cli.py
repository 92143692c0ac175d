"""The `book` command as users run it: a real subprocess, its output, its exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def book(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "GITHUB_ACTIONS": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "book", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manifest_of_the_sample_book(sample_source: Path) -> None:
    result = book("manifest", "-v", cwd=sample_source.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    chapter_lines = [line for line in lines if line.strip()[:2].isdigit()]
    assert [int(line.split()[0]) for line in chapter_lines] == [35, 37]
    assert (
        "stripped 2 stats lines, 2 padding lines, 2 notes separators, 2 notes headings, 2 trailers"
        in result.stdout
    )
    assert result.stderr == ""  # no warning: book.yaml declares chapter 36 a known gap
    manifest = json.loads((sample_source.parent / "build" / "manifest.json").read_text())
    assert manifest["book"]["title"] == "Time Slip Reiwa Japan"
    first = manifest["chapters"][0]
    assert (first["number"], first["arc"], first["part"], first["notes"]) == (
        35,
        "Siberian War of Independence",
        8,
        3,
    )
    assert first["source"] == "source/001_a8db442c64566133.txt" and len(first["sha256"]) == 64
    assert first["stripped"]["trailers"] == 1 and first["words"] > 900
    assert first["headings"][1] == "Siberian Independence in Khabarovsk (D-Day+55)"


def test_removing_the_known_gap_brings_the_warning_back(sample_source: Path) -> None:
    yaml_path = sample_source / "book.yaml"
    yaml_path.write_text(yaml_path.read_text().replace("known_gaps: [36]\n", ""))
    result = book("manifest", cwd=sample_source.parent)
    assert result.returncode == 0
    assert "source/000_506ad125502b2475.txt:1:1: warning[M002]: chapter 36 missing" in result.stderr
    assert result.stderr.strip().endswith("0 errors, 1 warning")
    strict = book("manifest", "--strict", cwd=sample_source.parent)
    assert strict.returncode == 1 and "error[M002]" in strict.stderr


def test_options_before_or_after_the_command_and_make_style_paths(
    sample_source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "elsewhere"
    a = book("--source", str(sample_source), "--build", str(out), "manifest", cwd=ROOT)
    b = book("manifest", "--source", str(sample_source), "--build", str(out), cwd=ROOT)
    assert a.returncode == b.returncode == 0
    assert (out / "manifest.json").exists()


def test_ir_dump_is_json(sample_source: Path) -> None:
    result = book("manifest", "--ir", cwd=sample_source.parent)
    data = json.loads(result.stdout)
    assert data["type"] == "Book" and len(data["chapters"]) == 2
    assert data["chapters"][0]["blocks"][0]["location"]["line"] == 6


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.txt").write_bytes(b"\xff\xfe junk")
    (source / "b.txt").write_text("")
    (source / "book.yaml").write_text("title: T\n")
    result = book("manifest", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "source/a.txt:1:1: error[R001]" in result.stderr and "source/b.txt:1:1: error[R002]" in result.stderr
    )
    assert "2 errors, 0 warnings" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert book("manifest", "--source", "missing", cwd=tmp_path).returncode == 2
    assert book("frobnicate", cwd=tmp_path).returncode == 2
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "book.yaml").write_text("title: [\n")
    result = book("manifest", cwd=tmp_path)
    assert result.returncode == 2 and "source/book.yaml:2:1: error[C001]" in result.stderr


def test_github_actions_annotations(sample_source: Path) -> None:
    (sample_source / "book.yaml").write_text("title: T\n")
    result = book("manifest", cwd=sample_source.parent, env={"GITHUB_ACTIONS": "true"})
    assert (
        "::warning file=source/000_506ad125502b2475.txt,line=1,col=1,title=M002::chapter 36 missing"
        in result.stdout
    )


def test_a_file_name_with_a_line_break_keeps_each_diagnostic_on_one_line(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "bad\nname\u2028.txt").write_text("Hello there.\n\nText.\n", encoding="utf-8")
    result = book("manifest", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines == [
        "source/bad\\nname\\u2028.txt:1:1: error[R003]: the first line should be the chapter number "
        "and title, like '035 - Title'; found 'Hello there.'",
        "1 error, 0 warnings",
    ]
    (annotation,) = [line for line in result.stdout.split("\n") if line.startswith("::")]
    assert annotation.startswith("::error file=source/bad%0Aname\u2028.txt,line=1,col=1,title=R003::")


@pytest.mark.parametrize("fmt", ["json"])
def test_json_diagnostics(sample_source: Path, fmt: str) -> None:
    (sample_source / "book.yaml").write_text("title: T\n")
    result = book("manifest", "--format", fmt, cwd=sample_source.parent)
    data = json.loads(result.stderr)
    assert data["warnings"] == 1 and data["diagnostics"][0]["code"] == "M002"
    assert data["diagnostics"][0]["file"] == "source/000_506ad125502b2475.txt"
