"""The Kobo kepub: Kobo's markup on every document, the EPUB's exact text, and EPUBCheck clean."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from book.check import epub as check
from book.diagnostics import Reporter
from book.ir import SourceLocation
from book.writers.kepub import build_kepub
from tests.conftest import load
from tests.epub_support import NS, build, documents, text_of, tokens

KOBO_ID = re.compile(r"^kobo\.\d+\.\d+$")


@pytest.fixture(params=["sample", "synth"])
def pair(request: pytest.FixtureRequest, tmp_path: Path, synth: Callable[..., Path]) -> tuple[Path, Path]:
    """(EPUB, kepub) built from the same source."""
    source = (
        request.getfixturevalue("sample_source")
        if request.param == "sample"
        else synth(chapters=6, notes_per_chapter=5)
    )
    book, config, epub = build(source, tmp_path / "build")
    reporter = Reporter()
    paths = build_kepub(book, config, tmp_path / "build", reporter)
    assert not reporter.errors
    return epub, paths[0]


def _spine(docs: dict[str, etree._Element]) -> list[str]:
    opf = docs["content.opf"]
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]


def test_file_name_and_extension(pair: tuple[Path, Path]) -> None:
    epub, kepub = pair
    assert kepub.name == epub.name.removesuffix(".epub") + ".kepub.epub"
    with zipfile.ZipFile(kepub) as z:
        assert z.namelist()[0] == "mimetype"
        assert z.read("mimetype") == b"application/epub+zip"


def test_every_document_has_kobo_divs_style_and_spans(pair: tuple[Path, Path]) -> None:
    docs = documents(pair[1])
    for name in _spine(docs):
        doc = docs[name]
        body = doc.find("x:body", NS)
        columns = body.findall("x:*", NS)
        assert [c.get("id") for c in columns] == ["book-columns"], name
        inner = columns[0].findall("x:*", NS)
        assert [c.get("id") for c in inner] == ["book-inner"], name
        style = doc.find("x:head/x:style[@class='kobostylehacks']", NS)
        assert style is not None and "book-inner" in style.text, name
        ids = [s.get("id") for s in doc.iterfind(".//x:span[@class='koboSpan']", NS)]
        assert ids and all(KOBO_ID.match(i) for i in ids), name
        assert len(ids) == len(set(ids)), name
        # no text outside a span: every non-blank run of text sits inside a koboSpan
        for element in body.iter():
            if element.text and element.text.strip():
                assert element.get("class") == "koboSpan", (name, element.text)
            if element.tail and element.tail.strip():
                assert element.getparent().get("class") == "koboSpan", (name, element.tail)


def test_sentences_are_numbered_per_paragraph(pair: tuple[Path, Path]) -> None:
    docs = documents(pair[1])
    chapter = next(n for n in _spine(docs) if n.startswith("chapter-"))
    first_p = docs[chapter].find(".//x:section/x:p", NS)
    spans = first_p.findall(".//x:span[@class='koboSpan']", NS)
    paragraphs = {s.get("id").split(".")[1] for s in spans}
    assert len(paragraphs) == 1
    assert [s.get("id").split(".")[2] for s in spans] == [str(i) for i in range(1, len(spans) + 1)]


def test_cover_is_marked_cover_image(pair: tuple[Path, Path]) -> None:
    opf = documents(pair[1])["content.opf"]
    covers = opf.findall(".//opf:manifest/opf:item[@properties='cover-image']", NS)
    assert len(covers) == 1 and covers[0].get("media-type") in ("image/png", "image/jpeg")


def test_words_and_text_equal_the_epubs(pair: tuple[Path, Path]) -> None:
    epub_docs, kepub_docs = documents(pair[0]), documents(pair[1])
    assert _spine(epub_docs) == _spine(kepub_docs)
    for name in _spine(epub_docs):
        original = text_of(epub_docs[name].find("x:body", NS))
        kobo = text_of(kepub_docs[name].find("x:body", NS))
        # the same characters in the same order: nothing lost, moved or doubled
        assert kobo.strip() == original.strip(), name
        assert tokens(kobo) == tokens(original), name


def test_links_and_note_ids_survive(pair: tuple[Path, Path]) -> None:
    epub_docs, kepub_docs = documents(pair[0]), documents(pair[1])
    for name in _spine(epub_docs):
        before = [(a.get("href"), a.get("id")) for a in epub_docs[name].iterfind(".//x:a", NS)]
        after = [(a.get("href"), a.get("id")) for a in kepub_docs[name].iterfind(".//x:a", NS)]
        assert before == after, name


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("java") is None or check.epubcheck_jar() is None,
    reason="EPUBCheck needs Java and the epubcheck package (apt-get install default-jre)",
)
def test_epubcheck_passes_the_kepub(sample_source: Path, tmp_path: Path) -> None:
    book, config, _ = load(sample_source)
    assert book is not None and config is not None
    reporter = Reporter()
    kepub = build_kepub(book, config, tmp_path, reporter)[0]
    check.run_epubcheck(kepub, SourceLocation(str(kepub)), reporter)
    assert [d.format() for d in reporter.diagnostics] == []
