"""Shared fixtures: the sample book, synthetic books, and a one-call loader."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from book.config import Config
from book.diagnostics import HaltBuild, Reporter
from book.ir import Book
from book.pipeline import load_book
from book.synth import SynthOptions, write_book

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source"


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
