"""`book cover` on real books: the size from the real page count, the spine, the back, the files beside it."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from book.check.cover import check_cover
from book.check.pdf_content import font_is_embedded
from book.cli import main
from book.diagnostics import Reporter
from book.printing.cover import Interior, interiors
from book.writers.epub.cover import BACKGROUND, INK
from tests.conftest import load, needs_cjk_font
from tests.pdf_support import sample_copy

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs poppler-utils (pdftoppm, pdftotext): apt-get install poppler-utils",
)
DPI = 100


def build_cover(source: Path, build: Path) -> Interior:
    assert main(["cover", "--source", str(source), "--build", str(build)]) == 0
    book, _, _ = load(source)
    assert book is not None
    return interiors(book.metadata, build)[0]


def render_png(pdf: Path, target: Path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(target.with_suffix(""))], check=True
    )
    return Image.open(target).convert("RGB")


def words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) in inches from the top-left, as poppler finds them."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    import re

    found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out)
    return [(t, float(a) / 72, float(b) / 72, float(c) / 72, float(d) / 72) for a, b, c, d, t in found]


def area(record: dict, name: str) -> dict[str, float]:  # type: ignore[type-arg]
    box: dict[str, float] = record["areas"][name]["in"]
    return box


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Interior]:
    root = tmp_path_factory.mktemp("cover")
    source = sample_copy(root / "source")
    return source, build_cover(source, root / "build")


@needs_poppler
def test_sample_cover_size_from_its_24_pages(sample: tuple[Path, Interior]) -> None:
    _source, interior = sample
    with pikepdf.open(interior.pdf) as pdf:
        assert len(pdf.pages) == 24
    with pikepdf.open(interior.cover) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        media = [float(v) for v in page.obj.MediaBox]
        # 0.125 + 5.5 + 24 x 0.002252 + 5.5 + 0.125 = 11.304 in; 0.125 + 8.5 + 0.125 = 8.75 in
        assert abs((media[2] - media[0]) / 72 - 11.304) <= 0.003
        assert abs((media[3] - media[1]) / 72 - 8.75) <= 0.003
        trim = [float(v) for v in page.obj.TrimBox]
        assert trim == pytest.approx([9, 9, media[2] - 9, media[3] - 9], abs=0.01)
        fonts = list(page.Resources.Font.values())
        assert fonts and all(font_is_embedded(font) for font in fonts)
        assert "/GTS_PDFXVersion" not in pdf.docinfo  # no PDF/X claimed (README)
    record = json.loads(interior.record.read_text())
    assert record["pages"] == 24 and record["paper"] == "white" and record["spine_text"] is False
    assert record["size"]["in"] == {"width": 11.304, "height": 8.75}
    assert interior.template.is_file()
    spine = area(record, "spine")
    on_spine = [w for w in words(interior.cover) if w[3] > spine["x"] and w[1] < spine["x"] + spine["width"]]
    assert on_spine == []  # 24 pages: no spine text


@needs_poppler
def test_sample_cover_passes_its_check(sample: tuple[Path, Interior]) -> None:
    source, interior = sample
    book, config, _ = load(source)
    assert book is not None and config is not None
    reporter = Reporter()
    check_cover(interior, book, config, reporter)
    assert reporter.diagnostics == []


@needs_poppler
def test_template_png_shows_spine_and_barcode_where_the_json_says(
    sample: tuple[Path, Interior], tmp_path: Path
) -> None:
    _, interior = sample
    record = json.loads(interior.record.read_text())
    image = render_png(interior.template, tmp_path / "template.png")
    # pdftoppm rounds the pixel size up.
    assert image.size == (
        math.ceil(record["size"]["in"]["width"] * DPI),
        math.ceil(record["size"]["in"]["height"] * DPI),
    )

    def at(x: float, y: float) -> tuple[int, ...]:
        return image.getpixel((int(x * DPI), int(y * DPI)))  # type: ignore[return-value]

    spine, barcode, back = area(record, "spine"), area(record, "barcode"), area(record, "back")
    middle = spine["y"] + spine["height"] / 2
    assert near(at(spine["x"] + spine["width"] / 2, middle), (235, 242, 255), 30)  # the spine's tint
    assert near(at(spine["x"] - 0.3, middle), (255, 255, 255))  # the back beside it: paper white
    assert near(at(barcode["x"] + 1.0, barcode["y"] + 1.1), (255, 243, 224), 20)  # barcode box
    assert near(at(barcode["x"] - 0.1, barcode["y"] + 0.6), (255, 255, 255))  # just left of it
    assert near(at(back["x"] / 2, middle), (255, 228, 228), 20)  # the bleed


def test_same_input_same_bytes(sample: tuple[Path, Interior], tmp_path: Path) -> None:
    _source, interior = sample
    again = build_cover(sample_copy(tmp_path / "source"), tmp_path / "build")
    assert again.cover.read_bytes() == interior.cover.read_bytes()
    assert again.template.read_bytes() == interior.template.read_bytes()


def test_no_op_rebuild_says_up_to_date(
    sample: tuple[Path, Interior], capsys: pytest.CaptureFixture[str]
) -> None:
    source, interior = sample
    assert main(["cover", "--source", str(source), "--build", str(interior.pdf.parent)]) == 0
    assert "up to date" in capsys.readouterr().out


THICK_YAML = """title: Synthetic Saga
author: Test Author
language: en
cover: front.png
description: |
  A long war in a cold country, told by the people who fought it and the people who waited for them
  at home.

  A second paragraph of the blurb, set in the book's text face inside the back cover's safe area.
