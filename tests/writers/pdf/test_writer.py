"""The print writer on the sample book: preflight-clean, contents = folios, links, metadata, profiles."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from book.cli import main
from book.ir import Book
from book.naming import chapter_name
from book.printing.trim import PT_PER_IN, TRIM_HINT
from tests.pdf_support import build, page_texts, preflight, sample_copy

FOLIO_RE = re.compile(r"^\s{10,}([0-9]+|[ivxlc]+)\s*$")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, object, Path]:
    root = tmp_path_factory.mktemp("sample")
    book, config, reporter, path = build(sample_copy(root / "source"), root / "build")
    assert path is not None and not reporter.diagnostics, reporter.diagnostics
    return book, config, path


def test_sample_book_passes_preflight(sample: tuple[Book, object, Path]) -> None:
    book, config, path = sample
    assert path.name == "time-slip-reiwa-japan.pdf"
    assert preflight(path, book, config) == []  # type: ignore[arg-type]


def folio(text: str) -> str | None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    match = FOLIO_RE.match(lines[-1])
    return match[1] if match else None


def test_contents_numbers_are_the_printed_folios(sample: tuple[Book, object, Path]) -> None:
    book, _, path = sample
    pages = page_texts(path)
    contents = next(p for p in pages if "Contents" in p)
    entries = re.findall(r"^\s*(.+?)\s*(?:\. )+\.?\s*(\d+)\s*$", contents, re.M)
    # the chapters, named as in the EPUB (book/naming.py), then the notes
    names = [chapter_name(book, c).full for c in book.chapters]
    assert [title for title, _ in entries] == [*names, "Notes"]
    for title, page in entries:
        wanted = title.split(":")[0]
        opening = next(
            i for i, p in enumerate(pages) if wanted in p and "Contents" not in p and ". ." not in p
        )
        assert folio(pages[opening]) == page, (wanted, page, pages[opening][-200:])
    # arabic 1 is the first chapter's opening recto (an odd PDF page); the contents are roman
    first = next(i for i, p in enumerate(pages) if "Chapter 35" in p and ". ." not in p)
    assert folio(pages[first]) == "1" and first % 2 == 0
    assert folio(contents) in ("iii", "v", "vii")


def test_openers_blanks_and_running_heads(sample: tuple[Book, object, Path]) -> None:
    book, _, path = sample
    pages = page_texts(path)
    for chapter_no in (35, 37):
        index = next(i for i, p in enumerate(pages) if f"Chapter {chapter_no}" in p and ". ." not in p)
        assert index % 2 == 0, "a chapter opens on a recto"
        assert book.metadata.title.upper() not in pages[index].upper()
        assert pages[index].strip().startswith("Chapter"), "no running head above an opening"
    body = [p for p in pages if folio(p) and folio(p).isdigit()]  # type: ignore[union-attr]
    versos = [p for p in body if int(folio(p)) % 2 == 0]  # type: ignore[arg-type]
    rectos = [p for p in body if int(folio(p)) % 2 == 1 and "Chapter 3" not in p]  # type: ignore[arg-type]
    assert versos and all("Time Slip Reiwa Japan".upper() in p.upper() for p in versos)
    assert rectos and all(
        "Siberian War" in p.split("\n", 3)[0] + p.split("\n", 3)[1] or "NOTES" in p.upper() for p in rectos
    )
    blanks = [i for i, p in enumerate(pages) if not p.strip()]
    assert blanks, "the verso before a recto opening is left blank, without head or folio"


def test_notes_link_both_ways_and_outline(sample: tuple[Book, object, Path]) -> None:
    book, _, path = sample
    with pikepdf.open(path) as pdf:
        names = {str(k) for k in _dest_names(pdf)}
        for note in book.notes:
            assert note.id in names and note.ref_ids[0] in names
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "Contents" in titles and "Notes" in titles
        assert any(t.startswith("Chapter 35:") for t in titles)
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/Title"]) == "Time Slip Reiwa Japan"


def _dest_names(pdf: pikepdf.Pdf) -> list[object]:
    array = pdf.Root.Names.Dests.Names
    return [array[i] for i in range(0, len(array), 2)]


def test_same_input_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source = sample_copy(tmp_path / "source")
    first = build(source, tmp_path / "a")[3]
    second = build(source, tmp_path / "b")[3]
    assert first and second and first.read_bytes() == second.read_bytes()
    with pikepdf.open(first) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114")


def test_source_markup_stays_text(tmp_path: Path) -> None:
    source = sample_copy(tmp_path / "source")
    chapter = next(source.glob("001_*.txt"))
    text = chapter.read_text(encoding="utf-8").replace(
        "More than a month", "<script>alert(1)</script> {{ title }} {% raw %} More than a month", 1
    )
    chapter.write_text(text, encoding="utf-8")
    _, _, reporter, path = build(source, tmp_path / "build")
    assert path is not None, reporter.diagnostics
    joined = "".join(page_texts(path))
    assert "<script>alert(1)</script>" in joined and "{{ title }}" in joined and "{% raw %}" in joined


def test_unrenderable_character_points_at_the_paragraph(tmp_path: Path) -> None:
    source = sample_copy(tmp_path / "source", "print:\n  fallback_fonts: [Noto Serif]\n")
    chapter = next(source.glob("001_*.txt"))
    lines = chapter.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.startswith("However, the domestic"))
    lines[line] = lines[line].replace("However", "However \U00013000", 1)
    chapter.write_text("\n".join(lines), encoding="utf-8")
    _, _, reporter, path = build(source, tmp_path / "build")
    assert path is None
    found = [d for d in reporter.diagnostics if d.code == "P010"]
    assert found and found[0].location is not None
    assert found[0].location.path.endswith(chapter.name) and found[0].location.line == line + 1
    assert "U+13000" in found[0].message


def test_unknown_trim_stops_every_command_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = sample_copy(tmp_path / "source", "print:\n  trim: 7x7in\n")
    lines = (source / "book.yaml").read_text().splitlines()
    for command in ("manifest", "epub", "pdf", "check"):
        status = main(
            [command, "--source", str(source), "--build", str(tmp_path / "build"), "--format", "json"]
        )
        (d,) = json.loads(capsys.readouterr().err)["diagnostics"]
        assert status == 2 and d["code"] == "C003" and d["file"].endswith("book.yaml"), (command, d)
        assert lines[d["line"] - 1].strip() == "trim: 7x7in"
        assert d["message"] == f"'print.trim': '7x7in' is not a trim size this tool knows; {TRIM_HINT}"
    assert not list((tmp_path / "build").glob("*.pdf"))


Make = Callable[[str], tuple[Book, object, Path]]


@pytest.fixture
def make(tmp_path: Path) -> Make:
    def run(print_section: str) -> tuple[Book, object, Path]:
        book, config, reporter, path = build(
            sample_copy(tmp_path / "source", print_section), tmp_path / "build"
        )
        assert path is not None, reporter.diagnostics
        return book, config, path

    return run


def test_ingram_even_pages_blank_end_pure_k(make: Make) -> None:
    book, config, path = make("print:\n  profile: ingram\n")
    assert preflight(path, book, config) == []  # type: ignore[arg-type]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) % 2 == 0
        last = pdf.pages[-1]
        assert b"Tj" not in last.Contents.read_bytes() and b"TJ" not in last.Contents.read_bytes()
        content = b"".join(p.Contents.read_bytes() for p in pdf.pages)
        assert not re.search(rb"\b(rg|RG)\b", content)
        # No PDF/X claim without the output intent PDF/X requires (README, "Print cover").
        assert "/GTS_PDFXVersion" not in pdf.docinfo and "/OutputIntents" not in pdf.Root


def test_kdp_bleed_boxes(make: Make) -> None:
    book, config, path = make("print:\n  trim: 6 x 9\n  bleed: true\n")
    assert preflight(path, book, config) == []  # type: ignore[arg-type]
    bleed = 0.125 * PT_PER_IN
    with pikepdf.open(path) as pdf:
        for index in (0, 1):
            page = pdf.pages[index]
            media = [float(v) for v in page.MediaBox]
            trim = [float(v) for v in page.TrimBox]
            assert trim[2] - trim[0] == pytest.approx(6 * 72) and trim[3] - trim[1] == pytest.approx(9 * 72)
            assert media[1] == pytest.approx(trim[1] - bleed) and media[3] == pytest.approx(trim[3] + bleed)
            if index == 0:  # recto: bleed on the right (outside) only
                assert media[0] == pytest.approx(trim[0]) and media[2] == pytest.approx(trim[2] + bleed)
            else:
                assert media[0] == pytest.approx(trim[0] - bleed) and media[2] == pytest.approx(trim[2])
            assert [float(v) for v in page.BleedBox] == media


def test_proof_has_crop_marks(make: Make) -> None:
    book, config, path = make("print:\n  profile: proof\n  trim: A5\n")
    assert preflight(path, book, config) == []  # type: ignore[arg-type]
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
        assert media[2] - media[0] > trim[2] - trim[0] + 20  # room outside the trim for the marks
        assert trim[2] - trim[0] == pytest.approx(148 / 25.4 * 72, abs=0.5)
        # One form draws the eight marks (m ... l S), in the bleed only, on every page.
        forms = {str(n): x for n, x in page.Resources.XObject.items() if str(n).startswith("/BookCropMarks")}
        assert len(forms) == 1, "crop marks"
        (name, form), *_ = forms.items()
        segments = re.findall(rb"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l S", form.read_bytes())
        assert len(segments) == 8
        for segment in segments:
            x0, y0, x1, y1 = (float(v) for v in segment)
            outside_x = max(x0, x1) <= trim[0] or min(x0, x1) >= trim[2]
            outside_y = max(y0, y1) <= trim[1] or min(y0, y1) >= trim[3]
            assert outside_x or outside_y, f"a crop mark reaches into the trimmed page: {segment}"
        for other in pdf.pages:
            assert name.encode() + b" Do" in b"".join(s.read_bytes() for s in other.obj.Contents)


def test_a_named_fallback_font_that_is_missing_is_p013(tmp_path: Path) -> None:
    source = sample_copy(
        tmp_path / "source", "print:\n  fallback_fonts: [No Such Font Family, ../outside.ttf]\n"
    )
    _, _, reporter, path = build(source, tmp_path / "build")
    assert path is not None
    found = [d for d in reporter.diagnostics if d.code == "P013"]
    assert len(found) == 2 and all(d.location and d.location.path.endswith("book.yaml") for d in found)
    assert "No Such Font Family" in found[0].message
