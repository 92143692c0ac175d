"""Store rules in `book check`: one broken input per code, with the message, the file and the line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from book.check.stores import check_stores
from book.cli import main
from book.diagnostics import CODES, Diagnostic, Reporter
from tests.conftest import load

YAML = "title: Store Test\nauthor: An Author\nlanguage: en\ncover: cover.{ext}\n"


def _image(path: Path, size: tuple[int, int], mode: str = "RGB", transparent: bool = False) -> None:
    image = Image.new(mode, size, (30, 40, 50, 255) if mode == "RGBA" else (30, 40, 50))
    if transparent:
        image.putpixel((0, 0), (0, 0, 0, 0))
    image.save(path)


def _findings(source: Path, build: Path, epub: Path | None = None) -> list[Diagnostic]:
    book, config, reporter = load(source)
    assert book is not None and config is not None, [d.format() for d in reporter.diagnostics]
    found = Reporter()
    check_stores(book, config, build, epub, found)
    return found.diagnostics


def _only(found: list[Diagnostic], code: str) -> Diagnostic:
    matches = [d for d in found if d.code == code]
    assert len(matches) == 1, [d.format() for d in found]
    assert matches[0].severity == CODES[code][0]
    return matches[0]


@pytest.fixture
def book_with_cover(synth: Callable[..., Path]) -> Callable[..., Path]:
    def make(ext: str, size: tuple[int, int], **image: object) -> Path:
        source = synth(chapters=2, book_yaml=YAML.format(ext=ext))
        _image(source / f"cover.{ext}", size, **image)  # type: ignore[arg-type]
        return source

    return make


def test_a_good_book_has_no_store_findings(book_with_cover: Callable[..., Path], tmp_path: Path) -> None:
    assert _findings(book_with_cover("jpg", (1600, 2560)), tmp_path) == []


def test_the_sample_book_has_no_store_findings(sample_source: Path, tmp_path: Path) -> None:
    assert _findings(sample_source, tmp_path) == []


def test_D004_cover_not_jpeg_or_png(book_with_cover: Callable[..., Path], tmp_path: Path) -> None:
    d = _only(_findings(book_with_cover("gif", (1600, 2560)), tmp_path), "D004")
    assert d.message == "cover 'cover.gif' is GIF; Kindle, Kobo and Apple want JPEG or PNG"
    assert d.location is not None and d.location.path.endswith("book.yaml") and d.location.line == 4


def test_D005_cover_with_transparency(book_with_cover: Callable[..., Path], tmp_path: Path) -> None:
    found = _findings(book_with_cover("png", (1600, 2560), mode="RGBA", transparent=True), tmp_path)
    d = _only(found, "D005")
    assert "transparent pixels" in d.message and "cover.png" in d.message
    assert d.location is not None and d.location.line == 4


def test_an_opaque_alpha_channel_is_not_transparency(
    book_with_cover: Callable[..., Path], tmp_path: Path
) -> None:
    assert _findings(book_with_cover("png", (1600, 2560), mode="RGBA"), tmp_path) == []


@pytest.mark.parametrize("size", [(600, 1000), (620, 900), (10_001, 700)])
def test_D006_cover_too_small_or_too_large(
    book_with_cover: Callable[..., Path], tmp_path: Path, size: tuple[int, int]
) -> None:
    d = _only(_findings(book_with_cover("png", size), tmp_path), "D006")
    assert f"is {size[0]}×{size[1]} px" in d.message and "10,000 px" in d.message
    assert d.location is not None and d.location.line == 4


@pytest.mark.parametrize(
    ("size", "why"),
    [((1000, 1600), "smaller than the recommended 1600×2560 px"), ((2000, 2000), "height:width 1.00:1")],
)
def test_D007_cover_below_recommended_size_or_ratio(
    book_with_cover: Callable[..., Path], tmp_path: Path, size: tuple[int, int], why: str
) -> None:
    d = _only(_findings(book_with_cover("jpg", size), tmp_path), "D007")
    assert why in d.message
    assert d.location is not None and d.location.line == 4


def test_D008_no_author(synth: Callable[..., Path], tmp_path: Path) -> None:
    source = synth(chapters=2, book_yaml="# a book\ntitle: No One Wrote This\n")
    d = _only(_findings(source, tmp_path), "D008")
    assert "no author" in d.message and "author:" in d.message
    assert d.location is not None and d.location.path.endswith("book.yaml") and d.location.line == 2


def test_D009_language_kindle_does_not_take(synth: Callable[..., Path], tmp_path: Path) -> None:
    source = synth(chapters=2, book_yaml="title: T\nauthor: A\n\nlanguage: ko\n")
    d = _only(_findings(source, tmp_path), "D009")
    assert d.message.startswith("language 'ko' is not one Kindle")
    assert d.location is not None and d.location.line == 4


@pytest.mark.parametrize("language", ["en-GB", "ja", "zh-Hant", "nb", "pt-BR"])
def test_kindle_languages_pass(synth: Callable[..., Path], tmp_path: Path, language: str) -> None:
    source = synth(chapters=2, book_yaml=f"title: T\nauthor: A\nlanguage: {language}\n")
    assert [d.code for d in _findings(source, tmp_path)] == []


def test_D010_epub_over_50_mb(sample_source: Path, tmp_path: Path) -> None:
    epub = tmp_path / "time-slip-reiwa-japan.epub"
    with epub.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)  # sparse: no disk used
    d = _only(_findings(sample_source, tmp_path, epub), "D010")
    assert "50.0 MB" in d.message and "Send to Kindle" in d.message
    assert d.location is not None and d.location.path.endswith("time-slip-reiwa-japan.epub")


def test_book_check_reports_store_rules_even_before_a_build(
    synth: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    source = synth(chapters=2, book_yaml="title: T\n")
    status = main(["check", "--source", str(source), "--build", str(tmp_path / "b"), "--format", "json"])
    codes = [d["code"] for d in json.loads(capsys.readouterr().err)["diagnostics"]]
    assert "D008" in codes and "E007" in codes
    assert status == 1
