"""book.yaml → a frozen Config; unknown keys, wrong types and bad paths are diagnostics with a line."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from book import labels as label_table
from book.diagnostics import Reporter, display_path
from book.ir import SourceLocation
from book.naming import ARC_TITLE_FIELDS
from book.printing.trim import DEFAULT_TRIM, TRIM_HINT, Trim, parse_trim
from book.volume_config import VolumesConfig, read_volumes

CONFIG_NAME = "book.yaml"

GAP_RANGE_RE = re.compile(r"^\s*(\d+)\s*[-–]\s*(\d+)\s*$")
MAX_GAP_RANGE = 100_000
# Dates as OPF's dc:date wants them (W3CDTF): YYYY, YYYY-MM, YYYY-MM-DD, optionally a time.
W3CDTF_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$"
)
# C0/C1 control characters: no XML document, so no EPUB, may hold them.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

PRINT_PROFILES = ("kdp", "ingram", "proof")
BINDINGS = ("paperback", "hardcover")
PAPERS = ("white", "cream")
ARC_STYLES = ("inline", "grouped")
# An elision as book.yaml lists it: an apostrophe, then the rest of the word (`'em`, `'n'`).
ELISION_RE = re.compile(r"^['\u2019][^\W_]+(?:['\u2019][^\W_]*)*$")


@dataclass(frozen=True)
class PrintConfig:
    """The `print:` section: choices for the PDF backend."""

    trim: Trim = DEFAULT_TRIM
    profile: str = "kdp"
    bleed: bool = False
    fallback_fonts: tuple[str, ...] = ()
    binding: str = "paperback"
    paper: str = "white"


@dataclass(frozen=True)
class Config:
    """Everything book.yaml can say, validated; `None` means 'not given'."""

    source_dir: Path
    path: Path | None = None
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    language: str = "en"
    identifier: str | None = None
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    description: str | None = None
    cover: Path | None = None
    chapters: tuple[Path, ...] | None = None
    known_gaps: frozenset[int] = frozenset()
    typography: bool = True
    # levels of the nav document's contents; the NCX stays at Kindle's two whatever this says
    toc_depth: int = 2
    print: PrintConfig = field(default_factory=PrintConfig)
    labels: tuple[tuple[str, str], ...] = ()  # `labels:` overrides, key → text
    arc_title: str | None = None  # `naming: arc_title:`
    group_arcs: bool = False  # `naming: arcs: grouped`
    elisions: tuple[str, ...] = ()  # `elisions:`, added to the built-in list
    volumes: VolumesConfig | None = None  # None: one book
    # where each top-level key was written, for diagnostics raised by later stages
    locations: dict[str, SourceLocation] = field(default_factory=dict, compare=False)

    def location(self, key: str) -> SourceLocation | None:
        return self.locations.get(key)


class _Invalid(Exception):
    """A value failed validation; the message says what was expected, `code` which diagnostic it is."""

    def __init__(self, message: str, code: str = "C003") -> None:
        super().__init__(message)
        self.code = code


def _string(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise _Invalid("expected a text value")
    text = str(value).strip()
    if not text:
        raise _Invalid("must not be empty")
    bad = CONTROL_RE.search(text)
    if bad:
        raise _Invalid(f"contains the control character U+{ord(bad.group()):04X}, which no e-book may hold")
    return text


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_string(v) for v in value)
    return (_string(value),)


def is_valid_language(tag: str) -> bool:
    """A BCP 47 tag whose subtags are in the IANA registry (langcodes carries a copy of it)."""
    if tag in label_table.TABLES:  # the languages this tool has labels for: valid, and most books'
        return True
    # Imported only here: its registry is a tenth of the time an append build of 1,000 chapters takes.
    import langcodes

    return "_" not in tag and bool(langcodes.tag_is_valid(tag))


def _language(value: Any) -> str:
    text = _string(value)
    hint = " (subtags are joined by '-', not '_')" if "_" in text else ""
    if not is_valid_language(text):
        raise _Invalid(
            f"{text!r} is not a valid BCP 47 language tag{hint}; write one like 'en', 'en-GB', "
            "'pt-BR', 'zh-Hant' or 'ja'",
            "L004",
        )
    return text


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        # A YAML timestamp without a zone is UTC (YAML 1.1); OPF wants the zone spelled out.
        return (
            value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if value.tzinfo
            else (value.strftime("%Y-%m-%dT%H:%M:%SZ"))
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _string(value)
    match = W3CDTF_RE.match(text)
    try:
        if not match:
            raise ValueError(text)
        dt.date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError as exc:
        raise _Invalid(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    return text


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("expected true or false")
    return value


def _toc_depth(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise _Invalid("expected 1, 2 or 3 (levels of the table of contents; Kindle shows 2)")
    return value


def _gaps(value: Any) -> frozenset[int]:
    items = value if isinstance(value, list) else [value]
    gaps: set[int] = set()
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            gaps.add(item)
            continue
        match = GAP_RANGE_RE.match(str(item))
        if not match or int(match[1]) > int(match[2]):
            raise _Invalid(f"{item!r} is not a chapter number or a range like 36-40")
        if int(match[2]) - int(match[1]) >= MAX_GAP_RANGE:
            raise _Invalid(f"{item!r} spans more than {MAX_GAP_RANGE:,} chapters")
        gaps.update(range(int(match[1]), int(match[2]) + 1))
    return frozenset(gaps)


def _paths(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise _Invalid("expected a list of chapter file names")
    return [_string(v) for v in value]


def _print_section(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid("expected a mapping (trim:, profile:, bleed:, binding:, paper:, fallback_fonts:)")
    return value


def _mapping(what: str) -> Callable[[Any], dict[str, Any]]:
    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Invalid(f"expected a mapping ({what})")
        return value

    return check


def _elisions(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    words = []
    for item in items:
        word = _string(item) if isinstance(item, str) else repr(item)
        if not isinstance(item, str) or not ELISION_RE.match(word):
            raise _Invalid(
                f"{word} is not an elision; write the word as it is printed, with its leading "
                'apostrophe, like "\'em" or "\'n\'"',
                "L007",
            )
        words.append(word.replace("\u2019", "'"))
    return tuple(words)


TOP_LEVEL: dict[str, Callable[[Any], Any]] = {
    "title": _string,
    "subtitle": _string,
    "author": _authors,
    "language": _language,
    "identifier": _string,
    "publisher": _string,
    "date": _date,
    "rights": _string,
    "description": _string,
    "cover": _string,
    "chapters": _paths,
    "known_gaps": _gaps,
    "typography": _bool,
    "toc_depth": _toc_depth,
    "print": _print_section,
    "labels": _mapping("a label name, then its text: contents: Table of Contents"),
    "naming": _mapping("arcs:, arc_title:"),
    "elisions": _elisions,
    "volumes": lambda value: value,  # read from its YAML node by book.volume_config, with lines
}


def _profile(value: Any) -> str:
    text = _string(value).lower()
    if text not in PRINT_PROFILES:
        raise _Invalid(f"{text!r} is not a print profile; use one of {', '.join(PRINT_PROFILES)}")
    return text


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    """A validator for a value that must be one of `choices` (case-insensitive)."""

    def check(value: Any) -> str:
        text = _string(value).lower()
        if text not in choices:
            raise _Invalid(f"{text!r} is not a {name}; use one of {', '.join(choices)}")
        return text

    return check


def _trim(value: Any) -> Trim:
    text = _string(value)
    trim = parse_trim(text)
    if trim is None:
        raise _Invalid(f"{text!r} is not a trim size this tool knows; {TRIM_HINT}")
    return trim


def _fonts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_string(v) for v in items)


def _label(key: str) -> Callable[[Any], str]:
    """A validator for one `labels:` entry: a text whose placeholders the label knows."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Invalid(f"the label must be a text in quotes, not {value!r}", "L003")
        problem = label_table.check_label(key, value)
        if problem or not value.strip():
            raise _Invalid(problem or "the label must not be empty", "L003")
        return value

    return check


