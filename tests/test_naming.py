"""One name per chapter (book/naming.py), the same in the EPUB's nav, NCX and notes and the PDF's
contents, openings, bookmarks, running heads and notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import html

from book.ir import Book, Chapter, Metadata, SourceLocation, Wording
from book.naming import chapter_name
from book.writers.pdf.html import render_html
from tests.epub_support import NS, build, documents

LOC = SourceLocation("c.txt", 1)


PLAIN = Wording()


def book_of(language: str = "en", wording: Wording = PLAIN, *chapters: Chapter) -> Book:
    meta = Metadata("T", language, "urn:x", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    return Book(meta, chapters or (arc_chapter(35, 8), arc_chapter(37, 10)), wording)


def arc_chapter(number: int, part: int) -> Chapter:
    return Chapter(number, f"Siberian War - {part}", "Siberian War", part, (), (), LOC, "sha")


@pytest.mark.parametrize(
    ("language", "wording", "label", "title", "full"),
    [
        ("en", Wording(), "Chapter 35", "Siberian War – 8", "Chapter 35: Siberian War – 8"),
        ("fr", Wording(), "Chapitre 35", "Siberian War – 8", "Chapitre 35\u00a0: Siberian War – 8"),
        ("de", Wording(), "Kapitel 35", "Siberian War – 8", "Kapitel 35: Siberian War – 8"),
        ("ja", Wording(), "第35章", "Siberian War – 8", "第35章\u3000Siberian War – 8"),
        ("en", Wording(group_arcs=True), "Chapter 35", "Part 8", "Chapter 35: Part 8"),
        ("ru", Wording(group_arcs=True), "Глава 35", "Часть 8", "Глава 35: Часть 8"),
        ("en", Wording(arc_title="{arc}, {part_label}"), "Chapter 35", "Siberian War, Part 8", None),
        ("en", Wording(arc_title="{title}"), "Chapter 35", "Siberian War - 8", None),
        (
            "en",
            Wording(labels=(("chapter", "Episode {number}"), ("chapter_name", "{label} · {title}"))),
            "Episode 35",
            "Siberian War – 8",
            "Episode 35 · Siberian War – 8",
        ),
    ],
)
def test_a_chapter_is_named_from_the_ir_and_the_settings(
    language: str, wording: Wording, label: str, title: str, full: str | None
) -> None:
    book = book_of(language, wording)
    name = chapter_name(book, book.chapters[0])
    assert (name.label, name.title) == (label, title)
    assert name.full == (full or f"{label}: {title}")
    assert name.arc == ("Siberian War" if wording.group_arcs else None)
    assert name.running_head == (name.arc or title)


def test_a_chapter_without_an_arc_or_a_title() -> None:
    plain = Chapter(3, "Homecoming", None, None, (), (), LOC, "sha")
    bare = Chapter(4, "", None, None, (), (), LOC, "sha")
    book = book_of("en", Wording(group_arcs=True), plain, bare)
    assert chapter_name(book, plain).full == "Chapter 3: Homecoming" and chapter_name(book, plain).arc is None
    assert chapter_name(book, bare).full == "Chapter 4"


@pytest.mark.parametrize("grouped", [False, True])
def test_both_formats_name_every_chapter_the_same_way(
    grouped: bool, sample_source: Path, tmp_path: Path
) -> None:
    if grouped:
        with (sample_source / "book.yaml").open("a") as f:
            f.write("naming:\n  arcs: grouped\n")
    book, _, path = build(sample_source, tmp_path / "build")
    names = [chapter_name(book, c) for c in book.chapters]
    full = [n.full for n in names]
    docs = documents(path)

    nav = docs["toc.xhtml"].find(".//x:nav[@role='doc-toc']", NS)
    arcs = {c.arc for c in book.chapters}  # a grouped arc's entry links to its first chapter too
    nav_labels = [
        a.text for a in nav.iterfind(".//x:a", NS) if "#" not in a.get("href") and a.text not in arcs
    ]
    assert nav_labels[: len(full)] == full
    ncx_labels = [
        p.findtext("ncx:navLabel/ncx:text", namespaces=NS)
        for p in docs["toc.ncx"].iterfind(".//ncx:navPoint", NS)
        if p.get("id", "").startswith("nav-chapter-") and "#" not in p.find("ncx:content", NS).get("src")
    ]
    assert ncx_labels == full
    endnotes = [h.text for h in docs["endnotes.xhtml"].iterfind(".//x:section/x:section/x:h3", NS)]
    assert endnotes == [n.full for n, c in zip(names, book.chapters, strict=True) if c.notes]
    for chapter, name in zip(book.chapters, names, strict=True):
        doc = docs[f"{chapter.id}.xhtml"]
        assert doc.findtext(".//x:title", namespaces=NS) == name.full
        assert doc.findtext(".//x:h2/x:span[@class='title']", namespaces=NS) == name.title

    page = html.fromstring(render_html(book, []))
    assert [a.text_content() for a in page.xpath("//nav[@class='contents']//li/a")][: len(full)] == full
    heads = page.xpath("//h1[@class='chapter-title'][@data-running-head]")[: len(full)]
    assert [h.get("data-bookmark") for h in heads] == full
    assert [h.text_content() for h in heads] == [n.title for n in names]
    assert [h.get("data-running-head") for h in heads] == [n.running_head for n in names]
    assert page.xpath("//p[@class='chapter-label']/text()") == [n.label for n in names]
    with_notes = [n.full for n, c in zip(names, book.chapters, strict=True) if c.notes]
    assert page.xpath("//h2[@class='notes-group']/text()") == with_notes
    arc_lines = page.xpath("//nav[@class='contents']//li[@class='toc-arc']/text()")
    assert arc_lines == (["Siberian War of Independence"] if grouped else [])
    assert page.xpath("//p[@class='chapter-arc']/text()") == arc_lines
