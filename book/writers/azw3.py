"""IR → Kindle AZW3 (KF8): the book's EPUB converted by calibre's `ebook-convert`, when calibre is there.

Amazon's own tools are not available on Linux; calibre's conversion is what most people use to put
an EPUB on a Kindle by USB. The EPUB is built into a temporary folder first, so `book azw3` needs
nothing else built, and the AZW3 replaces the previous one only once calibre has finished.
calibre's output is not byte-reproducible (it stamps its own ids and times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from book.config import Config
from book.diagnostics import Reporter, display_path
from book.ir import Book, SourceLocation
from book.output import book_path
from book.writers.epub import render_parts, write_parts

TIMEOUT = 900  # seconds; calibre takes about a second per 100 chapters
INSTALL_HINT = "install calibre (Debian/Ubuntu: apt-get install calibre; or run 'make tools')"


def _tail(text: str, lines: int = 4) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def _convert(convert: str, epub: Path, azw3: Path, where: SourceLocation, reporter: Reporter) -> bool:
    try:
        result = subprocess.run(
            [convert, str(epub), str(azw3)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        reporter.report("D012", f"calibre's ebook-convert could not run: {exc}", where)
        return False
    if result.returncode != 0 or not azw3.is_file() or azw3.stat().st_size == 0:
        detail = _tail(result.stderr) or _tail(result.stdout) or "no output"
        reporter.report("D012", f"ebook-convert failed ({result.returncode}): {detail}", where)
        return False
    return True


def build_azw3(book: Book, config: Config, build_dir: Path, reporter: Reporter) -> list[Path]:
    """Write `build/<slug>.azw3`; D011 when calibre is missing, D012 when its conversion fails."""
    target = book_path(book.metadata, build_dir, "azw3")
    where = SourceLocation(display_path(target))
    convert = shutil.which("ebook-convert")
    if convert is None:
        reporter.report(
            "D011",
            f"cannot make {target.name}: calibre's ebook-convert is not installed; {INSTALL_HINT}",
            where,
        )
        return []
    parts = render_parts(book, config, build_dir, reporter)
    if parts is None:
        return []
    # The temporary folder sits beside the target, so the rename into place is atomic.
    with tempfile.TemporaryDirectory(prefix=".azw3-", dir=build_dir) as tmp:
        epub, azw3 = Path(tmp) / "book.epub", Path(tmp) / "book.azw3"
        write_parts(parts, book, epub)
        if not _convert(convert, epub, azw3, where, reporter):
            return []
        os.chmod(azw3, 0o644)
        os.replace(azw3, target)
    return [target]
