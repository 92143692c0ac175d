"""Reshape one rendered XHTML document as Kobo's own kepubs are: style block, wrapper divs, sentence spans.

The markup follows pgaskin/kepubify `kepub/transform.go`, which matches Kobo's store files: the
`kobostylehacks` style block at the end of <head>, the body's content inside
`div#book-columns > div#book-inner`, and every sentence of text in `<span class="koboSpan"
id="kobo.P.S">`, P counting paragraphs (p, ol, ul, table, img) and S the sentences within one.
Kobo's reader uses the spans for highlights, bookmarks and reading statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from lxml import etree

from book.writers.kepub.sentences import split_sentences

XHTML = "http://www.w3.org/1999/xhtml"
# kepubify's reduced form of Kobo's own block: no forced font sizes or link colours (docs/devices.md).
KOBO_STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0; }"
# Elements whose text stays as it is (kepubify: script, style, pre, audio, video).
UNTOUCHED = frozenset({"script", "style", "pre", "audio", "video"})
# Elements that start a new Kobo paragraph number once they hold text.
PARAGRAPHS = frozenset({"p", "ol", "ul", "table"})

Node: TypeAlias = etree._Element | str


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@dataclass
class _Counter:
    """Kobo's paragraph and sentence numbers, in document order."""

    paragraph: int = 0
    sentence: int = 0
    pending: bool = False

    def span(self) -> etree._Element:
        if self.pending:
            self.paragraph, self.sentence, self.pending = self.paragraph + 1, 0, False
        self.sentence += 1
        element = etree.Element(f"{{{XHTML}}}span", nsmap={None: XHTML})
        element.set("class", "koboSpan")
        element.set("id", f"kobo.{self.paragraph}.{self.sentence}")
        return element


def _text_nodes(text: str | None, in_paragraph: bool, counter: _Counter) -> list[Node]:
    """A text run as sentence spans; white space outside a <p> stays bare text, as in Kobo's files."""
    out: list[Node] = []
    for sentence in split_sentences(text or ""):
        if not sentence.strip() and not in_paragraph:
            out.append(sentence)
            continue
        span = counter.span()
        span.text = sentence
        out.append(span)
    return out


def _image_span(image: etree._Element, counter: _Counter) -> etree._Element:
    counter.paragraph, counter.sentence, counter.pending = counter.paragraph + 1, 0, False
    span = counter.span()
    tail, image.tail = image.tail, None
    span.append(image)
    span.tail = tail
    return span


def _replace_content(element: etree._Element, nodes: list[Node]) -> None:
    """Make `nodes` (strings and elements, in order) the element's whole content."""
    element.text = None
    for child in list(element):
        element.remove(child)
    last: etree._Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if last is None:
                element.text = (element.text or "") + node
            else:
                last.tail = (last.tail or "") + node
        else:
            node.tail = None
            element.append(node)
            last = node


def _add_spans(element: etree._Element, counter: _Counter) -> None:
    name = _local(element)
    if name in UNTOUCHED:
        return
    if name in PARAGRAPHS:
        counter.pending = True
    in_paragraph = name == "p"
    nodes: list[Node] = _text_nodes(element.text, in_paragraph, counter)
    for child in list(element):
        tail = child.tail
        child.tail = None
        if _local(child) == "img":
            nodes.append(_image_span(child, counter))
        else:
            if isinstance(child.tag, str):
                _add_spans(child, counter)
            nodes.append(child)
        nodes += _text_nodes(tail, in_paragraph, counter)
    _replace_content(element, nodes)


def _wrap_body(body: etree._Element) -> None:
    """Move the body's whole content into div#book-columns > div#book-inner."""
    columns = etree.Element(f"{{{XHTML}}}div", id="book-columns")
    inner = etree.SubElement(columns, f"{{{XHTML}}}div", id="book-inner")
    inner.text, body.text = body.text, "\n"
    for child in list(body):
        inner.append(child)
    columns.tail = "\n"
    body.append(columns)


def koboize(content: bytes) -> bytes:
    """One XHTML document with Kobo's style block, wrapper divs and sentence spans."""
    root = etree.fromstring(content)
    head = root.find(f"{{{XHTML}}}head")
    body = root.find(f"{{{XHTML}}}body")
    if head is None or body is None:
        return content
    style = etree.SubElement(head, f"{{{XHTML}}}style", type="text/css")
    style.set("class", "kobostylehacks")
    style.text = KOBO_STYLE
    style.tail = "\n"
    _add_spans(body, _Counter())
    _wrap_body(body)
    out: bytes = etree.tostring(
        root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )
    return out
