"""Full-wrap cover geometry: back, spine and front with bleed, from the page count and the paper."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from book.config import Config
from book.diagnostics import Reporter
from book.ir import Metadata
from book.output import book_path
from book.printing.paper import UNPUBLISHED, Paper, offered, paper_for
from book.printing.trim import BLEED_IN, PT_PER_IN, Trim

# KDP help, "Paperback cover": 0.125 in bleed on every outside edge; text and important art at
# least 0.125 in inside the trim; spine text only from 79 pages, 0.0625 in clear of each spine
# edge; a 2 x 1.2 in barcode area at the lower right of the back, 0.25 in from the bottom trim
# and from the spine (shared/PRINT-AND-DEVICES.md).
COVER_BLEED_IN = BLEED_IN
SAFE_IN = 0.125
SPINE_CLEAR_IN = 0.0625
SPINE_TEXT_MIN_PAGES = 79
BARCODE_W_IN, BARCODE_H_IN = 2.0, 1.2
BARCODE_INSET_IN = 0.25


@dataclass(frozen=True)
class Rect:
    """A rectangle in inches from the sheet's top-left corner (bleed included), as CSS and PNGs go."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def inset(self, dx: float, dy: float | None = None) -> Rect:
        dy = dx if dy is None else dy
        return Rect(self.x + dx, self.y + dy, self.width - 2 * dx, self.height - 2 * dy)

    def intersects(self, other: Rect) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def contains(self, other: Rect) -> bool:
        across = self.x <= other.x and other.right <= self.right
        return across and self.y <= other.y and other.bottom <= self.bottom

    def data(self) -> dict[str, dict[str, float]]:
        """Inches and points, rounded to what a printer's template shows."""
        values = {"x": self.x, "y": self.y, "width": self.width, "height": self.height}
        return {
            "in": {k: round(v, 4) for k, v in values.items()},
            "pt": {k: round(v * PT_PER_IN, 3) for k, v in values.items()},
        }


@dataclass(frozen=True)
class CoverGeometry:
    """Every dimension of one paperback full-wrap cover."""

    trim: Trim
    paper: Paper
    pages: int

    @property
    def bleed(self) -> float:
        return COVER_BLEED_IN

    @property
    def spine_width(self) -> float:
        return self.pages * self.paper.inches_per_page

    @property
    def width(self) -> float:
        return self.bleed + self.trim.width + self.spine_width + self.trim.width + self.bleed

    @property
    def height(self) -> float:
        return self.bleed + self.trim.height + self.bleed

    @property
    def sheet(self) -> Rect:
        return Rect(0.0, 0.0, self.width, self.height)

    @property
    def trimmed(self) -> Rect:
        """The whole cover once trimmed: back, spine and front."""
        return self.sheet.inset(self.bleed)

    @property
    def back(self) -> Rect:
        return Rect(self.bleed, self.bleed, self.trim.width, self.trim.height)

    @property
    def spine(self) -> Rect:
        return Rect(self.back.right, self.bleed, self.spine_width, self.trim.height)

    @property
    def front(self) -> Rect:
        return Rect(self.spine.right, self.bleed, self.trim.width, self.trim.height)

    @property
    def front_with_bleed(self) -> Rect:
        """What a front image must fill: the front panel plus the bleed on its three outside edges."""
        return Rect(self.front.x, 0.0, self.trim.width + self.bleed, self.height)

    @property
    def back_safe(self) -> Rect:
        return self.back.inset(SAFE_IN)

    @property
    def front_safe(self) -> Rect:
        return self.front.inset(SAFE_IN)

    @property
    def spine_safe(self) -> Rect:
        """Where spine text may go; zero wide when the spine is narrower than its two clearances."""
        inset = self.spine.inset(SPINE_CLEAR_IN, SAFE_IN)
        if inset.width <= 0:
            return Rect(self.spine.x + self.spine.width / 2, inset.y, 0.0, inset.height)
        return inset

    @property
    def spine_text(self) -> bool:
        """KDP prints spine text only on books of at least 79 pages (and a spine wider than its clearance)."""
        return self.pages >= SPINE_TEXT_MIN_PAGES and self.spine_safe.width > 0

    @property
    def barcode(self) -> Rect:
        right = self.back.right - BARCODE_INSET_IN
        bottom = self.back.bottom - BARCODE_INSET_IN
        return Rect(right - BARCODE_W_IN, bottom - BARCODE_H_IN, BARCODE_W_IN, BARCODE_H_IN)

    @property
    def width_pt(self) -> float:
        return self.width * PT_PER_IN

    @property
    def height_pt(self) -> float:
        return self.height * PT_PER_IN

    def data(self) -> dict[str, object]:
        """Every dimension, in inches and points, for build/<slug>.cover.json."""
        return {
            "printer": self.paper.printer,
            "paper": self.paper.name,
            "paper_thickness_in": self.paper.inches_per_page,
            "paper_source": self.paper.source,
            "pages": self.pages,
            "trim": {"name": self.trim.name, "width_in": self.trim.width, "height_in": self.trim.height},
            "bleed_in": self.bleed,
            "spine_width": {"in": round(self.spine_width, 4), "pt": round(self.spine_width * PT_PER_IN, 3)},
            "size": {
                "in": {"width": round(self.width, 4), "height": round(self.height, 4)},
                "pt": {"width": round(self.width_pt, 3), "height": round(self.height_pt, 3)},
            },
            "spine_text": self.spine_text,
            "spine_text_min_pages": SPINE_TEXT_MIN_PAGES,
            "origin": "top-left corner of the sheet, bleed included; x right, y down",
            "areas": {
                "trim": self.trimmed.data(),
                "back": self.back.data(),
                "spine": self.spine.data(),
                "front": self.front.data(),
                "back_safe": self.back_safe.data(),
                "front_safe": self.front_safe.data(),
                "spine_safe": self.spine_safe.data(),
                "barcode": self.barcode.data(),
            },
        }


