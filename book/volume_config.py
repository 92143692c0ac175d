"""`volumes:` in book.yaml: `auto` or a list of volumes by chapter range or arcs, checked at their line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from book.diagnostics import Reporter
from book.ir import SourceLocation

# "1-120", "121-", "7" (en dash allowed, spaces around it too)
RANGE_RE = re.compile(r"^\s*(\d+)\s*(?:([-–])\s*(\d*)\s*)?$")
ENTRY_KEYS = ("title", "chapters", "arcs")
SHAPE = (
    "'volumes:' takes 'auto' or a list of volumes like '- {title: \"The War\", chapters: \"1-120\"}', "
    "'- {chapters: \"121-\"}' or '- {arcs: [\"Arc name\"]}'"
)


@dataclass(frozen=True)
class VolumeSpec:
    """One entry of an explicit `volumes:` list: a chapter range (`last` None: open) or arcs."""

    location: SourceLocation
    title: str | None = None
    first: int | None = None
    last: int | None = None
    arcs: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.arcs:
            return "arcs " + ", ".join(f"'{a}'" for a in self.arcs)
        return f"chapters {self.first}-{'' if self.last is None else self.last}"


@dataclass(frozen=True)
class VolumesConfig:
    """`volumes:`: `auto`, or the explicit list of volumes in reading order."""

    location: SourceLocation
    auto: bool = False
    specs: tuple[VolumeSpec, ...] = ()


class _Bad(Exception):
    """A volume entry's value is wrong; the message says what was expected, `code` which rule."""

    def __init__(self, message: str, code: str = "V001") -> None:
        super().__init__(message)
        self.code = code


def _at(node: yaml.Node, shown: str) -> SourceLocation:
    return SourceLocation(shown, node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_document(node)


def _title(node: yaml.Node) -> str:
    value = _scalar(node)
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        raise _Bad("a volume's 'title' must be a non-empty text")
    return str(value).strip()


def _range(node: yaml.Node) -> tuple[int, int | None]:
    value = _scalar(node)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Bad('\'chapters\' must be a chapter range like "1-120", "121-" or a number')
    match = RANGE_RE.match(str(value))
    if not match:
        raise _Bad(f'\'chapters: {value}\' is not a chapter range like "1-120", "121-" or "7"', "V002")
    first = int(match[1])
    last = first if not match[2] else (int(match[3]) if match[3] else None)
    if last is not None and last < first:
        raise _Bad(f"'chapters: {value}' runs backwards; write \"{last}-{first}\"", "V002")
    return first, last


def _arcs(node: yaml.Node) -> tuple[str, ...]:
    value = _scalar(node)
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise _Bad("'arcs' must be a list of arc names as the title lines spell them")
    return tuple(i.strip() for i in items)


def _entry(node: yaml.Node, shown: str, reporter: Reporter) -> VolumeSpec | None:
    where = _at(node, shown)
    if not isinstance(node, yaml.MappingNode):
        reporter.report("V001", f"a volume must be a mapping; {SHAPE}", where)
        return None
    fields: dict[str, Any] = {}
    ok = True
    for key_node, value_node in node.value:
        key = str(key_node.value)
        at = _at(key_node, shown)
        if key not in ENTRY_KEYS or key in fields:
            problem = "is given twice" if key in fields else "is not a volume key"
            reporter.report("V001", f"'{key}' {problem}; a volume has {', '.join(ENTRY_KEYS)}", at)
            ok = False
            continue
        try:
            reader = {"title": _title, "chapters": _range, "arcs": _arcs}[key]
            fields[key] = reader(value_node)
        except _Bad as exc:
            reporter.report(exc.code, str(exc), at)
            ok = False
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            reporter.report("V001", f"'{key}': cannot read the value: {exc}", at)
            ok = False
    if not ok:
        return None
    if ("chapters" in fields) == ("arcs" in fields):
        reporter.report("V001", "a volume needs either 'chapters' or 'arcs' (not both)", where)
        return None
    first, last = fields.get("chapters", (None, None))
    return VolumeSpec(where, fields.get("title"), first, last, fields.get("arcs", ()))


def read_volumes(node: yaml.Node, location: SourceLocation, reporter: Reporter) -> VolumesConfig | None:
    """The `volumes:` value from its YAML node; every problem reported at its line, None if any."""
    shown = location.path
    if isinstance(node, yaml.ScalarNode):
        if str(node.value).strip().lower() == "auto":
            return VolumesConfig(location, auto=True)
        reporter.report("V001", f"'volumes: {node.value}' is not understood; {SHAPE}", location)
        return None
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reporter.report("V001", f"'volumes:' has the wrong type; {SHAPE}", location)
        return None
    before = len(reporter.errors)
    specs = [_entry(item, shown, reporter) for item in node.value]
    if len(reporter.errors) > before:
        return None
    return VolumesConfig(location, specs=tuple(s for s in specs if s is not None))
