"""The book's intermediate representation: frozen types only, shared by readers, transforms and writers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

T = TypeVar("T")


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

    # Cached, and filled in ahead by `deferred_chapter`: the contents and the manifest ask for these of
    # every chapter, and a chapter kept in the build cache answers without decoding its blocks.
    @cached_property
    def headings(self) -> tuple[SectionHeading, ...]:
        return tuple(b for b in self.blocks if isinstance(b, SectionHeading))

    @cached_property
    def word_count(self) -> int:
        """Words of the body text (paragraphs and section headings), notes excluded."""
        words = 0
        for block in self.blocks:
            if isinstance(block, Paragraph):
                words += len(" ".join(i.text for i in block.inlines if isinstance(i, Text)).split())
            elif isinstance(block, SectionHeading):
                words += len(block.text.split())
        return words

    @cached_property
    def note_numbers(self) -> tuple[int, ...]:
        """The book-wide numbers of the chapter's notes, in order (what most stages need of them)."""
        return tuple(note.number for note in self.notes)

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute of a Chapter

        def __getattr__(self, name: str) -> Any:
            """Only reached for the blocks or notes of a `deferred_chapter`: decoded now, once."""
            pending = self.__dict__.get(_PENDING)
            if pending is None or name not in pending:
                raise AttributeError(name)
            value = self.__dict__[name] = pending.pop(name)()
            if not pending:
                del self.__dict__[_PENDING]
            return value

        def __getstate__(self) -> dict[str, Any]:
            # A copy holds decoded fields, never the functions that would decode them.
            self.blocks, self.notes  # noqa: B018
            return self.__dict__


@dataclass(frozen=True)
class Series:
    """The series a volume belongs to: the whole book's title and this volume's place in it."""

    title: str
    position: int


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
    series: Series | None = None  # set on each volume of a book split by `volumes:`


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

    @property
    def has_notes(self) -> bool:
        """Whether any chapter has a note (without decoding the notes of chapters kept in the cache)."""
        return any(chapter.note_numbers for chapter in self.chapters)


# --- data: the IR as JSON-able values and back ------------------------------------
#
# Every node is a dict tagged with its type name ({"type": "Paragraph", ...}, fields in declaration
# order), tuples are lists and datetimes ISO 8601 strings. `from_data` is the exact inverse of
# `to_data` and accepts nothing else: it is how the build cache and `book manifest --ir` read the IR
# back, so whatever it is given (a corrupt or foreign cache entry, a hand-edited dump) either decodes
# to well-typed nodes or raises DataError, never anything else. Both directions are compiled once per
# type from the type hints, so a thousand cached chapters decode in a fraction of a second.

NODE_TYPES: tuple[type, ...] = (
    SourceLocation,
    Text,
    NoteRef,
    Paragraph,
    SectionHeading,
    SceneBreak,
    Note,
    StripReport,
    Chapter,
    Series,
    Metadata,
    Wording,
    Book,
)
# The plain values a field may hold, type-checked exactly (a bool is no int, an int no float).
PRIMITIVES = (str, int, bool)


class DataError(ValueError):
    """The data is not the IR as `to_data` writes it."""


Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


def _fail(expected: str, value: Any) -> NoReturn:
    raise DataError(f"expected {expected}, found {_preview(value)}")


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _primitive(kind: type) -> Decode:
    def decode(value: Any) -> Any:
        if type(value) is not kind:
            _fail(kind.__name__, value)
        return value

    return decode


def _optional(inner: Decode) -> Decode:
    return lambda value: None if value is None else inner(value)


def _datetime(value: Any) -> dt.datetime:
    if type(value) is not str:
        _fail("an ISO 8601 date and time", value)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        _fail("an ISO 8601 date and time", value)
    if parsed.isoformat() != value:  # only the form to_data writes: the inverse is exact
        _fail("a date and time as datetime.isoformat() writes it", value)
    return parsed


def _sequence(item: Decode | None, kind: type | None) -> Decode:
    """A list → a tuple; items decoded by `item`, or only type-checked against `kind` (faster)."""

    def decode(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            _fail("a list", value)
        if item is not None:
            return tuple(map(item, value))
        for element in value:
            if type(element) is not kind:
                _fail(kind.__name__ if kind else "?", element)
        return tuple(value)

    return decode


def _tagged(members: tuple[type, ...]) -> Decode:
    """A node of one of `members`, chosen by its "type" tag."""
    by_tag = {cls.__name__: cls for cls in members}
    names = " or ".join(by_tag)

    def decode(value: Any) -> Any:
        if type(value) is not dict:
            _fail(names, value)
        tag = value.get("type")
        cls = by_tag.get(tag) if type(tag) is str else None
        if cls is None:
            _fail(names, value)
        return _DECODERS[cls](value)

    return decode


def _fixed(items: tuple[Decode, ...]) -> Decode:
    """A list of exactly len(items) values → a tuple, each decoded by its own item decoder."""

    def decode(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) != len(items):
            _fail(f"a list of {len(items)}", value)
        return tuple(item(element) for item, element in zip(items, value, strict=True))

    return decode


def _field_decoder(hint: Any) -> Decode:
    if hint in PRIMITIVES:
        return _primitive(hint)
    if hint is dt.datetime:
        return _datetime
    if hint in NODE_TYPES:
        return _tagged((hint,))
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) and len(args) == 2 and args[1] is type(None):
        return _optional(_field_decoder(args[0]))
    if isinstance(hint, types.UnionType) and all(a in NODE_TYPES for a in args):
        return _tagged(args)
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = args[0]
        return _sequence(None, item) if item in PRIMITIVES else _sequence(_field_decoder(item), None)
    if typing.get_origin(hint) is tuple and Ellipsis not in args:
        return _fixed(tuple(_field_decoder(arg) for arg in args))
    raise TypeError(f"the IR has a field type that from_data cannot decode: {hint!r}")


