"""An OPDS 1.2 acquisition feed (`build/opds.xml`) listing the built books, their covers and thumbnails.

The feed is written for a list of books (title, id, files) so that each volume of a long serial
can be its own entry. Links are relative to the feed, so the same file works from `book serve`,
any static web server or a folder synced to a device; with BOOK_OPDS_BASE_URL set (CI does, on a
version tag) the books and images are linked there instead, at a release's downloads. Rules
followed, from the OPDS Catalog 1.2 specification (opds-community/specs, opds-1.2.md) and Atom
(RFC 4287); see docs/devices.md.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from PIL import Image

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.output import atomic_write, book_path
from book.writers.epub.cover import CoverError, CoverImage, generate_cover, load_cover

FEED_NAME = "opds.xml"
# Set by CI on a version tag: the books and images are then linked at the release's download URL.
BASE_URL_ENV = "BOOK_OPDS_BASE_URL"
BASE_URL_RE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
# OPDS 1.2 §2.3: links to an acquisition feed carry this type (the feed's self and start links).
ACQUISITION_FEED_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ACQUISITION = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
# What the build makes, in the order a reader's client should prefer them, with the media type
# each acquisition link must carry (OPDS 1.2 §5.3). Kobo and KOReader know application/kepub+zip.
FORMATS = (
    ("epub", "application/epub+zip"),
    ("kepub.epub", "application/kepub+zip"),
    ("pdf", "application/pdf"),
)
THUMBNAIL_HEIGHT = 320
# The feed's own id is derived from the book's identifier, so it never changes between builds.
FEED_NAMESPACE = uuid.UUID("0b5f3a8e-5d1c-4a7e-9b7a-1f0c2d3e4a5b")


@dataclass(frozen=True)
class CatalogFile:
    """One downloadable file, by its name beside the feed."""

    name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class CatalogBook:
    """One entry of the feed: a book (or, later, one volume of it) and its files."""

    id: str
    title: str
    authors: tuple[str, ...]
    language: str
    summary: str
    updated: dt.datetime
    files: tuple[CatalogFile, ...]
    cover: CatalogFile | None = None
    thumbnail: CatalogFile | None = None
    publisher: str | None = None
    issued: str | None = None
    rights: str | None = None


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _link(parent: etree._Element, rel: str, file: CatalogFile, base: str) -> None:
    etree.SubElement(
        parent,
        f"{{{ATOM}}}link",
        {"rel": rel, "href": base + quote(file.name), "type": file.media_type, "length": str(file.size)},
    )


def _authors(parent: etree._Element, names: Sequence[str]) -> None:
    for name in names:
        author = etree.SubElement(parent, f"{{{ATOM}}}author")
        _text(author, f"{{{ATOM}}}name", name)


def _entry(feed: etree._Element, book: CatalogBook, base: str) -> None:
    entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, f"{{{ATOM}}}title", book.title)
    _text(entry, f"{{{ATOM}}}id", book.id)
    _text(entry, f"{{{ATOM}}}updated", _time(book.updated))
    _authors(entry, book.authors)
    _text(entry, f"{{{DC}}}identifier", book.id)
    _text(entry, f"{{{DC}}}language", book.language)
    if book.publisher:
        _text(entry, f"{{{DC}}}publisher", book.publisher)
    if book.issued:
        _text(entry, f"{{{DC}}}issued", book.issued)
    if book.rights:
        _text(entry, f"{{{ATOM}}}rights", book.rights)
    # OPDS 1.2 §5.1.3: a summary is plain text, type="text", with no child elements.
    _text(entry, f"{{{ATOM}}}summary", book.summary, type="text")
    if book.cover is not None:
        _link(entry, IMAGE, book.cover, base)
    if book.thumbnail is not None:
        _link(entry, THUMBNAIL, book.thumbnail, base)
    for file in book.files:
        _link(entry, ACQUISITION, file, base)


def feed_id(identifier: str) -> str:
    """A stable id for the catalog of the book (or series) with this identifier; never the entry's own."""
    return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, identifier)}"


