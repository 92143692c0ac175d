"""GitLab's Code Quality report (Code Climate JSON): the diagnostics a merge request shows on its lines."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from book.output import atomic_write

# Set by the GitLab CI file `book new` writes; the job keeps the file as a `codequality` report.
REPORT_ENV = "BOOK_CODEQUALITY_REPORT"
SEVERITY = {"error": "critical", "warning": "minor"}


def _entry(diagnostic: dict[str, Any]) -> dict[str, Any]:
    key = "\n".join(str(diagnostic[k]) for k in ("code", "file", "line", "message"))
    return {
        "description": f"{diagnostic['code']}: {diagnostic['message']}",
        "check_name": diagnostic["code"],
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
        "severity": SEVERITY[diagnostic["severity"]],
        "location": {"path": diagnostic["file"], "lines": {"begin": diagnostic["line"] or 1}},
    }


def append(report: Path, diagnostics: Iterable[dict[str, Any]]) -> None:
    """Add the warnings and errors that name a file to `report`, keeping what earlier commands of
    the same job wrote there (each `book` call appends; the same finding is listed once, as an
    error if any command reported it as one)."""
    try:
        entries = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = []
    if not isinstance(entries, list):
        entries = []
    by_fingerprint = {e.get("fingerprint"): e for e in entries if isinstance(e, dict)}
    for diagnostic in diagnostics:
        if diagnostic["severity"] not in SEVERITY or not diagnostic["file"]:
            continue
        entry = _entry(diagnostic)
        known = by_fingerprint.get(entry["fingerprint"])
        if known is None:
            by_fingerprint[entry["fingerprint"]] = entry
            entries.append(entry)
        elif entry["severity"] == "critical":  # the same finding, an error this time (--strict)
            known["severity"] = "critical"
    atomic_write(report, (json.dumps(entries, indent=1, ensure_ascii=False) + "\n").encode(), durable=False)
