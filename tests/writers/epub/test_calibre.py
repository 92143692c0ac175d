"""Calibre reads the EPUB cleanly: converts it to AZW3 (Kindle) without ToC or link warnings."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.epub_support import build

pytestmark = pytest.mark.skipif(
    shutil.which("ebook-convert") is None or shutil.which("ebook-meta") is None,
    reason="calibre not installed (apt-get install calibre)",
)
# What calibre says when a book's ToC, links or anchors are broken.
TROUBLE = re.compile(
    r"warn|error|fail|broken|not found|unreferenced|could not|no toc|toc is empty|invalid",
    re.IGNORECASE,
)


def _calibre(*args: str) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_converts_to_azw3_cleanly_and_metadata_reads(synth: Callable[..., Path], tmp_path: Path) -> None:
    source = synth(chapters=5, notes_per_chapter=4)
    _, _, epub = build(source, tmp_path / "build")
    azw3 = tmp_path / "out.azw3"
    log = _calibre("ebook-convert", str(epub), str(azw3))
    assert azw3.stat().st_size > 0
    trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
    assert trouble == []

    for path in (epub, azw3):
        meta = _calibre("ebook-meta", str(path))
        assert re.search(r"^Title\s*:\s*Synthetic Saga$", meta, re.MULTILINE), meta
        assert re.search(r"^Author\(s\)\s*:\s*Test Author", meta, re.MULTILINE), meta
        assert re.search(r"^Languages\s*:\s*eng$", meta, re.MULTILINE), meta


def test_azw3_keeps_the_nested_toc_and_working_note_links(synth: Callable[..., Path], tmp_path: Path) -> None:
    """Read the Kindle file back (AZW3 → EPUB with calibre) and look at what a Kindle would show."""
    import zipfile

    from lxml import etree

    grouped = "title: Synthetic Saga\nauthor: Test Author\nlanguage: en\nnaming:\n  arcs: grouped\n"
    source = synth(chapters=8, notes_per_chapter=3, book_yaml=grouped)
    _, _, epub = build(source, tmp_path / "build")
    azw3, back = tmp_path / "out.azw3", tmp_path / "back.epub"
    _calibre("ebook-convert", str(epub), str(azw3))
    _calibre("ebook-convert", str(azw3), str(back))
    with zipfile.ZipFile(back) as z:
        ncx_name = next(n for n in z.namelist() if n.endswith(".ncx"))
        ncx = etree.fromstring(z.read(ncx_name))
        docs = {n: z.read(n) for n in z.namelist() if n.endswith((".html", ".xhtml", ".htm"))}
    ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    # arcs hold chapters: two levels survive, and no more (Kindle shows two)
    depth = max(
        len(p.xpath("ancestor::n:navPoint", namespaces=ns)) for p in ncx.xpath("//n:navPoint", namespaces=ns)
    )
    assert depth == 1, "the ToC is not arc › chapter"
    labels = ncx.xpath("//n:navPoint/n:navLabel/n:text/text()", namespaces=ns)
    assert any("Siberian War of Independence" in label for label in labels)
    # every note reference still points at an element that exists
    ids: dict[str, set[str]] = {}
    refs: list[tuple[str, str]] = []
    for name, data in docs.items():
        root = etree.fromstring(data, etree.HTMLParser())
        ids[name.rsplit("/", 1)[-1]] = set(root.xpath("//@id"))
        for href in root.xpath(
            "//a[sup or ancestor::sup or contains(@class,'noteref')]/@href | //sup/a/@href"
        ):
            if "#" in href:
                file, _, anchor = href.rpartition("#")
                refs.append((file.rsplit("/", 1)[-1] or name.rsplit("/", 1)[-1], anchor))
    assert len(refs) >= 8 * 3
    broken = [r for r in refs if r[1] not in ids.get(r[0], set())]
    assert broken == []
