"""Pronunciations from the bundled CMU dictionary, and the syllable fallbacks."""

from __future__ import annotations

import pytest

from featurize_lyrics.phonetics import (
    Lexicon,
    hyphenated_syllables,
    hyphenator,
    spelled_syllables,
    stressed_vowels,
    syllable_count,
    tail,
)


@pytest.fixture(scope="module")
def cmu() -> Lexicon:
    return Lexicon.cmu()


def test_bundled_dictionary_is_complete(cmu: Lexicon) -> None:
    assert len(cmu) == 126_052
    assert cmu.phones("music") == ("M", "Y", "UW1", "Z", "IH0", "K")
    assert cmu.phones("don't") == ("D", "OW1", "N", "T")
    assert cmu.phones("qwxzv") is None


def test_parse_keeps_the_first_pronunciation_and_drops_comments() -> None:
    lexicon = Lexicon.parse(
        ["Tomato T AH0 M EY1 T OW2", "tomato(2) T AH0 M AA1 T OW2", "aalen AE1 L AH0 N # place", ""]
    )
    assert lexicon.phones("tomato") == ("T", "AH0", "M", "EY1", "T", "OW2")
    assert lexicon.phones("aalen") == ("AE1", "L", "AH0", "N")
    assert len(lexicon) == 2


def test_phoneme_helpers() -> None:
    tomato = ("T", "AH0", "M", "EY1", "T", "OW2")
    assert syllable_count(tomato) == 3
    assert stressed_vowels(tomato) == {"EY", "OW"}
    assert tail(("B", "L", "AE1", "NG", "K")) == ("AE", ("NG", "K"))
    assert tail(("HH", "M")) == (None, ("HH", "M"))


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("cake", 1), ("table", 2), ("jumped", 1), ("wanted", 2), ("boxes", 2), ("lion", 2), ("sixpence", 2), ("zzz", 1)],
)
def test_spelled_syllables(word: str, syllables: int) -> None:
    assert spelled_syllables(word) == syllables


def test_spelled_syllables_mostly_agree_with_the_dictionary(cmu: Lexicon) -> None:
    words = ["beautiful", "tonight", "every", "fire", "heaven", "remember", "dancing", "together", "away", "believe"]
    agree = sum(spelled_syllables(word) == syllable_count(cmu.phones(word)) for word in words)
    assert agree >= 7


def test_hyphenation_for_other_languages() -> None:
    found = hyphenator("de")
    assert found is not None and found[0] == "de"
    assert hyphenated_syllables("weltmeisterschaft", found[1]) == 4
    assert hyphenator("pt-BR")[0] == "pt_BR"
    assert hyphenator("ja") is None
