"""One font subset per font in a PDF joined from parts: the glyphs every part used, embedded once.

WeasyPrint embeds each font as a Type 0 font with Identity-H encoding and a CIDToGIDMap of
/Identity, subset with harfbuzz keeping the original glyph ids (RETAIN_GIDS). So a part's text
names glyphs by their ids in the font file, whatever else the part used: the parts' subsets of one
font differ only in which glyphs they kept. Joining them is therefore a matter of the union: the
glyph ids (and their widths, /W) and their text (/ToUnicode) of every part, one subset of the font
file cut for that union, and every part's resources pointed at the one font. No content stream
changes. The font file is the face the build configured (or fontconfig's face of that family),
and it is used only when its advance widths agree with every width the parts recorded; a font
that cannot be matched so, or that WeasyPrint wrote differently (bitmap, missing glyphs with
their own encoding, variable, PDF 1.4's CID sets), is left as the parts wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from book.printing.fonts import Face, fontconfig_face

# WeasyPrint's subsetting (weasyprint/pdf/fonts.py, Font._harfbuzz_subset), so that the joined
# book's fonts are cut as the single flow's are.
DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
FIXED_PITCH = 1  # font descriptor flag bit 1
WIDTH_TOLERANCE = 1  # WeasyPrint rounds Pango's extents to thousandths of an em


@dataclass
class FontUse:
    """Every part's copy of one font (by BaseFont): the dictionaries and what they drew."""

    fonts: list[pikepdf.Dictionary]
    widths: dict[int, float]
    text: dict[int, str]


def _resources(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every resource dictionary the pages use: their own, and their forms' and patterns', once each."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        yield resources
        for kind in ("/XObject", "/Pattern"):
            for item in resources.get(kind, pikepdf.Dictionary()).values():
                if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)) and "/Resources" in item:
                    stack.append(item.Resources)


def _widths(array: Any) -> dict[int, float]:
    """A CIDFont's /W: `c [w1 w2 ...]` runs and `c_first c_last w` ranges."""
    found: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                found[first + offset] = float(width)
            i += 2
        else:
            for cid in range(first, int(items[i + 1]) + 1):
                found[cid] = float(items[i + 2])
            i += 3
    return found


BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _text(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's bfchar entries: glyph id → the text it stands for."""
    found: dict[int, str] = {}
    for block in BFCHAR.findall(cmap):
        for glyph, text in PAIR.findall(block):
            found.setdefault(int(glyph, 16), bytes.fromhex(text.decode()).decode("utf-16-be", "replace"))
    return found


def _mergeable(font: Any) -> bool:
    """A Type 0 font as WeasyPrint writes a vector font: Identity-H over one CIDFont with a file."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return False
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, pikepdf.Array) or len(descendants) != 1:
        return False
    cid_font = descendants[0]
    descriptor = cid_font.get("/FontDescriptor")
    return (
        cid_font.get("/CIDToGIDMap") == "/Identity"
        and "/W" in cid_font
        and isinstance(descriptor, pikepdf.Dictionary)
        and any(key in descriptor for key in ("/FontFile2", "/FontFile3"))
        and "/CIDSet" not in descriptor  # PDF 1.4 and older (WeasyPrint writes 1.7)
        and isinstance(font.get("/ToUnicode"), pikepdf.Stream)
    )


def _uses(pdf: pikepdf.Pdf) -> tuple[dict[str, FontUse], list[tuple[pikepdf.Dictionary, str, str]]]:
    """Fonts by BaseFont, and every (font resources, resource name, BaseFont) slot naming one."""
    uses: dict[str, FontUse] = {}
    slots = []
    seen: set[tuple[int, int]] = set()
    for resources in _resources(pdf):
        fonts = resources.get("/Font")
        if not isinstance(fonts, pikepdf.Dictionary):
            continue
        for name, font in fonts.items():
            if not isinstance(font, pikepdf.Dictionary) or "/BaseFont" not in font:
                continue
            base = str(font.BaseFont)
            slots.append((fonts, name, base))
            if font.is_indirect and font.objgen in seen:
                continue
            if font.is_indirect:
                seen.add(font.objgen)
            use = uses.setdefault(base, FontUse([], {}, {}))
            use.fonts.append(font)
            if _mergeable(font):
                for cid, width in _widths(font.DescendantFonts[0].W).items():
                    use.widths.setdefault(cid, width)
                for cid, text in _text(font.ToUnicode.read_bytes()).items():
                    use.text.setdefault(cid, text)
    return uses, slots


def _matches(face: Face, widths: dict[int, float]) -> Any:
    """The harfbuzz face of `face` when every recorded width is its advance, else None."""
    import uharfbuzz as hb

    try:
        hb_face = hb.Face(hb.Blob.from_file_path(str(face.path)), face.index)
    except Exception:  # unreadable, or not a font: not this one
        return None
    if hb_face.has_var_data or max(widths, default=0) >= hb_face.glyph_count:
        return None
    font = hb.Font(hb_face)
    for glyph, width in widths.items():
        if glyph and abs(font.get_glyph_h_advance(glyph) * 1000 / hb_face.upem - width) > WIDTH_TOLERANCE:
            return None
    return hb_face


def subset(hb_face: Any, glyphs: Iterable[int]) -> bytes:
    """The font cut to `glyphs`, ids kept, as WeasyPrint cuts it (two passes: keep ids, then trim)."""
    import uharfbuzz as hb

    keep = sorted({0, *glyphs})
    first = hb.SubsetInput()
    for glyph in keep:
        first.glyph_set.add(glyph)
    first.flags = hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
    first.flags |= hb.SubsetFlags.DESUBROUTINIZE
    dropped = first.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in DROPPED_TABLES:
        dropped.add(int.from_bytes(tag.encode("ascii"), "big"))
    cut = hb.subset(hb_face, first)
    # The second pass drops the empty glyphs after the last one used, and the hinting.
    second = hb.SubsetInput()
    for glyph in range(keep[-1] + 1):
        second.glyph_set.add(glyph)
    second.flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    second.flags |= hb.SubsetFlags.NO_HINTING
    data: bytes = hb.subset(cut, second).blob.data
    return data


def _to_unicode(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap as WeasyPrint writes one, in glyph order."""
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(text.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{glyph:04x}> <{value.encode('utf-16-be').hex()}>".encode() for glyph, value in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _w_array(widths: dict[int, float]) -> pikepdf.Array:
    out = pikepdf.Array()
    run: pikepdf.Array | None = None
    for cid in sorted(widths):
        if run is None or cid - 1 not in widths:
            run = pikepdf.Array()
            out.append(cid)
            out.append(run)
        width = widths[cid]
        run.append(int(width) if width == int(width) else width)
    return out


def _joined(pdf: pikepdf.Pdf, use: FontUse, font_file: bytes) -> pikepdf.Dictionary:
    """One Type 0 font for every part's copy: the first copy's dictionaries with the union's data."""
    model = use.fonts[0]
    cid_model = model.DescendantFonts[0]
    descriptor_model = cid_model.FontDescriptor
    file_key = "/FontFile3" if "/FontFile3" in descriptor_model else "/FontFile2"
    file_extra: dict[str, Any] = {
        key: value
        for key, value in descriptor_model[file_key].stream_dict.items()
        if key not in ("/Length", "/Filter", "/DecodeParms")
    }
    if "/Length1" in file_extra:
        file_extra["/Length1"] = len(font_file)
    stream = pikepdf.Stream(pdf, font_file, pikepdf.Dictionary(file_extra))
    descriptor = pikepdf.Dictionary({key: value for key, value in descriptor_model.items()})
    descriptor[file_key] = stream
    bbox = [float(v) for v in descriptor_model.FontBBox]
    bbox[2] = max(use.widths.values(), default=0)
    descriptor.FontBBox = pikepdf.Array([int(v) if v == int(v) else v for v in bbox])
    flags = int(descriptor_model.Flags) & ~FIXED_PITCH
    if len(use.widths) > 1 and len(set(use.widths.values())) == 1:
        flags |= FIXED_PITCH
    descriptor.Flags = flags
    cid_font = pikepdf.Dictionary({key: value for key, value in cid_model.items()})
    cid_font.W = _w_array(use.widths)
    cid_font.FontDescriptor = pdf.make_indirect(descriptor)
    font = pikepdf.Dictionary({key: value for key, value in model.items()})
    font.DescendantFonts = pikepdf.Array([pdf.make_indirect(cid_font)])
    font.ToUnicode = pikepdf.Stream(pdf, _to_unicode(use.text))
    return pdf.make_indirect(font)


def _faces_for(family: str, italic: bool, faces: Sequence[Face]) -> Iterator[Face]:
    """The configured faces of `family`, the matching style first; then fontconfig's, if asked for."""
    named = sorted(
        (face for face in faces if face.family == family), key=lambda f: (f.style == "italic") != italic
    )
    yield from named
    found = fontconfig_face(family)
    if found is not None and found not in named:
        yield found


@dataclass(frozen=True)
class Shared:
    """What share_fonts did: BaseFonts now embedded once, and those left as the parts wrote them."""

    joined: tuple[str, ...]
    kept: tuple[str, ...]


def share_fonts(pdf: pikepdf.Pdf, faces: Sequence[Face]) -> Shared:
    """Replace every part's subset of a font with one subset for the whole book."""
    uses, slots = _uses(pdf)
    replacement: dict[str, pikepdf.Dictionary] = {}
    kept = []
    for base, use in sorted(uses.items()):
        if len(use.fonts) < 2:
            continue
        if not all(_mergeable(font) for font in use.fonts):
            kept.append(base)
            continue
        descriptor = use.fonts[0].DescendantFonts[0].FontDescriptor
        family = str(descriptor.get("/FontFamily", ""))
        italic = bool(int(descriptor.get("/Flags", 0)) & 64)
        hb_face = next(
            (found for face in _faces_for(family, italic, faces) if (found := _matches(face, use.widths))),
            None,
        )
        if hb_face is None:
            kept.append(base)
            continue
        replacement[base] = _joined(pdf, use, subset(hb_face, use.widths))
    for fonts, name, base in slots:
        if base in replacement:
            fonts[name] = replacement[base]
    return Shared(tuple(sorted(replacement)), tuple(kept))


@dataclass(frozen=True)
class Embedded:
    """A font as a PDF embeds it: how many font files, and the glyphs' widths and text."""

    files: int
    widths: dict[int, float]
    text: dict[int, str]


def embedded_fonts(path: Path) -> dict[str, Embedded]:
    """Every font a PDF's pages use, by BaseFont (for tests and the benchmark)."""
    with pikepdf.open(path) as pdf:
        uses = _uses(pdf)[0]
        found = {}
        for base, use in uses.items():
            files = set()
            for font in use.fonts:
                for descendant in font.get("/DescendantFonts", pikepdf.Array()):
                    descriptor = descendant.get("/FontDescriptor", pikepdf.Dictionary())
                    files |= {
                        descriptor[key].objgen for key in ("/FontFile2", "/FontFile3") if key in descriptor
                    }
            found[base] = Embedded(len(files), use.widths, use.text)
        return found
