"""Printers' page-count limits, keyed by printer, binding, paper and trim, each figure with its source."""

from __future__ import annotations

from dataclasses import dataclass

# Where the figures come from (checked against /work/shared/PRINT-AND-DEVICES.md and the pages named).
KDP_PRINT_OPTIONS = "KDP help 'Print options' (G201834180), black ink"
KDP_HARDCOVER = "KDP help 'Print options' (G201834180), hardcover"
INGRAM_MATRIX = "IngramSpark trim size / paper matrix; 18 pages minimum (IngramSpark FAQ)"

# KDP paperback, black ink: (white maximum, cream maximum) by trim; the minimum is 24 on both.
# KDP help "Print options" (G201834180): 828 white / 776 cream, except the trims below.
KDP_PAPERBACK_MIN = 24  # KDP help "Print options" (G201834180)
KDP_PAPERBACK_MAX: dict[str, tuple[int, int]] = {
    "default": (828, 776),  # KDP help "Print options" (G201834180)
    "8.25x6in": (800, 750),  # same page: the 8.25 x 6 in trim
    "8.25x8.25in": (800, 750),  # same page: the 8.25 x 8.25 in trim
    "8.5x8.5in": (590, 550),  # same page: the 8.5 x 8.5 in trim
    "8.5x11in": (590, 550),  # same page: the 8.5 x 11 in trim
    "A4": (780, 730),  # same page: 8.27 x 11.69 in (A4)
}
# KDP hardcover, white or cream: 75-550 pages (KDP help "Print options", hardcover section).
KDP_HARDCOVER_RANGE = (75, 550)
# IngramSpark, black and white: 18 pages minimum (IngramSpark FAQ); maxima from its trim size and
# paper matrix: 50 lb white 1,200, 50 lb creme 1,050 (groundwood and 70 lb white, not offered here,
# 900). Hardcovers share the paper maxima ("up to 1,200 pages", Indie Author Magazine, "Hardbacks
# Made Easy", reading the same matrix). IngramSpark stores interiors with an even page count.
INGRAM_MIN = 18
INGRAM_MAX = {"white": 1200, "cream": 1050}
# A proof is never sent to a printer: no limit.
PROOF_RANGE = (1, 1_000_000)


@dataclass(frozen=True)
class PageLimits:
    """The pages an interior may have for one printer, binding, paper and trim, and whose rule it is."""

    minimum: int
    maximum: int
    even: bool
    source: str

    def allows(self, pages: int) -> bool:
        return self.minimum <= pages <= self.maximum and not (self.even and pages % 2)


def page_limits(profile: str, binding: str = "paperback", paper: str = "white", trim: str = "") -> PageLimits:
    """The limits for a print profile (kdp | ingram | proof), binding, paper and trim name."""
    if profile == "proof":
        return PageLimits(*PROOF_RANGE, even=False, source="proofs have no page limit")
    if profile == "ingram":
        return PageLimits(INGRAM_MIN, INGRAM_MAX[paper], even=True, source=INGRAM_MATRIX)
    if binding == "hardcover":
        return PageLimits(*KDP_HARDCOVER_RANGE, even=False, source=KDP_HARDCOVER)
    white, cream = KDP_PAPERBACK_MAX.get(trim, KDP_PAPERBACK_MAX["default"])
    return PageLimits(
        KDP_PAPERBACK_MIN, white if paper == "white" else cream, even=False, source=KDP_PRINT_OPTIONS
    )


def describe(profile: str, binding: str, paper: str, trim: str) -> str:
    """`KDP paperback on white paper at 5.5x8.5in`, for messages."""
    printer = {"kdp": "KDP", "ingram": "IngramSpark", "proof": "proof"}.get(profile, profile)
    return f"{printer} {binding} on {paper} paper at {trim}"
