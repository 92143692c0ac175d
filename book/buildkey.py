"""No-op builds: a key over every input of a command; unchanged key and outputs skip the build."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from book.cache import Cache, code_digest, digest, files_digest
from book.config import confine, load_config
from book.diagnostics import Diagnostic, Reporter
from book.readers import discover
from book.resources import style_files
from book.sources import file_digests


@dataclass(frozen=True)
class BuildRecord:
    """What a successful build left: its outputs (with size and mtime) and the diagnostics it printed."""

    outputs: list[Path]
    diagnostics: list[Diagnostic]


def _inputs(source_dir: Path) -> list[Path] | None:
    """The files a build reads: book.yaml, the cover and the chapter files, all inside the folder.

    None when book.yaml has errors: such a build reports them and is never recorded.
    """
    reporter = Reporter()
    config = load_config(source_dir, reporter)
    if reporter.errors:
        return None
    root = source_dir.resolve()
    files = [p for p in discover(config) if confine(source_dir, p.name, root) is not None or config.chapters]
    return [*files, *(p for p in (config.path, config.cover) if p is not None)]


def fingerprint(
    command: str,
    source_dir: Path,
    strict: bool,
    digests: dict[Path, str] | None = None,
    build_dir: Path | None = None,
) -> str | None:
    """Everything the output depends on: sources, tool code, templates, styles, flags, date, libraries.

    `digests`, when given, receives each source file's sha256: the build that follows a changed
    fingerprint need not read and hash a thousand unchanged chapter files again. With `build_dir`,
    a file whose stat has not changed since the last build is not read at all (book/sources.py).
    """
    sources = _inputs(source_dir)
    if sources is None:
        return None
    hashed = file_digests(sorted(sources), build_dir)
    if digests is not None:
        digests.update(hashed)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    # Without SOURCE_DATE_EPOCH the book's date is the newest source mtime, so mtimes count too.
    mtimes = "" if epoch else str(max((int(p.stat().st_mtime) for p in sources if p.exists()), default=0))
    return digest(
        command,
        str(strict),
        str(Path.cwd()),  # diagnostics print paths relative to it
        str(source_dir.resolve()),
        epoch,
        mtimes,
        code_digest("**/*.py"),
        *(f"{path}\n{sha256}" for path, sha256 in hashed.items()),  # digest() length-prefixes each
        files_digest(style_files(source_dir)),  # the user's styles/ override the package's
        os.environ.get("BOOK_JOBS", ""),
    )


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def lookup(build_dir: Path, command: str, key: str) -> BuildRecord | None:
    """The record of the last build of `command` if its key matches and its outputs are untouched."""
    record = Cache(build_dir, "builds").get_json(command, _record)
    if record is None or record[0] != key:
        return None
    _, outputs, stamps, diagnostics = record
    try:
        if [_stamp(p) for p in outputs] != stamps:
            return None
    except OSError:
        return None
    return BuildRecord(outputs, diagnostics)


def _record(data: Any) -> tuple[str, list[Path], list[list[int]], list[Diagnostic]]:
    """A stored record as (key, outputs, stamps, diagnostics); ValueError for what `store` did not write."""
    if type(data) is not dict or data.keys() != {"key", "outputs", "stamps", "diagnostics"}:
        raise ValueError("not a build record")
    key, outputs, stamps, diagnostics = data["key"], data["outputs"], data["stamps"], data["diagnostics"]
    if type(key) is not str or type(outputs) is not list or not all(type(p) is str for p in outputs):
        raise ValueError("not a build record")
    if type(stamps) is not list or type(diagnostics) is not list:
        raise ValueError("not a build record")
    return key, [Path(p) for p in outputs], stamps, [Diagnostic.from_dict(d) for d in diagnostics]


def store(
    build_dir: Path, command: str, key: str, outputs: list[Path], diagnostics: list[Diagnostic]
) -> None:
    """Remember a successful build so an identical one can be skipped."""
    Cache(build_dir, "builds").put_json(
        command,
        {
            "key": key,
            "outputs": [str(p) for p in outputs],
            "stamps": [_stamp(p) for p in outputs],
            "diagnostics": [d.as_dict() for d in diagnostics],
        },
    )
