"""`volumes:` in book.yaml: every bad input with its code and line, the split, and complete volumes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from book.cli import main
from book.diagnostics import Reporter
from book.printing.limits import page_limits
from book.printing.pages import page_model
from book.printing.trim import parse_trim
from book.synth import SynthOptions, chapter_text
from book.transforms.volumes import auto_plan
from tests.conftest import load, needs_cjk_font
from tests.epub_support import NS, documents

AUTHOR = "title: Saga\nauthor: Test Author\n"


def run(
    command: str, source: Path, build: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    code = main([command, "--source", str(source), "--build", str(build), "--format", "json"])
    return code, json.loads(capsys.readouterr().err)["diagnostics"]


def only(diagnostics: list[dict], code: str) -> dict:  # type: ignore[type-arg]
    found = [d for d in diagnostics if d["code"] == code]
    assert found, f"{code} not reported; got {diagnostics}"
    return found[0]


# code: (volumes: section of book.yaml, words in the message, line of book.yaml)
BAD: dict[str, tuple[str, tuple[str, ...], int]] = {
    "V001": ("volumes: 5\n", ("'volumes: 5'", "auto"), 3),
    "V002": ('volumes:\n  - {chapters: "1-3"}\n  - {chapters: "120-1"}\n', ("120-1", "backwards"), 5),
    "V003": ('volumes:\n  - {chapters: "1-12"}\n  - {chapters: "40-50"}\n', ("40-50", "no chapters"), 5),
    "V004": (
        'volumes:\n  - {chapters: "1-3"}\n  - {arcs: ["Winter Ofensive"]}\n',
        ("Winter Ofensive", "did you mean 'Winter Offensive'"),
        5,
    ),
    "V005": ('volumes:\n  - {chapters: "1-6"}\n  - {chapters: "5-"}\n', ("repeats", "5, 6"), 5),
    "V006": ('volumes:\n  - {chapters: "1-4"}\n  - {chapters: "7-"}\n', ("5-6", "fall between"), 5),
    "V007": ('volumes:\n  - {chapters: "1-10"}\n', ("11, 12", "in no volume"), 3),
}


@pytest.mark.parametrize("code", sorted(BAD))
def test_bad_volumes(
    code: str, synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    section, words, line = BAD[code]
    source = synth(chapters=12, words_per_chapter=100, book_yaml=AUTHOR + section)
    status, diagnostics = run("manifest", source, tmp_path / "build", capsys)
    found = only(diagnostics, code)
    assert all(w in found["message"] for w in words), found["message"]
    assert found["file"].endswith("book.yaml") and found["line"] == line
    assert status == 1


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ("volumes:\n  - chapters\n", "must be a mapping"),
        ("volumes:\n  - {chapter: 1-5}\n", "'chapter' is not a volume key"),
        ("volumes:\n  - {title: T}\n", "either 'chapters' or 'arcs'"),
        ("volumes:\n  - {chapters: 1-5, arcs: [A]}\n", "either 'chapters' or 'arcs'"),
        ("volumes: {chapters: 1-5}\n", "wrong type"),
        ("volumes:\n  - {chapters: [1, 5]}\n", "chapter range"),
    ],
)
def test_wrong_shapes_are_V001(
    section: str, words: str, synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = synth(chapters=3, words_per_chapter=50, book_yaml=AUTHOR + section)
    status, diagnostics = run("manifest", source, tmp_path / "build", capsys)
    found = only(diagnostics, "V001")
    assert words in found["message"] and found["file"].endswith("book.yaml") and found["line"] >= 3
    assert status == 1


def test_auto_refuses_a_chapter_longer_than_a_volume(
    synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A KDP hardcover takes 550 pages; a 300,000-word chapter is far more than that.
    yaml = AUTHOR + "print: {binding: hardcover}\nvolumes: auto\n"
    source = synth(chapters=3, words_per_chapter=200, book_yaml=yaml)
    long = source / "long.txt"
    long.write_text("004 - The Long One\n\n" + ("word " * 75 + "\n\n") * 4000, encoding="utf-8")
    status, diagnostics = run("manifest", source, tmp_path / "build", capsys)
    found = only(diagnostics, "V008")
    assert "chapter 4" in found["message"] and "550" in found["message"]
    assert found["file"].endswith("long.txt") and found["line"] == 1 and status == 1


def test_pdf_refuses_a_book_far_past_the_limit_before_laying_it_out(
    synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = AUTHOR + "print:\n  binding: hardcover\n"
    source = synth(chapters=100, words_per_chapter=1600, book_yaml=yaml)
    status, diagnostics = run("pdf", source, tmp_path / "build", capsys)
    found = only(diagnostics, "P020")
    assert "the book (100 chapters)" in found["message"] and "at most 550" in found["message"]
    assert "volumes: auto" in found["message"] and "KDP hardcover" in found["message"]
    assert found["file"].endswith("book.yaml") and found["line"] == 4
    assert status == 1 and not list((tmp_path / "build").glob("*.pdf"))


def test_an_explicit_volume_too_long_is_named_with_its_pages(
    synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = AUTHOR + 'print: {binding: hardcover}\nvolumes:\n  - {chapters: "1-99"}\n  - {chapters: "100-"}\n'
    source = synth(chapters=100, words_per_chapter=1600, book_yaml=yaml)
    status, diagnostics = run("pdf", source, tmp_path / "build", capsys)
    found = only(diagnostics, "P020")
    assert found["message"].startswith("volume 1 (chapters 1-99) would have about ")
    assert "at most 550" in found["message"] and found["line"] == 4 and status == 1


def test_the_laid_out_page_count_is_checked_too(synth: Callable[..., Path]) -> None:
    """A book the estimate let through but whose layout came out too long is refused with its count."""
    from book.writers.pdf.limits import fits
    from book.writers.pdf.plan import print_setup

    source = synth(chapters=2, words_per_chapter=100, book_yaml=AUTHOR + "print: {paper: cream}\n")
    book, config, reporter = load(source)
    assert book is not None and config is not None
    setup = print_setup(config, reporter)
    assert setup is not None
    assert fits(book, config, setup, 776, reporter) and not reporter.diagnostics
    assert not fits(book, config, setup, 777, reporter)
    message = reporter.diagnostics[0].message
    assert reporter.diagnostics[0].code == "P020"
    assert message.startswith("the book (2 chapters) has 777 pages; KDP paperback on cream paper")
    assert "at most 776" in message and "volumes: auto" in message


@pytest.mark.parametrize(
    ("profile", "binding", "paper", "trim", "low", "high", "even"),
    [
        ("kdp", "paperback", "white", "5.5x8.5in", 24, 828, False),
        ("kdp", "paperback", "cream", "6x9in", 24, 776, False),
        ("kdp", "paperback", "white", "8.5x11in", 24, 590, False),
        ("kdp", "paperback", "cream", "8.5x11in", 24, 550, False),
        ("kdp", "paperback", "white", "8.25x6in", 24, 800, False),
        ("kdp", "paperback", "cream", "A4", 24, 730, False),
        ("kdp", "hardcover", "cream", "6x9in", 75, 550, False),
        ("ingram", "paperback", "white", "6x9in", 18, 1200, True),
        ("ingram", "hardcover", "cream", "6x9in", 18, 1050, True),
    ],
)
def test_printer_limits(
    profile: str, binding: str, paper: str, trim: str, low: int, high: int, even: bool
) -> None:
    limits = page_limits(profile, binding, paper, trim)
    assert (limits.minimum, limits.maximum, limits.even) == (low, high, even) and limits.source
    assert page_limits("proof").allows(5000)


def test_auto_split_is_greedy_from_the_first_chapter_and_cuts_at_arcs(synth: Callable[..., Path]) -> None:
    """Appending chapters never moves a boundary between two volumes that both existed, and with the
    synthetic serial's four-chapter arcs every boundary falls between two arcs."""
    source = synth(chapters=160, words_per_chapter=1500)
    book, _, _ = load(source)
    assert book is not None
    trim = parse_trim("6x9in")
    assert trim is not None
    limits = page_limits("kdp", "hardcover", "white", trim.name)
    model = page_model(trim, limits.maximum)
    full = auto_plan(book.chapters, model, limits, Reporter())
    assert len(full) >= 3
    for plan in full:
        chapters = [book.chapters[i] for i in plan.chapters]
        assert model.book_pages(chapters) <= limits.maximum
        first = plan.chapters.start
        if first:
            before, after = book.chapters[first - 1], book.chapters[first]
            assert before.arc != after.arc or after.arc is None, (before.title, after.title)
    for count in range(40, 160, 7):
        prefix = auto_plan(book.chapters[:count], model, limits, Reporter())
        assert [p.chapters for p in prefix[:-1]] == [p.chapters for p in full[: len(prefix) - 1]]


