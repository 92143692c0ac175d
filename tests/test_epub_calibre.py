"""Calibre reads the EPUB cleanly: converts it to AZW3 (Kindle) without ToC or link warnings."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.epub_support import build

pytestmark = pytest.mark.skipif(
    shutil.which("ebook-convert") is None or shutil.which("ebook-meta") is None,
    reason="calibre not installed (apt-get install calibre)",
)
# What calibre says when a book's ToC, links or anchors are broken.
TROUBLE = re.compile(
    r"warn|error|fail|broken|not found|unreferenced|could not|no toc|toc is empty|invalid",
    re.IGNORECASE,
)


def _calibre(*args: str) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_converts_to_azw3_cleanly_and_metadata_reads(synth: Callable[..., Path], tmp_path: Path) -> None:
    source = synth(chapters=5, notes_per_chapter=4)
    _, _, epub = build(source, tmp_path / "build")
    azw3 = tmp_path / "out.azw3"
    log = _calibre("ebook-convert", str(epub), str(azw3))
    assert azw3.stat().st_size > 0
    trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
    assert trouble == []

    for path in (epub, azw3):
        meta = _calibre("ebook-meta", str(path))
        assert re.search(r"^Title\s*:\s*Synthetic Saga$", meta, re.MULTILINE), meta
        assert re.search(r"^Author\(s\)\s*:\s*Test Author", meta, re.MULTILINE), meta
        assert re.search(r"^Languages\s*:\s*eng$", meta, re.MULTILINE), meta
