"""Rhythm descriptors: tempo and beats, onset rate, danceability, beat-wise band loudness and meter.

As in MusicExtractor: ``RhythmExtractor2013(method="degara", 40-208 BPM)`` gives the tempo and the
beats, ``OnsetRate`` the onset rate, ``Danceability`` the danceability, and ``BeatsLoudness`` at those
beats the per-band loudness ratios (our pulse clarity). The meter is Essentia's experimental
``Meter`` on the ``Beatogram`` of the same beat loudness, as in the SAMAT lab's code.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from featurize_essentia.bands import BANDS, BEATS_LOUDNESS_EDGES

MIN_TEMPO = 40
MAX_TEMPO = 208
ONSET_HOP = 512
"""``OnsetRate`` frames audio in 1024 samples with this hop (half a frame)."""
MIN_BEATS_FOR_METER = 3
"""``Meter`` looks for the best autocorrelation lag of at least 2 beats, so it needs 3."""

NAN = math.nan


class Rhythm(NamedTuple):
    features: dict[str, float]
    beats: np.ndarray
    """Beat times in seconds (empty for silence)."""


class RhythmAnalyzer:
    """Rhythm features and beats; built once per worker."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self._es = es
        self._tempo = es.RhythmExtractor2013(method="degara", minTempo=MIN_TEMPO, maxTempo=MAX_TEMPO)
        self._onset_rate = es.OnsetRate()
        self._danceability = es.Danceability(sampleRate=sr)
        self._beatogram = es.Beatogram()
        self._meter = es.Meter()

    def describe(self, signal: np.ndarray, *, silent: bool) -> Rhythm:
        """All rhythm features; a silent track has no beats (the beat tracker invents some on silence)."""
        bpm, beats = (NAN, np.zeros(0, dtype=np.float32)) if silent else self._tempo_and_beats(signal)
        onsets = self.onsets(signal)
        self._danceability.reset()
        danceability, _ = self._danceability(signal)
        features = {
            "bpm": bpm,
            "onset_rate": len(onsets) / self._onset_frames_duration(len(signal)),
            "danceability": float(danceability),
            **self._beat_loudness(signal, beats),
        }
        return Rhythm(features, beats)

    def onsets(self, signal: np.ndarray) -> np.ndarray:
        """The onsets of MusicExtractor's streaming ``OnsetRate``, from the faster standard-mode algorithm.

        The standard one frames from the first sample to the end; the streaming one centres its first
        frame on the first sample and ends with a frame centred past the end. Half a frame of zeros on
        both sides gives the standard algorithm exactly the streaming frames (a test compares them).
        """
        self._onset_rate.reset()  # it keeps state between calls: after a short input it finds nothing
        onsets, _ = self._onset_rate(np.pad(signal, ONSET_HOP))
        return onsets

    def _onset_frames_duration(self, n_samples: int) -> float:
        """The duration streaming ``OnsetRate`` (MusicExtractor's) divides by: its 1024/512 frames times the hop."""
        return (math.ceil(n_samples / ONSET_HOP) + 1) * ONSET_HOP / self.sr

    def _tempo_and_beats(self, signal: np.ndarray) -> tuple[float, np.ndarray]:
        """RhythmExtractor2013's tempo, NaN when it found fewer than two beats, and its beats."""
        self._tempo.reset()
        bpm, ticks, _, _, _ = self._tempo(signal)
        beats = np.asarray(ticks, dtype=np.float32)
        return (float(bpm) if len(beats) >= 2 else NAN), beats

    def _beat_loudness(self, signal: np.ndarray, beats: np.ndarray) -> dict[str, float]:
        """Pulse clarity per band and overall, and the meter; NaN where there are too few beats."""
        names = [*(f"pulse_clarity_{band.name}" for band in BANDS), "pulse_clarity"]
        loudness, band_ratio = np.zeros(0, dtype=np.float32), np.zeros((0, len(BANDS)))
        if len(beats):
            loudness_of = self._es.BeatsLoudness(
                sampleRate=self.sr, beats=beats, frequencyBands=list(BEATS_LOUDNESS_EDGES)
            )
            loudness, band_ratio = loudness_of(signal)
        band_ratio = np.asarray(band_ratio, dtype=np.float32).reshape(len(loudness), len(BANDS))
        if len(loudness) == 0:
            return dict.fromkeys([*names, "meter"], NAN)
        meter = NAN
        if len(loudness) >= MIN_BEATS_FOR_METER:
            meter = float(self._meter(self._beatogram(loudness, band_ratio)))
        clarity = [*band_ratio.mean(axis=0, dtype=np.float64), band_ratio.mean(dtype=np.float64)]
        return {**{name: float(value) for name, value in zip(names, clarity, strict=True)}, "meter": meter}
