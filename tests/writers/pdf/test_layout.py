"""The book laid out part by part on all cores: the same book as one flow, and cached per part."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from book.resources import STYLES_DIR, user_styles_dir
from book.writers.pdf import layout as pdf_parts
from book.writers.pdf import plan
from book.writers.pdf.subsets import embedded_fonts
from tests.conftest import needs_cjk_font
from tests.pdf_support import build, page_texts, preflight, require_pdftotext
from tests.test_cache import CORRUPTIONS, hostile_pickle

pytestmark = needs_cjk_font  # the synthetic books print 令和 and 東京


def _book_facts(path: Path) -> dict[str, Any]:
    """What a reader sees: pages' text (folios and running heads too), outline, links, labels."""
    with pikepdf.open(path) as pdf:
        index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        names: Any = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        with pdf.open_outline() as outline:
            marks = [(item.title, index[item.destination[0].objgen]) for item in outline.root]
        links = [
            (number, str(annot.Dest))
            for number, page in enumerate(pdf.pages)
            for annot in page.obj.get("/Annots", [])
            if "/Dest" in annot
        ]
        labels = [int(v) if isinstance(v, int) else str(v.S) for v in pdf.Root.PageLabels.Nums]
        return {
            "pages": len(pdf.pages),
            "texts": page_texts(path),
            "dests": dests,
            "outline": marks,
            "links": links,
            "labels": labels,
            "title": str(pdf.docinfo["/Title"]),
            "lang": str(pdf.Root.Lang),
        }


@pytest.fixture
def source(synth: Callable[..., Path]) -> Path:
    return synth(chapters=6, words_per_chapter=1500, notes_per_chapter=2)


def _rendered_pages(path: Path, folder: Path, pages: range) -> list[bytes]:
    """The pages as a reader sees them: PNGs at 50 dpi (crop marks, bleed, folios and all)."""
    require_pdftotext()  # poppler-utils has pdftoppm too
    folder.mkdir()
    first, last = str(pages.start + 1), str(pages.stop)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", first, "-l", last, str(path), str(folder / "p")], check=True
    )
    return [png.read_bytes() for png in sorted(folder.glob("p-*.png"))]


