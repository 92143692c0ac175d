"""IR → EPUB 3: render every document, build the navigation, package, write atomically."""

from __future__ import annotations

from pathlib import Path

from book import progress
from book.cache import Bundle, code_digest, digest
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book
from book.output import atomic_path, output_path
from book.resources import style_path
from book.writers.epub import package
from book.writers.epub.cover import CoverError, CoverImage, generate_cover, load_cover
from book.writers.epub.documents import (
    Document,
    chapter_document,
    cover_document,
    endnotes_document,
    titlepage_document,
)
from book.writers.epub.nav import nav_document, ncx_content, toc_points


def _cover(book: Book, config: Config, reporter: Reporter) -> CoverImage | None:
    if config.cover is None:
        return generate_cover(book.metadata)
    try:
        return load_cover(config.cover)
    except CoverError as exc:
        reporter.report("E006", str(exc), config.location("cover"))
        return None


def _chapter_documents(book: Book, config: Config, build_dir: Path) -> list[Document]:
    """Each chapter's XHTML, cached. A chapter's IR is a pure function of its file, its path, its first
    endnote number, the language and typography settings and the code: those are the key."""
    cache = Bundle(build_dir, "epub-chapters")
    code = code_digest("readers/*.py", "transforms/*.py", "writers/*.py", "writers/epub/*.py")
    documents = []
    with progress.stage("writing", len(book.chapters)) as bar:
        for chapter in book.chapters:
            first_note = chapter.notes[0].number if chapter.notes else 0
            key = digest(
                chapter.sha256,
                chapter.location.path,
                str(first_note),
                config.language,
                str(config.typography),
                code,
            )
            document: Document | None = cache.get(key)
            if document is None:
                document = chapter_document(book, chapter)
                cache.put(key, document)
            documents.append(document)
            bar.advance()
    cache.save()
    return documents


def build_epub(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """Write `build/<slug>.epub`; on a problem report it and leave any previous EPUB in place."""
    target = output_path(book.metadata.title, build_dir, "epub")
    # 1. the cover image: the configured one, or a generated typographic cover
    cover = _cover(book, config, reporter)
    if cover is None:
        return []
    # 2. the documents in reading order: cover, title page, contents, chapters, endnotes
    front = [cover_document(book, cover.file_name), titlepage_document(book)]
    body = _chapter_documents(book, config, build_dir)
    endnotes = endnotes_document(book)
    if endnotes is not None:
        body.append(endnotes)
    # 3. the navigation: nav document (also the in-book table of contents) and the NCX
    points = toc_points(book)
    nav = nav_document(book, points)
    # 4. package and write: a temporary file renamed into place only once complete
    stylesheet = style_path("epub.css", config.source_dir).read_bytes()
    assembled = package.assemble(
        book.metadata, stylesheet, cover, front, nav, body, ncx_content(book, points)
    )
    with atomic_path(target) as tmp:
        package.write(assembled, book.metadata, tmp)
    return [target]
