"""One deliberately broken cover per cover rule (W004, W010-W017): each must be caught."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from book.check.cover import check_cover
from book.cli import main
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book
from book.printing.cover import Interior, interiors
from tests.conftest import load
from tests.pdf_support import sample_copy

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext: apt-get install poppler-utils"
)

Good = tuple[Book, Config, Interior, dict]  # type: ignore[type-arg]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Good:
    root = tmp_path_factory.mktemp("cover-check")
    source = sample_copy(root / "source")
    assert main(["cover", "--source", str(source), "--build", str(root / "build")]) == 0
    book, config, _ = load(source)
    assert book is not None and config is not None
    interior = interiors(book.metadata, root / "build")[0]
    return book, config, interior, json.loads(interior.record.read_text())


def findings(good: Good, tmp_path: Path, edit: Callable[[pikepdf.Pdf, dict], None]) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    """Copy the good cover and its interior, break the cover with `edit`, check it."""
    book, config, interior, record = good
    copy = Interior(tmp_path / interior.pdf.name, interior.stem)
    shutil.copy(interior.pdf, copy.pdf)
    with pikepdf.open(interior.cover) as pdf:
        edit(pdf, record)
        pdf.save(copy.cover)
    reporter = Reporter()
    check_cover(copy, book, config, reporter)
    return [(d.code, d.message) for d in reporter.diagnostics]


def text_at(pdf: pikepdf.Pdf, text: str, x_in: float, y_in: float, size: float = 10) -> None:
    """Draw `text` with a base-14 font, its baseline at (x, y) inches from the sheet's top-left."""
    page = pdf.pages[0]
    page.Resources.Font["/Fx"] = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    height = float(page.MediaBox[3])
    content = f"BT /Fx {size} Tf {x_in * 72:.2f} {height - y_in * 72:.2f} Td ({text}) Tj ET".encode()
    drawn_over(pdf, content)


def drawn_over(pdf: pikepdf.Pdf, content: bytes) -> None:
    """Append `content` in the page's own coordinates, after WeasyPrint's (which changes the CTM)."""
    page = pdf.pages[0]
    page.contents_coalesce()
    page.Contents = pdf.make_stream(b"q\n" + page.Contents.read_bytes() + b"\nQ\n" + content)


def _in(record: dict, name: str) -> dict[str, float]:  # type: ignore[type-arg]
    box: dict[str, float] = record["areas"][name]["in"]
    return box


def _resize(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    media = pdf.pages[0].MediaBox
    pdf.pages[0].MediaBox = pikepdf.Array([0, 0, float(media[2]) + 36, float(media[3])])


def _unembed(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    font = next(iter(pdf.pages[0].Resources.Font.values()))
    del font.DescendantFonts[0].FontDescriptor["/FontFile3"]


def _barcode_text(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    box = _in(record, "barcode")
    text_at(pdf, "ISBN", box["x"] + 0.5, box["y"] + 0.6)


def _near_trim(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    text_at(pdf, "Edge", 0.2, 4.0)  # 0.075 in inside the left trim


def _on_fold(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    spine = _in(record, "spine")
    text_at(pdf, "Fold", spine["x"] + spine["width"] + 0.01, 4.0)


def _thin_spine_text(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    spine = _in(record, "spine")
    text_at(pdf, "I", spine["x"] + spine["width"] / 2 - 0.005, 4.0, size=2)


def _transparent(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    page = pdf.pages[0]
    page.Resources.ExtGState = pikepdf.Dictionary(GSa=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, ca=0.5))
    drawn_over(pdf, b"q /GSa gs 0 0 10 10 re f Q")


def _two_pages(pdf: pikepdf.Pdf, record: dict) -> None:  # type: ignore[type-arg]
    pdf.pages.append(pdf.pages[0])


EDITS: dict[str, Callable[[pikepdf.Pdf, dict], None]] = {  # type: ignore[type-arg]
    "W010": _resize,
    "W011": _unembed,
    "W012": _barcode_text,
    "W013": _near_trim,
    "W014": _on_fold,
    "W015": _thin_spine_text,
    "W016": _transparent,
    "W017": _two_pages,
}


def test_good_cover_has_no_findings(good: Good, tmp_path: Path) -> None:
    assert findings(good, tmp_path, lambda pdf, record: None) == []


@pytest.mark.parametrize("code", sorted(EDITS))
def test_broken_cover_is_caught(code: str, good: Good, tmp_path: Path) -> None:
    found = findings(good, tmp_path, EDITS[code])
    assert code in {c for c, _ in found}, found


def test_messages_say_what_and_where(good: Good, tmp_path: Path) -> None:
    found = dict(findings(good, tmp_path, _barcode_text))
    assert found["W012"].startswith("'ISBN' at ") and "barcode area" in found["W012"]
    found = dict(findings(good, tmp_path, _near_trim))
    assert "'Edge'" in found["W013"] and "from the left trim (needs 0.125 in)" in found["W013"]
    found = dict(findings(good, tmp_path, _resize))
    assert "24 pages on kdp white paper need 11.304 x 8.750 in" in found["W010"]
    found = dict(findings(good, tmp_path, _thin_spine_text))
    assert "on a book of 24 pages" in found["W015"]


def test_cover_checked_against_a_changed_paper(good: Good, tmp_path: Path) -> None:
    """The same cover checked for cream paper: the interior's spine would be wider."""
    import dataclasses

    book, config, interior, _record = good
    cream = dataclasses.replace(config, print=dataclasses.replace(config.print, paper="cream"))
    reporter = Reporter()
    check_cover(interior, book, cream, reporter)
    assert [d.code for d in reporter.diagnostics] == ["W010"]


def test_unreadable_interior_is_w004(good: Good, tmp_path: Path) -> None:
    book, config, interior, _ = good
    copy = Interior(tmp_path / interior.pdf.name, interior.stem)
    copy.pdf.write_bytes(b"not a pdf")
    shutil.copy(interior.cover, copy.cover)
    reporter = Reporter()
    check_cover(copy, book, config, reporter)
    [found] = reporter.diagnostics
    assert found.code == "W004" and "cannot count the pages" in found.message
    assert found.location is not None and found.location.path.endswith(".cover.pdf")


def test_make_check_runs_the_cover_check(good: Good, capsys: pytest.CaptureFixture[str]) -> None:
    _book, config, interior, _ = good
    build = interior.pdf.parent
    assert main(["check", "--source", str(config.source_dir), "--build", str(build)]) in (0, 1)
    assert "(cover against its interior): no findings" in capsys.readouterr().out
