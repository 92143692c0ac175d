"""The sample book in every language with labels: no English boilerplate in the EPUB or the PDF,
and EPUBCheck, DAISY Ace and the print preflight still clean."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from book import labels
from book.check import epub as epub_check
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, SourceLocation
from book.naming import book_labels
from book.printing.fonts import resolve_fallbacks
from book.writers.epub import build_epub
from book.writers.pdf import build_pdf
from book.writers.pdf.html import edition_date
from tests.conftest import SAMPLE, load
from tests.pdf_support import page_texts, preflight

LISTED = ("en", "fr", "de", "es", "pt", "it", "nl", "pl", "ru", "uk", "id", "vi", "ja", "zh", "ko")
CJK = {"ja", "zh", "ko"}
BOOK_YAML = """title: Time Slip Reiwa Japan
author: [Kenji Sato, Mika Ito]
publisher: Small Press
language: {language}
known_gaps: [36]
"""


def has_noto_cjk() -> bool:
    return not resolve_fallbacks(("Noto Serif CJK JP",), SAMPLE)[1]


def english_boilerplate(book: Book) -> set[str]:
    """Every English label as this book would print it, where the book's language says it otherwise."""
    english, own = labels.resolve("en"), book_labels(book)
    meta = book.metadata
    values: list[tuple[str, dict[str, object]]] = [
        (key, {}) for key in ("contents", "notes", "cover", "title_page", "landmarks", "start")
    ]
    values += [("chapter", {"number": c.number}) for c in book.chapters]
    values += [("part", {"number": c.part}) for c in book.chapters if c.part is not None]
    values += [("volume", {"number": 1})]
    values += [("backlink", {"number": n.number}) for n in book.notes]
    values += [("backlink_nth", {"number": n.number, "index": 1}) for n in book.notes]
    values += [("edition", {"date": edition_date(book)}), ("published_by", {"publisher": meta.publisher})]
    values += [("cover_alt_authors", {"title": meta.title, "authors": ", ".join(meta.authors)})]
    values += [("accessibility_summary", {})]
    found = set()
    for key, fields in values:
        if english.get(key, **fields) != own.get(key, **fields):
            found.add(english.get(key, **fields))
    return found


def epub_strings(path: Path) -> list[str]:
    """Every text node and attribute value of every XML document in the EPUB."""
    strings = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                for element in etree.fromstring(z.read(name)).iter():
                    strings += [element.text or "", element.tail or "", *element.attrib.values()]
    return strings


def pdf_strings(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    return [*page_texts(path), *titles]


Built = tuple[Book, Config, Path, Path]


@pytest.fixture(scope="module", params=LISTED)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample book, with authors and a publisher, built to EPUB and PDF in one language."""
    language: str = request.param
    if language in CJK and not has_noto_cjk():
        pytest.skip("the print interior needs Noto CJK for this language: apt-get install fonts-noto-cjk")
    folder = tmp_path_factory.mktemp(language)
    source = folder / "source"
    shutil.copytree(SAMPLE, source)
    (source / "book.yaml").write_text(BOOK_YAML.format(language=language), encoding="utf-8")
    book, config, reporter = load(source, strict=True)
    assert book is not None and config is not None, [d.format() for d in reporter.diagnostics]
    (epub,) = build_epub(book, config, folder / "build", reporter)
    (pdf,) = build_pdf(book, config, folder / "build", reporter)
    assert [d.format() for d in reporter.diagnostics] == []
    return book, config, epub, pdf


@pytest.mark.slow
def test_no_english_boilerplate(built: Built) -> None:
    book, _, epub, pdf = built
    language = book.metadata.language
    english = english_boilerplate(book)
    if language != "en":
        assert {"Contents", "Notes" if language != "fr" else "Cover", "Chapter 35"} & english
    for where, strings in (("EPUB", epub_strings(epub)), ("PDF", pdf_strings(pdf))):
        # pdftotext may break a line inside a label: compare with whitespace collapsed.
        text = "\n".join(" ".join(s.split()) for s in strings)
        left = sorted(
            s for s in english if re.search(rf"(?<!\w){re.escape(' '.join(s.split()))}(?!\w)", text)
        )
        assert left == [], f"English in the {language} {where}: {left}"
    words = book_labels(book)
    assert words.get("contents") in "\n".join(pdf_strings(pdf))
    assert words.get("chapter", number=35) in "\n".join(epub_strings(epub))


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("java") is None or epub_check.epubcheck_jar() is None,
    reason="EPUBCheck needs Java and the epubcheck package (apt-get install default-jre-headless)",
)
def test_epubcheck_is_clean(built: Built) -> None:
    reporter = Reporter()
    epub_check.run_epubcheck(built[2], SourceLocation(built[2].name), reporter)
    assert [d.format() for d in reporter.diagnostics] == []


@pytest.mark.slow
@pytest.mark.skipif(
    epub_check.find_ace() is None or epub_check.find_browser() is None,
    reason="DAISY Ace or Chromium not installed: run make tools",
)
def test_ace_is_clean(built: Built) -> None:
    reporter = Reporter()
    epub_check.run_ace(built[2], SourceLocation(built[2].name), reporter)
    assert [d.format() for d in reporter.diagnostics] == []


@pytest.mark.slow
def test_print_preflight_is_clean(built: Built) -> None:
    book, config, _, pdf = built
    assert preflight(pdf, book, config) == []
