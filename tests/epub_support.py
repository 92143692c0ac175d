"""Helpers for the EPUB tests: build a source folder, open the EPUB's documents as XML."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from pathlib import Path

from lxml import etree

from book.config import Config
from book.diagnostics import Reporter
from book.ir import (
    Book,
    Chapter,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    SceneBreak,
    SectionHeading,
    SourceLocation,
    Text,
)
from book.writers.epub import build_epub
from tests.conftest import load

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def build(source: Path, build_dir: Path) -> tuple[Book, Config, Path]:
    """Run the front half and the EPUB writer; fail the test on any diagnostic but known gaps."""
    book, config, reporter = load(source)
    assert book is not None and config is not None, [d.format() for d in reporter.diagnostics]
    paths = build_epub(book, config, build_dir, reporter)
    assert not reporter.errors, [d.format() for d in reporter.errors]
    assert len(paths) == 1
    return book, config, paths[0]


def documents(epub_path: Path) -> dict[str, etree._Element]:
    """Every XML file in the EPUB (OPF, NCX, XHTML), parsed, by its name relative to EPUB/."""
    parsed = {}
    with zipfile.ZipFile(epub_path) as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                parsed[name.removeprefix("EPUB/")] = etree.fromstring(z.read(name))
    return parsed


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def tokens(text: str) -> list[str]:
    """Words as letters and digits only: quotes, dashes and ellipses vary with typography."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text))


def body_text_tokens(doc: etree._Element) -> list[str]:
    """Words of a chapter's paragraphs and section headings, note reference numbers left out."""
    out: list[str] = []
    for element in doc.iterfind(".//x:section/*", NS):
        if element.tag in (f"{{{NS['x']}}}p", f"{{{NS['x']}}}h3"):
            copy = etree.fromstring(etree.tostring(element))
            for ref in list(copy.iterfind(".//x:a[@class='noteref']", NS)):
                _drop_keep_tail(ref)
            out += tokens(text_of(copy))
    return out


def _drop_keep_tail(element: etree._Element) -> None:
    parent = element.getparent()
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


NOISE = re.compile(r"^\d+ \d+ \d+$|^\s+$|Where stories live")


def source_body_and_notes(path: Path) -> tuple[list[str], list[list[str]]]:
    """Straight from a chapter file: the words of the body in order, and each note's words."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    body: list[str] = []
    notes: list[list[str]] = []
    in_notes = False
    for line in text.split("\n")[1:]:
        if re.fullmatch(r"~{3,}", line.strip()):
            in_notes = True
            continue
        if not line.strip() or NOISE.search(line):
            continue
        if in_notes:
            match = re.match(r"\*(\d+):(.*)", line)
            if match:
                notes.append(tokens(match[2]))
        else:
            body += tokens(re.sub(r"\*\d+", " ", line))
    return body, notes


# --- a tiny IR, for writer unit tests --------------------------------------------------


def tiny_book(
    *, texts: tuple[str, ...] = ("Hello world.",), unreferenced_note: bool = False, language: str = "en"
) -> Book:
    """One chapter built directly (no reader): paragraphs, a heading, a break, one or two notes."""
    loc = SourceLocation("source/001.txt", 3, 1)
    first = Paragraph((Text(texts[0]), NoteRef(1, loc, 1, "note-1", "noteref-1"), Text(" after.")), loc)
    blocks: list[Paragraph | SectionHeading | SceneBreak] = [first]
    blocks += [SceneBreak(loc), SectionHeading("Elsewhere", "chapter-001-s1", loc)]
    blocks += [Paragraph((Text(t),), loc) for t in texts[1:]] or [Paragraph((Text("End."),), loc)]
    notes = [Note(1, ((Text("A note."),),), loc, 1, "note-1", ("noteref-1",))]
    if unreferenced_note:
        notes.append(Note(2, ((Text("Never referenced."),),), loc, 2, "note-2", ()))
    chapter = Chapter(1, "Only Chapter", None, None, tuple(blocks), tuple(notes), loc, "0" * 64)
    meta = Metadata(
        title="Tiny Book",
        language=language,
        identifier="urn:uuid:00000000-0000-4000-8000-000000000000",
        modified=dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        authors=("Ada Lovelace",),
    )
    return Book(meta, (chapter,))


def build_tiny(book: Book, build_dir: Path, source_dir: Path) -> tuple[Path, Reporter]:
    reporter = Reporter()
    paths = build_epub(book, Config(source_dir=source_dir), build_dir, reporter)
    assert not reporter.errors, [d.format() for d in reporter.errors]
    return paths[0], reporter
