"""build/manifest.json: the book's metadata and every chapter in reading order, with its counts."""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from book.cache import Cache, digest
from book.ir import Book, Chapter
from book.output import book_path


def word_count(chapter: Chapter) -> int:
    """Words of the chapter's body text (paragraphs and section headings), notes excluded."""
    return chapter.word_count


def manifest_data(book: Book) -> dict[str, Any]:
    """What build/manifest.json holds: metadata, then each chapter in reading order."""
    meta = book.metadata
    return {
        "book": {
            "title": meta.title,
            "subtitle": meta.subtitle,
            "authors": list(meta.authors),
            "language": meta.language,
            "identifier": meta.identifier,
            "publisher": meta.publisher,
            "date": meta.date,
            "rights": meta.rights,
            "description": meta.description,
            "modified": meta.modified.isoformat(),
        },
        "chapters": [
            {
                "number": c.number,
                "title": c.title,
                "arc": c.arc,
                "part": c.part,
                "source": c.location.path,
                "sha256": c.sha256,
                "words": word_count(c),
                "notes": len(c.note_numbers),
                "headings": [h.text for h in c.headings],
                "stripped": {
                    "stats_lines": c.strip.stats_lines,
                    "padding_lines": c.strip.padding_lines,
                    "notes_separators": c.strip.notes_separators,
                    "notes_headings": c.strip.notes_headings,
                    "trailers": c.strip.trailers,
                    "control_characters": c.strip.control_characters,
                },
            }
            for c in book.chapters
        ],
    }


def volume_key(volume: Book, settings: object) -> str:
    """What a volume's page count depends on: its title, its chapters and the print settings."""
    return digest(volume.metadata.title, repr(settings), *(c.sha256 for c in volume.chapters))


def record_pages(build_dir: Path, volume: Book, settings: object, pages: int) -> None:
    """Remember the page count of a volume's built PDF, for `make manifest`."""
    name = book_path(volume.metadata, build_dir, "pdf").name
    Cache(build_dir, "pages").put_json(digest(name), {"key": volume_key(volume, settings), "pages": pages})


def known_pages(build_dir: Path, volume: Book, settings: object) -> int | None:
    """The page count of the volume's last built PDF, if it was built from these chapters."""
    name = book_path(volume.metadata, build_dir, "pdf").name
    record = Cache(build_dir, "pages").get_json(digest(name))
    if not record or record.get("key") != volume_key(volume, settings):
        return None
    return int(record["pages"])


def volumes_data(volumes: list[Book], build_dir: Path, settings: object) -> list[dict[str, Any]]:
    """Which chapters are in which volume, with each volume's files and its pages once known."""
    return [
        {
            "number": v.metadata.series.position if v.metadata.series else 1,
            "title": v.metadata.title,
            "identifier": v.metadata.identifier,
            "chapters": [c.number for c in v.chapters],
            "words": sum(word_count(c) for c in v.chapters),
            "epub": book_path(v.metadata, build_dir, "epub").name,
            "pdf": book_path(v.metadata, build_dir, "pdf").name,
            "pages": known_pages(build_dir, v, settings),
        }
        for v in volumes
    ]


def manifest_json(
    book: Book, volumes: list[Book] | None = None, build_dir: Path = Path("build"), settings: object = None
) -> str:
    """The manifest; with `volumes:` it also says which chapters went into which volume."""
    data = manifest_data(book)
    if volumes is not None:
        data["volumes"] = volumes_data(volumes, build_dir, settings)
    return indented_json(data) + "\n"


def indented_json(value: Any, margin: str = "") -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same text, in a fifth of the time: with an
    indent json encodes in Python, a generator per value, and a thousand chapters' manifest is 40 ms
    of an append build that may take 500."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = margin + "  "
        items = (f"{inner}{_key(key)}: {indented_json(item, inner)}" for key, item in value.items())
        return "{\n" + ",\n".join(items) + "\n" + margin + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = margin + "  "
        return "[\n" + ",\n".join(inner + indented_json(item, inner) for item in value) + "\n" + margin + "]"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value)  # None, booleans, floats: as json writes them


def _key(key: object) -> str:
    if type(key) is not str:
        raise TypeError(f"a manifest key must be a string: {key!r}")
    return encode_basestring(key)
