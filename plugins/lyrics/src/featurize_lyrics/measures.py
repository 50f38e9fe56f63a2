"""The lyric features of spec C.2, as pure functions of the words.

``n`` is the number of words. Pair features count *adjacent* word pairs inside one line
(or sentence, when a line holds several) and divide by ``max(n - 1, 1)``, so that they are
comparable across songs of any length. A pair of identical words never counts as
alliteration or assonance: repeated words are what ``repetition_rate`` measures.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from itertools import pairwise

import attrs

from featurize_lyrics.phonetics import Lexicon, Phones, is_vowel, stressed_vowels, tail
from featurize_lyrics.text import Units

NAN = math.nan
CONSONANT_LETTERS = frozenset("bcdfghjklmnpqrstvwxyz")


def lexical_features(words: list[str], duration: float) -> dict[str, float]:
    """Lexical diversity, repetition rate, rhyme density (letter endings) and words per second.

    With no words the ratios are undefined (NaN) and the speaking rate is 0 words/s.
    """
    n = len(words)
    rate = n / duration if duration > 0 else NAN
    if n == 0:
        return {"lexical_diversity": NAN, "repetition_rate": NAN, "rhyme_density": NAN, "words_per_second": rate}
    types = len(set(words))
    endings = [word.replace("'", "")[-2:] for word in words]
    counts = Counter(endings)
    return {
        "lexical_diversity": types / n,
        "repetition_rate": (n - types) / n,
        "rhyme_density": sum(counts[ending] >= 2 for ending in endings) / n,
        "words_per_second": rate,
    }


def syllable_features(words: list[str], syllables: Callable[[str], int] | None) -> dict[str, float]:
    """Total syllables and syllables per word; NaN when no counter exists for the language."""
    if not words:
        return {"total_syllables": 0.0, "syllables_per_word": NAN}
    if syllables is None:
        return {"total_syllables": NAN, "syllables_per_word": NAN}
    total = float(sum(count * syllables(word) for word, count in Counter(words).items()))
    return {"total_syllables": total, "syllables_per_word": total / len(words)}


@attrs.frozen
class Sound:
    """What the pair features compare, from a word's CMU pronunciation."""

    onset: str | None
    """The first phoneme when it is a consonant."""
    stressed: frozenset[str]
    vowel: str | None
    """The last vowel, without stress."""
    coda: Phones

    @classmethod
    def of(cls, phones: Phones) -> Sound:
        vowel, coda = tail(phones)
        return cls(None if is_vowel(phones[0]) else phones[0], stressed_vowels(phones), vowel, coda)


def _pairs(units: Units, keep: Callable[[str], bool] = lambda word: True) -> Iterator[tuple[str, str]]:
    for unit in units:
        kept = [word for word in unit if keep(word)]
        yield from pairwise(kept)


def _alliterate(a: str, b: str, sounds: dict[str, Sound | None]) -> bool:
    sa, sb = sounds[a], sounds[b]
    if sa is not None and sb is not None:
        return sa.onset is not None and sa.onset == sb.onset
    return a[0] == b[0] and a[0] in CONSONANT_LETTERS


def _consonate(sa: Sound, sb: Sound) -> bool:
    return bool(sa.coda) and sa.coda == sb.coda and None not in (sa.vowel, sb.vowel) and sa.vowel != sb.vowel


def sound_features(units: Units, lexicon: Lexicon | None, stop_words: Collection[str]) -> dict[str, float]:
    """Alliteration, assonance, consonance and the out-of-vocabulary rate, from CMU phonemes.

    ``lexicon`` is ``None`` for languages other than English: the features are then NaN,
    as they are when there are no words. Pairs with a word outside the dictionary count
    for alliteration by first letters, and not at all for assonance and consonance.
    """
    n = sum(len(unit) for unit in units)
    if lexicon is None or n == 0:
        return dict.fromkeys(("alliteration", "assonance", "consonance", "oov_rate"), NAN)
    types = {word for unit in units for word in unit}
    sounds = {word: None if (phones := lexicon.phones(word)) is None else Sound.of(phones) for word in types}
    pairs = max(n - 1, 1)
    different = [(a, b) for a, b in _pairs(units) if a != b]
    known = [(sounds[a], sounds[b]) for a, b in different if sounds[a] is not None and sounds[b] is not None]
    content = [(a, b) for a, b in _pairs(units, lambda word: word not in stop_words) if a != b]
    return {
        "alliteration": sum(_alliterate(a, b, sounds) for a, b in content) / pairs,
        "assonance": sum(bool(sa.stressed & sb.stressed) for sa, sb in known) / pairs,
        "consonance": sum(_consonate(sa, sb) for sa, sb in known) / pairs,
        "oov_rate": sum(sounds[word] is None for unit in units for word in unit) / n,
    }
