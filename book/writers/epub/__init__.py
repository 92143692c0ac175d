"""IR → EPUB 3: render every document, build the navigation, package, write atomically."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from book import progress
from book.cache import Bundle, Cache, code_digest, digest
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, Chapter
from book.naming import book_labels
from book.output import atomic_path, book_path, volume_suffix
from book.resources import style_path
from book.writers.epub import package
from book.writers.epub.cover import (
    GENERATED_COVER,
    CoverError,
    CoverImage,
    font_candidates,
    generate_cover,
    load_cover,
)
from book.writers.epub.documents import (
    Document,
    chapter_document,
    chapter_file,
    cover_document,
    endnote_group,
    endnotes_document,
    titlepage_document,
)
from book.writers.epub.nav import nav_document, ncx_content, toc_points
from book.writers.epub.ziparchive import (
    Deflater,
    Packed,
    content_digest,
    pack,
    packed_from_data,
    packed_to_data,
    unpack,
)


@dataclass
class Stats:
    """Which chapter documents the last EPUB rendered and which it took from the cache (for tests)."""

    rendered: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


LAST_RENDER = Stats()


def _generated_cover(book: Book, build_dir: Path) -> CoverImage:
    """The typographic cover, cached: drawing and compressing it is a good part of a rebuild."""
    meta = book.metadata
    stamps = []
    for path in font_candidates():
        stat = path.stat()
        stamps.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    key = digest(
        "cover", code_digest("writers/epub/cover.py"), meta.title, meta.subtitle or "", *meta.authors, *stamps
    )
    cache = Cache(build_dir, "epub-cover")
    data = cache.get_json(key, _png)
    if data is not None:
        return CoverImage(data, GENERATED_COVER, "image/png")
    cover = generate_cover(meta)
    cache.put_json(key, base64.b64encode(cover.data).decode("ascii"))
    return cover


class Kept(NamedTuple):
    """What the cache keeps of a chapter's document beside its XHTML: its names, its content's
    digest and compressed stream, and its endnote group if it has notes."""

    uid: str
    title: str
    sha256: str
    group: str | None
    packed: Packed


def _kept(value: object, chapter: Chapter) -> Kept:
    """A kept chapter document, which must be `chapter`'s own; ValueError for anything else."""
    if type(value) is not list or len(value) != 6 or not all(type(item) is str for item in value[:4]):
        raise ValueError("not a kept document")
    name, uid, title, sha, group, packed = value
    if name != chapter_file(chapter):
        raise ValueError("the document of another chapter")
    if bool(chapter.note_numbers) != (group is not None):
        raise ValueError("not the chapter's endnote group")
    if group is not None and not (
        type(group) is str and group.startswith(f'<section id="endnotes-{chapter.id}"')
    ):
        raise ValueError("not the chapter's endnote group")
    return Kept(uid, title, sha, group, packed_from_data(packed, sha))


def _png(value: object) -> bytes:
    """A kept cover: base64 of a PNG; ValueError for anything else."""
    if type(value) is not str:
        raise ValueError("not a kept cover")
    data = base64.b64decode(value, validate=True)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG")
    return data


