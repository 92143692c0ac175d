"""IR → Kobo kepub: the EPUB's documents with Kobo's spans and wrappers, packaged as `.kepub.epub`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from book import progress
from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book
from book.output import book_path
from book.writers.epub import EpubParts, render_parts, write_parts
from book.writers.epub.documents import Document
from book.writers.kepub.spans import koboize

EXTENSION = "kepub.epub"


def _kobo_documents(documents: list[Document]) -> list[Document]:
    return [document._replace(content=koboize(document.content)) for document in documents]


def kobo_parts(parts: EpubParts) -> EpubParts:
    """Every document of the spine with Kobo's markup; the cover stays marked `cover-image` in the OPF."""
    with progress.stage("kobo spans", len(parts.body)) as bar:
        body = []
        for document in parts.body:
            body.append(document._replace(content=koboize(document.content)))
            bar.advance()
    nav = parts.nav._replace(content=koboize(parts.nav.content))
    return replace(parts, front=_kobo_documents(parts.front), nav=nav, body=body)


def build_kepub(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """Write `build/<slug>.kepub.epub` from the IR; on a problem report it and keep any previous file."""
    parts = render_parts(book, config, build_dir, reporter)
    if parts is None:
        return []
    target = book_path(book.metadata, build_dir, EXTENSION)
    write_parts(kobo_parts(parts), book, target)
    return [target]
