"""BOOK_CODEQUALITY_REPORT: diagnostics as GitLab's Code Quality report, merged across commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from book.cli import main


def test_each_command_adds_its_findings_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.txt").write_text("001 - One\n\nText.\n")
    (source / "b.txt").write_text("003 - Three\n\nMore text.\n\n~~~~\n\nNotes\n\n*1: Never used.\n")
    report = tmp_path / "gl-code-quality-report.json"
    monkeypatch.setenv("BOOK_CODEQUALITY_REPORT", str(report))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    args = ["--source", str(source), "--build", str(tmp_path / "build")]
    assert main([*args, "manifest"]) == 0
    assert main([*args, "manifest"]) == 0  # the same findings again: listed once
    entries = json.loads(report.read_text())
    by_code = {e["check_name"]: e for e in entries}
    assert sorted(by_code) == ["M002", "N002"] and len(entries) == 2
    gap = by_code["M002"]
    assert gap["severity"] == "minor" and gap["description"].startswith("M002: chapter 2 missing")
    assert gap["location"] == {"path": str(source / "b.txt"), "lines": {"begin": 1}}
    assert by_code["N002"]["location"]["lines"]["begin"] == 9
    assert len({e["fingerprint"] for e in entries}) == 2
    # --strict makes the gap an error (and stops before the notes): the same entry, now critical.
    assert main([*args, "--strict", "manifest"]) == 1
    severities = {e["check_name"]: e["severity"] for e in json.loads(report.read_text())}
    assert severities == {"M002": "critical", "N002": "minor"}
