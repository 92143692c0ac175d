"""The commands that take a loaded book: writers and catalogs produce outputs, checks report."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book

# A writer returns the files it wrote (none when it reported why it could not).
Writer = Callable[[Book, Config, Path, Reporter], list[Path]]
# A check validates what is already built and reports every finding.
# A catalog describes the whole book and its volumes at once (one OPDS feed for every volume):
# the book, its volumes ([book] without `volumes:`), and the rest as for a writer.
Check = Callable[[Book, Config, Path, Reporter], None]
Catalog = Callable[[Book, list[Book], Config, Path, Reporter], list[Path]]


@dataclass(frozen=True)
class Backend:
    """One command: its name, its help line, and where its function lives.

    The module is imported only when the command runs, so `book manifest` never pays for
    WeasyPrint and `book epub` never for pikepdf.
    """

    name: str
    kind: Literal["writer", "check", "catalog"]
    help: str
    module: str
    function: str
    # False for a writer whose output also depends on what else is built (the OPDS feed lists the
    # built files), so an unchanged source is no proof of an unchanged output.
    skips_when_unchanged: bool = True

    def writer(self) -> Writer:
        assert self.kind == "writer", self.name
        found: Writer = getattr(importlib.import_module(self.module), self.function)
        return found

    def check(self) -> Check:
        assert self.kind == "check", self.name
        found: Check = getattr(importlib.import_module(self.module), self.function)
        return found

    def catalog(self) -> Catalog:
        assert self.kind == "catalog", self.name
        found: Catalog = getattr(importlib.import_module(self.module), self.function)
        return found


BACKENDS: dict[str, Backend] = {
    backend.name: backend
    for backend in (
        Backend("epub", "writer", "build BUILD/<title>.epub", "book.writers.epub", "build_epub"),
        Backend("pdf", "writer", "build BUILD/<title>.pdf (print interior)", "book.writers.pdf", "build_pdf"),
        Backend(
            "cover",
            "writer",
            "build BUILD/<title>.cover.pdf (full-wrap print cover), its guides template and JSON",
            "book.writers.cover",
            "build_cover",
        ),
        Backend(
            "kepub",
            "writer",
            "build BUILD/<title>.kepub.epub (Kobo: sentence spans, Kobo's renderer)",
            "book.writers.kepub",
            "build_kepub",
        ),
        Backend(
            "azw3",
            "writer",
            "build BUILD/<title>.azw3 for Kindle with calibre's ebook-convert",
            "book.writers.azw3",
            "build_azw3",
        ),
        Backend(
            "opds",
            "catalog",
            "write BUILD/opds.xml, an OPDS catalog of the built EPUB, kepub and PDF (with cover images)",
            "book.writers.opds",
            "build_opds",
            skips_when_unchanged=False,
        ),
        Backend(
            "check",
            "check",
            "validate the built EPUB and PDF (EPUBCheck, Ace, print preflight)",
            "book.check",
            "run_checks",
        ),
    )
}
