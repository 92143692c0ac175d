"""Notes that pop up: the rules each reading system applies before it shows a note in a popup
(docs/devices.md names the source of each), checked on the sample book and a synthetic one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from book.check.epub import find_ace, find_browser, run_ace
from book.diagnostics import Reporter
from book.ir import Book, SourceLocation
from tests.epub_support import EPUB_TYPE, NS, build, documents, text_of

ROLE = "role"
HEADINGS = {f"{{{NS['x']}}}h{n}" for n in range(1, 7)}
BACKLINK = "\u21a9\ufe0e"  # ↩ + VARIATION SELECTOR-15: drawn as text, never as an emoji (iOS)


@pytest.fixture(params=["sample", "synth"])
def epub(request: pytest.FixtureRequest, tmp_path: Path, synth: Callable[..., Path]) -> tuple[Book, Path]:
    source = (
        request.getfixturevalue("sample_source")
        if request.param == "sample"
        else synth(chapters=6, notes_per_chapter=5)
    )
    book, _, path = build(source, tmp_path / "build")
    return book, path


def _spine(docs: dict[str, etree._Element]) -> list[str]:
    opf = docs["content.opf"]
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[r.get("idref")] for r in opf.iterfind(".//opf:spine/opf:itemref", NS)]


def _noterefs(docs: dict[str, etree._Element]) -> list[tuple[str, etree._Element]]:
    return [
        (name, a)
        for name in _spine(docs)
        for a in docs[name].iterfind(".//x:a", NS)
        if a.get(EPUB_TYPE) == "noteref" or "noteref" in (a.get("class") or "")
    ]


def _target(docs: dict[str, etree._Element], href: str) -> tuple[str, etree._Element]:
    name, _, fragment = href.partition("#")
    found = docs[name].xpath("//*[@id=$id]", id=fragment)
    assert len(found) == 1, href
    return name, found[0]


def _position(docs: dict[str, etree._Element], name: str, element: etree._Element) -> tuple[int, int]:
    """(spine index, document order) of an element: reading order."""
    order = {e: i for i, e in enumerate(docs[name].iter())}
    return _spine(docs).index(name), order[element]


def test_every_reference_is_a_noteref_link_with_an_id(epub: tuple[Book, Path]) -> None:
    # Apple Books, Kobo iOS, KOReader: epub:type="noteref" marks the link; role for assistive tech.
    refs = _noterefs(documents(epub[1]))
    assert len(refs) == sum(len(n.ref_ids) for n in epub[0].notes)
    for _, a in refs:
        assert a.get(EPUB_TYPE) == "noteref" and a.get(ROLE) == "doc-noteref"
        assert a.get("id") and "#" in a.get("href")


def test_every_note_is_an_endnote_element_with_its_id(epub: tuple[Book, Path]) -> None:
    # Apple Books and Kobo: the target carries epub:type footnote/endnote; KOReader trusts it.
    docs = documents(epub[1])
    for _, a in _noterefs(docs):
        _, note = _target(docs, a.get("href"))
        assert note.tag == f"{{{NS['x']}}}li"
        assert note.get(EPUB_TYPE) == "endnote"
        # DPUB-ARIA 1.1 deprecates role="doc-endnote" (EPUBCheck RSC-017 warns): the note keeps
        # its list-item role inside the role="doc-endnotes" section.
        assert note.get(ROLE) is None
        assert note.getparent().getparent().getparent().get(ROLE) == "doc-endnotes"


def test_the_note_comes_after_its_reference(epub: tuple[Book, Path]) -> None:
    # KOReader (target must come after the link) and Kobo (a later location) both require it.
    docs = documents(epub[1])
    for name, a in _noterefs(docs):
        target_name, note = _target(docs, a.get("href"))
        assert _position(docs, target_name, note) > _position(docs, name, a)


def test_no_note_is_a_table_of_contents_target(epub: tuple[Book, Path]) -> None:
    # KOReader: a link to a ToC target is a chapter link, not a note.
    docs = documents(epub[1])
    toc_targets = {a.get("href") for a in docs["toc.xhtml"].iterfind(".//x:a", NS)}
    toc_targets |= {c.get("src") for c in docs["toc.ncx"].iterfind(".//ncx:content", NS)}
    for _, a in _noterefs(docs):
        assert a.get("href") not in toc_targets


def test_no_note_is_in_or_holds_a_heading(epub: tuple[Book, Path]) -> None:
    # KOReader: a target inside or containing h1-h6 is a section, not a note.
    docs = documents(epub[1])
    for _, a in _noterefs(docs):
        _, note = _target(docs, a.get("href"))
        assert not any(e.tag in HEADINGS for e in note.iter())
        assert not any(e.tag in HEADINGS for e in note.iterancestors())


def test_note_text_fits_kobos_popup(epub: tuple[Book, Path]) -> None:
    # Kobo: the linked node holds 9 to 5,000 characters of text.
    docs = documents(epub[1])
    for _, a in _noterefs(docs):
        _, note = _target(docs, a.get("href"))
        assert 9 <= len(text_of(note).strip()) <= 5000


def test_reference_is_not_the_only_content_of_its_block(epub: tuple[Book, Path]) -> None:
    # KOReader: a link that is all of its paragraph looks like a chapter link in an inline ToC.
    for _, a in _noterefs(documents(epub[1])):
        block = a.getparent()
        assert text_of(block).strip() != text_of(a).strip()
        assert a.find("x:sup", NS) is not None  # KOReader checks the superscript alignment


def test_nothing_stands_between_two_notes(epub: tuple[Book, Path]) -> None:
    # A popup shows the target and may extend over what follows it (KOReader): between notes
    # there is no text and no element but the next note.
    endnotes = documents(epub[1])["endnotes.xhtml"]
    for ol in endnotes.iterfind(".//x:ol", NS):
        assert not (ol.text or "").strip()
        for li in ol:
            assert li.tag == f"{{{NS['x']}}}li" and li.get(EPUB_TYPE) == "endnote"
            assert not (li.tail or "").strip()
            assert {child.tag for child in li} == {f"{{{NS['x']}}}p"}


def test_backlinks_are_text_arrows_that_return_to_the_reference(epub: tuple[Book, Path]) -> None:
    docs = documents(epub[1])
    backlinks = list(docs["endnotes.xhtml"].iterfind(".//x:a[@role='doc-backlink']", NS))
    assert len(backlinks) == sum(len(n.ref_ids) for n in epub[0].notes)
    for back in backlinks:
        assert back.text == BACKLINK
        assert back.get(EPUB_TYPE) == "backlink" and back.get("aria-label")
        _, reference = _target(docs, back.get("href"))
        assert reference.get(EPUB_TYPE) == "noteref"


def _dejavu_only(tmp_path: Path) -> Path:
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir>\n<cachedir>{tmp_path / 'fc-cache'}</cachedir>\n"
        "</fontconfig>\n"
    )
    return conf


@pytest.mark.slow
@pytest.mark.skipif(
    find_ace() is None or shutil.which("node") is None or find_browser() is None,
    reason="DAISY Ace needs Node.js, Chromium and Ace (bash .ci/setup-epub.sh)",
)
@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu").is_dir(),
    reason="needs the DejaVu fonts (apt-get install fonts-dejavu-core)",
)
def test_note_links_pass_ace_with_only_dejavu_fonts(
    sample_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fontconfig limited to DejaVu a plain blue note link is 2.23:1 against the text; Ace's
    link-in-text-block passes only because the link is underlined, whatever the fonts."""
    _, _, path = build(sample_source, tmp_path / "build")
    monkeypatch.setenv("FONTCONFIG_FILE", str(_dejavu_only(tmp_path)))
    reporter = Reporter()
    run_ace(path, SourceLocation(os.fspath(path)), reporter)
    assert [d.format() for d in reporter.diagnostics] == []
