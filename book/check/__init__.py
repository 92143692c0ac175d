"""Validators for built outputs (EPUBCheck, DAISY Ace, print preflight, store rules), as Diagnostics."""

from __future__ import annotations

import functools
from pathlib import Path

from book import progress
from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book
from book.output import book_path
from book.printing.cover import Interior, interiors


def run_checks(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> None:
    """`book check`: validate the book's EPUB and PDF in `build_dir`; report what is missing."""
    from book.check.epub import check_epub
    from book.check.pdf import preflight_pdf
    from book.check.stores import check_stores

    epub = book_path(book.metadata, build_dir, "epub")
    pdf = book_path(book.metadata, build_dir, "pdf")
    # The stores' rules on the cover, author and language hold whatever is built.
    check_stores(book, config, build_dir, epub, reporter)
    if not epub.exists() and not pdf.exists():
        reporter.report("E007", f"nothing to check in '{build_dir}': run 'make epub' or 'make pdf' first")
        return
    targets = [(epub, check_epub, "EPUBCheck, Ace"), (pdf, preflight_pdf, "print preflight")]
    # A cover is checked against its interior when `make cover` made one.
    targets += [
        (interior.cover, functools.partial(_cover, interior), "cover against its interior")
        for interior in interiors(book.metadata, build_dir)
        if interior.cover.exists()
    ]
    present = [t for t in targets if t[0].exists()]
    with progress.stage("validating", len(present)) as bar:
        for path, check, what in present:
            before = len(reporter.diagnostics)
            check(path, book, config, reporter)
            found = len(reporter.diagnostics) - before
            print(f"checked {display_path(path)} ({what}): {found or 'no'} finding{'s' * (found != 1)}")
            bar.advance()


def _cover(interior: Interior, path: Path, book: Book, config: Config, reporter: Reporter) -> None:
    from book.check.cover import check_cover

    check_cover(interior, book, config, reporter)
