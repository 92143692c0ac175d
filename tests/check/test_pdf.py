"""One deliberately broken PDF per preflight rule: each must be caught."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML

from book.check import pdf_words
from book.check.pdf import preflight_pdf
from book.config import Config, PrintConfig
from book.diagnostics import Reporter
from book.ir import Book
from book.printing.trim import DEFAULT_TRIM, parse_trim
from tests.pdf_support import build, preflight, sample_copy

Good = tuple[Book, Config, Path]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Good:
    root = tmp_path_factory.mktemp("preflight")
    book, config, _, path = build(sample_copy(root / "source"), root / "build")
    assert path is not None
    return book, config, path


def edited(good: Good, tmp_path: Path, edit: Callable[[pikepdf.Pdf], None]) -> Path:
    target = tmp_path / "broken.pdf"
    with pikepdf.open(good[2]) as pdf:
        edit(pdf)
        pdf.save(target)
    return target


def codes(found: list[tuple[str, str]]) -> set[str]:
    return {code for code, _ in found}


def _unembed(pdf: pikepdf.Pdf) -> None:
    font = next(iter(pdf.pages[6].Resources.Font.values()))
    del font.DescendantFonts[0].FontDescriptor["/FontFile3"]


def _resize(pdf: pikepdf.Pdf) -> None:
    pdf.pages[8].MediaBox = pikepdf.Array([0, 0, 432, 648])


def _drop_trimbox(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[3].obj["/TrimBox"]


def _too_short(pdf: pikepdf.Pdf) -> None:
    del pdf.pages[10:]


def _blank_run(pdf: pikepdf.Pdf) -> None:
    for _ in range(3):
        blank = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([0, 0, 396, 612]),
            TrimBox=pikepdf.Array([0, 0, 396, 612]),
            BleedBox=pikepdf.Array([0, 0, 396, 612]),
            Contents=pdf.make_stream(b""),
            Resources=pikepdf.Dictionary(),
        )
        pdf.pages.insert(8, pikepdf.Page(blank))


def _no_outline(pdf: pikepdf.Pdf) -> None:
    del pdf.Root["/Outlines"]


def _notdef(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[6]
    ops = pikepdf.parse_content_stream(page)
    edited_ops = []
    done = False
    for operands, operator in ops:
        if str(operator) == "TJ" and not done:
            array = operands[0]
            array[0] = pikepdf.String(b"\x00\x00" + bytes(array[0])[2:])
            done = True
        edited_ops.append((operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(edited_ops))


EDITS: dict[str, Callable[[pikepdf.Pdf], None]] = {
    "P001": _unembed,
    "P002": _resize,
    "P003": _drop_trimbox,
    "P004": _too_short,
    "P006": _blank_run,
    "P009": _no_outline,
    "P010": _notdef,
}


@pytest.mark.parametrize("code", sorted(EDITS))
def test_edited_pdf_is_caught(code: str, good: Good, tmp_path: Path) -> None:
    book, config, _ = good
    found = preflight(edited(good, tmp_path, EDITS[code]), book, config)
    assert code in codes(found), found
    message = next(m for c, m in found if c == code)
    assert "page" in message or code in ("P001", "P009")


def small_pdf(tmp_path: Path, css: str, pages: int = 24) -> Path:
    """A 24-page 5.5 x 8.5 in PDF made by WeasyPrint from a little HTML."""
    body = "".join(f'<p style="break-before: page">Page {n} of a book.</p>' for n in range(pages))
    html = (
        f"<html><head><style>@page {{ size: 5.5in 8.5in; margin: 1in }} {css}</style>"
        f"<title>T</title></head><body><h1>Outline</h1>{body}</body></html>"
    )
    target = tmp_path / "small.pdf"
    HTML(string=html).write_pdf(target)
    return target


def test_text_in_the_margin_is_p005(good: Good, tmp_path: Path) -> None:
    path = small_pdf(tmp_path, "@page { margin: 0.2in }")
    found = preflight(path, good[0], good[1])
    assert codes(found) == {"P005"}, found
    assert "from the" in dict(found)["P005"]


def test_tiny_text_is_p007(good: Good, tmp_path: Path) -> None:
    path = small_pdf(tmp_path, "p { font-size: 5pt }")
    found = preflight(path, good[0], good[1])
    assert codes(found) == {"P007"}, found
    assert "5.00 pt" in dict(found)["P007"]


def test_rgb_in_an_ingram_interior_is_p008(good: Good) -> None:
    book, config, path = good
    ingram = dataclasses.replace(config, print=PrintConfig(profile="ingram"))
    found = preflight(path, book, ingram)
    assert "P008" in codes(found), found


def test_odd_page_count_fails_ingram(good: Good, tmp_path: Path) -> None:
    book, config, _ = good
    ingram = dataclasses.replace(config, print=PrintConfig(profile="ingram"))
    path = edited(good, tmp_path, lambda pdf: pdf.pages.__delitem__(-1))
    assert any(c == "P004" and "even" in m for c, m in preflight(path, book, ingram))


def test_margins_that_cannot_be_measured_are_p015_not_p005(
    good: Good, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, config, path = good
    reporter = Reporter()
    monkeypatch.setattr(pdf_words, "available", lambda: False)
    preflight_pdf(path, book, config, reporter)
    (d,) = reporter.diagnostics
    assert d.code == "P015" and "pdftotext is not installed" in d.message
    assert "apt-get install poppler-utils" in d.message
    assert d.location is not None and d.location.path.endswith(path.name) and not d.location.line

    def broken(_: Path) -> list[list[pdf_words.Word]]:
        raise OSError("pdftotext failed: killed")

    monkeypatch.setattr(pdf_words, "available", lambda: True)
    monkeypatch.setattr(pdf_words, "page_words", broken)
    assert preflight(path, book, config) == [("P015", "cannot measure the margins: pdftotext failed: killed")]


def test_missing_or_broken_pdf_is_p012(good: Good, tmp_path: Path) -> None:
    book, config, _ = good
    assert codes(preflight(tmp_path / "none.pdf", book, config)) == {"P012"}
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    assert codes(preflight(tmp_path / "bad.pdf", book, config)) == {"P012"}


def test_wrong_trim_is_p002(good: Good) -> None:
    book, config, path = good
    six_by_nine = dataclasses.replace(config, print=PrintConfig(trim=parse_trim("6x9in") or DEFAULT_TRIM))
    assert "P002" in codes(preflight(path, book, six_by_nine))
