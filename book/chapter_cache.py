"""The front half's cache: each chapter file read, typeset and numbered, kept whole between builds.

Appending one chapter to a book of a thousand must not read, typeset, number or even decode the
thousand again. A chapter file's entry is keyed by its bytes, the path it is shown by, the language,
the typography settings and the code, and holds what the front half made of it: the numbered
chapter, the diagnostics of reading and of numbering, and the first endnote number it was numbered
from. Its blocks and notes, nearly all of its size, are a second entry (its key the first's plus
"b") kept as JSON text and decoded only when a stage asks for them (ir.deferred_chapter); an EPUB
rebuild asks for none of an unchanged chapter's: it needs only their headings, word count and note
numbers, which the first entry holds.

Numbering is the one book-wide step: a chapter's notes are numbered from where the previous
chapter's stopped. An entry numbered from another first number is numbered again from its kept
chapter (numbering sets every number and id it gives, so renumbering equals numbering afresh).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from book.cache import NOT_AN_ENTRY, Bundle, Raw, code_digest, digest
from book.config import Config
from book.diagnostics import Diagnostic, Reporter
from book.ir import (
    Block,
    Chapter,
    Note,
    SectionHeading,
    blocks_from_data,
    deferred_chapter,
    from_data,
    notes_from_data,
    to_data,
)
from book.transforms.notes import number_chapter

HEAD_FIELDS = {"file", "chapter", "read", "notes", "first", "headings", "words", "numbers", "body"}


@dataclass
class Stats:
    """What the last load did with each chapter file (for tests and the benchmark)."""

    read: list[str] = field(default_factory=list)  # read (and typeset) afresh
    numbered: list[str] = field(default_factory=list)  # notes numbered afresh
    kept: list[str] = field(default_factory=list)  # taken from the cache
    decoded: list[str] = field(default_factory=list)  # kept chapters whose blocks or notes were asked for


LAST_LOAD = Stats()


@dataclass
class _Record:
    """One chapter file in this build: its cache key, its reading's diagnostics and, when it came
    from the cache, the first note number and the numbering's diagnostics it was kept with."""

    key: str
    read: list[Diagnostic]
    first: int = 0
    notes: list[Diagnostic] | None = None


class ChapterCache:
    """Chapters as the front half leaves them, by file; `save()` writes what this build used."""

    def __init__(self, build_dir: Path, config: Config) -> None:
        self.bundle = Bundle(build_dir, "chapters")
        self.settings = digest(
            config.language,
            "\n".join(config.elisions),
            str(config.typography),
            code_digest("readers/*.py", "transforms/typography.py", "transforms/notes.py"),
        )
        self.records: dict[tuple[str, str], _Record] = {}
        self.keys: dict[str, str] = {}  # shown path → key, from `read` to `remember`
        for names in (LAST_LOAD.read, LAST_LOAD.numbered, LAST_LOAD.kept, LAST_LOAD.decoded):
            names.clear()

    def read(self, data: bytes, shown: str) -> tuple[Chapter | None, list[Diagnostic]] | None:
        """The kept chapter of this file (typeset and numbered) and its reading's diagnostics; None on
        a miss or an entry that is not valid (which is dropped)."""
        return self.lookup(hashlib.sha256(data).hexdigest(), shown)

    def lookup(self, sha256: str, shown: str) -> tuple[Chapter | None, list[Diagnostic]] | None:
        """`read` for the file whose bytes have this sha256."""
        key = self.keys[shown] = digest(sha256, shown, self.settings)
        head = self.bundle.get_raw(key)
        body = self.bundle.get_raw(key + "b")
        try:
            if head is None:
                raise ValueError("missing")
            kept = _decode(json.loads(bytes(head)), body, sha256, shown)
        except NOT_AN_ENTRY:
            self.bundle.forget(key)
            self.bundle.forget(key + "b")
            return None
        chapter, read, first, notes = kept
        if chapter is not None:
            self.records[(shown, chapter.sha256)] = _Record(key, read, first, notes)
            LAST_LOAD.kept.append(shown)
        return chapter, read

    def remember(self, shown: str, chapter: Chapter | None, read: list[Diagnostic]) -> None:
        """A file `read` missed, read afresh: stored once its notes are numbered (at once if it has
        no chapter)."""
        key = self.keys[shown]
        LAST_LOAD.read.append(shown)
        if chapter is None:
            self.bundle.put(key, _head(None, read, [], 0, ""))
            return
        self.records[(chapter.location.path, chapter.sha256)] = _Record(key, read)

    def is_kept(self, chapter: Chapter) -> bool:
        """Whether `chapter` came from the cache already typeset and numbered."""
        record = self.records.get((chapter.location.path, chapter.sha256))
        return record is not None and record.notes is not None

    def number(self, chapter: Chapter, next_number: int, reporter: Reporter) -> tuple[Chapter, int]:
        """notes.number_chapter, or the kept chapter when it was numbered from the same first number."""
        record = self.records.get((chapter.location.path, chapter.sha256))
        if record is not None and record.notes is not None and record.first == next_number:
            reporter.extend(record.notes)
            return chapter, next_number + len(chapter.note_numbers)
        local = Reporter()
        done, after = number_chapter(chapter, next_number, local)
        reporter.extend(local.diagnostics)
        LAST_LOAD.numbered.append(chapter.location.path)
        if record is not None:
            data = [to_data(done.blocks), to_data(done.notes)]
            body = json.dumps(data, separators=(",", ":")).encode("ascii")
            head = _head(done, record.read, local.diagnostics, next_number, hashlib.sha256(body).hexdigest())
            self.bundle.put(record.key, head)
            self.bundle.put_raw(record.key + "b", body)
        return done, after

    def save(self) -> None:
        self.bundle.save()


