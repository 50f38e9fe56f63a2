"""Chroma: librosa's STFT chroma with the track's estimated tuning, mean per pitch class."""

from __future__ import annotations

import warnings

import numpy as np

from featurize_librosa.catalog import PITCH_CLASSES, SAMPLE_RATE
from featurize_librosa.representation import Spectrogram


def describe(spectrogram: Spectrogram) -> dict[str, float]:
    """``chroma_c`` ... ``chroma_b``: mean of frame chroma scaled to a maximum of 1 (0 for silent frames)."""
    import librosa

    power = spectrogram.power
    with warnings.catch_warnings():
        # A spectrum without clear peaks (silence, noise) has no pitch to tune to: librosa warns, tuning is 0.
        warnings.filterwarnings("ignore", message="Trying to estimate tuning from empty frequency set")
        tuning = librosa.estimate_tuning(S=spectrogram.magnitude, sr=SAMPLE_RATE)
    chroma = librosa.feature.chroma_stft(S=power, sr=SAMPLE_RATE, tuning=tuning, norm=np.inf).mean(axis=1)
    return {f"chroma_{pitch}": float(value) for pitch, value in zip(PITCH_CLASSES, chroma, strict=True)}
