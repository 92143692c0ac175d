"""Each volume through a writer, skipping the volumes whose inputs did not change since they were built.

A serial grows at its end: after an append, every closed volume has the same chapters, metadata and
settings as before. Its files are still the ones that build wrote (same size and time), so it is
not rebuilt (not even merged from cached parts); its warnings are replayed. The rest are built.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from book import buildkey
from book.backends import Backend
from book.cache import code_digest, digest, files_digest
from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book
from book.output import volume_suffix
from book.resources import style_files


def volume_key(command: str, volume: Book, config: Config, strict: bool) -> str:
    """Everything a volume's output depends on: its chapters' files and metadata (its own date
    included), the settings that shape it, the tool's code, the styles, the flags."""
    settings = dataclasses.replace(config, locations={}, path=None, volumes=None)
    chapters = [f"{c.location.path}\n{c.sha256}" for c in volume.chapters]
    return digest(
        command,
        str(strict),
        str(Path.cwd()),  # diagnostics print paths relative to it
        repr(volume.metadata),
        repr(settings),
        *chapters,
        files_digest([config.cover] if config.cover else []),
        code_digest("**/*.py"),
        files_digest(style_files(config.source_dir)),
        os.environ.get("BOOK_JOBS", ""),
    )


def write_volumes(
    backend: Backend, volumes: list[Book], config: Config, build_dir: Path, strict: bool, reporter: Reporter
) -> tuple[list[Path], list[Path]]:
    """Write every volume with `backend`: (every volume's files, the files written this time).
    Unchanged volumes are reported up to date, not rebuilt."""
    outputs: list[Path] = []
    fresh: list[Path] = []
    for volume in volumes:
        name = backend.name + volume_suffix(volume.metadata)
        key = volume_key(backend.name, volume, config, strict) if backend.skips_when_unchanged else None
        record = buildkey.lookup(build_dir, name, key) if key else None
        if record is not None:
            reporter.extend(record.diagnostics)
            for path in record.outputs:
                print(f"up to date: {display_path(path)}")
            outputs += record.outputs
            continue
        before = len(reporter.diagnostics)
        written = backend.writer()(volume, config, build_dir, reporter)
        outputs += written
        fresh += written
        own = reporter.diagnostics[before:]
        if key and written and not any(d in reporter.errors for d in own):
            buildkey.store(build_dir, name, key, written, own)
    return outputs, fresh
