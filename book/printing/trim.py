"""Print geometry: KDP trim sizes by name or dimensions, gutters by page count, bleed."""

from __future__ import annotations

import re
from dataclasses import dataclass

PT_PER_IN = 72.0
MM_PER_IN = 25.4

# KDP's standard paperback trim sizes (width x height, inches), plus A5, which KDP prints as a
# custom size inside its allowed range and European authors ask for by name.
STANDARD_TRIMS: dict[str, tuple[float, float]] = {
    "5x8in": (5.0, 8.0),
    "5.06x7.81in": (5.06, 7.81),
    "5.25x8in": (5.25, 8.0),
    "5.5x8.5in": (5.5, 8.5),
    "6x9in": (6.0, 9.0),
    "6.14x9.21in": (6.14, 9.21),
    "6.69x9.61in": (6.69, 9.61),
    "7x10in": (7.0, 10.0),
    "7.44x9.69in": (7.44, 9.69),
    "7.5x9.25in": (7.5, 9.25),
    "8x10in": (8.0, 10.0),
    "8.25x6in": (8.25, 6.0),
    "8.25x8.25in": (8.25, 8.25),
    "8.5x8.5in": (8.5, 8.5),
    "8.5x11in": (8.5, 11.0),
    "A4": (210 / MM_PER_IN, 297 / MM_PER_IN),
    "A5": (148 / MM_PER_IN, 210 / MM_PER_IN),
}
NAMES = {"a4": "A4", "a5": "A5", "letter": "8.5x11in", "us-trade": "6x9in", "digest": "5.5x8.5in"}

# "6x9in", "6 x 9", "6″ × 9″", "152x229mm", "15.2 x 22.9 cm"
DIMENSIONS_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(?:in|\"|″|mm|cm)?\s*(?:x|×|by)\s*(\d+(?:\.\d+)?)\s*(in|\"|″|mm|cm)?\s*$",
    re.IGNORECASE,
)
# A size matches a standard one when both sides agree within a millimetre (rounded metric sizes).
TOLERANCE_IN = 1.0 / MM_PER_IN

# KDP's minimum inside (gutter) margin by page count: (last page of the band, inches).
GUTTER_BANDS: tuple[tuple[int, float], ...] = (
    (150, 0.375),
    (300, 0.5),
    (500, 0.625),
    (700, 0.75),
    (828, 0.875),
)
MIN_EDGE_MARGIN_IN = 0.5  # outside, top and bottom: KDP asks 0.25/0.375 in, IngramSpark 0.5 in
BLEED_IN = 0.125  # KDP: top, bottom and outside edge only


@dataclass(frozen=True)
class Trim:
    """A trim size in inches and the name it is known by."""

    name: str
    width: float
    height: float

    @property
    def width_pt(self) -> float:
        return self.width * PT_PER_IN

    @property
    def height_pt(self) -> float:
        return self.height * PT_PER_IN


def parse_trim(text: str) -> Trim | None:
    """The standard trim size `text` names ("A5", "6x9in", "6 x 9", "152x229mm"), or None."""
    key = text.strip()
    name = NAMES.get(key.lower())
    if name is None:
        match = DIMENSIONS_RE.match(key)
        if not match:
            return None
        width, height = float(match[1]), float(match[2])
        unit = (match[3] or "").lower()
        if unit == "mm" or (not unit and max(width, height) > 20):
            width, height = width / MM_PER_IN, height / MM_PER_IN
        elif unit == "cm":
            width, height = width * 10 / MM_PER_IN, height * 10 / MM_PER_IN
        for candidate, (w, h) in STANDARD_TRIMS.items():
            if abs(w - width) <= TOLERANCE_IN and abs(h - height) <= TOLERANCE_IN:
                name = candidate
                break
        else:
            return None
    width, height = STANDARD_TRIMS[name]
    return Trim(name, width, height)


DEFAULT_TRIM = Trim("5.5x8.5in", *STANDARD_TRIMS["5.5x8.5in"])
TRIM_HINT = "use a KDP standard size by name (A5, 6x9in) or dimensions like 5.5x8.5in, 6 x 9 or 152x229mm"


def gutter_for(pages: int) -> float:
    """KDP's minimum inside margin in inches for a book of `pages` pages."""
    for last, gutter in GUTTER_BANDS:
        if pages <= last:
            return gutter
    return GUTTER_BANDS[-1][1]


@dataclass(frozen=True)
class Margins:
    """Page margins in inches; `inside` is the gutter side (left on rectos, right on versos)."""

    inside: float
    outside: float
    top: float
    bottom: float


def margins_for(trim: Trim, pages: int) -> Margins:
    """Generous book margins that always exceed the printers' minimums for this page count.

    Top and bottom leave room for the running head and folio, which sit in the margin boxes but
    must stay at least MIN_EDGE_MARGIN_IN from the trimmed edge.
    """
    scale = min(trim.width / 5.5, 1.4)
    return Margins(
        inside=round(gutter_for(pages) + 0.25 * scale, 3),
        outside=round(max(MIN_EDGE_MARGIN_IN + 0.1, 0.6 * scale), 3),
        top=round(0.85 * scale, 3),
        bottom=round(0.85 * scale, 3),
    )
