"""Readers: one module per source format; here, finding the chapter files and reading each one."""

from __future__ import annotations

from functools import partial
from hashlib import sha256
from pathlib import Path
from typing import Any

from book import progress
from book.cache import Bundle, code_digest, digest
from book.config import Config, confine
from book.diagnostics import Diagnostic, Reporter, display_path
from book.ir import Chapter, SourceLocation, from_data, to_data
from book.readers.site_export import read_chapter

CHAPTER_SUFFIXES = (".txt",)


def discover(config: Config) -> list[Path]:
    """The chapter files: the explicit `chapters:` list, else every *.txt in the folder, by name."""
    if config.chapters is not None:
        return list(config.chapters)
    return sorted(
        p
        for p in config.source_dir.iterdir()
        if p.suffix.lower() in CHAPTER_SUFFIXES and not p.name.startswith(".") and not p.is_dir()
    )


def read_chapters(
    paths: list[Path], config: Config, reporter: Reporter, cache: Bundle | None = None
) -> list[Chapter]:
    """Read every chapter file; every unreadable one is reported, none silently skipped."""
    chapters: list[Chapter] = []
    with progress.stage("reading", len(paths)) as bar:
        for path in paths:
            chapter = _read_one(path, config, reporter, cache)
            if chapter is not None:
                chapters.append(chapter)
            bar.advance()
    if cache:
        cache.save()
    return chapters


def _read_one(path: Path, config: Config, reporter: Reporter, cache: Bundle | None) -> Chapter | None:
    """Read one chapter file with the site export reader, or report why it cannot be read."""
    shown = display_path(path)
    if config.chapters is None and confine(config.source_dir, path.name) is None:
        reporter.report(
            "R005", "the file is a link to outside the source folder; it was not read", SourceLocation(shown)
        )
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        reporter.report("R005", f"cannot read the file: {exc.strerror}", SourceLocation(shown))
        return None
    # Reading depends only on the file's bytes, the path it is shown by and the reader's code.
    key = digest(data, shown, code_digest("readers/*.py"))
    cached = cache.get(key, partial(_from_data, data=data, shown=shown)) if cache else None
    if cached is None:
        local = Reporter()
        cached = (read_chapter(data, shown, local), local.diagnostics)
        if cache:
            cache.put(key, _to_data(*cached))
    reporter.extend(cached[1])
    return cached[0]


def _to_data(chapter: Chapter | None, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """What reading one file gave, as a cache entry: the chapter (None if unreadable) and diagnostics."""
    return {"chapter": to_data(chapter), "diagnostics": [d.as_dict() for d in diagnostics]}


def _from_data(value: Any, data: bytes, shown: str) -> tuple[Chapter | None, list[Diagnostic]]:
    """The inverse of `_to_data` for the file `data` shown as `shown`; ValueError for anything else
    (an entry `_to_data` did not write, or one of another file's)."""
    if type(value) is not dict or value.keys() != {"chapter", "diagnostics"}:
        raise ValueError("not a read chapter")
    if type(value["diagnostics"]) is not list:
        raise ValueError("not a list of diagnostics")
    chapter = None if value["chapter"] is None else from_data(value["chapter"], Chapter)
    diagnostics = [Diagnostic.from_dict(d) for d in value["diagnostics"]]
    if chapter is not None and (chapter.sha256, chapter.location.path) != (sha256(data).hexdigest(), shown):
        raise ValueError("a chapter read from another file")
    if any(d.location is not None and d.location.path != shown for d in diagnostics):
        raise ValueError("diagnostics of another file")
    return chapter, diagnostics
