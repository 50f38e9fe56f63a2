"""The ``essentia`` extractor: runs the analyzers on one track and assembles features and artifacts."""

from __future__ import annotations

import numpy as np

from featurize.artifacts import Record
from featurize.extraction import Result, TrackContext
from featurize_essentia.attack import AttackAnalyzer
from featurize_essentia.chords import ChordSegmenter
from featurize_essentia.level import LevelAnalyzer
from featurize_essentia.rhythm import RhythmAnalyzer
from featurize_essentia.spectral import SpectralAnalyzer
from featurize_essentia.tonal import Key, TonalAnalyzer

SAMPLE_RATE = 44100
"""MusicExtractor's analysis rate; several Essentia algorithms (OnsetRate, RhythmExtractor2013) require it."""


class EssentiaExtractor:
    """Everything one worker needs: the configured Essentia algorithms, reused for every track."""

    def __init__(self) -> None:
        self.level = LevelAnalyzer(SAMPLE_RATE)
        self.spectral = SpectralAnalyzer(SAMPLE_RATE)
        self.rhythm = RhythmAnalyzer(SAMPLE_RATE)
        self.tonal = TonalAnalyzer(SAMPLE_RATE)
        self.attack = AttackAnalyzer(SAMPLE_RATE)
        self.chords = ChordSegmenter(SAMPLE_RATE)

    def __call__(self, track: TrackContext) -> Result:
        audio = track.audio(sr=SAMPLE_RATE, mono=True)
        signal, equal_loudness, silent = self.level.normalise(np.ascontiguousarray(audio, dtype=np.float32))
        rhythm = self.rhythm.describe(signal, silent=silent)
        tonal = self.tonal.describe(signal)
        features = {
            **self.level.describe(signal),
            **self.spectral.describe(signal, equal_loudness),
            **rhythm.features,
            **tonal.features,
            **self.attack.describe(signal),
        }
        artifacts = {
            "chords": self.chords.segments(tonal, rhythm.beats, len(audio) / SAMPLE_RATE),
            "key": _key_record(tonal.key),
        }
        return Result(features=features, artifacts=artifacts)


def _key_record(key: Key) -> Record:
    """The key artifact; key and scale are ``None`` when nothing pitched was heard (strength 0)."""
    pitched = key.strength > 0
    return Record(
        {"key": key.key if pitched else None, "scale": key.scale if pitched else None, "strength": key.strength}
    )


def build() -> EssentiaExtractor:
    """The extractor factory: imports Essentia (1-3 s), silences its logging, configures the algorithms."""
    import essentia

    essentia.log.infoActive = False
    essentia.log.warningActive = False
    return EssentiaExtractor()
