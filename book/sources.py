"""The source files' sha256, each read and hashed only when its stat changed since the last build.

A build of a thousand chapters would otherwise read and hash every file just to learn that all but
one are unchanged. As git's index does, BUILD/.cache keeps each file's size, modification and change
times and inode beside its digest; a file whose stat is the same is not read. The change time is set
by the system on every write (no tool can set it back), and a record is trusted only if the file
had not changed in the two seconds before it was made: a second write within the same clock tick
would leave the stat as it was.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from time import time_ns
from typing import Any

from book.cache import Cache

# How long after a file's last change its stat is a safe stand-in for its bytes (racy-git's rule).
SETTLED_NS = 2_000_000_000


def file_digests(paths: Iterable[Path], build_dir: Path | None) -> dict[Path, str]:
    """Every regular file of `paths` that can be read, by path: the sha256 of its bytes."""
    cache = Cache(build_dir, "sources") if build_dir is not None else None
    index = (cache.get_json("index", _index) if cache else None) or {}
    now = time_ns()
    digests: dict[Path, str] = {}
    records: dict[str, list[Any]] = {}
    for path in paths:
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                continue
            stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
            kept = index.get(str(path))
            if kept is not None and kept[:4] == stamp and kept[5]:
                sha256 = kept[4]
            else:
                sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:  # gone or unreadable: the reader reports it
            continue
        digests[path] = sha256
        records[str(path)] = [*stamp, sha256, now - info.st_ctime_ns > SETTLED_NS]
    if cache and records != index:
        cache.put_json("index", records)
    return digests


def _index(value: Any) -> dict[str, list[Any]]:
    """A stored index: path → [size, mtime, ctime, inode, sha256, settled]; ValueError for anything else."""
    if type(value) is not dict:
        raise ValueError("not an index of source files")
    for record in value.values():
        if (
            type(record) is not list
            or len(record) != 6
            or not all(type(number) is int for number in record[:4])
            or type(record[4]) is not str
            or len(record[4]) != 64
            or type(record[5]) is not bool
        ):
            raise ValueError("not a record of a source file")
    return value