def _head(
    chapter: Chapter | None, read: list[Diagnostic], notes: list[Diagnostic], first: int, body: str
) -> dict[str, Any]:
    """An entry's head: the chapter but its blocks and notes, which are kept beside it (the body,
    whose digest this is), and what the stages need of those without decoding them."""
    return {
        "file": chapter.location.path if chapter else "",
        "chapter": to_data(replace(chapter, blocks=(), notes=())) if chapter else None,
        "read": [d.as_dict() for d in read],
        "notes": [d.as_dict() for d in notes],
        "first": first,
        "headings": to_data(chapter.headings) if chapter else [],
        "words": chapter.word_count if chapter else 0,
        "numbers": list(chapter.note_numbers) if chapter else [],
        "body": body,
    }


def _decode(
    head: Any, body: Raw | None, sha256: str, shown: str
) -> tuple[Chapter | None, list[Diagnostic], int, list[Diagnostic]]:
    """An entry `_head` wrote for this file (its bytes' `sha256`, shown as `shown`) as (chapter, read
    diagnostics, first note number, numbering's diagnostics); ValueError for anything else."""
    if type(head) is not dict or head.keys() != HEAD_FIELDS:
        raise ValueError("not a kept chapter")
    if type(head["read"]) is not list or type(head["notes"]) is not list:
        raise ValueError("not a list of diagnostics")
    read = [Diagnostic.from_dict(d) for d in head["read"]]
    numbering = [Diagnostic.from_dict(d) for d in head["notes"]]
    if any(d.location is not None and d.location.path != shown for d in (*read, *numbering)):
        raise ValueError("diagnostics of another file")
    if head["chapter"] is None:
        return None, read, 0, []
    first, words, numbers, digest_of_body = head["first"], head["words"], head["numbers"], head["body"]
    if type(first) is not int or first < 1 or type(words) is not int or words < 0:
        raise ValueError("not a kept chapter")
    if type(numbers) is not list or not all(type(n) is int for n in numbers):
        raise ValueError("not a chapter's note numbers")
    # The body is JSON text checked against the digest the head gives: a torn, foreign or swapped
    # entry is a miss now, not an error when it is decoded.
    if body is None or type(digest_of_body) is not str or hashlib.sha256(body).hexdigest() != digest_of_body:
        raise ValueError("not the kept chapter's body")
    chapter = from_data(head["chapter"], Chapter)
    if (chapter.sha256, chapter.location.path, head["file"]) != (sha256, shown, shown):
        raise ValueError("a chapter of another file")
    if chapter.blocks or chapter.notes:
        raise ValueError("not a kept chapter's head")
    headings = tuple(h for h in blocks_from_data(head["headings"]) if isinstance(h, SectionHeading))
    if len(headings) != len(head["headings"]):
        raise ValueError("not a chapter's headings")
    kept = _Body(body, shown, tuple(numbers))
    deferred = deferred_chapter(chapter, kept.blocks, kept.notes, headings, words, kept.numbers)
    return deferred, read, first, numbering


class KeptChapterDamaged(Exception):
    """A kept chapter's body matched its digest yet does not decode: written by hand, or by a bug.

    Found only when a stage asks for the body, mid-build; the command line drops the chapter cache
    (`drop`) and builds again from the sources.
    """

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(f"{shown}: {reason}")
        self.shown = shown


def drop(build_dir: Path) -> None:
    """Remove the chapter cache: the next load reads every chapter file afresh."""
    Bundle(build_dir, "chapters").remove()


class _Body:
    """A kept chapter's blocks and notes, JSON text parsed when a stage first asks for either."""

    def __init__(self, raw: Raw, shown: str, numbers: tuple[int, ...]) -> None:
        self.raw, self.shown, self.numbers = raw, shown, numbers
        self.data: Any = None

    def _parsed(self) -> list[Any]:
        if self.data is None:
            LAST_LOAD.decoded.append(self.shown)
            try:
                data = json.loads(bytes(self.raw))
            except NOT_AN_ENTRY as exc:
                raise KeptChapterDamaged(self.shown, str(exc)) from exc
            if type(data) is not list or len(data) != 2:
                raise KeptChapterDamaged(self.shown, "not a kept chapter's blocks and notes")
            self.data = data
        parsed: list[Any] = self.data
        return parsed

    def blocks(self) -> tuple[Block, ...]:
        try:
            return blocks_from_data(self._parsed()[0])
        except NOT_AN_ENTRY as exc:
            raise KeptChapterDamaged(self.shown, str(exc)) from exc

    def notes(self) -> tuple[Note, ...]:
        try:
            notes = notes_from_data(self._parsed()[1])
        except NOT_AN_ENTRY as exc:
            raise KeptChapterDamaged(self.shown, str(exc)) from exc
        if tuple(note.number for note in notes) != self.numbers:
            raise KeptChapterDamaged(self.shown, "the kept notes are not the ones the head numbers")
        return notes