def _append_chapter(source: Path, number: int) -> None:
    (source / f"zz_{number}.txt").write_text(
        chapter_text(number, SynthOptions(title="Saga")), encoding="utf-8"
    )


VOLUMES = 'volumes:\n  - {title: "The Start", chapters: "1-3"}\n  - {chapters: "4-"}\n'


def test_each_volume_is_a_complete_book(
    synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = synth(chapters=6, words_per_chapter=200, notes_per_chapter=2, book_yaml=AUTHOR + VOLUMES)
    build = tmp_path / "build"
    status, diagnostics = run("epub", source, build, capsys)
    assert status == 0 and not diagnostics
    first, second = build / "saga-vol-01.epub", build / "saga-vol-02.epub"
    opf = documents(first)["content.opf"]
    assert opf.findtext(".//dc:title", namespaces=NS) == "Saga, Volume 1: The Start"
    metas = {
        m.get("property") or m.get("name"): (m.text or m.get("content"))
        for m in opf.iter(f"{{{NS['opf']}}}meta")
    }
    assert metas["belongs-to-collection"] == "Saga" and metas["collection-type"] == "series"
    assert metas["group-position"] == "1" and metas["calibre:series"] == "Saga"
    assert metas["calibre:series_index"] == "1"
    second_docs = documents(second)
    assert second_docs["content.opf"].findtext(".//dc:title", namespaces=NS) == "Saga, Volume 2"
    ids = [documents(p)["content.opf"].findtext(".//dc:identifier", namespaces=NS) for p in (first, second)]
    assert ids[0] != ids[1] and all(i and i.startswith("urn:uuid:") for i in ids)
    # Volume 2's endnotes start from 1 and hold only its own chapters' notes.
    notes = second_docs["endnotes.xhtml"]
    numbers = [a.text for a in notes.iterfind(".//x:li//x:a", NS) if a.text and a.text.isdigit()]
    assert [li.get("id") for li in notes.iterfind(".//x:li", NS)][:2] == ["note-1", "note-2"], numbers
    assert len(list(notes.iterfind(".//x:li", NS))) == 6
    contents = [c for c in second_docs if c.startswith("chapter-")]
    assert contents == ["chapter-004.xhtml", "chapter-005.xhtml", "chapter-006.xhtml"]
    manifest = json.loads((build / "manifest.json").read_text())
    assert [v["chapters"] for v in manifest["volumes"]] == [[1, 2, 3], [4, 5, 6]]
    assert manifest["volumes"][0]["epub"] == "saga-vol-01.epub" and manifest["volumes"][0]["pages"] is None
    with zipfile.ZipFile(first) as z:
        assert "chapter-004.xhtml" not in " ".join(z.namelist())


@pytest.mark.slow
@needs_cjk_font  # the synthetic chapters print 令和 and 東京 (P010 without a CJK font)
@pytest.mark.parametrize("epoch", ["", "1700000000"])
def test_appending_leaves_a_closed_volume_byte_identical(
    epoch: str,
    synth: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    source = synth(chapters=5, words_per_chapter=300, book_yaml=AUTHOR + VOLUMES)
    build = tmp_path / "build"
    for command in ("epub", "pdf"):
        assert run(command, source, build, capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in build.glob("saga-vol-*.*")}
    assert sorted(before) == ["saga-vol-01.epub", "saga-vol-01.pdf", "saga-vol-02.epub", "saga-vol-02.pdf"]
    # A new chapter in the last volume, then a new volume in book.yaml (newer files, later mtimes).
    _append_chapter(source, 6)
    for command in ("epub", "pdf"):
        code = main([command, "--source", str(source), "--build", str(build)])
        said = capsys.readouterr().out
        # The closed volume is not even merged again; the open one is rebuilt.
        assert code == 0 and f"up to date: {build / f'saga-vol-01.{command}'}" in said, said
        assert f"wrote {build / f'saga-vol-02.{command}'}" in said
    assert (build / "saga-vol-01.epub").read_bytes() == before["saga-vol-01.epub"]
    assert (build / "saga-vol-01.pdf").read_bytes() == before["saga-vol-01.pdf"]
    assert (build / "saga-vol-02.epub").read_bytes() != before["saga-vol-02.epub"]
    _append_chapter(source, 7)
    (source / "book.yaml").write_text(AUTHOR + VOLUMES.replace('"4-"', '"4-6"') + '  - {chapters: "7-"}\n')
    for command in ("epub", "pdf"):
        assert run(command, source, build, capsys)[0] == 0
    assert (build / "saga-vol-03.pdf").is_file()
    assert (build / "saga-vol-01.epub").read_bytes() == before["saga-vol-01.epub"]
    assert (build / "saga-vol-01.pdf").read_bytes() == before["saga-vol-01.pdf"]
    assert main(["manifest", "--source", str(source), "--build", str(build)]) == 0
    assert "volume 3: chapters 7-7 (1)" in capsys.readouterr().out
