"""Helpers shared by the PDF tests: build a book's PDF once, read its pages back, run the preflight."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from book.check.pdf import preflight_pdf
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book
from book.writers.pdf import build_pdf
from tests.conftest import PDFTOTEXT_MISSING, SAMPLE, load


def require_pdftotext() -> None:
    """Skip the calling test on a machine without poppler: the preflight and page texts need it."""
    if shutil.which("pdftotext") is None:
        pytest.skip(PDFTOTEXT_MISSING)


def sample_copy(folder: Path, print_section: str = "") -> Path:
    """A copy of the sample book whose book.yaml ends with `print_section` (YAML text)."""
    shutil.copytree(SAMPLE, folder)
    if print_section:
        with open(folder / "book.yaml", "a", encoding="utf-8") as handle:
            handle.write(print_section)
    return folder


def build(source: Path, build_dir: Path) -> tuple[Book, Config, Reporter, Path | None]:
    """Load and build; the PDF path is None when the writer reported errors instead."""
    book, config, reporter = load(source)
    assert book is not None and config is not None, reporter.diagnostics
    written = build_pdf(book, config, build_dir, reporter)
    return book, config, reporter, written[0] if written else None


def preflight(path: Path, book: Book, config: Config) -> list[tuple[str, str]]:
    """(code, message) of everything the preflight reports."""
    require_pdftotext()
    reporter = Reporter()
    preflight_pdf(path, book, config, reporter)
    return [(d.code, d.message) for d in reporter.diagnostics]


def page_texts(path: Path) -> list[str]:
    """Each page's text, as poppler extracts it in reading order."""
    require_pdftotext()
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return out.split("\f")[:-1]
