"""Join separately laid-out parts into one PDF: pages, folios, named destinations, links, outline, fonts.

The front matter's PDF is the base, so the document's metadata, language and output intent are
WeasyPrint's own. Each part's named destinations and bookmarks point at its own pages; they are
moved to the same pages in the joined book, and the parts' links to one another (written as
PART_LINK URIs, which WeasyPrint keeps) become links to named destinations again. Each part's
subsets of a font become one subset of it (subsets.py), so that the book embeds every font once.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf

from book.printing.fonts import Face
from book.writers.pdf.html import PART_LINK
from book.writers.pdf.subsets import share_fonts


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # index in the joined book
    rest: tuple[Any, ...]  # the destination after its page: /XYZ left top zoom
    children: tuple[Bookmark, ...]


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _dests(pdf: pikepdf.Pdf, offset: int) -> dict[str, tuple[int, tuple[Any, ...]]]:
    root: Any = pdf.Root
    names: Any = root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    index = _page_index(pdf)
    found = {}
    for i in range(0, len(names), 2):
        dest = names[i + 1]
        page = index.get(dest[0].objgen)
        if page is not None:
            found[str(names[i])] = (offset + page, tuple(dest[1:]))
    return found


def _bookmarks(item: Any, index: dict[tuple[int, int], int], offset: int) -> list[Bookmark]:
    marks = []
    while item is not None:
        dest = item.get("/Dest")
        page = index.get(dest[0].objgen) if dest is not None else None
        children = _bookmarks(item.get("/First"), index, offset)
        if page is not None:
            marks.append(Bookmark(str(item.Title), offset + page, tuple(dest[1:]), tuple(children)))
        item = item.get("/Next")
    return marks


def _write_outline(pdf: pikepdf.Pdf, marks: list[Bookmark]) -> None:
    """An outline like WeasyPrint's: every entry open, each destination /XYZ on its page."""

    def build(parent: Any, items: Sequence[Bookmark]) -> int:
        objects = []
        total = 0
        for mark in items:
            entry = pdf.make_indirect(
                pikepdf.Dictionary(
                    Title=pikepdf.String(mark.title),
                    Parent=parent,
                    Dest=pikepdf.Array([pdf.pages[mark.page].obj, *mark.rest]),
                )
            )
            below = build(entry, mark.children)
            entry.Count = below
            objects.append(entry)
            total += 1 + below
        for before, after in itertools.pairwise(objects):
            before.Next, after.Prev = after, before
        if objects:
            parent.First, parent.Last = objects[0], objects[-1]
        return total

    root = pdf.make_indirect(pikepdf.Dictionary())
    root.Count = build(root, marks)
    pdf.Root.Outlines = root


def _relink(pdf: pikepdf.Pdf, names: set[str]) -> None:
    """PART_LINK URIs back to links to named destinations; a link to a name nobody defines goes."""
    for page in pdf.pages:
        annots: Any = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = []
        for annot in annots:
            action = annot.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if uri.startswith(PART_LINK):
                name = uri[len(PART_LINK) :]
                if name not in names:
                    continue
                del annot["/A"]
                annot.Dest = pikepdf.String(name)
            kept.append(annot)
        page.obj.Annots = pikepdf.Array(kept)


def _same(a: Any, b: Any) -> bool:
    """Two resources are the same: one indirect object, or equal direct values."""
    if a.is_indirect or b.is_indirect:
        return bool(a.is_indirect and b.is_indirect and a.objgen == b.objgen)
    return bool(a.unparse() == b.unparse())


def _adopt(resources: Any, extra: Any) -> bool:
    """Add `extra`'s resources to `resources`; False (and nothing added) if a name means two things."""
    missing = []
    for kind, entries in extra.items():
        ours = resources.get(kind)
        for name, value in entries.items():
            if ours is not None and name in ours:
                if not _same(ours[name], value):
                    return False
            else:
                missing.append((kind, name, value))
    for kind, name, value in missing:
        if kind not in resources:
            resources[kind] = pikepdf.Dictionary()
        resources[kind][name] = value
    return True


def _overlay(page: pikepdf.Page, name: pikepdf.Name) -> None:
    """Draw the folio form `name` (a folio sheet's page) over `page`: same trim box, so no transform.

    Its drawing goes into the page's own content where the names it uses mean the same there (they
    do once the fonts are shared: the sheets use the body's fonts and graphics states), as the
    single flow draws a folio; else the page draws the form.
    """
    resources: Any = page.obj.Resources
    form = resources.XObject[name]
    page.contents_add(b"q\n", prepend=True)
    if _adopt(resources, form.get("/Resources", pikepdf.Dictionary())):
        del resources.XObject[name]
        page.contents_add(b"Q\nq\n" + form.read_bytes() + b"\nQ\n", prepend=False)
    else:
        page.contents_add(b"Q\nq " + name.unparse() + b" Do Q\n", prepend=False)
    page.contents_coalesce()


def merge(
    front: bytes,
    body: Sequence[bytes],
    folios: Sequence[tuple[bool, ...]],
    sheets: Sequence[bytes],
    faces: Sequence[Face] = (),
) -> tuple[pikepdf.Pdf, list[pikepdf.Pdf]]:
    """The joined book, and the part PDFs it still reads from (close them after saving).

    `folios[i][p]` says whether page p of body part i carries a folio; the body's pages are
    numbered from 1, and folio n is page n of the concatenated `sheets`. `faces` are the font
    files the parts may have used, from which each font is subset once for the whole book.
    """
    book = pikepdf.open(io.BytesIO(front))
    sources = [book]
    dests = _dests(book, 0)
    root: Any = book.Root
    marks = _bookmarks(root.get("/Outlines", {}).get("/First"), _page_index(book), 0)
    first_body = len(book.pages)
    for data in body:
        part = pikepdf.open(io.BytesIO(data))
        sources.append(part)
        offset = len(book.pages)
        index = _page_index(part)
        book.pages.extend(part.pages)
        dests.update({k: v for k, v in _dests(part, offset).items() if k not in dests})
        part_root: Any = part.Root
        marks += _bookmarks(part_root.get("/Outlines", {}).get("/First"), index, offset)
    sheet_pages: list[pikepdf.Page] = []
    for data in sheets:
        sheet = pikepdf.open(io.BytesIO(data))
        sources.append(sheet)
        sheet_pages += list(sheet.pages)
    flags = [flag for part_flags in folios for flag in part_flags]
    # Each folio is first a form in its page's resources, so that sharing the fonts sees its glyphs.
    # Not Page.add_overlay: it names the resource at random, and the book must be reproducible.
    # The name is the folio's own because a part's pages share one resource dictionary.
    overlays = []
    for number, flag in enumerate(flags):
        if flag:
            form = book.copy_foreign(sheet_pages[number].as_form_xobject())
            target = book.pages[first_body + number]
            label = pikepdf.Name(f"/BookFolio{number + 1}")
            overlays.append((target, target.add_resource(form, pikepdf.Name.XObject, label)))
    names = pikepdf.Array()
    for name in sorted(dests):
        page, rest = dests[name]
        names.append(pikepdf.String(name))
        names.append(pikepdf.Array([book.pages[page].obj, *rest]))
    book.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=names))
    _relink(book, set(dests))
    _write_outline(book, marks)
    share_fonts(book, faces)
    for target, folio in overlays:
        _overlay(target, folio)
    return book, sources[1:]
