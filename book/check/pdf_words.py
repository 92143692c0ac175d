"""Where a PDF's words are on each page, measured by poppler's `pdftotext -bbox`."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

WORD_RE = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    """A word's box in points from the page's top-left corner (poppler's crop-box coordinates)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def available() -> bool:
    return shutil.which("pdftotext") is not None


def page_words(path: Path) -> list[list[Word]]:
    """Every page's words, in page order; raises OSError when pdftotext fails."""
    try:
        out = subprocess.run(
            ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=300,
        ).stdout.decode("utf-8", "replace")
    except (subprocess.SubprocessError, OSError) as exc:
        raise OSError(f"pdftotext failed: {exc}") from exc
    pages: list[list[Word]] = []
    for chunk in out.split("<page ")[1:]:
        words = [
            Word(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            for m in WORD_RE.finditer(chunk)
        ]
        pages.append(words)
    return pages
