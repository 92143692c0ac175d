"""The benchmark's fairness: alternating cold rounds, paired medians, anchors at our trim and face."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from book import bench
from book.printing.trim import parse_trim
from book.writers.pdf.css import text_size
from tests.conftest import load, needs_cjk_font


def _measure(seconds: float, cpu: float = 1.0, ok: bool = True) -> bench.Measure:
    return bench.Measure(seconds, 10.0, ok, "", cpu)


def test_rounds_alternate_their_order() -> None:
    order: list[str] = []

    def run(name: str) -> Callable[[int], bench.Measure]:
        def go(number: int) -> bench.Measure:
            order.append(f"{name}{number}")
            return _measure(1.0)

        return go

    runs = bench.alternating({"a": run("a"), "b": run("b"), "c": run("c")}, 3)
    assert order == ["a0", "b0", "c0", "c1", "b1", "a1", "a2", "b2", "c2"]
    assert {name: len(found) for name, found in runs.items()} == {"a": 3, "b": 3, "c": 3}


def test_the_ratio_is_the_median_of_each_rounds_pair() -> None:
    # A noisy round (the machine busy for both) does not skew the ratio as a ratio of medians would.
    ours = [_measure(10.0), _measure(30.0), _measure(12.0)]
    theirs = [_measure(20.0), _measure(40.0), _measure(20.0)]
    assert bench.paired_ratio(ours, theirs) == "0.60×"
    assert bench.paired_ratio(ours, theirs, "cpu") == "1.00×"
    assert bench.paired_ratio(ours, [*theirs[:2], _measure(1.0, ok=False)]) == "–"


@needs_cjk_font  # the reference's font stack names the CJK fallback found on the machine
def test_the_anchors_use_our_trim_face_and_size(synth: Callable[..., Path]) -> None:
    source = synth(chapters=2, words_per_chapter=200, book_yaml="title: T\nprint:\n  trim: 6x9in\n")
    book, _, reporter = load(source)
    assert book is not None, reporter.diagnostics
    anchor = bench.anchor_for(source, book)
    assert anchor is not None
    css = bench.reference_css(anchor)
    assert "size: 6.0in 9.0in" in css
    trim = parse_trim("6x9in")
    assert trim is not None and f"font-size: {text_size(trim)}pt" in css
    assert "EBGaramond12-Regular.otf" in css and '"Book Text", "Noto Serif CJK JP"' in css
    assert "hyphens" not in css and "string-set" not in css  # no print features in the reference
    typst = bench.typst_preamble(anchor)
    assert "width: 6.0in, height: 9.0in" in typst and f"size: {anchor.size_pt}pt" in typst
    assert '"EB Garamond 12"' in typst  # the face's own family name, as Typst looks it up


def test_the_markdown_has_every_chapter_and_note(synth: Callable[..., Path]) -> None:
    book, _, reporter = load(synth(chapters=3, words_per_chapter=300, notes_per_chapter=2))
    assert book is not None, reporter.diagnostics
    markdown = bench.to_markdown(book)
    assert markdown.count("\n# ") == 3
    assert all(f"[^n{note.number}]:" in markdown for note in book.notes)
