"""Trim sizes by name or dimensions, and KDP's gutter bands."""

from __future__ import annotations

import pytest

from book.printing.trim import gutter_for, margins_for, parse_trim


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("6x9in", "6x9in"),
        ("6 x 9", "6x9in"),
        ("5.5x8.5in", "5.5x8.5in"),
        ("A5", "A5"),
        ("a4", "A4"),
        ("152x229mm", "6x9in"),
        ("6″ × 9″", "6x9in"),
        ("15.24 x 22.86 cm", "6x9in"),
        ("5.06 x 7.81", "5.06x7.81in"),
        ("8.5x11in", "8.5x11in"),
    ],
)
def test_known_sizes(text: str, name: str) -> None:
    trim = parse_trim(text)
    assert trim is not None and trim.name == name


@pytest.mark.parametrize("text", ["7x7in", "huge", "", "6x", "100x100mm"])
def test_unknown_sizes(text: str) -> None:
    assert parse_trim(text) is None


@pytest.mark.parametrize(
    ("pages", "gutter"),
    [
        (24, 0.375),
        (150, 0.375),
        (151, 0.5),
        (300, 0.5),
        (301, 0.625),
        (500, 0.625),
        (501, 0.75),
        (700, 0.75),
        (701, 0.875),
        (828, 0.875),
    ],
)
def test_gutter_bands(pages: int, gutter: float) -> None:
    assert gutter_for(pages) == gutter
    trim = parse_trim("5.5x8.5in")
    assert trim is not None
    margins = margins_for(trim, pages)
    assert margins.inside > gutter and min(margins.outside, margins.top, margins.bottom) > 0.5
