"""Paper thickness per page for each printer and paper, with where each figure comes from."""

from __future__ import annotations

from dataclasses import dataclass

# The printer whose paper each print profile stands for: a proof is printed as KDP would.
PRINTER_OF_PROFILE = {"kdp": "kdp", "proof": "kdp", "ingram": "ingram"}


@dataclass(frozen=True)
class Paper:
    """One paper a printer offers: its thickness in inches per page and the figure's source."""

    printer: str
    name: str
    inches_per_page: float
    source: str


# KDP help, "Paperback cover" / "Cover calculator and templates" (KDP Print publishing guidelines):
# spine width = page count x 0.002252 in (black ink, white paper), x 0.0025 in (black ink, cream
# paper), x 0.002347 in (premium colour ink, white paper). The same figures are in
# shared/PRINT-AND-DEVICES.md; third-party calculators that quote 0.0025/0.0028 or add a constant
# disagree with KDP's own examples (6 x 9 in, 400 pages, cream: 13.25 x 9.25 in).
KDP_SOURCE = "KDP help: paperback cover calculator and templates (spine = pages x paper thickness)"
PAPERS: dict[tuple[str, str], Paper] = {
    ("kdp", "white"): Paper("kdp", "white", 0.002252, KDP_SOURCE),
    ("kdp", "cream"): Paper("kdp", "cream", 0.0025, KDP_SOURCE),
    ("kdp", "color"): Paper("kdp", "color", 0.002347, KDP_SOURCE),
}

# IngramSpark publishes no per-page thickness: its File Creation Guide sends authors to its cover
# template generator, which computes the spine for a page count and paper. The figures others
# reverse-engineered from it disagree (50# white: 472 pages per inch, i.e. 0.00212 in, in one
# write-up; 444 or 440 in others; 50# creme: 0.00229 in, 434, 430 or 472 pages per inch), so
# rather than guess a width that the printer would reject, IngramSpark covers are refused.
UNPUBLISHED = {
    "ingram": "IngramSpark publishes its spine widths only through its cover template generator, "
    "not as a per-page paper thickness this tool could rely on"
}


def paper_for(profile: str, paper: str) -> Paper | None:
    """The paper `profile`'s printer uses for `paper` (white, cream, color); None if not offered."""
    return PAPERS.get((PRINTER_OF_PROFILE.get(profile, profile), paper))


def offered(profile: str) -> list[str]:
    """The papers `profile`'s printer offers here, for diagnostics."""
    printer = PRINTER_OF_PROFILE.get(profile, profile)
    return sorted(name for (owner, name) in PAPERS if owner == printer)