"""


@pytest.mark.slow
@needs_poppler
@needs_cjk_font  # a synthetic book: 令和 and 東京 in print
def test_a_300_page_book_gets_spine_text_and_cream_widens_it(synth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = synth(chapters=33, book_yaml=THICK_YAML)  # about 300 pages
    # A front at 300 dpi for 5.5 x 8.5 in plus bleed: 1688 x 2625 px, a gradient so cropping shows.
    front = Image.new("RGB", (1700, 2700))
    front.putdata([(x * 255 // 1700, 90, y * 255 // 2700) for y in range(2700) for x in range(1700)])
    front.save(source / "front.png")
    interior = build_cover(source, tmp_path / "build")
    record = json.loads(interior.record.read_text())
    pages = record["pages"]
    assert 280 <= pages <= 340 and record["spine_text"] is True
    assert record["size"]["in"]["width"] == pytest.approx(11.25 + pages * 0.002252, abs=0.0001)
    spine, safe, barcode = area(record, "spine"), area(record, "spine_safe"), area(record, "barcode")
    spine_words = [
        w for w in words(interior.cover) if spine["x"] < w[1] and w[3] < spine["x"] + spine["width"]
    ]
    assert {"Synthetic", "Saga", "Test", "Author"} <= {w[0] for w in spine_words}
    assert all(safe["x"] <= w[1] and w[3] <= safe["x"] + safe["width"] for w in spine_words)
    book, config, _ = load(source)
    assert book is not None and config is not None
    reporter = Reporter()
    check_cover(interior, book, config, reporter)
    assert reporter.diagnostics == []

    # The rendered cover: ink on the spine only inside its clear area; the barcode area empty.
    image = render_png(interior.cover, tmp_path / "cover.png")
    inked = [
        x
        for x in range(int(spine["x"] * DPI) - 10, int((spine["x"] + spine["width"]) * DPI) + 10)
        for y in range(image.height // 4, 3 * image.height // 4, 2)
        if near(image.getpixel((x, y)), INK, 60)  # type: ignore[arg-type]
    ]
    assert inked, "no spine text drawn"
    assert min(inked) >= int(safe["x"] * DPI) - 1 and max(inked) <= int((safe["x"] + safe["width"]) * DPI) + 1
    box = image.crop(
        tuple(
            int(v * DPI)
            for v in (
                barcode["x"],
                barcode["y"],
                barcode["x"] + barcode["width"],
                barcode["y"] + barcode["height"],
            )
        )
    )
    assert all(near(colour, BACKGROUND, 3) for _, colour in box.getcolors(1 << 20) or [])  # type: ignore[arg-type]

    # Cream paper: same interior, a spine wider by pages x (0.0025 - 0.002252) in.
    (source / "book.yaml").write_text(THICK_YAML + "print:\n  paper: cream\n")
    cream = json.loads(build_cover(source, tmp_path / "build").record.read_text())
    assert cream["pages"] == pages and cream["paper"] == "cream"
    assert cream["size"]["in"]["width"] - record["size"]["in"]["width"] == pytest.approx(
        pages * (0.0025 - 0.002252), abs=0.0002
    )


# At the EPUB design's size for long titles (110 of 1600 px across), this title takes ten lines,
# which would run into the author line: it must be set smaller.
LONG_YAML = """title: The Very Long and Winding Chronicle of the Siberian War of Independence and Everything \
That Came After It in the Cities of the East, the Rivers of the North and the Villages Nobody \
Remembers Anymore
subtitle: Being an Account of the Campaigns of Nineteen Forty-Five, with Notes
author: [Anonymous Author of Many Web Novels, A Second Author With a Long Name]
known_gaps: [36]
"""


@needs_poppler
def test_long_title_is_set_smaller_never_into_the_author_line(tmp_path: Path) -> None:
    source = sample_copy(tmp_path / "source")
    (source / "book.yaml").write_text(LONG_YAML)
    interior = build_cover(source, tmp_path / "build")
    record = json.loads(interior.record.read_text())
    front, safe = area(record, "front"), area(record, "front_safe")
    on_front = [w for w in words(interior.cover) if w[1] >= front["x"]]
    title = [w for w in on_front if w[0] in ("Chronicle", "Everything", "Nineteen", "Notes")]
    authors = [w for w in on_front if w[0] in ("Anonymous", "Second", "Name")]
    assert len(title) == 4 and len(authors) == 3
    # Room for the rule between them (80 of 2560 px below the subtitle: 0.27 in here).
    assert min(w[2] for w in authors) - max(w[4] for w in title) > 0.3
    assert all(safe["y"] + safe["height"] > w[4] for w in authors)


def test_each_volume_gets_its_own_cover(synth, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    yaml = (
        'title: Synthetic Saga\nauthor: Test Author\nvolumes:\n  - {chapters: "1-3"}\n  - {chapters: "4-"}\n'
    )
    # No non-Latin words: the test is about volumes, and must run without a CJK font too.
    source = synth(chapters=5, words_per_chapter=900, book_yaml=yaml, spice=False)
    build = tmp_path / "build"
    assert main(["cover", "--source", str(source), "--build", str(build)]) == 0
    for number in (1, 2):
        stem = f"synthetic-saga-vol-{number:02d}"
        record = json.loads((build / f"{stem}.cover.json").read_text())
        with pikepdf.open(build / f"{stem}.pdf") as pdf:
            pages = len(pdf.pages)
        assert record["pages"] == pages and record["interior"] == f"{stem}.pdf" and record["volume"] == number
        assert record["size"]["in"]["width"] == pytest.approx(11.25 + pages * 0.002252, abs=0.0001)
        assert (build / f"{stem}.cover.pdf").is_file() and (build / f"{stem}.cover-template.pdf").is_file()
    assert not (build / "synthetic-saga.cover.pdf").exists()
    # Checked each against its own interior.
    capsys.readouterr()
    main(["check", "--source", str(source), "--build", str(build)])
    out = capsys.readouterr().out
    for number in (1, 2):
        assert f"synthetic-saga-vol-0{number}.cover.pdf (cover against its interior): no findings" in out
