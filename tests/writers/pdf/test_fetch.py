"""The URL fetcher serves styles/ and the source folder, data: URLs, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from book.resources import STYLES_DIR
from book.writers.pdf.fetch import ConfinedFetcher


def test_serves_styles_source_and_data(tmp_path: Path) -> None:
    (tmp_path / "pic.png").write_bytes(b"png")
    fetcher = ConfinedFetcher([STYLES_DIR, tmp_path])
    assert fetcher.fetch((STYLES_DIR / "print.css").as_uri()).read().startswith(b"/*")
    assert fetcher.fetch((tmp_path / "pic.png").as_uri()).read() == b"png"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch("data:text/plain,a%20b").read() == b"a b"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.invalid/x.css",
        "ftp://host/file",
        "file://otherhost/tmp/x",
    ],
)
def test_refuses_everything_else(url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ConfinedFetcher([STYLES_DIR, tmp_path]).fetch(url)


def test_refuses_escapes_through_dotdot(tmp_path: Path) -> None:
    inside = tmp_path / "src"
    inside.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    with pytest.raises(ValueError):
        ConfinedFetcher([inside]).fetch(inside.as_uri() + "/../secret.txt")
