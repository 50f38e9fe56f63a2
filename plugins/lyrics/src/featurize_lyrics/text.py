"""From lyrics text to words: tags removed, lowercased, split into lines and sentences.

Words are matched with a regular expression instead of spaCy's tokens, because spaCy
splits "I'm", "don't" and "gonna" into two tokens each, which would distort word counts,
type-token ratios and words per second. spaCy's blank English pipeline (no trained model,
rule-based sentencizer) splits sentences and provides the stop-word list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

SECTION_TAG = re.compile(r"\[[^\]\n]*\]")
"""Bracketed tags such as ``[Chorus]``, ``[Verse 2: Artist]`` or whisper's ``[Music]``."""

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
"""The spec's ``[a-z]+(?:'[a-z]+)?`` over Unicode letters: identical on English text, and
accented words (*café*, *über*) stay whole instead of breaking at the accent."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

Units = list[list[str]]
"""Words grouped by line and sentence; adjacency-based features never pair across units."""


def normalise(text: str) -> str:
    """Lowercase, typographic apostrophes made plain, section tags removed."""
    return SECTION_TAG.sub(" ", text.translate(_APOSTROPHES)).lower()


def blank_english() -> Language:
    """spaCy's blank English pipeline with the rule-based sentencizer; needs no model download."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def make_splitter(nlp: Language) -> Callable[[str], Units]:
    """A function from raw lyrics to :data:`Units`, with ``nlp``'s sentencizer splitting sentences.

    Only lines where a sentence can end before a word (a sentence-final character followed
    later by a letter) go through spaCy; the others are one sentence anyway, so the result
    is the same as parsing the whole text, at a fraction of the cost on typical lyrics.
    """
    punctuation = "".join(sorted(nlp.get_pipe("sentencizer").punct_chars))
    may_split = re.compile(f"[{re.escape(punctuation)}].*?[^\\W\\d_]")

    def split(text: str) -> Units:
        units: Units = []
        for line in normalise(text).split("\n"):
            sentences = [span.text for span in nlp(line).sents] if may_split.search(line) else [line]
            units.extend(words for sentence in sentences if (words := WORD.findall(sentence)))
        return units

    return split
