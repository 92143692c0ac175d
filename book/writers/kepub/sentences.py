"""Split running text into sentences without losing, moving or doubling a character."""

from __future__ import annotations

import re

# Words that end in a full stop without ending the sentence (compared lower-case, dots removed).
# Dotted forms (`U.S.`, `e.g.`, `a.m.`) need no entry: a word with an inner dot is an abbreviation.
_ABBREVIATION_WORDS = """
    mr mrs ms mx dr prof rev fr sr jr st mt ft vs etc al cf approx
    gen col lt capt cpt sgt cpl pvt maj adm cmdr brig gov pres sen hon
    vol vols ch fig figs pp op ed eds dept univ assn corp inc ltd bros
    jan feb mar apr jun jul aug sep sept oct nov dec
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# Abbreviations only before a number (`No. 5`); elsewhere `no.` ends a sentence (`He said no.`).
NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "art", "para"})
# A sentence ends at these, then any closing quotes or brackets, then white space.
TERMINALS = ".!?…"
CLOSERS = "\"'”’»)]}"
# Full-width terminals end a sentence with no space after them (Japanese, Chinese).
WIDE_TERMINALS = "。！？"
BOUNDARY = re.compile(
    rf"(?P<end>[{re.escape(TERMINALS)}]+)[{re.escape(CLOSERS)}]*(?P<space>\s+)"
    rf"|[{WIDE_TERMINALS}]+[」』）]*\s*"
)
# The word before a full stop: letters, digits, inner dots and hyphens (`U.S`, `D-Day`, `No`).
WORD_BEFORE = re.compile(r"([\w.\-]+)$")


def _starts_sentence(rest: str) -> bool:
    """A new sentence opens with a capital, a digit, an opening quote or bracket, or a non-cased letter."""
    if not rest:
        return False
    first = rest[0]
    return not first.islower()


def _is_abbreviation(text: str, end: int, rest: str) -> bool:
    """True when the full stop at text[end] closes an abbreviation or an initial, not a sentence."""
    match = WORD_BEFORE.search(text, 0, end)
    if match is None:
        return False
    word = match.group(1).strip(".-")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: `J. R. R. Tolkien`
    if "." in word:
        return True  # `U.S`, `e.g`, `a.m`
    key = word.lower()
    return key in ABBREVIATIONS or (key in NUMBER_ABBREVIATIONS and rest[:1].isdigit())


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, each keeping the white space after it; `"".join(result) == text` always."""
    pieces: list[str] = []
    start = 0
    for match in BOUNDARY.finditer(text):
        cut = match.end()
        if match.group("end") is not None:
            terminal = match.group("end")
            if not _starts_sentence(text[cut:]):
                continue
            if terminal == "." and _is_abbreviation(text, match.start("end"), text[cut:]):
                continue
        if cut >= len(text):
            break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [p for p in pieces if p]
