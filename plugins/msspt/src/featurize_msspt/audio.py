"""Audio as the models see it: 16 kHz mono float32, decoded with the core's soundfile/soxr reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from featurize.audio import decode, resample, to_mono
from featurize_msspt.frontend import SAMPLE_RATE


def load_audio(path: Path | str) -> np.ndarray:
    """Decode ``path``, average the channels and resample to 16 kHz.

    Raises :class:`featurize.errors.InputError` naming the file when it cannot be decoded.
    """
    samples, sr = decode(Path(path))
    return to_mono(resample(samples, sr, SAMPLE_RATE))


def crop(wave: np.ndarray, start: int, length: int) -> np.ndarray:
    """``wave[start:start + length]`` as a new float32 array, zero-padded past the end."""
    piece = np.zeros(length, dtype=np.float32)
    chunk = np.asarray(wave[start : start + length], dtype=np.float32)
    piece[: len(chunk)] = chunk
    return piece
