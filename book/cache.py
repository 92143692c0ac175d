"""A content-addressed build cache under BUILD/.cache: work keyed by hashes of all it depends on."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

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
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}==none")
    return versions


def enabled() -> bool:
    """BOOK_NO_CACHE=1 turns the cache off (the benchmark's cold runs, debugging)."""
    return os.environ.get("BOOK_NO_CACHE", "") in ("", "0")


class Cache:
    """Bytes stored by key in one folder; a miss is None, a write is atomic."""

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

    def get_json(self, key: str) -> Any:
        data = self.get(key)
        return json.loads(data) if data is not None else None

    def put_json(self, key: str, value: Any) -> None:
        self.put(key, json.dumps(value, sort_keys=True).encode("utf-8"))


class Bundle:
    """Many small cached values in one file: read whole on first use, written whole by `save()`.

    One file instead of one per entry: a thousand chapters cost one read and one write, not a
    thousand. `save()` keeps only the entries this build used, so the bundle never grows stale.
    """

    def __init__(self, build_dir: Path, namespace: str) -> None:
        self.path = build_dir / ".cache" / f"{namespace}.pickle"
        self._old: dict[str, Any] | None = None
        self._used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        if self._old is None:
            try:
                with open(self.path, "rb") as handle:
                    loaded = pickle.load(handle)
                self._old = loaded if isinstance(loaded, dict) else {}
            except Exception:  # missing, truncated or from another version: start empty
                self._old = {}
        return self._old

    def get(self, key: str) -> Any:
        if not enabled():
            return None
        value = self._load().get(key)
        if value is not None:
            self._used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        if enabled():
            self._used[key] = value

    def save(self) -> None:
        if enabled() and self._used.keys() != self._load().keys():
            atomic_write(self.path, pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
