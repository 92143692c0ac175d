"""A real serial's size (360 chapters, over 500,000 words) with `volumes: auto` and the kdp profile:
print-legal volumes split at arcs, every word once and in order, valid by EPUBCheck and Ace.

The book is built once for the module (about 3,000 pages of layout) and shared by the tests.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from book.check import epub as check
from book.cli import main
from book.diagnostics import Reporter
from book.ir import SourceLocation
from book.synth import SynthOptions, write_book
from tests.conftest import needs_cjk_font
from tests.epub_support import NS, body_text_tokens, documents, source_body_and_notes, tokens

# The synthetic chapters print 令和 and 東京: without a CJK font the PDF is refused (P010).
pytestmark = [pytest.mark.slow, needs_cjk_font]

CHAPTERS = 360
WORDS_PER_CHAPTER = 1560
YAML = "title: Long Saga\nauthor: Test Author\nvolumes: auto\nprint:\n  profile: kdp\n"


@dataclass(frozen=True)
class Built:
    source: Path
    build: Path
    volumes: list[dict]  # type: ignore[type-arg]
    seconds: float


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("long")
    source, build = root / "source", root / "build"
    write_book(source, SynthOptions(chapters=CHAPTERS, words_per_chapter=WORDS_PER_CHAPTER), YAML)
    start = time.perf_counter()
    for command in ("epub", "pdf"):
        assert main([command, "--source", str(source), "--build", str(build)]) == 0
    seconds = time.perf_counter() - start
    print(f"\nlong book: epub + pdf as volumes in {seconds:.1f} s")
    volumes = json.loads((build / "manifest.json").read_text())["volumes"]
    return Built(source, build, volumes, seconds)


def test_the_book_is_long_enough(long_book: Built) -> None:
    manifest = json.loads((long_book.build / "manifest.json").read_text())
    assert len(manifest["chapters"]) >= 300
    assert sum(c["words"] for c in manifest["chapters"]) >= 500_000


def test_every_volume_is_within_kdp_limits(long_book: Built) -> None:
    assert len(long_book.volumes) >= 3
    for volume in long_book.volumes:
        with pikepdf.open(long_book.build / volume["pdf"]) as pdf:
            pages = len(pdf.pages)
        assert 24 <= pages <= 828, (volume["number"], pages)
        assert volume["pages"] == pages  # `make manifest` shows what was built


def test_volumes_split_at_arc_boundaries(long_book: Built) -> None:
    manifest = json.loads((long_book.build / "manifest.json").read_text())
    arcs = {c["number"]: c["arc"] for c in manifest["chapters"]}
    for volume in long_book.volumes[1:]:
        first = volume["chapters"][0]
        assert arcs[first] is None or arcs[first] != arcs[first - 1], (first, arcs[first])


def _spine_documents(epub: Path) -> list[str]:
    docs = documents(epub)
    opf = docs["content.opf"]
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:itemref", NS)]


def test_every_source_word_once_and_in_order(long_book: Built) -> None:
    files = sorted(long_book.source.glob("*.txt"), key=lambda p: int(p.read_text()[:3]))
    source_body: list[str] = []
    source_notes: list[list[str]] = []
    for path in files:
        body, notes = source_body_and_notes(path)
        source_body += body
        source_notes += notes
    built_body: list[str] = []
    built_notes: list[list[str]] = []
    seen: set[str] = set()
    for volume in long_book.volumes:
        epub = long_book.build / volume["epub"]
        docs = documents(epub)
        for name in _spine_documents(epub):
            if re.fullmatch(r"chapter-\d+\.xhtml", name):
                assert name not in seen, f"{name} is in two volumes"
                seen.add(name)
                built_body += body_text_tokens(docs[name])
        endnotes = docs["endnotes.xhtml"]
        numbers = [int(li.get("value")) for li in endnotes.iterfind(".//x:li", NS)]
        assert numbers == list(range(1, len(numbers) + 1))  # every volume's notes from 1
        built_notes += [tokens("".join(li.itertext())) for li in endnotes.iterfind(".//x:li", NS)]
    assert len(seen) == CHAPTERS
    assert built_body == source_body
    assert built_notes == source_notes


needs_java = pytest.mark.skipif(
    shutil.which("java") is None or check.epubcheck_jar() is None,
    reason="EPUBCheck needs Java and the epubcheck package: run .ci/setup-epub.sh",
)
needs_ace = pytest.mark.skipif(
    check.find_ace() is None or check.find_browser() is None,
    reason="DAISY Ace or Chromium not installed: run .ci/setup-epub.sh",
)


@needs_java
def test_epubcheck_passes_every_volume(long_book: Built) -> None:
    for volume in long_book.volumes:
        reporter = Reporter()
        check.run_epubcheck(long_book.build / volume["epub"], SourceLocation(volume["epub"]), reporter)
        assert [d.format() for d in reporter.diagnostics] == []


@needs_ace
def test_ace_passes_every_volume(long_book: Built) -> None:
    for volume in long_book.volumes:
        reporter = Reporter()
        check.run_ace(long_book.build / volume["epub"], SourceLocation(volume["epub"]), reporter)
        assert [d.format() for d in reporter.diagnostics] == []


def test_the_same_book_without_volumes_is_refused_by_make_pdf(
    long_book: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before any layout: its estimate is far past the limit (so no 3,000 pages twice)."""
    source = tmp_path / "source"
    shutil.copytree(long_book.source, source)
    (source / "book.yaml").write_text(YAML.replace("volumes: auto\n", ""))
    start = time.perf_counter()
    code = main(["pdf", "--source", str(source), "--build", str(tmp_path / "build"), "--format", "json"])
    assert time.perf_counter() - start < 30
    diagnostics = json.loads(capsys.readouterr().err)["diagnostics"]
    assert code == 1 and [d["code"] for d in diagnostics] == ["P020"]
    message = diagnostics[0]["message"]
    assert "the book (360 chapters)" in message and "828" in message and "volumes: auto" in message
    assert not list((tmp_path / "build").glob("*.pdf"))
