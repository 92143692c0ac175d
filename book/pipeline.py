"""The whole front half in one screen: config → read → typography → order → notes → Book → volumes."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from book import progress
from book.chapter_cache import ChapterCache
from book.config import Config, load_config
from book.diagnostics import Reporter, display_path
from book.ir import Book, Chapter, Metadata, SourceLocation, Wording
from book.readers import discover, read_chapters
from book.transforms.notes import number_notes
from book.transforms.order import order

if TYPE_CHECKING:
    from book.printing.limits import PageLimits
    from book.printing.pages import PageModel

# A fixed namespace so the default identifier depends on nothing but the title and authors.
IDENTIFIER_NAMESPACE = uuid.UUID("5c0b6a55-3c8e-4f4e-9d2e-6b6f6f6b2d31")


# The largest timestamp a date can hold (9999-12-31); beyond it datetime overflows.
MAX_EPOCH = 253_402_300_799


def source_date_epoch(reporter: Reporter) -> int | None:
    """SOURCE_DATE_EPOCH as the reproducible-builds spec defines it: whole seconds since 1970, or unset."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_EPOCH:
        reporter.report(
            "U002", f"SOURCE_DATE_EPOCH is {raw[:40]!r}; it must be a whole number of seconds since 1970"
        )
        return None
    return int(raw)


def default_identifier(title: str, authors: tuple[str, ...]) -> str:
    """The identifier of a book.yaml that gives none: a UUID from the title and authors alone."""
    return "urn:uuid:" + str(uuid.uuid5(IDENTIFIER_NAMESPACE, "\n".join((title, *authors))))


def build_date(
    config: Config, chapters: list[Chapter], epoch: int | None, with_config: bool = True
) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest source file's mtime; never the clock.

    A volume's date comes from its own chapters only (`with_config=False`): editing book.yaml to
    add a volume, or appending chapters, leaves every earlier volume's date, and bytes, as they were.
    """
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    paths = [Path(c.location.path) for c in chapters]
    if config.path is not None and with_config:
        paths.append(config.path)
    mtimes = [p.stat().st_mtime for p in paths if p.exists()]
    newest = max(mtimes) if mtimes else 0
    return dt.datetime.fromtimestamp(int(newest), dt.UTC)


def metadata(config: Config, chapters: list[Chapter], epoch: int | None = None) -> Metadata:
    """Metadata from book.yaml, with the title inferred from the chapters' trailers, else the folder."""
    title = config.title
    if title is None:
        trailers = Counter(c.trailer_title for c in chapters if c.trailer_title)
        title = trailers.most_common(1)[0][0] if trailers else None
    if title is None:
        title = config.source_dir.resolve().name.replace("_", " ").replace("-", " ").strip() or "Untitled"
    identifier = config.identifier or default_identifier(title, config.authors)
    return Metadata(
        title=title,
        language=config.language,
        identifier=identifier,
        modified=build_date(config, chapters, epoch),
        subtitle=config.subtitle,
        authors=config.authors,
        publisher=config.publisher,
        date=config.date,
        rights=config.rights,
        description=config.description,
        cover=str(config.cover) if config.cover else None,
    )


def load_book(
    source_dir: Path,
    reporter: Reporter,
    build_dir: Path | None = None,
    digests: dict[Path, str] | None = None,
) -> tuple[Book, Config]:
    """Read and check the manuscript; raises HaltBuild after any stage that found errors.

    `digests` are the chapter files' sha256 if already known (buildkey.fingerprint hashed them).
    """
    if not source_dir.is_dir():
        reporter.report(
            "U001",
            f"source folder '{display_path(source_dir)}' does not exist",
            SourceLocation(display_path(source_dir)),
        )
        reporter.halt_if_errors()
    # 1. configuration: every problem in book.yaml (and the environment) at once
    config = load_config(source_dir, reporter)
    epoch = source_date_epoch(reporter)
    reporter.halt_if_errors()
    # A file unchanged since the last build skips steps 2, 3 and 5: BUILD/.cache keeps their result.
    cache = ChapterCache(build_dir, config) if build_dir is not None else None
    # 2. read every chapter file in the site export format
    chapters = read_chapters(discover(config), config, reporter, cache, digests)
    # 3. typography: curly quotes, dashes and ellipses for the book's language
    if config.typography:
        chapters = typeset(chapters, config.language, config.elisions, cache)
    # 4. reading order by chapter number; duplicates and gaps reported
    chapters = order(chapters, config, reporter)
    reporter.halt_if_errors()
    book = Book(metadata(config, chapters, epoch), tuple(chapters), wording(config))
    # 5. footnotes → book-wide endnotes
    with progress.stage("notes", len(book.chapters)) as bar:
        book = number_notes(book, reporter, cache.number if cache else None)
        bar.advance(len(book.chapters))
    reporter.halt_if_errors()
    if cache:
        cache.save()
    return book, config


def split_volumes(book: Book, config: Config, reporter: Reporter) -> list[Book]:
    """6. volumes: the book as its volumes (each a complete book), or [book] without `volumes:`."""
    if config.volumes is None:
        return [book]
    from book.transforms import volumes  # only a book split into volumes needs it

    epoch = source_date_epoch(Reporter())  # already validated (and reported) by load_book
    if config.volumes.auto:
        model, limits = print_rules(config)
        plans = volumes.auto_plan(book.chapters, model, limits, reporter)
    else:
        plans = volumes.explicit_plan(config.volumes.specs, book.chapters, config, reporter)
    reporter.halt_if_errors()
    books = []
    for plan in plans:
        own = [book.chapters[i] for i in plan.chapters]
        meta = replace(book.metadata, modified=build_date(config, own, epoch, with_config=False))
        books.append(volumes.volume_book(book, plan, meta))
    return books


def print_rules(config: Config) -> tuple[PageModel, PageLimits]:
    """The page model and the printer's limits for book.yaml's print section."""
    from book.printing.limits import page_limits
    from book.printing.pages import page_model

    settings = config.print
    limits = page_limits(settings.profile, settings.binding, settings.paper, settings.trim.name)
    return page_model(settings.trim, limits.maximum), limits


def wording(config: Config) -> Wording:
    """book.yaml's labels and chapter naming, for the writers (book/naming.py)."""
    return Wording(config.labels, config.arc_title, config.group_arcs)


def typeset(
    chapters: list[Chapter], language: str, elisions: tuple[str, ...], cache: ChapterCache | None
) -> list[Chapter]:
    """The typography transform on each chapter, but those the cache kept already typeset."""
    out = []
    with progress.stage("typography", len(chapters)) as bar:
        for chapter in chapters:
            kept = cache is not None and cache.is_kept(chapter)
            out.append(chapter if kept else _typeset_chapter(chapter, language, elisions))
            bar.advance()
    return out


def _typeset_chapter(chapter: Chapter, language: str, elisions: tuple[str, ...]) -> Chapter:
    # Imported on first use: a rebuild whose chapters all come from the cache never loads docutils.
    from book.transforms.typography import typeset_chapter

    return typeset_chapter(chapter, language, elisions)
