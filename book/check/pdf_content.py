"""Read what a PDF page draws: text sizes, .notdef glyphs, RGB colour and fonts, from its content."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n in PDF's row-vector convention (apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


@dataclass
class PageInk:
    """What one page draws."""

    text_runs: int = 0
    min_text_size: float = math.inf
    small_text: list[tuple[float, str]] = field(default_factory=list)  # (size in pt, font)
    notdef: dict[str, int] = field(default_factory=dict)  # font name → .notdef glyphs shown
    rgb: list[str] = field(default_factory=list)  # descriptions of RGB colour use
    fonts: dict[str, Any] = field(default_factory=dict)  # base name → font dict


def _num(value: object) -> float:
    return float(value)  # type: ignore[arg-type]


def _font_name(font: Any) -> str:
    return str(font.get("/BaseFont", "/?"))[1:]


def _is_rgb_space(space: object, resources: Any) -> bool:
    if isinstance(space, pikepdf.Name):
        name = str(space)
        if name in RGB_SPACES:
            return True
        spaces: Any = resources.get("/ColorSpace", {})
        if name in spaces:
            return _is_rgb_space(spaces[name], resources)
        return False
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        kind = str(space[0])
        if kind in RGB_SPACES:
            return True
        if kind == "/ICCBased":
            return int(space[1].get("/N", 0)) == 3
    return False


class _Reader:
    """A small content-stream interpreter: only the state the print checks need."""

    def __init__(self, ink: PageInk, min_size: float) -> None:
        self.ink = ink
        self.min_size = min_size

    def run(self, stream: object, resources: Any, ctm: Matrix, depth: int = 0) -> None:
        fonts: Any = resources.get("/Font", {})
        xobjects: Any = resources.get("/XObject", {})
        stack: list[tuple[Matrix, Any, float]] = []
        font: Any = None
        size = 0.0
        tm: Matrix = IDENTITY
        tlm: Matrix = IDENTITY
        leading = 0.0
        for instruction in pikepdf.parse_content_stream(stream):  # type: ignore[arg-type]
            operands: Any = instruction.operands
            op = str(instruction.operator)
            if op == "q":
                stack.append((ctm, font, size))
            elif op == "Q" and stack:
                ctm, font, size = stack.pop()
            elif op == "cm":
                ctm = multiply(tuple(_num(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf":
                name = str(operands[0])
                font = fonts.get(name)
                size = _num(operands[1])
                if font is not None:
                    self.ink.fonts[_font_name(font)] = font
            elif op == "TL":
                leading = _num(operands[0])
            elif op == "Tm":
                tm = tlm = tuple(_num(v) for v in operands)  # type: ignore[assignment]
            elif op in ("Td", "TD"):
                tm = tlm = multiply((1, 0, 0, 1, _num(operands[0]), _num(operands[1])), tlm)
            elif op == "T*":
                tm = tlm = multiply((1, 0, 0, 1, 0, -leading), tlm)
            elif op in ("Tj", "TJ", "'", '"'):
                self._show(operands, font, size, multiply(tm, ctm))
            elif op in ("rg", "RG"):
                self.ink.rgb.append(f"'{op}' colour operator")
            elif op in ("cs", "CS") and _is_rgb_space(operands[0], resources):
                self.ink.rgb.append(f"RGB colour space {operands[0]}")
            elif op == "Do" and depth < 8:
                self._do(xobjects.get(str(operands[0])), ctm, depth)

    def _do(self, xobject: object, ctm: Matrix, depth: int) -> None:
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            space = xobject.get("/ColorSpace")
            if space is not None and _is_rgb_space(space, pikepdf.Dictionary()):
                self.ink.rgb.append("RGB image")
        elif subtype == "/Form":
            matrix = tuple(_num(v) for v in xobject.get("/Matrix", IDENTITY))
            resources = xobject.get("/Resources", pikepdf.Dictionary())
            self.run(xobject, resources, multiply(matrix, ctm), depth + 1)  # type: ignore[arg-type]

    def _show(self, operands: list[object], font: Any, size: float, matrix: Matrix) -> None:
        data = b"".join(
            bytes(item)
            for operand in operands
            for item in (operand if isinstance(operand, pikepdf.Array) else [operand])
            if isinstance(item, pikepdf.String)
        )
        if not data:
            return
        name = _font_name(font) if font is not None else "?"
        effective = abs(size) * math.sqrt(abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]))
        self.ink.text_runs += 1
        self.ink.min_text_size = min(self.ink.min_text_size, effective)
        if effective < self.min_size - 0.01:
            self.ink.small_text.append((effective, name))
        if font is not None and font.get("/Subtype") == "/Type0":
            codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
            gids = _to_gids(codes, font)
            zeros = sum(1 for gid in gids if gid == 0)
            if zeros:
                self.ink.notdef[name] = self.ink.notdef.get(name, 0) + zeros


def _to_gids(codes: list[int], font: Any) -> list[int]:
    """Identity-H codes are CIDs; a CIDToGIDMap stream maps CIDs to glyph ids."""
    descendant = font.DescendantFonts[0]
    mapping = descendant.get("/CIDToGIDMap")
    if isinstance(mapping, pikepdf.Stream):
        table = mapping.read_bytes()
        return [
            int.from_bytes(table[2 * c : 2 * c + 2], "big") if 2 * c + 1 < len(table) else 0 for c in codes
        ]
    return codes


def page_ink(page: pikepdf.Page, min_size: float) -> PageInk:
    """Interpret one page's content stream(s)."""
    ink = PageInk()
    resources: Any = page.obj.get("/Resources", pikepdf.Dictionary())
    _Reader(ink, min_size).run(page, resources, IDENTITY)
    return ink


def font_is_embedded(font: Any) -> bool:
    """True when the font program is inside the PDF (Type 3 fonts are drawn, always inside)."""
    if font.get("/Subtype") == "/Type3":
        return True
    target = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
    descriptor = target.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
