"""A synthetic book of over 300 pages: the gutter grows to KDP's 301-500 band and preflight passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from book.check import pdf_words
from tests.conftest import needs_cjk_font
from tests.pdf_support import build, preflight


@needs_cjk_font
@pytest.mark.slow  # two layouts of ~315 pages: about 20 s
def test_long_book_gets_the_wider_gutter(synth: Callable[..., Path], tmp_path: Path) -> None:
    source = synth(chapters=34, words_per_chapter=1800)
    book, config, reporter, path = build(source, tmp_path / "build")
    assert path is not None, reporter.diagnostics
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    assert 301 <= pages <= 500
    assert preflight(path, book, config) == []
    # measured, not trusted: the words nearest the spine are at least 0.625 in from it
    words = pdf_words.page_words(path)
    inside = min(
        (w.x0 if number % 2 == 1 else 396 - w.x1) for number, page in enumerate(words, 1) for w in page
    )
    assert inside >= 0.625 * 72 - 0.5
