"""From text to words: tags, contractions, lines and sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from featurize_lyrics.text import WORD, Units, blank_english, make_splitter, normalise


@pytest.fixture(scope="module")
def nlp() -> Language:
    return blank_english()


@pytest.fixture(scope="module")
def split(nlp: Language) -> Callable[[str], Units]:
    return make_splitter(nlp)


def whole_text_units(nlp: Language, text: str) -> Units:
    """The straightforward reference: the whole text through spaCy, sentences cut at line breaks."""
    pieces = (line for sentence in nlp(normalise(text)).sents for line in sentence.text.split("\n"))
    return [words for piece in pieces if (words := WORD.findall(piece))]


def test_normalise() -> None:
    assert normalise("[Chorus]\nDon’t STOP [x2]") == " \ndon't stop  "


def test_words_keep_contractions_and_accents(split: Callable[[str], Units]) -> None:
    assert split("I'm gonna rock'n'roll, don't stop — café 99") == [
        ["i'm", "gonna", "rock'n", "roll", "don't", "stop", "café"]
    ]


def test_units_are_sentences_within_lines(split: Callable[[str], Units]) -> None:
    # spaCy's sentencizer ends sentences at single . ! ? characters, not at an ellipsis token.
    text = "Stop. Go now!\nno punctuation here\n\nWait... what? a.m. is fine"
    assert split(text) == [
        ["stop"],
        ["go", "now"],
        ["no", "punctuation", "here"],
        ["wait", "what"],
        ["a", "m", "is", "fine"],
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab c'.!?…\n‘’-[]", max_size=60))
def test_only_splitting_lines_with_punctuation_changes_nothing(nlp: Language, text: str) -> None:
    assert make_splitter(nlp)(text) == whole_text_units(nlp, text)
