"""Typography transform: curly quotes and apostrophes, `--` → em dash, `...` → ellipsis, per language.

docutils' smartquotes does the quotes, with each language's marks. Before it, elisions (`'em`,
`'tis`, `'90s`) get their apostrophe, which smartquotes would take for an opening quote; after it,
French gets its no-break spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from docutils.utils import smartquotes

from book.ir import Block, Book, Chapter, Inline, Note, Paragraph, SectionHeading, Text

# docutils' attr: educate quotes (q), `--` as em dash (d), `...` as ellipsis (e). Not smartypants'
# "1", which adds TeX-style ``backticks'': that reads the two apostrophes of `''Tis` as a ”.
SMARTYPANTS_ATTR = "qde"
APOSTROPHE = "\u2019"
NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

# Words that drop their first letters, written as in the text; book.yaml's `elisions:` adds more.
# Left out on purpose: ones that are also whole words starting a quotation ('er, 'ad, 'less, 'round).
ELISIONS: tuple[str, ...] = (
    "'em", "'tis", "'twas", "'twere", "'twill", "'twould", "'til", "'cause", "'cos", "'cuz",
    "'n'", "'pon", "'ere", "'ave", "'bout", "'cept", "'fore", "'gainst", "'mongst", "'midst",
    "'neath", "'nother", "'nuff", "'scuse", "'sup", "'tween", "'twixt", "'im", "'ello", "'alf",
    "'ome", "'ead", "'ouse", "'kay", "'fraid", "'course", "'specially", "'ee", "'un", "'uns",
)  # fmt: skip

# The smartquotes table for tags it does not list by that name: Chinese by script and region.
QUOTE_ALIASES = {
    "zh": "zh-cn",
    "zh-hans": "zh-cn",
    "zh-sg": "zh-cn",
    "zh-hant": "zh-tw",
    "zh-hk": "zh-tw",
    "zh-mo": "zh-tw",
}


def quote_language(language: str) -> str:
    """The smartquotes table key for a BCP 47 tag; docutils leaves quotes straight for unknown keys."""
    table = smartquotes.smartchars.quotes
    subtags = language.lower().split("-")
    candidates = [language, language.lower()]
    candidates += [QUOTE_ALIASES.get(f"{subtags[0]}-{s}", "") for s in reversed(subtags[1:])]
    candidates += [QUOTE_ALIASES.get(subtags[0], ""), subtags[0]]
    for candidate in candidates:
        if candidate in table:
            return candidate
    return "en"


def elision_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """A straight apostrophe that starts a listed word, or a year (`'90s`, `'69`), not after a letter."""
    alternatives = sorted({re.escape(w.lstrip("'\u2019").lower()) for w in words}, key=len, reverse=True)
    body = "|".join([*alternatives, r"\d\d(?:s\b)?"])
    # A word may carry a contraction of its own (`'tisn't`); it must end there (`'emu` is no elision).
    return re.compile(rf"(?<![^\W_])'(?:{body})(?:n['\u2019]t)?(?![^\W_])", re.IGNORECASE)


DEFAULT_ELISIONS = elision_pattern(ELISIONS)


def _elide(text: str, before: str, pattern: re.Pattern[str]) -> str:
    """Turn the apostrophes of elisions into ’; `before` is the character preceding the text."""
    fixed = pattern.sub(lambda m: m.group().replace("'", APOSTROPHE), before + text)
    return fixed[len(before) :]


# French: straight double quotes typed with spaces inside (`" Oui "`) lose them before smartquotes,
# which would otherwise take the first for a closing quote.
FRENCH_OPEN_SPACED = re.compile(r'(^|[\s(\[\u2014\u2013])"[ \u00a0\u202f]+(?=\S)')
FRENCH_CLOSE_SPACED = re.compile(r'(?<=\S)[ \u00a0\u202f]+"(?=$|[\s.,;:!?)\]\u2026\u2014\u2013])')
# After smartquotes: guillemets hold a narrow no-break space; so do ; ! ? before them, and : a
# no-break space, as the Imprimerie nationale's rules have it (`10:30` and URLs are left alone).
FRENCH_GUILLEMET_OPEN = re.compile("«[ \u00a0\u202f]*")
FRENCH_GUILLEMET_CLOSE = re.compile("[ \u00a0\u202f]*»")
FRENCH_HIGH_PUNCTUATION = re.compile(
    "(?<=[^\\s\u00a0\u202f«])[ \u00a0\u202f]?([!?;]+)(?=$|[\\s»\u201d\u2019)\\].,\u2026])"
)
FRENCH_COLON = re.compile("(?<=[^\\s\u00a0\u202f«])[ \u00a0\u202f]?:(?=$|\\s)")


def _french_before(text: str) -> str:
    return FRENCH_CLOSE_SPACED.sub('"', FRENCH_OPEN_SPACED.sub(r'\1"', text))


def _french_after(text: str, guillemet_spaces: bool) -> str:
    if guillemet_spaces:
        text = FRENCH_GUILLEMET_OPEN.sub("«" + NARROW_NBSP, text)
        text = FRENCH_GUILLEMET_CLOSE.sub(NARROW_NBSP + "»", text)
    text = FRENCH_HIGH_PUNCTUATION.sub(NARROW_NBSP + r"\1", text)
    return FRENCH_COLON.sub(NBSP + ":", text)


class Rules:
    """What the transform does for one book: the smartquotes language, elisions, French spacing."""

    def __init__(self, language: str, elisions: Iterable[str] = ()) -> None:
        self.quotes = quote_language(language)
        extra = tuple(elisions)
        self.elisions = elision_pattern(ELISIONS + extra) if extra else DEFAULT_ELISIONS
        self.french = language.lower().split("-")[0] == "fr"
        # docutils' own French table puts (wide) no-break spaces inside guillemets; Swiss French none.
        marks = "".join(smartquotes.smartchars.quotes[self.quotes])
        self.guillemet_spaces = self.french and NBSP in marks

    def educate(self, inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        # Note references are passed as empty 'tag' tokens so a quote after a marker still sees
        # the character before the marker as its context (educate_tokens skips tags).
        tokens: list[tuple[str, str]] = []
        before = " "
        for inline in inlines:
            if isinstance(inline, Text):
                text = _elide(inline.text, before, self.elisions)
                tokens.append(("text", _french_before(text) if self.french else text))
                before = inline.text[-1:] or before
            else:
                tokens.append(("tag", ""))
        out = smartquotes.educate_tokens(tokens, attr=SMARTYPANTS_ATTR, language=self.quotes)
        return tuple(
            Text(_french_after(text, self.guillemet_spaces) if self.french else text)
            if isinstance(inline, Text)
            else inline
            for inline, text in zip(inlines, out, strict=True)
        )

    def text(self, text: str) -> str:
        (educated,) = self.educate((Text(text),))
        assert isinstance(educated, Text)
        return educated.text


def _block(block: Block, rules: Rules) -> Block:
    if isinstance(block, Paragraph):
        return replace(block, inlines=rules.educate(block.inlines))
    if isinstance(block, SectionHeading):
        return replace(block, text=rules.text(block.text))
    return block


def _note(note: Note, rules: Rules) -> Note:
    # A note's paragraphs are text only, so educating them gives text only.
    paragraphs = tuple(
        tuple(Text(i.text) for i in rules.educate(p) if isinstance(i, Text)) for p in note.paragraphs
    )
    return replace(note, paragraphs=paragraphs)


def _chapter(chapter: Chapter, rules: Rules) -> Chapter:
    return replace(
        chapter,
        title=rules.text(chapter.title),
        arc=rules.text(chapter.arc) if chapter.arc is not None else None,
        blocks=tuple(_block(b, rules) for b in chapter.blocks),
        notes=tuple(_note(n, rules) for n in chapter.notes),
    )


def typeset_chapter(chapter: Chapter, language: str, elisions: Iterable[str] = ()) -> Chapter:
    """One chapter with smart punctuation; chapters are independent, so this can be cached per file."""
    return _chapter(chapter, Rules(language, elisions))


def apply_typography(book: Book, elisions: Iterable[str] = ()) -> Book:
    """Return the book with smart punctuation in every text run, for the book's language."""
    rules = Rules(book.metadata.language, elisions)
    return replace(book, chapters=tuple(_chapter(c, rules) for c in book.chapters))
