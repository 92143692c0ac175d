"""Print hyphenation by language: the pyphen dictionary WeasyPrint will use for the book's `lang`."""

from __future__ import annotations

import pyphen

# Languages whose lines break between syllables or characters without hyphens: no dictionary needed.
UNHYPHENATED = frozenset({"ja", "zh", "ko", "vi", "th", "lo", "km", "my"})


def dictionary(language: str) -> str | None:
    """The pyphen dictionary for a BCP 47 tag, found as WeasyPrint finds it; None when there is none."""
    found: str | None = pyphen.language_fallback(language)
    return found


def needs_dictionary(language: str) -> bool:
    """Whether print in this language is set with hyphens at all."""
    return language.lower().split("-")[0] not in UNHYPHENATED
