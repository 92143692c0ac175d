"""Typography transform: curly quotes and apostrophes, `--` → em dash, `...` → ellipsis, per language."""

from __future__ import annotations

from dataclasses import replace

from docutils.utils import smartquotes

from book.ir import Block, Book, Chapter, Inline, Note, Paragraph, SectionHeading, Text

# docutils' attr "1": educate quotes, `--` as em dash, `...` as ellipsis (smartypants' defaults).
SMARTYPANTS_ATTR = "1"


def quote_language(language: str) -> str:
    """The smartquotes table key for a BCP 47 tag; docutils leaves quotes straight for unknown keys."""
    table = smartquotes.smartchars.quotes
    for candidate in (language, language.lower(), language.split("-")[0].lower()):
        if candidate in table:
            return candidate
    return "en"


def _educate(inlines: tuple[Inline, ...], language: str) -> tuple[Inline, ...]:
    # Note references are passed as empty 'tag' tokens so a quote after a marker still sees
    # the character before the marker as its context (educate_tokens skips tags).
    tokens = [("text", i.text) if isinstance(i, Text) else ("tag", "") for i in inlines]
    out = list(smartquotes.educate_tokens(tokens, attr=SMARTYPANTS_ATTR, language=language))
    return tuple(
        Text(text) if isinstance(inline, Text) else inline for inline, text in zip(inlines, out, strict=True)
    )


def _block(block: Block, language: str) -> Block:
    if isinstance(block, Paragraph):
        return replace(block, inlines=_educate(block.inlines, language))
    if isinstance(block, SectionHeading):
        (text,) = _educate((Text(block.text),), language)
        assert isinstance(text, Text)
        return replace(block, text=text.text)
    return block


def _texts(texts: tuple[Text, ...], language: str) -> tuple[Text, ...]:
    tokens = [("text", t.text) for t in texts]
    return tuple(
        Text(text) for text in smartquotes.educate_tokens(tokens, attr=SMARTYPANTS_ATTR, language=language)
    )


def _note(note: Note, language: str) -> Note:
    return replace(note, paragraphs=tuple(_texts(p, language) for p in note.paragraphs))


def _chapter(chapter: Chapter, language: str) -> Chapter:
    (title,) = _educate((Text(chapter.title),), language)
    arc = None
    if chapter.arc is not None:
        (arc_text,) = _educate((Text(chapter.arc),), language)
        assert isinstance(arc_text, Text)
        arc = arc_text.text
    assert isinstance(title, Text)
    return replace(
        chapter,
        title=title.text,
        arc=arc,
        blocks=tuple(_block(b, language) for b in chapter.blocks),
        notes=tuple(_note(n, language) for n in chapter.notes),
    )


def typeset_chapter(chapter: Chapter, language: str) -> Chapter:
    """One chapter with smart punctuation; chapters are independent, so this can be cached per file."""
    return _chapter(chapter, quote_language(language))


def apply_typography(book: Book) -> Book:
    """Return the book with smart punctuation in every text run, for the book's language."""
    language = quote_language(book.metadata.language)
    return replace(book, chapters=tuple(_chapter(c, language) for c in book.chapters))
