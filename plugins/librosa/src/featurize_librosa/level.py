"""Level: RMS, MusicExtractor's average loudness, and a dynamic complexity, on librosa frames."""

from __future__ import annotations

import math

import numpy as np

from featurize_librosa.catalog import HOP_LENGTH, N_FFT, SAMPLE_RATE

LOUDNESS_FLOOR = 1e-4
"""MusicExtractor's -80 dB floor of the normalised frame loudness (and of the maximum)."""
SQUEEZE_DB = (-5.0, -2.0)
"""MusicExtractor's dB range mapped onto (0, 1) by a tanh."""
STEVENS_EXPONENT = 0.67
DYNAMICS_FRAME_SECONDS = 0.2
DYNAMICS_FLOOR_DB = -90.0


def _frames(signal: np.ndarray, frame: int, hop: int) -> np.ndarray:
    """Frames from the first sample, the last one zero-padded, as Essentia's ``startFromZero`` cutting."""
    import librosa

    n_frames = 1 + max(0, math.ceil((len(signal) - frame) / hop))
    padded = np.pad(signal, (0, (n_frames - 1) * hop + frame - len(signal)))
    return librosa.util.frame(padded, frame_length=frame, hop_length=hop, axis=0)


def average_loudness(signal: np.ndarray) -> float:
    """Stevens loudness of 2 s frames (hop 1 s) relative to the loudest, mean in dB, squeezed into [0, 1]."""
    energy = np.sum(np.square(_frames(signal, 2 * SAMPLE_RATE, SAMPLE_RATE), dtype=np.float64), axis=1)
    levels = energy**STEVENS_EXPONENT
    levels = np.maximum(levels / max(levels.max(), LOUDNESS_FLOOR), LOUDNESS_FLOOR)
    low, high = SQUEEZE_DB
    return 0.5 + 0.5 * math.tanh(-1.0 + 2.0 * (10.0 * math.log10(levels.mean()) - low) / (high - low))


def dynamic_complexity(signal: np.ndarray) -> float:
    """Mean absolute deviation (dB) of the level of 0.2 s frames from their mean, frames above -90 dB."""
    frame = int(DYNAMICS_FRAME_SECONDS * SAMPLE_RATE)
    power = np.mean(np.square(_frames(signal, frame, frame), dtype=np.float64), axis=1)
    with np.errstate(divide="ignore"):
        levels = 10.0 * np.log10(power)
    levels = levels[levels > DYNAMICS_FLOOR_DB]
    return float(np.mean(np.abs(levels - levels.mean()))) if levels.size else 0.0


def describe(signal: np.ndarray) -> dict[str, float]:
    import librosa

    rms = librosa.feature.rms(y=signal, frame_length=N_FFT, hop_length=HOP_LENGTH)[0]
    return {
        "rms": float(np.mean(rms)),
        "loudness": average_loudness(signal),
        "dynamic_complexity": dynamic_complexity(signal),
    }
