"""The EPUB container: OPF metadata, manifest and spine via ebooklib, then a deterministic re-zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ebooklib import epub
from lxml import etree

from book.ir import Metadata, Series
from book.labels import Labels
from book.writers.epub.cover import CoverImage
from book.writers.epub.documents import COVER_FILE, NAV_FILE, Document
from book.writers.epub.ziparchive import Deflater, Entry, write_zip

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"  # an identifier, not prose: never translated
OPF_NS = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


FOLDER = "EPUB"  # ebooklib's EpubBook.FOLDER_NAME: the package's folder in the ZIP


def entry_name(file_name: str) -> str:
    """Where ebooklib puts a document of the package in the ZIP."""
    return f"{FOLDER}/{file_name}"


def file_as(name: str) -> str:
    """`Jane Q. Doe` → `Doe, Jane Q.`; single names and CJK names (family name first) stay as they are."""
    parts = name.rsplit(" ", 1)
    if len(parts) < 2 or any(ord(c) >= 0x2E80 for c in name):
        return name
    return f"{parts[1]}, {parts[0]}"


def _meta(book: epub.EpubBook, value: str, **attrs: str) -> None:
    book.add_metadata(None, "meta", value, attrs)


def _metadata(book: epub.EpubBook, meta: Metadata, words: Labels) -> None:
    book.set_identifier(meta.identifier)
    book.title = meta.title
    book.add_metadata("DC", "title", meta.title, {"id": "title"})
    _meta(book, "main", refines="#title", property="title-type")
    if meta.subtitle:
        book.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        _meta(book, "subtitle", refines="#subtitle", property="title-type")
    book.set_language(meta.language)
    # Not ebooklib's add_author: it puts a marc:relators scheme on file-as, which is wrong.
    for i, name in enumerate(meta.authors, 1):
        book.add_metadata("DC", "creator", name, {"id": f"author-{i}"})
        _meta(book, file_as(name), refines=f"#author-{i}", property="file-as")
        _meta(book, "aut", refines=f"#author-{i}", property="role", scheme="marc:relators")
    for name, value in (
        ("publisher", meta.publisher),
        ("date", meta.date),
        ("rights", meta.rights),
        ("description", meta.description),
    ):
        if value:
            book.add_metadata("DC", name, value)
    if meta.series:
        _series(book, meta.series)
    # EPUB Accessibility 1.1 discovery metadata (schema: and dcterms: are reserved prefixes).
    _meta(book, "textual", property="schema:accessMode")
    _meta(book, "visual", property="schema:accessMode")
    _meta(book, "textual", property="schema:accessModeSufficient")
    for feature in (
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
    ):
        _meta(book, feature, property="schema:accessibilityFeature")
    _meta(book, "none", property="schema:accessibilityHazard")
    # The summary is prose that reading systems show the reader: in the book's language (labels).
    _meta(book, words.get("accessibility_summary"), property="schema:accessibilitySummary")
    _meta(book, CONFORMS_TO, property="dcterms:conformsTo")


def _series(book: epub.EpubBook, series: Series) -> None:
    """The volume's place in its series, as EPUB 3 readers (belongs-to-collection) and calibre
    (calibre:series, which its importer and Kobo/Kindle conversions read) each look for it."""
    _meta(book, series.title, id="series", property="belongs-to-collection")
    _meta(book, "series", refines="#series", property="collection-type")
    _meta(book, str(series.position), refines="#series", property="group-position")
    book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series.title})
    book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": str(series.position)})


def assemble(
    meta: Metadata,
    words: Labels,
    css: bytes,
    cover: CoverImage,
    front: Sequence[Document],
    nav: Document,
    body: Sequence[Document],
    ncx: bytes,
) -> epub.EpubBook:
    """An ebooklib book whose documents are our own rendered bytes (plain EpubItems, so ebooklib
    never re-parses them: its EpubHtml drops <head> content and rewrites the language)."""
    book = epub.EpubBook()
    _metadata(book, meta, words)
    book.set_cover(cover.file_name, cover.data, create_page=False)
    book.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css", content=css))
    # uid "ncx": ebooklib's spine writes toc="ncx" when no EpubNcx (which it would regenerate) exists.
    book.add_item(
        epub.EpubItem(uid="ncx", file_name="toc.ncx", media_type="application/x-dtbncx+xml", content=ncx)
    )
    spine = []
    for doc in (*front, nav, *body):
        item = epub.EpubItem(
            uid=doc.uid, file_name=doc.file_name, media_type="application/xhtml+xml", content=doc.content
        )
        if doc is nav:
            item.properties = ["nav"]
        book.add_item(item)
        spine.append(item)
    book.spine = spine
    # The EPUB 2 guide, for older readers and Kindle conversion.
    book.guide = [
        {"type": "cover", "href": COVER_FILE, "title": words.get("cover")},
        {"type": "toc", "href": NAV_FILE, "title": nav.title},
    ]
    if body:
        book.guide.append({"type": "text", "href": body[0].file_name, "title": body[0].title})
    return book


def _fix_opf(data: bytes, language: str) -> bytes:
    """Give the package element the book's language (ebooklib has no way to set xml:lang on it)."""
    root = etree.fromstring(data)
    root.set(XML_LANG, language)
    out: bytes = etree.tostring(root, pretty_print=True, encoding="utf-8", xml_declaration=True)
    return out


def _zip_time(modified: dt.datetime) -> tuple[int, int, int, int, int, int]:
    utc = max(modified.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def write(book: epub.EpubBook, meta: Metadata, target: Path, deflater: Deflater | None = None) -> None:
    """Write the EPUB to `target` with fixed entry order and timestamps: same book, same bytes.

    `deflater` keeps the compressed documents between builds (a chapter unchanged since the last
    build is not compressed again); without one every entry is compressed afresh.
    """
    staged = io.BytesIO()
    modified = meta.modified.astimezone(dt.UTC)
    # ebooklib only needs the documents' names for the OPF; handing it empty XHTML saves
    # compressing every chapter twice (once by ebooklib, once by the deterministic re-zip below).
    documents: dict[str, bytes] = {}
    for item in book.get_items():
        if item.media_type == "application/xhtml+xml":
            documents[entry_name(item.file_name)] = item.content
            item.content = b""
    # epub3_pages off: ebooklib would otherwise scan our documents for a bogus page-list.
    # mtime: ebooklib stamps dcterms:modified with the local clock unless given one; ours is UTC.
    epub.EpubWriter(
        staged,
        book,
        {
            "epub3_pages": False,
            "epub3_landmark": False,
            "mtime": modified,
            "raise_exceptions": True,
            "compresslevel": 0,  # a staging ZIP, read back at once: compressing it is wasted
        },
    ).write()
    # ebooklib's zip entries carry the wall-clock time; copy them out in a fixed order instead.
    with zipfile.ZipFile(staged) as source:
        names = source.namelist()
        # Our documents as they are (empty when adopted, see ziparchive.Deflater): not read back.
        entries = {name: documents[name] if name in documents else source.read(name) for name in names}
    for item in book.get_items():
        if item.media_type == "application/xhtml+xml":
            item.content = documents[entry_name(item.file_name)]
    opf_name = next(n for n in names if n.endswith(".opf"))
    entries[opf_name] = _fix_opf(entries[opf_name], meta.language)
    first = ["mimetype", "META-INF/container.xml", opf_name]
    order = first + [n for n in names if n not in first]
    # OCF: mimetype first, stored, no extra field; everything else deflated.
    write_zip(
        target,
        [Entry(name, entries[name], stored=name == "mimetype") for name in order],
        _zip_time(modified),
        deflater or Deflater(None),
    )