def _node_decoder(cls: type) -> Decode:
    name = cls.__name__
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(
            f"{name}: from_data fills __dict__ directly, so IR types have no __post_init__ or slots"
        )
    hints = typing.get_type_hints(cls)
    # Per field: a str or int is type-checked inline, anything else goes to its decoder (the hot path).
    fields: list[tuple[str, type, Decode | None]] = [
        (f.name, hints[f.name], None if hints[f.name] in PRIMITIVES else _field_decoder(hints[f.name]))
        for f in dataclasses.fields(cls)
    ]
    size = len(fields) + 1
    new = object.__new__
    set_dict = object.__setattr__

    def decode(value: Any) -> Any:
        # The right size, the tag and every field (value[key] raises KeyError): exactly these keys.
        if type(value) is not dict or len(value) != size or value.get("type") != name:
            _fail(f"a {name} with exactly the fields {[key for key, _, _ in fields]}", value)
        attributes = {}
        for key, kind, decode_field in fields:
            item = value[key]
            if decode_field is not None:
                item = decode_field(item)
            elif type(item) is not kind:
                _fail(f"{name}.{key} to be {kind.__name__}", item)
            attributes[key] = item
        node: Any = new(cls)
        # What the frozen dataclass's __init__ would do, minus a setattr call per field.
        set_dict(node, "__dict__", attributes)
        return node

    return decode


def _node_encoder(cls: type) -> Encode:
    name = cls.__name__
    fields = [f.name for f in dataclasses.fields(cls)]

    def encode(node: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"type": name}
        values = node.__dict__
        for key in fields:
            # getattr only for what is not in __dict__: the blocks of a `deferred_chapter`
            data[key] = _plain(values[key] if key in values else getattr(node, key))
        return data

    return encode


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    encode = _ENCODERS.get(kind)
    if encode is not None:
        return encode(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {"type": kind.__name__}
        for f in dataclasses.fields(value):
            data[f.name] = _plain(getattr(value, f.name))
        return data
    return value


_ENCODERS: dict[type, Encode] = {cls: _node_encoder(cls) for cls in NODE_TYPES}
_DECODERS: dict[type, Decode] = {}
_DECODERS.update((cls, _node_decoder(cls)) for cls in NODE_TYPES)
_ANY_NODE = _tagged(NODE_TYPES)


def to_data(value: Any) -> Any:
    """The IR as plain JSON-able data, every node tagged with its type."""
    return _plain(value)


@typing.overload
def from_data(data: Any) -> Any: ...


@typing.overload
def from_data(data: Any, expected: type[T]) -> T: ...


def from_data(data: Any, expected: type | None = None) -> Any:
    """The node `to_data` wrote as `data` (of type `expected` when given); DataError for anything else."""
    decode = _ANY_NODE if expected is None else _DECODERS.get(expected)
    if decode is None:
        raise TypeError(f"{expected!r} is not an IR node type")
    return _decoded(decode, data)


def _decoded(decode: Decode, data: Any) -> Any:
    """`decode(data)`, a node of the right size without one of its fields being a DataError too."""
    try:
        return decode(data)
    except KeyError as missing:
        raise DataError(f"a node has no field {missing}") from None


_PENDING = "_pending"  # a deferred chapter's fields not decoded yet: name → the function that decodes it
_BLOCKS = _sequence(_tagged(typing.get_args(Block)), None)
_NOTES = _sequence(_tagged((Note,)), None)


def blocks_from_data(data: Any) -> tuple[Block, ...]:
    """A chapter's blocks as `to_data(chapter.blocks)` wrote them; DataError for anything else."""
    blocks: tuple[Block, ...] = _decoded(_BLOCKS, data)
    return blocks


def notes_from_data(data: Any) -> tuple[Note, ...]:
    """A chapter's notes as `to_data(chapter.notes)` wrote them; DataError for anything else."""
    notes: tuple[Note, ...] = _decoded(_NOTES, data)
    return notes


def deferred_chapter(
    chapter: Chapter,
    blocks: Callable[[], tuple[Block, ...]],
    notes: Callable[[], tuple[Note, ...]],
    headings: tuple[SectionHeading, ...],
    words: int,
    note_numbers: tuple[int, ...],
) -> Chapter:
    """`chapter` (read without its blocks and notes) whose blocks `blocks()` and notes `notes()` give
    when first asked for.

    For the build cache: a thousand unchanged chapters of which an EPUB rebuild needs the blocks and
    notes of none. Their headings, word count and note numbers, which it does need, are given.
    """
    state = {key: value for key, value in chapter.__dict__.items() if key not in ("blocks", "notes")}
    state.update(headings=headings, word_count=words, note_numbers=note_numbers)
    state[_PENDING] = {"blocks": blocks, "notes": notes}
    node: Chapter = object.__new__(Chapter)
    object.__setattr__(node, "__dict__", state)
    return node


def dump(book: Book) -> str:
    """A stable JSON text of the whole IR, for tests and `book manifest --ir`."""
    return json.dumps(to_data(book), ensure_ascii=False, indent=1, sort_keys=False)


def load(text: str | bytes) -> Book:
    """The Book that `dump` wrote (pandoc's JSON AST round trip); DataError for any other text."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DataError(f"not JSON: {exc}") from None
    return from_data(data, Book)