# kdp bleeds (and trims the inside edge afterwards); proof draws crop marks and a bleed on every
# page, which the folio sheets must not draw a second time (they did, and kept each folio a form of
# its own: the joined book was 1.8× the single flow).
@pytest.mark.parametrize("profile", ["kdp", "proof"])
def test_parts_make_the_same_book_as_one_flow(
    synth: Callable[..., Path], profile: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = f"title: Synthetic Saga\nauthor: Test Author\nlanguage: en\nprint: {{profile: {profile}}}\n"
    source = synth(chapters=6, words_per_chapter=1500, notes_per_chapter=2, book_yaml=head)
    monkeypatch.setenv("BOOK_JOBS", "1")
    book, config, reporter, single = build(source, tmp_path / "single")
    assert single is not None, reporter.diagnostics
    monkeypatch.setenv("BOOK_JOBS", "2")
    _, _, reporter, parts = build(source, tmp_path / "parts")
    assert parts is not None and not reporter.diagnostics, reporter.diagnostics
    assert plan.part_label(book, plan.chapter_groups(book)[0]) in pdf_parts.LAST_RUN.rendered, (
        "the parallel path ran"
    )
    one, many = _book_facts(single), _book_facts(parts)
    assert one["pages"] == many["pages"]
    for number, (a, b) in enumerate(zip(one["texts"], many["texts"], strict=True), 1):
        assert a == b, f"page {number} differs"
    for key in ("dests", "outline", "links", "labels", "title", "lang"):
        assert one[key] == many[key], key
    assert any(title.startswith("Chapter 6:") for title, _ in many["outline"])
    assert len(many["links"]) >= 2 * len(book.notes)  # each note ref and each note's way back
    assert preflight(parts, book, config) == []
    # One subset per font for the whole book, drawing the same glyphs with the same widths and text.
    fonts, reference = embedded_fonts(parts), embedded_fonts(single)
    assert fonts.keys() == reference.keys() and len(fonts) >= 2
    for name, font in fonts.items():
        assert font.files == 1, f"{name} is embedded {font.files} times"
        assert font.widths == reference[name].widths, name
        assert font.text == reference[name].text, name
    assert parts.stat().st_size <= 1.15 * single.stat().st_size
    # Every page looks the same, pixel for pixel.
    every = range(one["pages"])
    assert _rendered_pages(parts, tmp_path / "png-parts", every) == _rendered_pages(
        single, tmp_path / "png-single", every
    )


def test_parts_are_reproducible_and_cached_equals_fresh(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("BOOK_JOBS", "2")
    first = build(source, tmp_path / "a")[3]
    again = build(source, tmp_path / "a")[3]  # every part from the cache
    assert pdf_parts.LAST_RUN.rendered == [] and pdf_parts.LAST_RUN.cached
    assert first is not None and again is not None
    fresh = build(source, tmp_path / "b")[3]
    assert fresh is not None and fresh.read_bytes() == again.read_bytes()


def test_an_edit_lays_out_only_that_chapter(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_JOBS", "2")
    build(source, tmp_path / "build")
    chapter = sorted(source.glob("*.txt"))[2]
    text = chapter.read_text(encoding="utf-8")
    # Many more words in its first paragraph: the chapter grows, so every later folio moves.
    chapter.write_text(text.replace(" the ", " the river froze early that year and" * 300 + " ", 1), "utf-8")
    book, _, reporter, path = build(source, tmp_path / "build")
    assert path is not None, reporter.diagnostics
    edited = next(c for c in book.chapters if c.location.path.endswith(chapter.name))
    index = book.chapters.index(edited)
    group = next(g for g in plan.chapter_groups(book) if index in g)
    assert set(pdf_parts.LAST_RUN.rendered) == {plan.part_label(book, group), "front matter"}
    monkeypatch.setenv("BOOK_NO_CACHE", "1")
    _, _, _, uncached = build(source, tmp_path / "fresh")
    assert uncached is not None and _book_facts(path) == _book_facts(uncached)


def test_editing_the_users_print_css_lays_out_everything_again(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOK_JOBS", "2")
    # The user's styles/ beside the source folder overrides the package's print.css.
    user_css = user_styles_dir(source) / "print.css"
    user_css.parent.mkdir()
    shutil.copy(STYLES_DIR / "print.css", user_css)
    book = build(source, tmp_path / "build")[0]
    build(source, tmp_path / "build")
    assert pdf_parts.LAST_RUN.rendered == [] and pdf_parts.LAST_RUN.cached
    with open(user_css, "a", encoding="utf-8") as css:
        css.write('\n.chapter-label::after { content: " restyled"; }\n')
    _, _, reporter, path = build(source, tmp_path / "build")
    assert path is not None, reporter.diagnostics
    assert pdf_parts.LAST_RUN.cached == []
    every_part = {plan.part_label(book, g) for g in plan.chapter_groups(book)} | {"notes", "front matter"}
    assert every_part <= set(pdf_parts.LAST_RUN.rendered)
    openers = [text for text in page_texts(path) if re.search(r"Chapter \d+ restyled", text)]
    assert len(openers) == len(book.chapters)


def test_ingram_parts_share_fonts_and_keep_pure_k_folios(
    synth: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folios drawn into the pages' content (not as forms) must still be turned to pure K.
    yaml = "title: X\nauthor: A\nprint:\n  profile: ingram\n"
    source = synth(name="ingram", book_yaml=yaml, chapters=3, words_per_chapter=900, notes_per_chapter=1)
    monkeypatch.setenv("BOOK_JOBS", "1")
    _, _, reporter, single = build(source, tmp_path / "single")
    monkeypatch.setenv("BOOK_JOBS", "2")
    book, config, reporter, parts = build(source, tmp_path / "parts")
    assert single is not None and parts is not None, reporter.diagnostics
    assert page_texts(single) == page_texts(parts)
    fonts = embedded_fonts(parts)
    assert fonts.keys() == embedded_fonts(single).keys()
    assert all(font.files == 1 for font in fonts.values())
    with pikepdf.open(parts) as pdf:
        content = b"".join(page.Contents.read_bytes() for page in pdf.pages)
        assert not re.search(rb"\b(rg|RG)\b", content)
        assert not any("/XObject" in page.Resources and len(page.Resources.XObject) for page in pdf.pages)
    assert preflight(parts, book, config) == []


@pytest.mark.slow
def test_a_corrupt_or_planted_part_is_laid_out_again(
    synth: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part's cached PDF or meta that is garbage, truncated, of another version or a planted pickle is a
    miss: laid out again, the same book, never a crash and never code run."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.delenv("BOOK_NO_CACHE", raising=False)
    monkeypatch.setenv("BOOK_JOBS", "2")
    source = synth(chapters=3, words_per_chapter=400, notes_per_chapter=1, spice=False)
    build_dir = tmp_path / "build"
    first = build(source, build_dir)[3]
    assert first is not None
    expected, every_part = first.read_bytes(), set(pdf_parts.LAST_RUN.rendered)
    parts = sorted(p for p in (build_dir / ".cache" / "pdf-parts").rglob("*") if p.is_file())
    pdfs = [p for p in parts if p.read_bytes().startswith(b"%PDF")]
    assert pdfs and len(pdfs) < len(parts)  # each part: its PDF and its JSON meta
    marker = tmp_path / "pwned"
    payload = hostile_pickle(marker)

    def only_pdfs(paths: list[Path]) -> None:  # their metas intact: the hash in the meta finds them out
        CORRUPTIONS[1]([path for path in paths if path in pdfs])

    def planted(paths: list[Path]) -> None:
        for path in paths:
            path.write_bytes(payload)

    for corrupt in [*CORRUPTIONS, only_pdfs, planted]:
        corrupt(parts)
        again = build(source, build_dir)[3]
        assert again is not None and again.read_bytes() == expected
        # every part laid out again (a part laid out earlier in the same build may come from the cache)
        assert set(pdf_parts.LAST_RUN.rendered) == every_part and not marker.exists(), corrupt
    build(source, build_dir)
    assert pdf_parts.LAST_RUN.rendered == []  # stored again
