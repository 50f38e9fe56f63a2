"""Frame-wise spectral features: shape, flatness, band energies, zero-crossing rate and MFCC.

Every value is a mean over frames. Shape and flatness are undefined on a silent frame (there is no
distribution to describe), so their means skip silent frames and are NaN when all are silent;
energies, zero-crossing rate and MFCC are defined everywhere (0, 0 and the -100 dB floor).
"""

from __future__ import annotations

import math

import numpy as np

from featurize_librosa.catalog import BANDS, ENERGY_BANDS, HOP_LENGTH, N_FFT, N_MFCC, Band
from featurize_librosa.representation import Spectrogram

ROLL_PERCENT = 0.85
NO_SPREAD = 1e-15
"""A variance on [0, 1] below this is rounding error of the raw moments: all the weight is in one bin."""
FLATNESS_FLOOR = 1e-10
"""librosa's ``amin``: power below it counts as this much, so a frame of zeros is not 0/0."""


def _rows(spectrogram: Spectrogram, band: Band) -> np.ndarray:
    """Boolean mask of the STFT rows whose centre frequency lies in ``[low, high)``."""
    frequencies = spectrogram.frequencies
    return (frequencies >= band.low) & (frequencies < band.high)


SHAPE = ("spectral_centroid", "spectral_rolloff", "spectral_spread", "spectral_skewness", "spectral_kurtosis")


def shape(spectrogram: Spectrogram) -> dict[str, float]:
    """Centroid and rolloff of the power spectrum; spread, skewness and kurtosis of the magnitudes."""
    import librosa

    sounding = spectrogram.sounding
    if not sounding.any():
        return dict.fromkeys(SHAPE, math.nan)
    magnitude, frequencies = spectrogram.magnitude[:, sounding], spectrogram.frequencies
    power = np.square(magnitude)
    spread, skewness, kurtosis = moments(magnitude.astype(np.float64), frequencies)
    per_frame = (
        librosa.feature.spectral_centroid(S=power, freq=frequencies)[0],
        librosa.feature.spectral_rolloff(S=power, freq=frequencies, roll_percent=ROLL_PERCENT)[0],
        spread,
        skewness,
        kurtosis,
    )
    return {name: float(np.mean(values)) for name, values in zip(SHAPE, per_frame, strict=True)}


def moments(magnitude: np.ndarray, frequencies: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Variance, skewness and excess kurtosis of each frame's magnitudes as a distribution over frequency.

    From the raw moments (four matrix-vector products) on frequencies scaled to [0, 1], which keeps the
    cancellation small and costs a fraction of forming every deviation. A distribution with no
    spread (one bin) has skewness 0 and kurtosis -3, Essentia's convention, rather than 0/0.
    """
    scale = frequencies[-1]
    weights = magnitude / magnitude.sum(axis=0, keepdims=True)
    f = frequencies / scale
    m1, m2, m3, m4 = (f**k @ weights for k in range(1, 5))
    variance = m2 - m1**2
    third = m3 - 3 * m1 * m2 + 2 * m1**3
    fourth = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    flat = variance <= NO_SPREAD
    with np.errstate(divide="ignore", invalid="ignore"):
        skewness = np.where(flat, 0.0, third / variance**1.5)
        kurtosis = np.where(flat, -3.0, fourth / variance**2 - 3.0)
    return variance * scale**2, skewness, kurtosis


def flatness(spectrogram: Spectrogram) -> dict[str, float]:
    """Spectral flatness of the power spectrum, per band of :data:`BANDS` and over the whole spectrum."""
    import librosa

    ranges = {f"_{band.name}": _rows(spectrogram, band) for band in BANDS} | {"": slice(None)}
    magnitude = spectrogram.magnitude[:, spectrogram.sounding]
    if not magnitude.size:
        return {f"spectral_flatness{suffix}": math.nan for suffix in ranges}
    return {
        f"spectral_flatness{suffix}": float(
            np.mean(librosa.feature.spectral_flatness(S=magnitude[rows], power=2.0, amin=FLATNESS_FLOOR))
        )
        for suffix, rows in ranges.items()
    }


def energy(spectrogram: Spectrogram) -> dict[str, float]:
    """Mean energy in each band of :data:`ENERGY_BANDS` and over the whole spectrum."""
    power = spectrogram.power
    values = {
        f"spectral_energyband_{band.name}": float(np.mean(power[_rows(spectrogram, band)].sum(axis=0)))
        for band in ENERGY_BANDS
    }
    return values | {"spectral_energy": float(np.mean(power.sum(axis=0)))}


def zero_crossing_rate(spectrogram: Spectrogram) -> dict[str, float]:
    import librosa

    rate = librosa.feature.zero_crossing_rate(spectrogram.signal, frame_length=N_FFT, hop_length=HOP_LENGTH)[0]
    return {"zero_crossing_rate": float(np.mean(rate))}


def mfcc(spectrogram: Spectrogram) -> dict[str, float]:
    import librosa

    coefficients = librosa.feature.mfcc(S=spectrogram.mel_db, n_mfcc=N_MFCC).mean(axis=1)
    return {f"mfcc_{k}": float(value) for k, value in enumerate(coefficients, start=1)}


def describe(spectrogram: Spectrogram) -> dict[str, float]:
    """Every spectral feature of the track."""
    return (
        shape(spectrogram)
        | flatness(spectrogram)
        | energy(spectrogram)
        | zero_crossing_rate(spectrogram)
        | mfcc(spectrogram)
    )
