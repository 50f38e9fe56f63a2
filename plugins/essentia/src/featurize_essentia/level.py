"""Level: MusicExtractor's replay-gain normalisation, average loudness and dynamic complexity."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from featurize_essentia.framing import SILENCE_POWER, cut_frames

PREAMP_DB = 6.0
"""MusicExtractor's ``EasyLoader`` adds 6 dB to the replay gain, as audio players do."""

SILENT_GAIN_DB = 40.0
"""A replay gain above this is MusicExtractor's sign of a silent file (it refuses those)."""

LOUDNESS_FLOOR = 1e-4
"""``computeAverageLoudness``: -80 dB floor of the normalised frame loudness, and of the maximum."""

SQUEEZE_DB = (-5.0, -2.0)
"""``computeAverageLoudness``: the dB range mapped onto (0, 1) by a tanh."""

REPLAY_GAIN_REFERENCE_DB = -31.462667465209961062
"""Streaming ``ReplayGain``'s calibration (pink noise reference); the standard-mode one differs by 0.03 dB."""

REPLAY_GAIN_PERCENTILE = 0.95
SILENCE_DB = -100.0
"""Essentia's ``pow2db`` of a power below its silence cut-off."""


class Normalised(NamedTuple):
    """The analysed signal, its equal-loudness-filtered copy, and whether MusicExtractor would call it silent."""

    signal: np.ndarray
    equal_loudness: np.ndarray
    silent: bool


class LevelAnalyzer:
    """Replay-gain normalisation and the two level descriptors; built once per worker."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self._equal_loudness = es.EqualLoudness(sampleRate=sr)
        self._instant_power = es.InstantPower()
        self._loudness = es.Loudness()
        self._dynamic_complexity = es.DynamicComplexity(sampleRate=sr)

    def normalise(self, audio: np.ndarray) -> Normalised:
        """Scale by replay gain + 6 dB as MusicExtractor's loader does, so level features are comparable.

        A replay gain above 40 dB marks the track silent; it is then left unscaled rather than
        amplifying dither into noise. The equal-loudness filter is linear, so the filtered copy the
        replay gain needed is scaled along rather than filtered again.
        """
        self._equal_loudness.reset()
        equal_loudness = self._equal_loudness(audio)
        gain_db = self.replay_gain(equal_loudness)
        if gain_db > SILENT_GAIN_DB:
            return Normalised(audio, equal_loudness, silent=True)
        gain = 10.0 ** ((gain_db + PREAMP_DB) / 20.0)
        return Normalised((audio * gain).astype(np.float32), (equal_loudness * gain).astype(np.float32), silent=False)

    def replay_gain(self, equal_loudness: np.ndarray) -> float:
        """MusicExtractor's replay gain (streaming ``ReplayGain`` of the equal-loudness-filtered signal), in dB.

        Replicated here because a streaming network fed from Python costs seconds: 50 ms frames from
        the start (the last one zero-padded), their power, the 95th percentile, against the reference.
        """
        window = int(0.05 * self.sr)
        frames = cut_frames(equal_loudness, window, window, start_from_zero=True)
        powers = np.sort(np.array([self._instant_power(frame) for frame in frames], dtype=np.float32))
        loudest = float(powers[int(REPLAY_GAIN_PERCENTILE * len(powers))])
        loudness_db = SILENCE_DB if loudest < SILENCE_POWER else 10.0 * math.log10(loudest)
        return REPLAY_GAIN_REFERENCE_DB - loudness_db

    def describe(self, signal: np.ndarray) -> dict[str, float]:
        """``loudness`` (MusicExtractor's average loudness) and ``dynamic_complexity`` in dB."""
        self._dynamic_complexity.reset()
        complexity, _ = self._dynamic_complexity(signal)
        return {"loudness": self._average_loudness(signal), "dynamic_complexity": float(complexity)}

    def _average_loudness(self, signal: np.ndarray) -> float:
        frames = cut_frames(signal, 2 * self.sr, self.sr, start_from_zero=True)
        levels = np.array([self._loudness(frame) for frame in frames], dtype=np.float64)
        levels = np.maximum(levels / max(levels.max(), LOUDNESS_FLOOR), LOUDNESS_FLOOR)
        average_db = 10.0 * math.log10(levels.mean())
        low, high = SQUEEZE_DB
        return 0.5 + 0.5 * math.tanh(-1.0 + 2.0 * (average_db - low) / (high - low))