LABEL_KEYS: dict[str, Callable[[Any], Any]] = {key: _label(key) for key in label_table.KEYS}


def _arc_title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"expected a text like '{{arc}} – {{part}}', not {value!r}", "L006")
    try:
        used = label_table.placeholders(value)
    except ValueError as exc:
        raise _Invalid(f"'{value}' has a stray brace ({exc})", "L006") from exc
    unknown = sorted(used - ARC_TITLE_FIELDS)
    if unknown:
        fields = ", ".join("{" + f + "}" for f in sorted(ARC_TITLE_FIELDS))
        raise _Invalid(f"'{value}' uses {{{unknown[0]}}}; an arc title may use {fields}", "L006")
    return value


def _arc_style(value: Any) -> bool:
    text = value if isinstance(value, str) else repr(value)
    if text not in ARC_STYLES:
        raise _Invalid(f"{text!r} is not an arc style; use inline or grouped", "L006")
    return text == "grouped"


NAMING_KEYS: dict[str, Callable[[Any], Any]] = {"arcs": _arc_style, "arc_title": _arc_title}

PRINT_KEYS: dict[str, Callable[[Any], Any]] = {
    "trim": _trim,
    "profile": _profile,
    "bleed": _bool,
    "fallback_fonts": _fonts,
    "binding": _choice("binding", BINDINGS),
    "paper": _choice("paper", PAPERS),
}