def cover_geometry(trim: Trim, paper: Paper, pages: int) -> CoverGeometry:
    """The paperback full wrap for an interior of `pages` pages (the real count, padding included)."""
    return CoverGeometry(trim, paper, pages)


@dataclass(frozen=True)
class Interior:
    """One print interior a cover is made for: its PDF, the stem of its cover files, its volume."""

    pdf: Path
    stem: str
    volume: int | None = None

    @property
    def cover(self) -> Path:
        return self.pdf.with_name(f"{self.stem}.cover.pdf")

    @property
    def template(self) -> Path:
        return self.pdf.with_name(f"{self.stem}.cover-template.pdf")

    @property
    def record(self) -> Path:
        return self.pdf.with_name(f"{self.stem}.cover.json")


def interiors(meta: Metadata, build_dir: Path) -> list[Interior]:
    """The interiors a book (or one volume of a split book) prints as: `<slug>.pdf` or `<slug>-vol-NN.pdf`."""
    pdf = book_path(meta, build_dir, "pdf")
    return [Interior(pdf, pdf.stem, meta.series.position if meta.series else None)]


def cover_setup(config: Config, reporter: Reporter) -> tuple[Trim, Paper] | None:
    """The trim and paper a cover is made for; None after reporting why no cover can be made."""
    settings = config.print
    ok = True
    if settings.binding == "hardcover":
        # KDP's case-laminate wrap, hinge and spine come from its hardcover template generator and a
        # page-count table, not from a published formula; third-party figures disagree (wrap 0.51 or
        # 0.591 in, hinge 0.197 to 0.4 in). A guessed case wrap would be rejected, so refuse.
        reporter.report(
            "W001",
            "hardcover covers are not made: the printers publish their case-wrap and hinge sizes "
            "only through their template generators; use binding: paperback, or the printer's template",
            config.location("print.binding") or config.location("print"),
        )
        ok = False
    trim = settings.trim  # validated with the rest of book.yaml
    paper = paper_for(settings.profile, settings.paper)
    if paper is None:
        why = UNPUBLISHED.get(settings.profile)
        message = (
            f"no cover for the {settings.profile} profile: {why}"
            if why
            else f"the {settings.profile} printer offers no '{settings.paper}' paper here "
            f"(it offers {', '.join(offered(settings.profile))})"
        )
        reporter.report(
            "W002",
            message,
            config.location("print.paper") or config.location("print.profile") or config.location("print"),
        )
        ok = False
    if not ok or paper is None:
        return None
    return trim, paper
