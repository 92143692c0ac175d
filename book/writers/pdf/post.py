"""After WeasyPrint: KDP bleed geometry, pure-K ink for IngramSpark, proof crop marks, a reproducible save."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pikepdf

from book.printing.trim import BLEED_IN, PT_PER_IN
from book.writers.pdf.marks import add_crop_marks

# `r g b rg` / `RG` operators; WeasyPrint writes black as `0 0 0 rg` even when told device-cmyk
# for the text, e.g. for crop marks and link annotations' borders.
RGB_OP = re.compile(rb"(?<![\w.])(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(rg|RG)(?![\w])")


def _to_k(match: re.Match[bytes]) -> bytes:
    r, g, b = (float(match[i]) for i in (1, 2, 3))
    # Luminance-weighted grey, written as CMYK with only the K channel inked.
    grey = 0.299 * r + 0.587 * g + 0.114 * b
    k = round(1.0 - grey, 4)
    op = b"k" if match[4] == b"rg" else b"K"
    return b"0 0 0 %s %s" % (f"{k:g}".encode(), op)


def rgb_to_k(content: bytes) -> bytes:
    """Replace every DeviceRGB colour operator in a content stream with a K-only CMYK one."""
    return RGB_OP.sub(_to_k, content)


def _kdp_bleed(pdf: pikepdf.Pdf) -> None:
    """KDP bleeds top, bottom and outside only: cut the CSS bleed off each page's inside edge."""
    bleed = BLEED_IN * PT_PER_IN
    for index, page in enumerate(pdf.pages):
        trim = [float(v) for v in page.obj.TrimBox]
        media = [float(v) for v in page.obj.MediaBox]
        recto = index % 2 == 0  # page 1 is a recto: its inside edge is the left one
        if recto:
            media[0] = trim[0]
        else:
            media[2] = trim[2]
        media[1], media[3] = trim[1] - bleed, trim[3] + bleed
        if recto:
            media[2] = trim[2] + bleed
        else:
            media[0] = trim[0] - bleed
        box = pikepdf.Array([round(v, 4) for v in media])
        page.obj.MediaBox = box
        page.obj.BleedBox = pikepdf.Array(list(box))


def _pure_k(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for stream in _streams(page.obj.get("/Contents")):
            stream.write(rgb_to_k(stream.read_bytes()))
        resources: Any = page.obj.get("/Resources", pikepdf.Dictionary())
        xobjects: Any = resources.get("/XObject", {})
        for name in list(xobjects.keys()):
            xobject = xobjects[name]
            if xobject.get("/Subtype") == "/Form":
                xobject.write(rgb_to_k(xobject.read_bytes()))


def _streams(contents: object) -> list[pikepdf.Stream]:
    if isinstance(contents, pikepdf.Stream):
        return [contents]
    if isinstance(contents, pikepdf.Array):
        return [c for c in contents if isinstance(c, pikepdf.Stream)]
    return []


def _page_labels(pdf: pikepdf.Pdf, first_body: str) -> None:
    """Roman page labels for the front matter, arabic from the named first chapter (its folio 1)."""
    root: Any = pdf.Root
    names: Any = root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    start = next(
        (index.get(names[i + 1][0].objgen) for i in range(0, len(names), 2) if str(names[i]) == first_body),
        None,
    )
    if not start:
        return
    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array(
            [0, pikepdf.Dictionary(S=pikepdf.Name.r), start, pikepdf.Dictionary(S=pikepdf.Name.D)]
        )
    )


def finish(
    data: bytes, target: Path, *, bleed: bool, pure_k: bool, crop_marks: bool = False, first_body: str = ""
) -> int:
    """Fix up WeasyPrint's PDF and write it to `target` reproducibly; returns the page count."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return finish_pdf(
            pdf, target, bleed=bleed, pure_k=pure_k, crop_marks=crop_marks, first_body=first_body
        )


def finish_pdf(
    pdf: pikepdf.Pdf,
    target: Path,
    *,
    bleed: bool,
    pure_k: bool,
    crop_marks: bool = False,
    first_body: str = "",
) -> int:
    """finish() for a PDF already open (the joined parts); `first_body` names the folio-1 page."""
    if bleed:
        _kdp_bleed(pdf)
    if pure_k:
        _pure_k(pdf)
    if crop_marks:  # once the bleed is final: the marks sit in it
        add_crop_marks(pdf)
    if first_body:
        _page_labels(pdf, first_body)
    pages = len(pdf.pages)
    # deterministic_id: the trailer /ID is a hash of the content, not of the clock.
    pdf.save(
        target,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return pages