def confine(source_dir: Path, relative: str, root: Path | None = None) -> Path | None:
    """The path inside `source_dir` that `relative` names; None if it resolves outside (.., /, symlinks).

    `root` is `source_dir.resolve()`, for a caller that confines a thousand chapter files.
    """
    root = source_dir.resolve() if root is None else root
    if relative not in ("", ".", "..") and "/" not in relative and not (source_dir / relative).is_symlink():
        return root / relative  # a plain name: what resolve() gives, without its system call per folder
    candidate = (source_dir / relative).resolve()
    if Path(relative).is_absolute() or not candidate.is_relative_to(root):
        return None
    return candidate


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{hint} Known keys: {', '.join(sorted(known))}"


def _mapping_items(
    node: yaml.MappingNode,
    shown: str,
    where: str,
    reporter: Reporter,
    schema: dict[str, Callable[[Any], Any]],
    prefix: str = "",
    unknown_code: str = "C002",
) -> dict[str, tuple[Any, SourceLocation]]:
    """Validate one YAML mapping node against `schema`, returning key → (value, location)."""
    values: dict[str, tuple[Any, SourceLocation]] = {}
    for key_node, value_node in node.value:
        loc = SourceLocation(shown, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        key = str(key_node.value)
        name = prefix + key
        if key not in schema:
            message = f"unknown key '{name}' in {where}{_suggest(key, list(schema))}"
            reporter.report(unknown_code, message, loc)
            continue
        if key in values:
            reporter.report("C003", f"key '{name}' is given twice", loc)
            continue
        try:
            raw = yaml.SafeLoader("").construct_document(value_node)
            values[key] = (schema[key](raw), loc)
        except _Invalid as exc:
            reporter.report(exc.code, f"'{name}': {exc}", loc)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            # PyYAML builds dates and numbers eagerly: `2024-02-30` raises ValueError here.
            reporter.report("C003", f"'{name}': cannot read the value: {exc}", loc)
    return values


def load_config(source_dir: Path, reporter: Reporter) -> Config:
    """Read `source_dir/book.yaml` if present; report every problem, return what was valid."""
    path = source_dir / CONFIG_NAME
    if not path.is_file():
        return Config(source_dir=source_dir)
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reporter.report("C001", f"cannot read {CONFIG_NAME}: {exc}", SourceLocation(shown))
        return Config(source_dir=source_dir, path=path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = SourceLocation(shown, mark.line + 1, mark.column + 1) if mark else SourceLocation(shown)
        reporter.report("C001", f"{exc.problem or exc.context or 'syntax error'}", loc)
        return Config(source_dir=source_dir, path=path)
    except yaml.YAMLError as exc:
        reporter.report("C001", str(exc), SourceLocation(shown))
        return Config(source_dir=source_dir, path=path)
    if root is None:
        return Config(source_dir=source_dir, path=path)
    if not isinstance(root, yaml.MappingNode):
        loc = SourceLocation(shown, root.start_mark.line + 1, root.start_mark.column + 1)
        reporter.report("C003", f"{CONFIG_NAME} must be a mapping of keys (title: ..., author: ...)", loc)
        return Config(source_dir=source_dir, path=path)

    values = _mapping_items(root, shown, CONFIG_NAME, reporter, TOP_LEVEL)
    locations = {key: loc for key, (_, loc) in values.items()}
    given = {key: value for key, (value, _) in values.items()}

    print_config = PrintConfig()
    if "print" in given:
        print_node = next(v for k, v in root.value if k.value == "print")
        assert isinstance(print_node, yaml.MappingNode)
        items = _mapping_items(print_node, shown, "the print section", reporter, PRINT_KEYS, "print.")
        print_config = PrintConfig(**{k: v for k, (v, _) in items.items()})
        locations.update({f"print.{k}": loc for k, (_, loc) in items.items()})

    label_items: dict[str, tuple[Any, SourceLocation]] = {}
    if "labels" in given:
        labels_node = next(v for k, v in root.value if k.value == "labels")
        assert isinstance(labels_node, yaml.MappingNode)
        label_items = _mapping_items(
            labels_node, shown, "the labels section", reporter, LABEL_KEYS, "labels.", "L002"
        )
        locations.update({f"labels.{k}": loc for k, (_, loc) in label_items.items()})
    naming: dict[str, tuple[Any, SourceLocation]] = {}
    if "naming" in given:
        naming_node = next(v for k, v in root.value if k.value == "naming")
        assert isinstance(naming_node, yaml.MappingNode)
        naming = _mapping_items(naming_node, shown, "the naming section", reporter, NAMING_KEYS, "naming.")
    language = given.get("language", "en")
    if label_table.table_key(language) is None:
        reporter.report(
            "L001",
            f"there are no labels for the language '{language}': the book's own words (Chapter, "
            "Contents, Notes...) are in English; translate them under labels: in book.yaml, or add "
            "the language to book/labels.py",
            locations.get("language"),
        )

    cover: Path | None = None
    if "cover" in given:
        cover = confine(source_dir, given["cover"])
        if cover is None:
            reporter.report(
                "C004", f"cover '{given['cover']}' is outside the source folder", locations["cover"]
            )
        elif not cover.is_file():
            reporter.report("C005", f"cover '{given['cover']}' does not exist", locations["cover"])
            cover = None

    chapters: tuple[Path, ...] | None = None
    if "chapters" in given:
        found: list[Path] = []
        chapters_node = next(v for k, v in root.value if k.value == "chapters")
        items = chapters_node.value if isinstance(chapters_node, yaml.SequenceNode) else []
        for index, name in enumerate(given["chapters"]):
            # Point at the list item itself when the list is written one item per line.
            mark = items[index].start_mark if index < len(items) else None
            loc = SourceLocation(shown, mark.line + 1, mark.column + 1) if mark else locations["chapters"]
            resolved = confine(source_dir, name)
            if resolved is None:
                reporter.report(
                    "C004", f"chapter '{name}' is outside the source folder; it was not read", loc
                )
            elif not resolved.is_file():
                reporter.report("C005", f"chapter file '{name}' listed in chapters: does not exist", loc)
            else:
                found.append(resolved)
        chapters = tuple(found)

    volumes = None
    if "volumes" in given:
        volumes_node = next(v for k, v in root.value if k.value == "volumes")
        volumes = read_volumes(volumes_node, locations["volumes"], reporter)

    return Config(
        source_dir=source_dir,
        path=path,
        title=given.get("title"),
        subtitle=given.get("subtitle"),
        authors=given.get("author", ()),
        language=language,
        identifier=given.get("identifier"),
        publisher=given.get("publisher"),
        date=given.get("date"),
        rights=given.get("rights"),
        description=given.get("description"),
        cover=cover,
        chapters=chapters,
        known_gaps=given.get("known_gaps", frozenset()),
        typography=given.get("typography", True),
        toc_depth=given.get("toc_depth", 2),
        print=print_config,
        labels=tuple((key, value) for key, (value, _) in label_items.items()),
        arc_title=naming["arc_title"][0] if "arc_title" in naming else None,
        group_arcs=naming["arcs"][0] if "arcs" in naming else False,
        elisions=given.get("elisions", ()),
        volumes=volumes,
        locations=locations,
    )
