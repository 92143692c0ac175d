"""A content-addressed build cache under BUILD/.cache: work keyed by hashes of all it depends on."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from book.output import atomic_write
from book.resources import PACKAGE_DIR

LIBRARIES = (
    "docutils",
    "ebooklib",
    "jinja2",
    "lxml",
    "pillow",
    "weasyprint",
    "pydyf",
    "fonttools",
    "pyphen",
    "pikepdf",
)


def digest(*parts: bytes | str) -> str:
    """sha256 over the parts, each length-prefixed so ('ab','c') and ('a','bc') differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """One hash over files' names and contents, in a stable order."""
    h = hashlib.sha256()
    for path in sorted(p for p in paths if p.is_file()):
        h.update(digest(str(path), path.read_bytes()).encode())  # one file in memory at a time
    return h.hexdigest()


@cache
def code_digest(*modules: str) -> str:
    """A hash of this tool's own code, templates and styles that a backend depends on.

    `modules` are file-name globs under book/ (e.g. "writers/epub/*.py"); templates and the
    packaged styles are always included, so any change to them invalidates every cached piece.
    The user's own styles/ are not code: the keys that depend on them include them.
    """
    paths: list[Path] = []
    for pattern in (*modules, "ir.py", "diagnostics.py", "resources.py", "templates/**/*", "styles/**/*"):
        paths += PACKAGE_DIR.glob(pattern)
    return digest(files_digest(paths), *_library_versions())


def _library_versions() -> list[str]:
    """The versions of the libraries whose output lands in the book: an upgrade invalidates the cache."""
    installed = _dist_info_versions()
    versions = []
    for name in LIBRARIES:
        version = installed.get(_normalized(name))
        if version is None:  # not installed as a *.dist-info folder: ask importlib.metadata
            import importlib.metadata

            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "none"
        versions.append(f"{name}=={version}")
    return versions


def _dist_info_versions() -> dict[str, str]:
    """Installed distributions' versions from their `NAME-VERSION.dist-info` folders on sys.path, the
    first found winning as for an import. Importing importlib.metadata costs a fifth of what an
    append build of a thousand chapters may take; listing the folders costs nothing."""
    versions: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            stem = folder.removesuffix(".dist-info")
            if stem != folder and stem.count("-") == 1:
                name, version = stem.split("-")
                versions.setdefault(_normalized(name), version)
    return versions