def _cover(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> CoverImage | None:
    if config.cover is None:
        return _generated_cover(book, build_dir)
    try:
        return load_cover(config.cover)
    except CoverError as exc:
        reporter.report("E006", str(exc), config.location("cover"))
        return None


def _chapter_documents(
    book: Book, config: Config, build_dir: Path, deflater: Deflater | None
) -> tuple[list[Document], list[str]]:
    """Each chapter's XHTML and endnote group, cached. A chapter's IR is a pure function of its file,
    its path, its first endnote number, the language and typography settings and the code: those
    are the key.

    With `deflater`, a kept chapter whose compressed stream is kept too is not even loaded: its
    Document has empty content, and the deflater writes the kept stream in its place.
    """
    # One bundle per volume: a bundle keeps only the entries its last build used.
    cache = Bundle(build_dir, "epub-chapters" + volume_suffix(book.metadata))
    code = code_digest(
        "readers/*.py", "transforms/*.py", "writers/*.py", "writers/epub/*.py", "labels.py", "naming.py"
    )
    settings = digest(
        config.language, str(config.typography), repr(book.wording), "\n".join(config.elisions), code
    )
    documents = []
    groups = []
    LAST_RENDER.rendered.clear()
    LAST_RENDER.kept.clear()
    with progress.stage("writing", len(book.chapters)) as bar:
        for chapter in book.chapters:
            first_note = chapter.note_numbers[0] if chapter.note_numbers else 0
            key = digest(chapter.sha256, chapter.location.path, str(first_note), settings)
            document, group = _chapter_document(book, chapter, cache, key, deflater)
            documents.append(document)
            if group is not None:
                groups.append(group)
            bar.advance()
    cache.save()
    return documents, groups


def _chapter_document(
    book: Book, chapter: Chapter, cache: Bundle, key: str, deflater: Deflater | None
) -> tuple[Document, str | None]:
    """The chapter's document and endnote group: kept, or rendered. With `deflater` its content is
    left empty and its compressed stream handed to the deflater; without, the stream is inflated."""
    name = chapter_file(chapter)
    entry = package.entry_name(name)
    kept = cache.get(key, partial(_kept, chapter=chapter))
    if kept is not None:
        if deflater is not None:
            deflater.adopt(entry, kept.packed)
            LAST_RENDER.kept.append(name)
            return Document(name, kept.uid, kept.title, b""), kept.group
        # The kepub reshapes the XHTML: the cache holds each chapter once, compressed, not as text too.
        try:
            content = unpack(kept.packed)
        except ValueError:  # not a stream of what it claims: rendered again below
            content = b""
        if content_digest(content) == kept.sha256:
            LAST_RENDER.kept.append(name)
            return Document(name, kept.uid, kept.title, content), kept.group
    LAST_RENDER.rendered.append(name)
    document = chapter_document(book, chapter)
    group = endnote_group(book, chapter) if chapter.note_numbers else None
    sha = content_digest(document.content)
    packed = deflater.pack(entry, document.content) if deflater is not None else pack(document.content)
    stored = packed_to_data(packed, sha)
    cache.put(key, [document.file_name, document.uid, document.title, sha, group, stored])
    if deflater is not None:
        return document._replace(content=b""), group
    return document, group


@dataclass(frozen=True)
class EpubParts:
    """Everything an EPUB holds, rendered but not yet packaged (the kepub writer reshapes these)."""

    cover: CoverImage
    stylesheet: bytes
    front: list[Document]
    nav: Document
    body: list[Document]
    ncx: bytes


def render_parts(
    book: Book, config: Config, build_dir: Path, reporter: Reporter, deflater: Deflater | None = None
) -> EpubParts | None:
    """Render every file of the EPUB from the IR; None (reported) when the cover cannot be used.

    With `deflater` (only for `write_parts` with the same deflater), unchanged chapters' documents
    are left empty: their kept compressed streams are written instead.
    """
    # 1. the cover image: the configured one, or a generated typographic cover
    cover = _cover(book, config, build_dir, reporter)
    if cover is None:
        return None
    # 2. the documents in reading order: cover, title page, contents, chapters, endnotes
    front = [cover_document(book, cover.file_name), titlepage_document(book)]
    body, groups = _chapter_documents(book, config, build_dir, deflater)
    endnotes = endnotes_document(book, groups)
    if endnotes is not None:
        body.append(endnotes)
    # 3. the navigation: nav document (also the in-book table of contents) and the NCX
    points = toc_points(book)
    kept = Bundle(build_dir, "epub-nav" + volume_suffix(book.metadata))
    nav = nav_document(book, points, config.toc_depth, kept)
    ncx = ncx_content(book, points, config.toc_depth, kept)
    kept.save()
    stylesheet = style_path("epub.css", config.source_dir).read_bytes()
    return EpubParts(cover, stylesheet, front, nav, body, ncx)


def write_parts(parts: EpubParts, book: Book, target: Path, deflater: Deflater | None = None) -> None:
    """Package the parts and write them: a temporary file renamed into place only once complete.

    With `deflater` (a Deflater of the build folder), the compressed documents are kept in its cache
    for the next build.
    """
    assembled = package.assemble(
        book.metadata,
        book_labels(book),
        parts.stylesheet,
        parts.cover,
        parts.front,
        parts.nav,
        parts.body,
        parts.ncx,
    )
    with atomic_path(target) as tmp:
        package.write(assembled, book.metadata, tmp, deflater)


def build_epub(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """Write `build/<slug>.epub`; on a problem report it and leave any previous EPUB in place."""
    deflater = Deflater(build_dir, volume_suffix(book.metadata))
    parts = render_parts(book, config, build_dir, reporter, deflater)
    if parts is None:
        return []
    target = book_path(book.metadata, build_dir, "epub")
    write_parts(parts, book, target, deflater)
    return [target]