def feed_xml(books: Sequence[CatalogBook], title: str, identifier: str, base: str = "") -> bytes:
    """The acquisition feed `identifier` listing `books`, newest first; same books, same bytes.

    `base` (ending in "/") is where the books and images are downloaded from when they are not
    beside the feed; the feed's own self and start links stay relative.
    """
    ordered = sorted(books, key=lambda b: (b.updated, b.id), reverse=True)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    _text(feed, f"{{{ATOM}}}id", identifier)
    for rel in ("self", "start"):
        etree.SubElement(feed, f"{{{ATOM}}}link", rel=rel, href=FEED_NAME, type=ACQUISITION_FEED_TYPE)
    _text(feed, f"{{{ATOM}}}title", title)
    updated = max((b.updated for b in books), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    _text(feed, f"{{{ATOM}}}updated", _time(updated))
    # Atom: a feed needs an author unless every entry has one; name the books' authors (or publisher).
    names = list(dict.fromkeys(a for b in books for a in b.authors))
    publishers = [b.publisher for b in books if b.publisher]
    _authors(feed, names or publishers[:1] or ["Unknown"])
    for book in ordered:
        _entry(feed, book, base)
    out: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out


# --- this build's book ---------------------------------------------------------------


def _summary(book: Book) -> str:
    """The book's description, else what it holds (a summary must not repeat the title)."""
    if book.metadata.description:
        return book.metadata.description
    chapters = book.chapters
    span = f"chapters {chapters[0].number}–{chapters[-1].number}" if len(chapters) > 1 else "one chapter"
    notes = f", {len(book.notes)} endnotes" if book.notes else ""
    return f"{len(chapters)} chapters ({span}){notes}." if len(chapters) > 1 else f"One chapter{notes}."


def _images(book: Book, config: Config, build_dir: Path) -> tuple[CatalogFile, CatalogFile]:
    """Write the cover and a thumbnail beside the feed; the same bytes every build."""
    cover: CoverImage = load_cover(config.cover) if config.cover else generate_cover(book.metadata)
    extension = cover.file_name.rsplit(".", 1)[-1]
    # Named like the book's other files: `<slug>.cover.png`, `<slug>-vol-02.cover.png`.
    cover_path = book_path(book.metadata, build_dir, f"cover.{extension}")
    atomic_write(cover_path, cover.data, durable=False)
    with Image.open(io.BytesIO(cover.data)) as image:
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_HEIGHT, THUMBNAIL_HEIGHT), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85, optimize=True)
    thumbnail_path = book_path(book.metadata, build_dir, "thumbnail.jpg")
    atomic_write(thumbnail_path, out.getvalue(), durable=False)
    return (
        CatalogFile(cover_path.name, cover.media_type, len(cover.data)),
        CatalogFile(thumbnail_path.name, "image/jpeg", len(out.getvalue())),
    )


def built_files(book: Book, build_dir: Path) -> tuple[CatalogFile, ...]:
    """The book's EPUB, kepub and PDF that exist in `build_dir`, in FORMATS order."""
    found = []
    for extension, media_type in FORMATS:
        path = book_path(book.metadata, build_dir, extension)
        if path.is_file():
            found.append(CatalogFile(path.name, media_type, path.stat().st_size))
    return tuple(found)


def download_base(reporter: Reporter) -> str | None:
    """BOOK_OPDS_BASE_URL, where CI publishes the files (a release's downloads), ending in "/";
    "" when unset (the files are beside the feed), None after reporting a value that is no URL."""
    base = os.environ.get(BASE_URL_ENV, "").strip()
    if not base:
        return ""
    if not BASE_URL_RE.match(base):
        reporter.report("B009", f"{BASE_URL_ENV}={base!r} is not an http(s) URL for the books' downloads")
        return None
    return base if base.endswith("/") else base + "/"


def _entry_for(
    book: Book, files: tuple[CatalogFile, ...], images: tuple[CatalogFile, CatalogFile]
) -> CatalogBook:
    meta = book.metadata
    cover, thumbnail = images
    return CatalogBook(
        id=meta.identifier,
        title=meta.title,
        authors=meta.authors,
        language=meta.language,
        summary=_summary(book),
        updated=meta.modified,
        files=files,
        cover=cover,
        thumbnail=thumbnail,
        publisher=meta.publisher,
        issued=meta.date,
        rights=meta.rights,
    )


def build_opds(
    book: Book, volumes: list[Book], config: Config, build_dir: Path, reporter: Reporter
) -> list[Path]:
    """Write `build/opds.xml`: one entry for the book, or one per volume, listing the files built
    for it; D001 when nothing is built. The feed is the whole book's (its title and id)."""
    base = download_base(reporter)
    if base is None:
        return []
    target = build_dir / FEED_NAME
    built = [(volume, built_files(volume, build_dir)) for volume in volumes]
    built = [(volume, files) for volume, files in built if files]
    if not built:
        reporter.report(
            "D001",
            f"no book to list in '{display_path(build_dir)}': "
            "run 'make epub kepub' (or pdf) before 'make opds'",
            SourceLocation(display_path(target)),
        )
        return []
    entries = []
    for volume, files in built:
        try:
            images = _images(volume, config, build_dir)
        except CoverError as exc:
            reporter.report("E006", str(exc), config.location("cover"))
            return []
        entries.append(_entry_for(volume, files, images))
    meta = book.metadata
    atomic_write(target, feed_xml(entries, meta.title, feed_id(meta.identifier), base))
    return [target]
