"""Each bad input to `book cover` gets its diagnostic, at its line in book.yaml, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from book.cli import main
from book.diagnostics import Reporter
from book.printing.cover import Interior, cover_geometry
from book.printing.paper import paper_for
from book.printing.trim import parse_trim
from book.writers.cover import page_count, write_cover
from tests.conftest import load
from tests.pdf_support import sample_copy

HEAD = "title: Time Slip Reiwa Japan\nknown_gaps: [36]\n"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One source folder and build folder for every case: the interior's parts come from the cache."""
    root = tmp_path_factory.mktemp("cover-diagnostics")
    return sample_copy(root / "source"), root / "build"


def run(
    folders: tuple[Path, Path], book_yaml: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    source, build = folders
    (source / "book.yaml").write_text(HEAD + book_yaml, encoding="utf-8")
    code = main(["cover", "--source", str(source), "--build", str(build), "--format", "json"])
    return code, json.loads(capsys.readouterr().err)["diagnostics"]


def only(diagnostics: list[dict], code: str) -> dict:  # type: ignore[type-arg]
    found = [d for d in diagnostics if d["code"] == code]
    assert len(found) == 1, diagnostics
    return found[0]


def test_hardcover_is_refused_w001(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status, found = run(folders, "print:\n  binding: hardcover\n", capsys)
    d = only(found, "W001")
    assert status == 1 and d["file"].endswith("book.yaml") and d["line"] == 4
    assert d["message"].startswith("hardcover covers are not made: the printers publish")


def test_ingram_is_refused_w002(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    status, found = run(folders, "print:\n  trim: 6x9in\n  profile: ingram\n", capsys)
    d = only(found, "W002")
    assert status == 1 and d["file"].endswith("book.yaml") and d["line"] == 5
    assert "IngramSpark publishes its spine widths only through its cover template generator" in d["message"]


def test_cover_not_an_image_w005(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    (folders[0] / "cover.png").write_text("this is not a picture")
    status, found = run(folders, "cover: cover.png\n", capsys)
    d = only(found, "W005")
    assert status == 1 and d["file"].endswith("book.yaml") and d["line"] == 3
    assert d["message"].startswith("cover 'cover.png' is not a readable image")
    assert not (folders[1] / "time-slip-reiwa-japan.cover.pdf").exists()


def test_small_cover_warns_with_its_dpi_w006(
    folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    Image.new("RGB", (700, 875), (120, 30, 30)).save(folders[0] / "small.png")
    status, found = run(folders, "cover: small.png\n", capsys)
    d = only(found, "W006")
    assert status == 0 and d["severity"] == "warning" and d["line"] == 3
    # Cropped to the proportions of the front and its bleed (5.625 x 8.75 in): 562 px across, 100 dpi.
    assert d["message"].startswith("cover 'small.png' prints at 100 dpi on the front (562 x 875 px")
    assert "printers want 300 dpi, that is 1688 x 2625 px" in d["message"]
    assert (folders[1] / "time-slip-reiwa-japan.cover.pdf").is_file()


def test_description_too_long_w007(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    blurb = " ".join(["word"] * 1500)
    status, found = run(folders, f"description: {blurb} last\n", capsys)
    d = only(found, "W007")
    assert status == 1 and d["file"].endswith("book.yaml") and d["line"] == 3
    assert d["message"].startswith("the description is too long for the back cover: ")
    left_over = int(d["message"].split(": ")[1].split(" ")[0])
    assert 0 < left_over < 1501  # the words that did not fit, counted, never cut silently


def test_spine_too_narrow_for_its_text_w008(folders: tuple[Path, Path], tmp_path: Path) -> None:
    source, _ = folders
    (source / "book.yaml").write_text(HEAD, encoding="utf-8")
    book, config, _ = load(source)
    assert book is not None and config is not None
    trim, paper = parse_trim("5.5x8.5in"), paper_for("kdp", "white")
    assert trim is not None and paper is not None
    # 80 pages: spine text is allowed, but the spine is 0.18 in: 0.055 in between its clearances.
    reporter = Reporter()
    interior = Interior(tmp_path / "book.pdf", "book")
    written = write_cover(book, config, cover_geometry(trim, paper, 80), interior, reporter)
    [d] = reporter.diagnostics
    assert d.code == "W008" and d.location is not None and d.location.line == 1
    assert d.message.startswith("the spine (0.180 in for 80 pages) is too narrow")
    assert written and interior.cover.is_file()  # a warning: the cover is made, its spine left bare


def test_unreadable_interior_w004(tmp_path: Path) -> None:
    bad = tmp_path / "book.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    reporter = Reporter()
    assert page_count(Interior(bad, "book"), reporter) is None
    [d] = reporter.diagnostics
    assert d.code == "W004" and d.message.startswith("cannot count the pages of ")
    assert d.location is not None and d.location.path.endswith("book.pdf")
