"""The book's intermediate representation: frozen types only, shared by readers, transforms and writers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class SourceLocation:
    """Where something came from: a path as the user would type it, a 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        parts = [self.path]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


# --- inlines -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of plain text (never markup: writers escape it)."""

    text: str


@dataclass(frozen=True)
class NoteRef:
    """A `*N` marker. `marker` is N as written; `number`/`note_id`/`ref_id` are set by the notes transform."""

    marker: int
    location: SourceLocation
    number: int = 0
    note_id: str = ""
    ref_id: str = ""


Inline = Text | NoteRef


# --- blocks --------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of running text."""

    inlines: tuple[Inline, ...]
    location: SourceLocation


@dataclass(frozen=True)
class SectionHeading:
    """A heading inside a chapter (a short line right after a scene break); `id` is stable book-wide."""

    text: str
    id: str
    location: SourceLocation


@dataclass(frozen=True)
class SceneBreak:
    """A change of scene (`. . .` in the source)."""

    location: SourceLocation


Block = Paragraph | SectionHeading | SceneBreak


# --- notes and chapters ----------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A `*N:` definition; the notes transform sets the book-wide `number`, `id` and every `ref_ids`.

    Its paragraphs are text only: a `*N` inside a note is the author's text, not a reference.
    """

    marker: int
    paragraphs: tuple[tuple[Text, ...], ...]
    location: SourceLocation
    number: int = 0
    id: str = ""
    ref_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class StripReport:
    """How much site noise the reader removed from one chapter file."""

    stats_lines: int = 0
    padding_lines: int = 0
    notes_separators: int = 0
    notes_headings: int = 0
    trailers: int = 0
    control_characters: int = 0

    def total(self) -> int:
        return sum(dataclasses.astuple(self))


@dataclass(frozen=True)
class Chapter:
    """One chapter file: its parsed title line, its blocks and its own notes."""

    number: int
    title: str
    arc: str | None
    part: int | None
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    location: SourceLocation
    sha256: str
    strip: StripReport = field(default_factory=StripReport)
    trailer_title: str | None = None

    @property
    def id(self) -> str:
        return f"chapter-{self.number:03d}"

    @property
    def headings(self) -> tuple[SectionHeading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, SectionHeading))


@dataclass(frozen=True)
class Metadata:
    """What the book says about itself (from book.yaml, or inferred from the sources)."""

    title: str
    language: str
    identifier: str
    modified: dt.datetime
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    description: str | None = None
    cover: str | None = None


@dataclass(frozen=True)
class Wording:
    """How the book names what is not the author's text: book.yaml's `labels:` and `naming:`.

    book/labels.py holds each language's labels; book/naming.py names chapters from these.
    """

    labels: tuple[tuple[str, str], ...] = ()  # book.yaml's overrides, in its order
    arc_title: str | None = None  # a chapter's title when its title line names an arc and a part
    group_arcs: bool = False  # the arc shown once above its chapters, in the contents


@dataclass(frozen=True)
class Book:
    """A whole book: metadata plus chapters in reading order, and how to name its parts."""

    metadata: Metadata
    chapters: tuple[Chapter, ...]
    wording: Wording = field(default_factory=Wording)

    @property
    def notes(self) -> tuple[Note, ...]:
        return tuple(note for chapter in self.chapters for note in chapter.notes)


# --- dump ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {"type": type(value).__name__}
        for f in dataclasses.fields(value):
            data[f.name] = _plain(getattr(value, f.name))
        return data
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def to_data(value: Any) -> Any:
    """The IR as plain JSON-able data, every node tagged with its type."""
    return _plain(value)


def dump(book: Book) -> str:
    """A stable JSON text of the whole IR, for tests and `book manifest --ir`."""
    return json.dumps(to_data(book), ensure_ascii=False, indent=1, sort_keys=False)
