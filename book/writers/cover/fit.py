"""Fitting text to the cover: the spine line's size from the font's metrics, the back's description."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from book.printing.trim import PT_PER_IN

SPINE_MAX_PT = 16.0
SPINE_MIN_PT = 6.0
# poppler (and so the check) boxes a word by the font's ascent and descent; the line must fit the
# spine's clear width in that measure, with a little air.
SPINE_FILL = 0.9


@dataclass(frozen=True)
class SpineLine:
    """The spine's text and its size in points; `dropped` names what had to be left off."""

    text: str
    size_pt: float
    dropped: tuple[str, ...] = ()


@functools.lru_cache(maxsize=4)
def _metrics(path: Path) -> tuple[dict[int, int], float, float]:
    """(advance by code point in font units, units per em, ascent - descent in ems)."""
    font = TTFont(str(path), lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"]
        advances = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
        units = float(font["head"].unitsPerEm)
        hhea = font["hhea"]
        return advances, units, (hhea.ascent - hhea.descent) / units
    finally:
        font.close()


def text_width_em(text: str, font: Path) -> float:
    """The width of `text` in ems; a character the face lacks counts one em (a CJK fallback's width)."""
    advances, units, _ = _metrics(font)
    return sum(advances.get(ord(c), units) / units for c in text)


def fit_spine(parts: list[str], length_in: float, width_in: float, font: Path) -> SpineLine | None:
    """The largest size at which the spine line fits, dropping parts from the end if it must."""
    _, _, height_em = _metrics(font)
    by_width = width_in * PT_PER_IN * SPINE_FILL / height_em
    kept = list(parts)
    while kept:
        text = "   ·   ".join(kept)
        by_length = length_in * PT_PER_IN / text_width_em(text, font)
        size = min(SPINE_MAX_PT, by_width, by_length)
        if size >= SPINE_MIN_PT:
            return SpineLine(text, round(size, 2), tuple(parts[len(kept) :]))
        kept.pop()
    return None


@dataclass(frozen=True)
class Overflow:
    """What of the description did not fit on the back: its words and the first of them."""

    words: int
    first: str


def description_overflow(html: str, css: str, fetcher: object) -> Overflow | None:
    """Lay the description out in its box on pages of the box's size: anything past page one is over."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = HTML(string=html, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=[CSS(string=css, font_config=font_config, url_fetcher=fetcher)]
    )
    if len(document.pages) <= 1:
        return None
    words: list[str] = []
    for page in document.pages[1:]:
        words += " ".join(_texts(page._page_box)).split()
    return Overflow(len(words), words[0] if words else "")


def _texts(box: object) -> list[str]:
    """The text of every text box under `box`, in order (WeasyPrint's laid-out boxes)."""
    from weasyprint.formatting_structure.boxes import ParentBox, TextBox

    if isinstance(box, TextBox):
        return [box.text]
    if isinstance(box, ParentBox):
        return [text for child in box.children for text in _texts(child)]
    return []


def line_count(text: str, width_in: float, size_in: float, font: Path) -> int:
    """How many lines `text` takes at `size_in` in a `width_in` column, wrapped greedily at spaces.

    A word wider than the column counts for as many lines as it needs (CSS breaks CJK anywhere).
    """
    capacity = width_in / size_in  # the column's width in ems
    space = text_width_em(" ", font)
    lines, used = 0, capacity + 1.0
    for word in text.split():
        width = text_width_em(word, font)
        if used + space + width <= capacity:
            used += space + width
            continue
        whole = max(1, math.ceil(width / capacity))
        lines += whole
        used = width - (whole - 1) * capacity
    return max(lines, 1)


def fit_block(
    texts: list[tuple[str, float]], width_in: float, height_in: float, font: Path, leading: float
) -> float:
    """The scale (at most 1) at which every (text, size in inches) fits the box, sizes kept in ratio."""
    scale = 1.0
    while scale > 0.2:
        height = sum(
            line_count(text, width_in, size * scale, font) * size * scale * leading
            for text, size in texts
            if text
        )
        if height <= height_in:
            return scale
        scale *= 0.92
    return scale
