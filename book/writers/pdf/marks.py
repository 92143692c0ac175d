"""Crop marks for the proof profile: drawn once as a form and placed on every page after layout.

WeasyPrint's `marks: crop` builds and renders an SVG image for every page, which cost about a
tenth of a proof build's time and put one form per page in the file. The marks are the same on
every page of one size, so one form per page geometry draws them, as WeasyPrint placed them: at
each trim edge, from the edge of the bleed inwards for half the bleed, so that they stop short
of the trimmed page.
"""

from __future__ import annotations

from typing import Any

import pikepdf

LINE_WIDTH = 0.75  # WeasyPrint's: 1 CSS px


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return x0, y0, x1, y1


def marks_drawing(media: tuple[float, ...], trim: tuple[float, ...]) -> bytes:
    """The content stream of the eight marks for a page with this media box and trim box."""
    mx0, my0, mx1, my1 = media
    tx0, ty0, tx1, ty1 = trim
    half_left, half_right = (tx0 - mx0) / 2, (mx1 - tx1) / 2
    half_bottom, half_top = (ty0 - my0) / 2, (my1 - ty1) / 2
    lines = [
        # Horizontal marks on the trim's top and bottom edges, in the left and right bleed.
        (mx0, ty1, mx0 + half_left, ty1),
        (mx1 - half_right, ty1, mx1, ty1),
        (mx0, ty0, mx0 + half_left, ty0),
        (mx1 - half_right, ty0, mx1, ty0),
        # Vertical marks on the trim's left and right edges, in the top and bottom bleed.
        (tx0, my1, tx0, my1 - half_top),
        (tx1, my1, tx1, my1 - half_top),
        (tx0, my0, tx0, my0 + half_bottom),
        (tx1, my0, tx1, my0 + half_bottom),
    ]
    path = b"".join(
        b"%s %s m %s %s l S\n" % tuple(f"{v:.3f}".encode() for v in line)
        for line in lines
        if line[0] != line[2] or line[1] != line[3]  # no bleed on that side: no mark
    )
    return b"q 0 G %s w\n" % f"{LINE_WIDTH:g}".encode() + path + b"Q\n"


def add_crop_marks(pdf: pikepdf.Pdf) -> None:
    """Draw crop marks over every page that has a bleed, with one form per page geometry."""
    # The page's own drawing may leave its graphics state changed, so it is wrapped in q ... Q;
    # the small streams that do it are shared by the pages, as the forms are.
    before = pdf.make_stream(b"q\n")
    placed: dict[tuple[tuple[float, ...], tuple[float, ...]], tuple[pikepdf.Name, Any, Any]] = {}
    for page in pdf.pages:
        if "/TrimBox" not in page.obj:
            continue
        media, trim = _box(page, "/MediaBox"), _box(page, "/TrimBox")
        if media == trim:
            continue
        if (media, trim) not in placed:
            # KDP's bleed differs between rectos and versos: each geometry has a name of its own,
            # since pages may share one resource dictionary.
            name = pikepdf.Name(f"/BookCropMarks{len(placed) + 1}")
            form = pdf.make_stream(
                marks_drawing(media, trim),
                Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Form,
                BBox=pikepdf.Array(list(media)),
            )
            placed[media, trim] = (name, form, pdf.make_stream(b"\nQ\nq " + name.unparse() + b" Do Q\n"))
        name, form, after = placed[media, trim]
        resources: Any = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = pikepdf.Dictionary()
        if "/XObject" not in resources:
            resources.XObject = pikepdf.Dictionary()
        resources.XObject[name] = form
        contents: Any = page.obj.get("/Contents")
        own = (
            [] if contents is None else list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        )
        page.obj.Contents = pikepdf.Array([before, *own, after])
