"""IR → print HTML: escaping, note links both ways, paragraphs, headings and breaks."""

from __future__ import annotations

import datetime as dt

from book.ir import (
    Book,
    Chapter,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    SceneBreak,
    SectionHeading,
    SourceLocation,
    Text,
)
from book.writers.pdf.html import render_html

LOC = SourceLocation("a.txt", 3)


def small_book() -> Book:
    ref = NoteRef(1, LOC, number=1, note_id="note-1", ref_id="noteref-1")
    blocks = (
        Paragraph((Text("<script>x</script> {{ title }} {% if %} & more"), ref), LOC),
        SceneBreak(LOC),
        SectionHeading("Japan (D-Day+65)", "chapter-001-s1", LOC),
        Paragraph((Text("After."),), LOC),
        Paragraph((Text("Indented."),), LOC),
    )
    note = Note(1, ((Text("A <b>note</b>."),),), LOC, number=1, id="note-1", ref_ids=("noteref-1",))
    chapter = Chapter(1, "War - 2", "War", 2, blocks, (note,), LOC, "0")
    meta = Metadata("A & B", "ru", "urn:isbn:9780000000000", dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    return Book(meta, (chapter,))


def test_text_is_escaped_not_executed() -> None:
    html = render_html(small_book(), [])
    assert "&lt;script&gt;x&lt;/script&gt; {{ title }} {% if %} &amp; more" in html
    assert "<script>" not in html and "&lt;b&gt;note&lt;/b&gt;" in html
    assert '<html lang="ru">' in html and "<title>A &amp; B</title>" in html
    assert "ISBN 9780000000000" in html


def test_notes_link_both_ways() -> None:
    html = render_html(small_book(), [])
    assert '<a class="noteref" id="noteref-1" href="#note-1">1</a>' in html
    assert 'id="note-1"' in html and 'href="#noteref-1">1.</a>' in html


def test_blocks() -> None:
    html = render_html(small_book(), [])
    assert '<p class="first">&lt;script' in html
    assert '<p class="scene-break">' in html
    assert 'id="chapter-001-s1">Japan (D\u2011Day+65)</h2>' in html
    assert '<p class="first">After.</p>' in html and '<p class="">Indented.</p>' in html
    assert "War \u2013 2" in html and 'href="#chapter-001"' in html
    assert '<div class="final-blank">' not in html
    assert '<div class="final-blank">' in render_html(small_book(), [], closing_verso=True)
