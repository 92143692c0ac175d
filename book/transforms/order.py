"""Reading order: chapters sorted by their number (or as book.yaml lists them); duplicates and gaps."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Chapter, SourceLocation


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
