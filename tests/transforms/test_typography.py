"""The typography transform: smart punctuation that never moves a word."""

from __future__ import annotations

import datetime as dt

import pytest

from book.ir import Book, Chapter, Metadata, Note, NoteRef, Paragraph, SectionHeading, SourceLocation, Text
from book.transforms.typography import ELISIONS, apply_typography, quote_language

LOC = SourceLocation("c.txt", 3, 1)


def book_with(*inlines: Text | NoteRef, language: str = "en") -> Book:
    meta = Metadata("T", language, "urn:x", dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    chapter = Chapter(
        1,
        'It\'s "here"',
        None,
        None,
        (Paragraph(tuple(inlines), LOC), SectionHeading("Japan's Day -- 2", "h", LOC)),
        (Note(1, ((Text('A "note"...'),),), LOC),),
        LOC,
        "sha",
    )
    return Book(meta, (chapter,))


def text_of(book: Book) -> str:
    p = book.chapters[0].blocks[0]
    assert isinstance(p, Paragraph)
    return "".join(i.text if isinstance(i, Text) else "^" for i in p.inlines)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('"Hello," she said.', "“Hello,” she said."),
        ("It's the 90's -- really...", "It’s the 90’s — really…"),
        ("'Single' quotes", "‘Single’ quotes"),
        ("x < y && a > b", "x < y && a > b"),
    ],
)
def test_english_punctuation(source: str, expected: str) -> None:
    assert text_of(apply_typography(book_with(Text(source)))) == expected


def test_quote_after_a_note_marker_still_closes() -> None:
    out = apply_typography(book_with(Text('He said "wait'), NoteRef(1, LOC), Text('" and left.')))
    assert text_of(out) == "He said “wait^” and left."


def test_language_aware_quotes() -> None:
    assert text_of(apply_typography(book_with(Text('"Привет"'), language="ru"))) == "«Привет»"
    assert text_of(apply_typography(book_with(Text('"Hallo"'), language="de-DE"))) == "„Hallo“"
    assert quote_language("en-GB") == "en" and quote_language("xx") == "en"


def test_titles_headings_and_notes_too() -> None:
    out = apply_typography(book_with(Text("x")))
    chapter = out.chapters[0]
    assert chapter.title == "It’s “here”"
    assert chapter.headings[0].text == "Japan’s Day — 2"
    assert chapter.notes[0].paragraphs[0][0] == Text("A “note”…")


# --- elisions and the hard cases, in dialogue a proofreader has signed off -------------------

