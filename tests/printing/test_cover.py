"""Cover geometry against worked examples from the printers' documentation and calculators."""

from __future__ import annotations

import pytest

from book.printing.cover import SPINE_TEXT_MIN_PAGES, cover_geometry
from book.printing.paper import paper_for
from book.printing.trim import Trim, parse_trim

# (trim, pages, paper, full width in, full height in, where the example is published)
WORKED_EXAMPLES: list[tuple[str, int, str, float, float, str]] = [
    # KDP help, paperback cover (shared/PRINT-AND-DEVICES.md): 6 x 9 in, 400 pages, cream.
    ("6x9in", 400, "cream", 13.25, 9.25, "KDP help"),
    # CreateSpace (KDP's print service before KDP Print) cover guide, as Pyramid's docs/coversizing.py
    # encodes it: 7.5 x 9.25 in, 600 pages, white: spine 1.3512 in.
    ("7.5x9.25in", 600, "white", 16.6012, 9.5, "CreateSpace cover guide"),
    # The KDP cover-size table on kdpcoverchecker.com, 120 pages, black ink on white paper.
    ("5x8in", 120, "white", 10.52, 8.25, "KDP cover-size table, 120 pages"),
    ("5.5x8.5in", 120, "white", 11.52, 8.75, "KDP cover-size table, 120 pages"),
    ("6x9in", 120, "white", 12.52, 9.25, "KDP cover-size table, 120 pages"),
    ("7x10in", 120, "white", 14.52, 10.25, "KDP cover-size table, 120 pages"),
    ("8.5x11in", 120, "white", 17.52, 11.25, "KDP cover-size table, 120 pages"),
    # KDP's figures as kidillus.com's KDP cover guide works them: 6 x 9 in, 200 pages, white.
    ("6x9in", 200, "white", 12.700, 9.25, "KDP cover guide, 200 pages white"),
    # The acceptance figure for the sample book: 24 pages, 5.5 x 8.5 in, white.
    ("5.5x8.5in", 24, "white", 11.304, 8.75, "issue 10: the sample book"),
]


def trim(name: str) -> Trim:
    found = parse_trim(name)
    assert found is not None, name
    return found


@pytest.mark.parametrize(("name", "pages", "paper", "width", "height", "source"), WORKED_EXAMPLES)
def test_worked_examples(name: str, pages: int, paper: str, width: float, height: float, source: str) -> None:
    found = paper_for("kdp", paper)
    assert found is not None
    geometry = cover_geometry(trim(name), found, pages)
    # The published figures are rounded to two or three decimals.
    assert geometry.width == pytest.approx(width, abs=0.006), source
    assert geometry.height == pytest.approx(height, abs=0.0001), source
    assert geometry.width_pt == pytest.approx(geometry.width * 72)


def test_spine_widths_per_paper() -> None:
    # KDP's per-page figures: white 0.002252, cream 0.0025, premium colour 0.002347 in.
    for paper, per_page in (("white", 0.002252), ("cream", 0.0025), ("color", 0.002347)):
        found = paper_for("kdp", paper)
        assert found is not None
        assert cover_geometry(trim("6x9in"), found, 300).spine_width == pytest.approx(300 * per_page)
    assert cover_geometry(trim("6x9in"), paper_for("kdp", "color"), 300).spine_width == pytest.approx(  # type: ignore[arg-type]
        0.7041, abs=0.0001
    )


def test_proof_uses_kdp_paper_and_ingram_has_no_published_figure() -> None:
    assert paper_for("proof", "cream") == paper_for("kdp", "cream")
    assert paper_for("ingram", "white") is None


def test_areas() -> None:
    white = paper_for("kdp", "white")
    assert white is not None
    g = cover_geometry(trim("6x9in"), white, 300)
    spine = 300 * 0.002252
    assert (g.back.x, g.back.width) == (0.125, 6.0)
    assert g.spine.x == pytest.approx(6.125) and g.spine.width == pytest.approx(spine)
    assert g.front.x == pytest.approx(6.125 + spine) and g.front.right == pytest.approx(g.width - 0.125)
    # Barcode: 2 x 1.2 in, 0.25 in from the bottom trim and from the spine, on the back.
    assert g.barcode.width == 2.0 and g.barcode.height == 1.2
    assert g.barcode.right == pytest.approx(g.spine.x - 0.25)
    assert g.barcode.bottom == pytest.approx(g.height - 0.125 - 0.25)
    # Spine text box: 0.0625 in clear of each fold, 0.125 in from top and bottom trim.
    assert g.spine_safe.x == pytest.approx(g.spine.x + 0.0625)
    assert g.spine_safe.width == pytest.approx(spine - 0.125)
    assert g.front_with_bleed.right == pytest.approx(g.width) and g.front_with_bleed.height == g.height


def test_spine_text_from_79_pages() -> None:
    cream = paper_for("kdp", "cream")
    assert cream is not None
    assert not cover_geometry(trim("6x9in"), cream, SPINE_TEXT_MIN_PAGES - 1).spine_text
    assert cover_geometry(trim("6x9in"), cream, SPINE_TEXT_MIN_PAGES).spine_text
    thin = cover_geometry(trim("6x9in"), cream, 24)
    assert thin.spine_safe.width == 0  # narrower than its clearances: no room, and none drawn


def test_data_has_every_dimension_in_inches_and_points() -> None:
    white = paper_for("kdp", "white")
    assert white is not None
    data = cover_geometry(trim("5.5x8.5in"), white, 24).data()
    assert data["pages"] == 24 and data["paper"] == "white" and data["printer"] == "kdp"
    assert data["size"] == {
        "in": {"width": 11.304, "height": 8.75},
        "pt": {"width": 813.891, "height": 630.0},
    }
    areas = data["areas"]
    assert isinstance(areas, dict)
    assert set(areas) == {
        "trim",
        "back",
        "spine",
        "front",
        "back_safe",
        "front_safe",
        "spine_safe",
        "barcode",
    }
    assert areas["barcode"]["pt"]["width"] == 144.0