def _normalized(name: str) -> str:
    """A distribution name as PEP 503 compares them (EbookLib, ebooklib; foo_bar, foo-bar)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def enabled() -> bool:
    """BOOK_NO_CACHE=1 turns the cache off (the benchmark's cold runs, debugging)."""
    return os.environ.get("BOOK_NO_CACHE", "") in ("", "0")


# Cache entries are data, never code: JSON values read back by decoders that accept only what this
# version wrote. Every entry carries this format version; any entry that is corrupt, truncated,
# foreign or of another version is a miss, rebuilt and overwritten, never an error.
FORMAT_VERSION = 1
# What reading an entry that is not ours can raise: bad UTF-8 or JSON (ValueError, which also covers
# ir.DataError and the decoders' own checks) and JSON nested deeper than Python parses (RecursionError).
NOT_AN_ENTRY = (ValueError, RecursionError)

T = TypeVar("T")
# An entry's stored JSON text: bytes, or a view into a bundle file's bytes (see _read_lines).
Raw = bytes | memoryview


def _identity(value: Any) -> Any:
    return value


class Cache:
    """Files stored by key in one folder: raw bytes or versioned JSON; a miss is None, a write is atomic."""

    def __init__(self, build_dir: Path, namespace: str) -> None:
        self.root = build_dir / ".cache" / namespace

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if not enabled():
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        if enabled():
            # Not fsynced: a lost cache entry after a crash only costs a rebuild of that piece.
            atomic_write(self._path(key), data, durable=False)

    def get_json(self, key: str, decode: Callable[[Any], T] = _identity) -> T | None:
        """The value `put_json` stored, passed through `decode` (which raises ValueError on a value
        that is not what it expects); None when missing or not a valid entry of this version."""
        data = self.get(key)
        if data is None:
            return None
        try:
            entry = json.loads(data)
            if type(entry) is not dict or entry.keys() != {"version", "value"}:
                return None
            if entry["version"] != FORMAT_VERSION:
                return None
            return decode(entry["value"])
        except NOT_AN_ENTRY:
            return None

    def put_json(self, key: str, value: Any) -> None:
        entry = {"version": FORMAT_VERSION, "value": value}
        self.put(key, json.dumps(entry, sort_keys=True).encode("utf-8"))


class Bundle:
    """Many small cached JSON values in one file, read on first use, written by `save()`.

    One file instead of one per entry: a thousand chapters cost one read and one write, not a
    thousand. It is a text file of one entry per line, `KEY<tab>VERSION<tab>JSON`, with the JSON
    ASCII-only (so no line break inside it). Entries are parsed only when asked for, and those not
    asked for again are written back as the same bytes, never decoded and re-encoded.
    `save()` keeps only the entries this build used, so the bundle never grows stale.

    A build that changes a few entries of many (a chapter appended or edited) writes only those:
    beside the base file, a small delta file holds the entries added or replaced since the base was
    written and a tombstone (an empty value) for each base entry no longer used. The base is
    rewritten whole, and the delta removed, once the delta is a quarter of the base's size.
    """

    def __init__(self, build_dir: Path, namespace: str) -> None:
        self.path = build_dir / ".cache" / f"{namespace}.bundle"
        self.delta_path = build_dir / ".cache" / f"{namespace}.delta.bundle"
        self._base: dict[str, Raw] | None = None
        self._delta: dict[str, Raw] = {}
        self._old: dict[str, Raw] = {}
        self._used: dict[str, Raw] = {}
        self.enabled = enabled()  # once, not per entry: a thousand chapters ask many times

    def _load(self) -> dict[str, Raw]:
        if self._base is None:
            self._base = _read_lines(self.path)
            self._delta = _read_lines(self.delta_path)
            self._old = {**self._base, **self._delta}
            for key, raw in self._delta.items():
                if not raw:  # a tombstone: the base's entry is no longer used
                    del self._old[key]
        return self._old

    def get(self, key: str, decode: Callable[[Any], T] = _identity) -> T | None:
        """The value stored under `key`, passed through `decode` (which raises ValueError on a value
        it does not expect: e.g. ir.from_data); None on a miss or an entry that is not valid."""
        raw = self.get_raw(key)
        if raw is None:
            return None
        try:
            value = decode(json.loads(bytes(raw)))
        except NOT_AN_ENTRY:
            self._used.pop(key, None)
            return None
        return value

    def get_raw(self, key: str) -> Raw | None:
        """The stored JSON text under `key`, not parsed (the caller checks it); kept by `save()`."""
        if not self.enabled:
            return None
        raw = self._load().get(key)
        if raw is not None:
            self._used[key] = raw
        return raw

    def forget(self, key: str) -> None:
        """Do not keep `key` (an entry the caller found not valid after `get_raw`)."""
        self._used.pop(key, None)

    def put(self, key: str, value: Any) -> None:
        """Store a JSON-able value (lists, dicts with string keys, strings, numbers, booleans, None)."""
        self.put_raw(key, json.dumps(value, separators=(",", ":")).encode("ascii"))

    def put_raw(self, key: str, raw: Raw) -> None:
        """Store JSON text the caller encoded (ASCII-only, as `put` writes it)."""
        if self.enabled:
            # Keys are digests: nothing in one can break the line format.
            if not (key.isascii() and key.isalnum()):
                raise ValueError(f"a cache key must be letters and digits: {key!r}")
            self._used[key] = raw

    def save(self) -> None:
        if not self.enabled or self._used == self._load():
            return
        base = self._base or {}
        # `is` first: an entry kept from the base is the base's own view, compared without reading it
        delta = {
            key: raw for key, raw in self._used.items() if base.get(key) is not raw and base.get(key) != raw
        }
        delta.update((key, b"") for key in base if key not in self._used)
        if base and sum(map(len, delta.values())) + len(delta) * 80 < sum(map(len, base.values())) // 4:
            if delta != self._delta:
                atomic_write(self.delta_path, _lines(delta), durable=False)
            return
        atomic_write(self.path, _lines(self._used), durable=False)
        # A delta left by a crash here only repeats what the new base holds (keys are digests).
        self.delta_path.unlink(missing_ok=True)

    def remove(self) -> None:
        """Delete the bundle's files; what this object holds is forgotten too."""
        self.delta_path.unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)
        self._base, self._delta, self._old, self._used = None, {}, {}, {}


def _read_lines(path: Path) -> dict[str, Raw]:
    """A bundle file's entries of this format version, by key; empty when missing or unreadable.

    Each value is a view into the file's bytes, not a copy: an append build reads a bundle of a
    thousand chapters and copies out only the few entries it parses.
    """
    try:
        text = path.read_bytes()
    except OSError:
        return {}
    view = memoryview(text)
    version = b"\t%d\t" % FORMAT_VERSION
    entries: dict[str, Raw] = {}
    start = 0
    while start < len(text):
        end = text.find(b"\n", start)
        end = len(text) if end < 0 else end
        tab = text.find(b"\t", start, end)
        if tab >= 0 and text.startswith(version, tab):
            entries[text[start:tab].decode("ascii", "replace")] = view[tab + len(version) : end]
        start = end + 1
    return entries


def _lines(entries: dict[str, Raw]) -> bytes:
    version = str(FORMAT_VERSION).encode()
    return b"".join(b"%s\t%s\t%s\n" % (key.encode(), version, raw) for key, raw in entries.items())
