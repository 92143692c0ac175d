"""Shared fixtures: the sample book, synthetic books, a one-call loader, and the skip rules."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from book.config import Config
from book.diagnostics import HaltBuild, Reporter
from book.ir import Book
from book.pipeline import load_book
from book.printing import fonts
from book.synth import SPICE, SynthOptions, write_book

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source"

# CI installs every tool and font, so there a skipped test is a failure (`.ci/run` sets this).
REQUIRE_ALL = "BOOK_REQUIRE_ALL"


def _cjk_missing() -> bool:
    """True when the text face and the default fallbacks cannot draw every name the synthetic books hold."""
    faces = fonts.text_faces() + fonts.resolve_fallbacks((), ROOT)[0]
    return not {ord(c) for c in "".join(SPICE) if fonts.needs_glyph(c)} <= fonts.coverage(faces)


# The synthetic books hold 令和 and 東京; the print build rightly refuses a glyph no font draws.
needs_cjk_font = pytest.mark.skipif(
    _cjk_missing(),
    reason="needs a CJK font for the synthetic books' 令和/東京 "
    "(apt-get install fonts-noto-cjk, or `make tools`)",
)
PDFTOTEXT_MISSING = "needs poppler's pdftotext (apt-get install poppler-utils, or `make tools`)"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason=PDFTOTEXT_MISSING)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """With BOOK_REQUIRE_ALL=1, a skipped test fails, saying what was missing."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get(REQUIRE_ALL) == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but {REQUIRE_ALL}=1 requires every test to run: {reason}"


@pytest.fixture
def sample_source(tmp_path: Path) -> Path:
    """A private copy of the sample book's source folder (tests may edit it)."""
    target = tmp_path / "source"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def synth(tmp_path: Path) -> Callable[..., Path]:
    """Write a synthetic book: `synth(chapters=5, notes_per_chapter=12, ...)` → its source folder."""

    def make(name: str = "synth", book_yaml: str | None = None, **options: object) -> Path:
        folder = tmp_path / name
        write_book(folder, SynthOptions(**options), book_yaml)  # type: ignore[arg-type]
        return folder

    return make


def load(source: Path, strict: bool = False) -> tuple[Book | None, Config | None, Reporter]:
    """Run the front half; (None, None, reporter) when a stage halted."""
    reporter = Reporter(strict=strict)
    try:
        book, config = load_book(source, reporter)
    except HaltBuild:
        return None, None, reporter
    return book, config, reporter