PROSE = [
    # an elision opening a quotation
    ('"\'Tis the season," said Mara.', "“’Tis the season,” said Mara."),
    # an elision after a dash, and a quotation after a dash
    ("He was tired--'cause he'd walked all night.", "He was tired—’cause he’d walked all night."),
    ('She began--"No," he said.', "She began—“No,” he said."),
    # elisions inside nested quotations, and one opening the inner quotation
    (
        "\"She told me, 'Tell 'em I'm coming,' and left.\"",
        "“She told me, ‘Tell ’em I’m coming,’ and left.”",
    ),
    ("\"He said, ''Twas nothing,' and smiled.\"", "“He said, ‘’Twas nothing,’ and smiled.”"),
    # both apostrophes of 'n', decades and years
    ("Rock 'n' roll in the '90s, or was it '89?", "Rock ’n’ roll in the ’90s, or was it ’89?"),
    ("\"'Pon my word, 'twasn't me!\"", "“’Pon my word, ’twasn’t me!”"),
    ("'Ere, 'ave a look 'til dark.", "’Ere, ’ave a look ’til dark."),
    # a word that merely starts like an elision opens a quotation as before
    ("'Emus,' she said, 'are birds.'", "‘Emus,’ she said, ‘are birds.’"),
    ("'Embers,' he said.", "‘Embers,’ he said."),
    # a paragraph that continues a quotation without closing it
    (
        "\"We marched 'til dawn, and then we marched again.",
        "“We marched ’til dawn, and then we marched again.",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PROSE)
def test_dialogue_hard_cases(source: str, expected: str) -> None:
    assert text_of(apply_typography(book_with(Text(source)))) == expected


def test_elisions_and_quotes_beside_note_markers() -> None:
    out = apply_typography(
        book_with(
            Text("\"Rock 'n' roll"),
            NoteRef(1, LOC),
            Text(" was born in the '50s,\" he sang"),
            NoteRef(2, LOC),
            Text(" 'til dawn."),
        )
    )
    assert text_of(out) == "“Rock ’n’ roll^ was born in the ’50s,” he sang^ ’til dawn."
    out = apply_typography(book_with(Text("She said 'Leave"), NoteRef(1, LOC), Text("' and 'em too.")))
    assert text_of(out) == "She said ‘Leave^’ and ’em too."


@pytest.mark.parametrize("word", ELISIONS)
def test_every_elision_in_running_text_and_opening_a_quotation(word: str) -> None:
    curly = word.replace("'", "’")
    capital = "'" + word[1:].capitalize()
    running = text_of(apply_typography(book_with(Text(f"And {word} again."))))
    assert running == f"And {curly} again."
    double = text_of(apply_typography(book_with(Text(f'"{capital} again," he said.'))))
    assert double == f"“{capital.replace(chr(39), '’')} again,” he said."
    single = text_of(apply_typography(book_with(Text(f"'{word} again,' he said."))))
    assert single == f"‘{curly} again,’ he said."


def test_book_yaml_extends_the_elisions() -> None:
    source = "'Ow 'bout that, 'guv?"
    assert text_of(apply_typography(book_with(Text(source)))) == "‘Ow ’bout that, ‘guv?"
    extended = apply_typography(book_with(Text(source)), elisions=("'ow", "'guv"))
    assert text_of(extended) == "’Ow ’bout that, ’guv?"


# --- quotes and their spacing by language ------------------------------------------------------

N = "\u202f"  # narrow no-break space
NB = "\u00a0"


@pytest.mark.parametrize(
    ("language", "source", "expected"),
    [
        (
            "fr",
            "\"Vraiment ? Il a dit 'non' : c'est tout !\" -- Oui; voilà.",
            f"«{N}Vraiment{N}? Il a dit “non”{NB}: c’est tout{N}!{N}» — Oui{N}; voilà.",
        ),
        ("fr", '" Bonjour ", dit-il.', f"«{N}Bonjour{N}», dit-il."),
        ("fr", "« Déjà » et «encore»?!", f"«{N}Déjà{N}» et «{N}encore{N}»{N}?!"),
        ("fr", "Rendez-vous à 10:30, voir http://ex.fr/?q=1", "Rendez-vous à 10:30, voir http://ex.fr/?q=1"),
        ("fr-CH", '"Salut", dit-il.', "«Salut», dit-il."),
        ("de", "\"Sie sagte 'nein' und ging.\"", "„Sie sagte ‚nein‘ und ging.“"),
        ("ja", "\"'いいえ'、と彼は言った\"と書いた。", "「『いいえ』、と彼は言った」と書いた。"),
        ("zh", '"你好"', "“你好”"),
        ("zh-Hant", '"你好"', "「你好」"),
        ("zh-TW", '"你好"', "「你好」"),
        ("ru", "\"Он сказал 'нет'\"", "«Он сказал „нет“»"),
        ("uk", '"Так"', "«Так»"),
        ("pl", "\"Powiedział 'nie'\"", "„Powiedział «nie»”"),
        ("es", "\"Dijo 'no'\"", "«Dijo “no”»"),
        ("it", '"Sì"', "«Sì»"),
        ("pt-BR", '"Sim"', "“Sim”"),
        ("ko", '"네"', "“네”"),
    ],
)
def test_quotes_and_spacing_by_language(language: str, source: str, expected: str) -> None:
    assert text_of(apply_typography(book_with(Text(source), language=language))) == expected
