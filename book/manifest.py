"""Discover chapter files, read them, order them by chapter number, and check the numbering."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from book import progress
from book.cache import Bundle, code_digest, digest
from book.config import Config, confine
from book.diagnostics import Diagnostic, Reporter, display_path
from book.ir import Book, Chapter, Paragraph, SectionHeading, SourceLocation, Text
from book.readers.site_export import read_chapter
from book.transforms.typography import typeset_chapter

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


def read_chapters(config: Config, reporter: Reporter, cache: Bundle | None = None) -> list[Chapter]:
    """Read (and typeset) every chapter file; every unreadable one is reported, none silently skipped."""
    chapters: list[Chapter] = []
    paths = discover(config)
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
    """Read one chapter file, or report why it cannot be read."""
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
    # Reading and typesetting depend only on the file, its shown path and two settings: cache them.
    key = digest(
        data, shown, config.language, str(config.typography), code_digest("readers/*.py", "transforms/*.py")
    )
    cached: tuple[Chapter | None, list[Diagnostic]] | None = cache.get(key) if cache else None
    if cached is None:
        local = Reporter()
        chapter = read_chapter(data, shown, local)
        if chapter is not None and config.typography:
            chapter = typeset_chapter(chapter, config.language)
        cached = (chapter, local.diagnostics)
        if cache:
            cache.put(key, cached)
    reporter.extend(cached[1])
    return cached[0]


def _ranges(numbers: Iterable[int]) -> str:
    """[36, 37, 38, 41] → '36-38, 41'."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def order(chapters: list[Chapter], config: Config, reporter: Reporter) -> list[Chapter]:
    """Reading order: by chapter number (or as `chapters:` lists them); report duplicates and gaps."""
    if not chapters:
        if not reporter.errors:
            reporter.report(
                "M003",
                f"no chapter files (*.txt) in '{display_path(config.source_dir)}'",
                SourceLocation(display_path(config.source_dir)),
            )
        return []
    ordered = chapters if config.chapters is not None else sorted(chapters, key=lambda c: c.number)

    first_seen: dict[int, Chapter] = {}
    for chapter in sorted(chapters, key=lambda c: (c.number, c.location.path)):
        if chapter.number in first_seen:
            other = first_seen[chapter.number]
            reporter.report(
                "M001",
                f"chapter {chapter.number} is also in '{other.location.path}'",
                chapter.location,
            )
        else:
            first_seen[chapter.number] = chapter

    by_number = sorted(first_seen.values(), key=lambda c: c.number)
    for before, after in itertools.pairwise(by_number):
        missing = set(range(before.number + 1, after.number)) - config.known_gaps
        if missing:
            reporter.report(
                "M002",
                f"chapter{'s' * (len(missing) > 1)} {_ranges(missing)} missing between "
                f"'{before.location.path}' (chapter {before.number}) and "
                f"'{after.location.path}' (chapter {after.number}); "
                f"if the manuscript really lacks them, list them under known_gaps in book.yaml",
                after.location,
            )
    present = set(first_seen)
    needless = {n for n in config.known_gaps if n in present}
    if needless:
        reporter.report(
            "M004",
            f"known_gaps lists {_ranges(needless)}, but the book has "
            f"{'those chapters' if len(needless) > 1 else 'that chapter'}",
            config.location("known_gaps"),
        )
    return ordered


def word_count(chapter: Chapter) -> int:
    """Words of the chapter's body text (paragraphs and section headings), notes excluded."""
    words = 0
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            words += len(" ".join(i.text for i in block.inlines if isinstance(i, Text)).split())
        elif isinstance(block, SectionHeading):
            words += len(block.text.split())
    return words


def manifest_data(book: Book) -> dict[str, Any]:
    """What build/manifest.json holds: metadata, then each chapter in reading order."""
    meta = book.metadata
    return {
        "book": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "authors": list(meta.authors),
            "language": meta.language,
            "identifier": meta.identifier,
            "publisher": meta.publisher,
            "date": meta.date,
            "rights": meta.rights,
            "description": meta.description,
            "modified": meta.modified.isoformat(),
        },
        "chapters": [
            {
                "number": c.number,
                "title": c.title,
                "arc": c.arc,
                "part": c.part,
                "source": c.location.path,
                "sha256": c.sha256,
                "words": word_count(c),
                "notes": len(c.notes),
                "headings": [h.text for h in c.headings],
                "stripped": {
                    "stats_lines": c.strip.stats_lines,
                    "padding_lines": c.strip.padding_lines,
                    "notes_separators": c.strip.notes_separators,
                    "notes_headings": c.strip.notes_headings,
                    "trailers": c.strip.trailers,
                    "control_characters": c.strip.control_characters,
                },
            }
            for c in book.chapters
        ],
    }


def manifest_json(book: Book) -> str:
    return json.dumps(manifest_data(book), ensure_ascii=False, indent=2) + "\n"
