"""Atomic outputs: write to a temporary file beside the target, rename into place only on success."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from book.ir import Metadata


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target`, on any failure it is removed.

    The previous `target`, if any, stays byte-for-byte as it was until the rename, which is atomic
    on POSIX file systems because the temporary file lives in the same folder.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write(target: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `target` atomically (see atomic_path); `durable` syncs it to disk first."""
    with atomic_path(target) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


def bare_slug(title: str) -> str:
    """`Time Slip Reiwa Japan` → `time-slip-reiwa-japan`; non-Latin titles keep their letters.

    Empty when the title has no letter or digit at all (`!!!`).
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^\w]+", "-", text).strip("-_")
    return slug[:80].strip("-_")


def slugify(title: str) -> str:
    """The slug of `title` for output file names, `book` when it would be empty."""
    return bare_slug(title) or "book"


def output_path(title: str, build_dir: Path, extension: str) -> Path:
    """Where a backend writes its book: `build/<slug-of-title>.<extension>`."""
    return build_dir / f"{slugify(title)}.{extension}"


def volume_suffix(meta: Metadata) -> str:
    """`-vol-01` for a volume (three digits past 99), `` for a whole book."""
    return f"-vol-{meta.series.position:02d}" if meta.series else ""


def book_path(meta: Metadata, build_dir: Path, extension: str) -> Path:
    """Where a book or a volume goes: `build/<slug>.epub`, `build/<slug>-vol-01.epub`."""
    title = meta.series.title if meta.series else meta.title
    return build_dir / f"{slugify(title)}{volume_suffix(meta)}.{extension}"
