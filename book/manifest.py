"""build/manifest.json: the book's metadata and every chapter in reading order, with its counts."""

from __future__ import annotations

import json
from typing import Any

from book.ir import Book, Chapter, Paragraph, SectionHeading, Text


def word_count(chapter: Chapter) -> int:
    """Words of the chapter's body text (paragraphs and section headings), notes excluded."""
    words = 0
    for block in chapter.blocks:
        if isinstance(block, Paragraph):
            words += len(" ".join(i.text for i in block.inlines if isinstance(i, Text)).split())
        elif isinstance(block, SectionHeading):
            words += len(block.text.split())
    return words


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
                "notes": len(c.notes),
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


def manifest_json(book: Book) -> str:
    return json.dumps(manifest_data(book), ensure_ascii=False, indent=2) + "\n"
