"""The ``lyrics`` extractor: the nine lyric features and the out-of-vocabulary rate of a track.

It reads the ``lyrics`` artifact (a sidecar file or a transcript, whichever provider
succeeded), measures it with :mod:`featurize_lyrics.measures`, and records in the
``lyrics_info`` artifact how the words-per-second duration and the syllables were obtained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from featurize.artifacts import Record, Text
from featurize.errors import ExtractionError
from featurize.extraction import Result, TrackContext
from featurize_lyrics.measures import lexical_features, sound_features, syllable_features
from featurize_lyrics.phonetics import Lexicon, hyphenated_syllables, hyphenator, spelled_syllables, syllable_count
from featurize_lyrics.text import Units, blank_english, make_splitter


def is_english(language: str | None) -> bool:
    """Unlabelled text counts as English, the language of the features' definitions."""
    return not language or language.strip().lower().replace("_", "-").split("-")[0] in {"", "en", "eng", "english"}


def singing_time(lyrics: Text, track: TrackContext) -> tuple[float, str]:
    """Seconds to divide the word count by, and its basis.

    The vocal span (first timed start to last timed end) when the lyrics are timed and
    the span is positive, else the whole track's duration (which decodes the audio).
    """
    timings = lyrics.timings
    if timings is not None and len(timings):
        span = float(timings.end.max() - timings.start.min())
        if span > 0:
            return span, "vocal_span"
    return track.duration, "track_duration"


@attrs.frozen
class Analyzer:
    """Everything the features need, loaded once per worker."""

    split: Callable[[str], Units]
    lexicon: Lexicon
    stop_words: frozenset[str]

    @classmethod
    def load(cls) -> Analyzer:
        nlp = blank_english()
        return cls(split=make_splitter(nlp), lexicon=Lexicon.cmu(), stop_words=frozenset(nlp.Defaults.stop_words))

    def english_syllables(self, word: str) -> int:
        phones = self.lexicon.phones(word)
        return syllable_count(phones) if phones is not None else spelled_syllables(word)

    def syllable_counter(self, language: str | None) -> tuple[Callable[[str], int] | None, str]:
        """The syllable counter for ``language`` and a label saying which one it is."""
        if is_english(language):
            return self.english_syllables, "cmudict+spelling"
        found = hyphenator(str(language))
        if found is None:
            return None, "none"
        name, dictionary = found
        return (lambda word: hyphenated_syllables(word, dictionary)), f"pyphen:{name}"

    def analyse(self, text: str, language: str | None, duration: float) -> tuple[dict[str, float], dict[str, Any]]:
        """Feature values, and facts about how they were computed."""
        units = self.split(text)
        words = [word for unit in units for word in unit]
        syllables, syllable_source = self.syllable_counter(language)
        lexicon = self.lexicon if is_english(language) else None
        features = {
            **lexical_features(words, duration),
            **syllable_features(words, syllables),
            **sound_features(units, lexicon, self.stop_words),
        }
        info = {
            "words": len(words),
            "language": language,
            "phonemes": "cmudict" if lexicon is not None else "none",
            "syllables": syllable_source,
        }
        return features, info


def make_extractor() -> Callable[[TrackContext], Result]:
    """Build the ``lyrics`` extractor (loads spaCy's blank pipeline and the CMU dictionary)."""
    analyzer = Analyzer.load()

    def extract(track: TrackContext) -> Result:
        lyrics = track.artifact("lyrics")
        if not isinstance(lyrics, Text):
            raise ExtractionError(f"{track.path}: the 'lyrics' artifact is a {type(lyrics).__name__}, not Text")
        seconds, basis = singing_time(lyrics, track)
        features, info = analyzer.analyse(lyrics.text, lyrics.language, seconds)
        info |= {"duration_basis": basis, "duration_seconds": seconds, "lyrics_source": lyrics.source}
        return Result(features=features, artifacts={"lyrics_info": Record(info)})

    return extract
