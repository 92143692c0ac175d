"""Volumes: which chapters go into which volume (`volumes: auto` or the explicit list), and each
volume as a Book of its own, with its own title, identifier, series place and endnotes from 1."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass, replace

from book.config import Config
from book.diagnostics import Reporter
from book.ir import Book, Chapter, Metadata, Series
from book.printing.limits import PageLimits
from book.printing.pages import PageModel
from book.transforms.notes import number_notes
from book.volume_config import VolumeSpec

VOLUME_LABEL = "Volume"
# Volume identifiers are derived from the book's: same book and number, same identifier.
VOLUME_NAMESPACE = uuid.UUID("0f3a6c1e-8d5b-4b7a-9c2e-5a4d3b2c1f60")
# `volumes: auto` fills a volume to the printer's maximum less this share, since the page model
# is an estimate; the real layout is checked against the limit itself.
SAFETY = 0.03
# An arc boundary is preferred to a chapter boundary unless it leaves the volume under this share.
MIN_FILL_FOR_ARC_CUT = 0.5


@dataclass(frozen=True)
class Plan:
    """One volume: its number, its name from book.yaml (if any) and its chapters' indices."""

    number: int
    chapters: range
    name: str | None = None


def auto_plan(
    chapters: tuple[Chapter, ...], model: PageModel, limits: PageLimits, reporter: Reporter
) -> list[Plan]:
    """Greedy from the first chapter: fill each volume up to the budget, then close it at the start
    of the arc that overflowed (when that keeps the volume at least half full), else before the
    chapter that overflowed. A boundary depends only on the chapters before it, so appending
    chapters never moves one between two volumes that both existed."""
    budget = int(limits.maximum * (1 - SAFETY))
    pages = [model.chapter_pages(c) for c in chapters]
    notes = [model.note_lines(c) for c in chapters]

    def cost(start: int, stop: int) -> int:
        body = sum(pages[start:stop])
        return model.front_pages(stop - start) + body + model.notes_pages(sum(notes[start:stop]))

    plans: list[Plan] = []
    start = 0
    index = 0
    while index < len(chapters):
        if cost(start, index + 1) <= budget:
            index += 1
            continue
        if index == start:
            chapter = chapters[index]
            reporter.report(
                "V008",
                f"chapter {chapter.number} alone takes about {cost(index, index + 1):,} pages, more than "
                f"a volume may have ({limits.maximum}); split the chapter file in two",
                chapter.location,
            )
            return []
        cut = index
        arc = chapters[index].arc
        if arc is not None and chapters[index - 1].arc == arc:
            arc_start = index
            while arc_start > start and chapters[arc_start - 1].arc == arc:
                arc_start -= 1
            if arc_start > start and cost(start, arc_start) >= budget * MIN_FILL_FOR_ARC_CUT:
                cut = arc_start
        plans.append(Plan(len(plans) + 1, range(start, cut)))
        start = index = cut
    plans.append(Plan(len(plans) + 1, range(start, len(chapters))))
    return plans


def _resolve(spec: VolumeSpec, chapters: tuple[Chapter, ...], reporter: Reporter) -> list[int] | None:
    """The indices of the chapters one explicit volume names; None after reporting a problem."""
    if spec.arcs:
        known = sorted({c.arc for c in chapters if c.arc})
        missing = [arc for arc in spec.arcs if arc not in known]
        for arc in missing:
            close = difflib.get_close_matches(arc, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            reporter.report("V004", f"no chapter belongs to the arc '{arc}'{hint}", spec.location)
        if missing:
            return None
        found = [i for i, c in enumerate(chapters) if c.arc in spec.arcs]
    else:
        assert spec.first is not None
        last = spec.last
        found = [
            i for i, c in enumerate(chapters) if spec.first <= c.number and (last is None or c.number <= last)
        ]
    if not found:
        reporter.report("V003", f"the volume of {spec.describe()} has no chapters", spec.location)
        return None
    return found


def explicit_plan(
    specs: tuple[VolumeSpec, ...], chapters: tuple[Chapter, ...], config: Config, reporter: Reporter
) -> list[Plan]:
    """The volumes as book.yaml lists them: each a run of consecutive chapters, in order, all covered."""
    before = len(reporter.errors)
    owner: dict[int, int] = {}  # chapter index → volume number
    plans: list[Plan] = []
    previous: VolumeSpec | None = None
    for number, spec in enumerate(specs, 1):
        gap_after = previous.last if previous is not None and previous.first is not None else None
        if gap_after is not None and spec.first is not None and spec.first > gap_after + 1:
            assert previous is not None
            reporter.report(
                "V006",
                f"chapters {gap_after + 1}-{spec.first - 1} fall between volume {number - 1} "
                f"({previous.describe()}) and volume {number} ({spec.describe()})",
                spec.location,
            )
        previous = spec
        found = _resolve(spec, chapters, reporter)
        if found is None:
            continue
        shared = [chapters[i].number for i in found if i in owner]
        if shared:
            reporter.report(
                "V005",
                f"volume {number} ({spec.describe()}) repeats chapter(s) {_numbers(shared)} of volume "
                f"{owner[next(i for i in found if i in owner)]}; a chapter belongs to one volume",
                spec.location,
            )
            continue
        owner.update((i, number) for i in found)
        runs = found[-1] - found[0] + 1 != len(found)
        if runs or (plans and found[0] < plans[-1].chapters.stop):
            reporter.report(
                "V006",
                f"volume {number} ({spec.describe()}) is not a run of consecutive chapters after the "
                "volume before it; volumes follow the reading order",
                spec.location,
            )
            continue
        plans.append(Plan(number, range(found[0], found[-1] + 1), spec.title))
    orphans = [c.number for i, c in enumerate(chapters) if i not in owner]
    if orphans and len(reporter.errors) == before:
        where = config.location("volumes")
        reporter.report("V007", f"chapter(s) {_numbers(orphans)} are in no volume; add them to one", where)
    return plans if len(reporter.errors) == before else []


def _numbers(numbers: list[int], limit: int = 6) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def volume_title(title: str, number: int, name: str | None) -> str:
    """`Title, Volume 1` or `Title, Volume 1: The Siberian War`."""
    base = f"{title}, {VOLUME_LABEL} {number}"
    return f"{base}: {name}" if name else base


def volume_identifier(identifier: str, number: int) -> str:
    return "urn:uuid:" + str(uuid.uuid5(VOLUME_NAMESPACE, f"{identifier}\nvolume {number}"))


def volume_book(book: Book, plan: Plan, metadata: Metadata) -> Book:
    """One volume as a complete book: its chapters, endnotes renumbered from 1, its own metadata.

    The whole book's notes pass already reported every note problem; this renumbering is quiet.
    """
    chapters = tuple(book.chapters[i] for i in plan.chapters)
    meta = replace(
        metadata,
        title=volume_title(book.metadata.title, plan.number, plan.name),
        identifier=volume_identifier(book.metadata.identifier, plan.number),
        series=Series(book.metadata.title, plan.number),
    )
    return number_notes(Book(meta, chapters), Reporter())
