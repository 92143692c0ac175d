"""The generated part of the print stylesheet: fonts, page size, mirrored margins, bleed, ink."""

from __future__ import annotations

from book.printing.fonts import Face, font_stack
from book.printing.trim import BLEED_IN, Margins, Trim


def _font_face(face: Face) -> str:
    return (
        f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
        f'font-weight: normal; src: url("{face.path.as_uri()}"); }}'
    )


def text_size(trim: Trim) -> float:
    """Body size in points: EB Garamond's small x-height wants a little more than 11 pt."""
    if trim.width < 5.4:
        return 11.0
    if trim.width < 6.0:
        return 11.5
    return 12.0


def generated_css(
    trim: Trim,
    margins: Margins,
    faces: list[Face],
    fallbacks: list[Face],
    profile: str,
    bleed: bool,
    hyphenate: bool = True,
) -> str:
    """CSS that depends on the book's configuration; styles/print.css holds everything else."""
    lines = [_font_face(face) for face in faces if face.font_face]
    lines += [_font_face(face) for face in fallbacks if face.font_face]
    stack = font_stack(fallbacks)
    # Pure K for ingram: WeasyPrint writes CSS device-cmyk() colours as DeviceCMYK operators.
    ink = "device-cmyk(0 0 0 1)" if profile == "ingram" else "black"
    page = [
        f"size: {trim.width}in {trim.height}in",
        f"margin: {margins.top}in {margins.outside}in {margins.bottom}in {margins.inside}in",
        f"font-family: {stack}",
        f"color: {ink}",
    ]
    if bleed:
        # CSS bleeds every side; the writer trims the inside edge off afterwards (KDP geometry).
        page.append(f"bleed: {BLEED_IN}in")
    if profile == "proof":
        # Its crop marks are drawn after layout (marks.py), once for every page.
        page.append("bleed: 0.25in" if not bleed else f"bleed: {BLEED_IN}in")
    lines.append("@page { " + "; ".join(page) + "; }")
    lines.append(f"@page :left {{ margin-left: {margins.outside}in; margin-right: {margins.inside}in; }}")
    lines.append(f"@page :right {{ margin-left: {margins.inside}in; margin-right: {margins.outside}in; }}")
    sink = round(trim.height * 0.2, 3)
    lines.append(f"html {{ font-family: {stack}; font-size: {text_size(trim)}pt; color: {ink}; }}")
    lines.append(f".chapter-head {{ padding-top: {sink}in; }}")
    # The copyright notice sits at the foot of its verso.
    lines.append(f".copyright {{ padding-top: {round(trim.height * 0.5, 3)}in; }}")
    if not hyphenate:
        # No dictionary for the language: break only where the text itself allows (soft hyphens).
        lines.append("p { hyphens: manual; }")
    return "\n".join(lines) + "\n"
