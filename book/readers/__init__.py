"""Readers: one module per source format; here, finding the chapter files and reading each one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from book import progress
from book.config import Config, confine
from book.diagnostics import Reporter, display_path
from book.ir import Chapter, SourceLocation
from book.readers.site_export import read_chapter

if TYPE_CHECKING:
    from book.chapter_cache import ChapterCache

CHAPTER_SUFFIXES = (".txt",)


def discover(config: Config) -> list[Path]:
    """The chapter files: the explicit `chapters:` list, else every *.txt in the folder, by name."""
    if config.chapters is not None:
        return list(config.chapters)
    # scandir, and names sorted as strings: a thousand files cost no stat() and no Path comparisons.
    with os.scandir(config.source_dir) as entries:
        names = sorted(
            entry.name
            for entry in entries
            if os.path.splitext(entry.name)[1].lower() in CHAPTER_SUFFIXES
            and not entry.name.startswith(".")
            and not entry.is_dir()
        )
    return [config.source_dir / name for name in names]


def read_chapters(
    paths: list[Path],
    config: Config,
    reporter: Reporter,
    cache: ChapterCache | None = None,
    digests: dict[Path, str] | None = None,
) -> list[Chapter]:
    """Read every chapter file; every unreadable one is reported, none silently skipped.

    With `cache`, a file unchanged since the last build comes back as that build left it: typeset and
    numbered (see book/chapter_cache.py); with its sha256 in `digests` too, it is not even read.
    """
    chapters: list[Chapter] = []
    folder = Folder(config.source_dir, config.source_dir.resolve(), Path(display_path(config.source_dir)))
    with progress.stage("reading", len(paths)) as bar:
        for path in paths:
            known = digests.get(path) if digests else None
            chapter = _read_one(path, config, folder, reporter, cache, known)
            if chapter is not None:
                chapters.append(chapter)
            bar.advance()
    return chapters


class Folder(NamedTuple):
    """The source folder as given, resolved and as diagnostics show it: worked out once, not per file."""

    path: Path
    resolved: Path
    shown: Path


def _shown(path: Path, folder: Folder) -> str:
    """The path as diagnostics show it; for a file right in the folder, not a link, the folder's
    shown path plus its name (display_path resolves every folder of the path, a thousand times)."""
    if path.parent == folder.path and not path.is_symlink():
        return str(folder.shown / path.name)
    return display_path(path)


def _read_one(
    path: Path,
    config: Config,
    folder: Folder,
    reporter: Reporter,
    cache: ChapterCache | None,
    known: str | None,
) -> Chapter | None:
    """Read one chapter file with the site export reader, or report why it cannot be read.

    `known` is the file's sha256 when the no-op check hashed it: if the cache keeps the file, it is
    not read again.
    """
    shown = _shown(path, folder)
    # Before the cache: a kept file later replaced by a link to the same bytes outside is still refused.
    plain = path.parent == folder.path and not path.is_symlink()
    if config.chapters is None and not plain and confine(folder.path, path.name, folder.resolved) is None:
        reporter.report(
            "R005", "the file is a link to outside the source folder; it was not read", SourceLocation(shown)
        )
        return None
    kept = cache.lookup(known, shown) if cache and known else None
    if kept is not None:
        reporter.extend(kept[1])
        return kept[0]
    try:
        data = path.read_bytes()
    except OSError as exc:
        reporter.report("R005", f"cannot read the file: {exc.strerror}", SourceLocation(shown))
        return None
    kept = cache.read(data, shown) if cache and not known else None
    if kept is None:
        local = Reporter()
        kept = (read_chapter(data, shown, local), local.diagnostics)
        if cache:
            cache.remember(shown, *kept)
    reporter.extend(kept[1])
    return kept[0]
