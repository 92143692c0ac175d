"""Sentence splitting for Kobo spans: the cuts fall between sentences, and never lose a character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from book.writers.kepub.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One. ", "Two! ", "Three? ", "Four"]),
        # abbreviations and initials do not end a sentence
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones. ", "They talked."]),
        ("J. R. R. Tolkien wrote it. Then", ["J. R. R. Tolkien wrote it. ", "Then"]),
        ("The U.S. Army moved. It won.", ["The U.S. Army moved. ", "It won."]),
        ("They saw us. Then they left.", ["They saw us. ", "Then they left."]),
        ("See No. 5 there. He said no. Fine.", ["See No. 5 there. ", "He said no. ", "Fine."]),
        # D-Day, with its hyphen and a +N suffix, stays inside its sentence
        ("It was D-Day. Japan (D-Day+65) held.", ["It was D-Day. ", "Japan (D-Day+65) held."]),
        # decimals: no space after the point, no cut
        ("It cost 3.5 million yen. Fine.", ["It cost 3.5 million yen. ", "Fine."]),
        # closing quotes belong to the sentence they close
        ("“Go.” He left.", ["“Go.” ", "He left."]),
        ('"Stop!" She ran.', ['"Stop!" ', "She ran."]),
        ("“Really?” she asked.", ["“Really?” she asked."]),
        ("He paused… Then spoke.", ["He paused… ", "Then spoke."]),
        # a lower-case continuation is not a new sentence
        ("Wait. and then", ["Wait. and then"]),
        # text without spaces between sentences (Japanese)
        ("日本は静か。戦争だ。", ["日本は静か。", "戦争だ。"]),
        ("", []),
        ("   ", ["   "]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_text_before_and_after_a_note_marker_splits_on_its_own() -> None:
    # A note marker is an element of its own in the XHTML: the text around it arrives as two runs.
    before, after = "two brigades,", " and put them into Siberia. Then war."
    assert split_sentences(before) == [before]
    assert split_sentences(after) == [" and put them into Siberia. ", "Then war."]


@given(st.text(alphabet=st.sampled_from(list("aZ .!?…”’\"'\n。1D-Mr")), max_size=80))
def test_nothing_is_lost_moved_or_doubled(text: str) -> None:
    pieces = split_sentences(text)
    assert "".join(pieces) == text
    assert all(pieces)


@given(st.text(max_size=200))
def test_any_text_joins_back(text: str) -> None:
    assert "".join(split_sentences(text)) == text
