"""Pronunciations and syllable counts.

English words are looked up in the CMU Pronouncing Dictionary (first pronunciation, ARPAbet
with stress digits on vowels); words it lacks get their syllables from spelling rules.
Other languages get syllables from pyphen's hyphenation dictionaries, the only offline
option that covers them, and no phonemes.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyphen

Phones = tuple[str, ...]

VOWELS = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})
"""The 15 ARPAbet vowels of the CMU dictionary (without stress digits)."""


def base(phone: str) -> str:
    """The phoneme without its stress digit: ``"AE1"`` -> ``"AE"``."""
    return phone.rstrip("012")


def is_vowel(phone: str) -> bool:
    return base(phone) in VOWELS


def syllable_count(phones: Phones) -> int:
    """Syllables of a CMU pronunciation: one per vowel, i.e. per stress digit."""
    return sum(phone[-1].isdigit() for phone in phones)


def stressed_vowels(phones: Phones) -> frozenset[str]:
    """Vowels carrying primary or secondary stress (digit 1 or 2), digits removed."""
    return frozenset(base(phone) for phone in phones if phone[-1] in "12")


def tail(phones: Phones) -> tuple[str | None, Phones]:
    """The last vowel (without stress) and the coda, the consonants after it."""
    for index in range(len(phones) - 1, -1, -1):
        if is_vowel(phones[index]):
            return base(phones[index]), phones[index + 1 :]
    return None, phones


class Lexicon:
    """A pronouncing dictionary: lowercase word -> its first pronunciation."""

    def __init__(self, entries: dict[str, Phones]) -> None:
        self._entries = entries

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Lexicon:
        """Read the ``cmudict.dict`` format: ``word PH1 PH2 # comment``; ``word(2)`` variants are skipped."""
        entries: dict[str, Phones] = {}
        for line in lines:
            fields = line.split("#", 1)[0].split()
            if len(fields) > 1 and not fields[0].endswith(")"):
                entries.setdefault(fields[0].lower(), tuple(fields[1:]))
        return cls(entries)

    @classmethod
    def cmu(cls) -> Lexicon:
        """The CMU dictionary shipped with this package (see ``data/README.md``)."""
        with gzip.open(files("featurize_lyrics") / "data" / "cmudict.dict.gz", "rt", encoding="utf-8") as stream:
            return cls.parse(stream)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def phones(self, word: str) -> Phones | None:
        """The pronunciation of ``word`` (lowercase), or ``None`` when it is not in the dictionary."""
        return self._entries.get(word)


_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_SILENT_E = re.compile(r"[^aeiouy]e$")
_SYLLABIC_LE = re.compile(r"[^aeiouy]le$")
_SILENT_ED = re.compile(r"[^aeiouytd]ed$")
_SILENT_ES = re.compile(r"[^aeiouycsxzgh]es$")
_HIATUS = re.compile(r"[^aeiouct]i[ao]|eo|[^q]ua|iu")


def spelled_syllables(word: str) -> int:
    """English syllables estimated from spelling, for words the dictionary lacks.

    Vowel groups, minus a silent final *e* / *-ed* / *-es*, plus common hiatus pairs
    (*li-on*, *vi-a*, *the-o*). It agrees with the CMU count on about 90% of dictionary
    words (``benchmarks/bench_lyrics.py`` measures it), against about 61% for pyphen's
    English hyphenation.
    """
    letters = word.replace("'", "")
    count = len(_VOWEL_GROUP.findall(letters))
    for silent in (_SILENT_E, _SILENT_ED, _SILENT_ES):
        if count > 1 and silent.search(letters) and not _SYLLABIC_LE.search(letters):
            count -= 1
    return max(count + len(_HIATUS.findall(letters)), 1)


@cache
def hyphenator(language: str) -> tuple[str, pyphen.Pyphen] | None:
    """pyphen's dictionary name and dictionary for ``language`` (``"de"``, ``"pt-BR"`` ...), or ``None``."""
    import pyphen

    found = pyphen.language_fallback(language.replace("-", "_"))
    return (found, pyphen.Pyphen(lang=found)) if found else None


def hyphenated_syllables(word: str, dictionary: pyphen.Pyphen) -> int:
    """Syllables as hyphenation points + 1: rough, but language-aware."""
    return len(dictionary.positions(word)) + 1
