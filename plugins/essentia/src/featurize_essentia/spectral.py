"""Frame-wise spectral descriptors: one framing pass, MusicExtractor's low-level settings.

MusicExtractor computes its low-level descriptors on 2048-sample frames (hop 1024, Blackman-Harris
62 window), some on the signal and some on the equal-loudness-filtered signal; so do we, with the
same algorithms and parameters. The band-wise families (flux, flatness, entropy clarity) reuse the
same spectra restricted to each band's bins (an ideal band-pass), so the whole family costs one
framing. Everything but the spectral complexity and pitch salience goes through :mod:`featurize_essentia.vectorised`,
all frames at once. Every value is the mean over frames, MusicExtractor's ``mean``.
"""

from __future__ import annotations

import numpy as np

from featurize_essentia import vectorised
from featurize_essentia.bands import BANDS, ENERGY_BANDS
from featurize_essentia.framing import cut_frames

FRAME_SIZE = 2048
HOP_SIZE = 1024
WINDOW = "blackmanharris62"
MEL_BANDS = 40
N_MFCC = 13
COMPLEXITY_THRESHOLD = 0.005


def band_bins(low: float, high: float, sr: int, frame_size: int) -> slice:
    """The spectrum bins whose centre frequency lies in ``[low, high)``."""
    n_bins = frame_size // 2 + 1
    start = min(int(np.ceil(low * frame_size / sr)), n_bins)
    stop = min(int(np.ceil(high * frame_size / sr)), n_bins)
    return slice(start, stop)


class SpectralAnalyzer:
    """The spectral features of :mod:`featurize_essentia.catalog`; built once per worker."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self.window = es.Windowing(type=WINDOW, zeroPadding=0, zeroPhase=False)(np.ones(FRAME_SIZE, np.float32))
        """Essentia's normalised window itself (``Windowing`` of ones)."""
        self._mfcc = vectorised.Mfcc(FRAME_SIZE // 2 + 1, sr, MEL_BANDS, N_MFCC)
        self._complexity = es.SpectralComplexity(magnitudeThreshold=COMPLEXITY_THRESHOLD, sampleRate=sr)
        self._salience = es.PitchSalience(sampleRate=sr)
        self._bins = {"": slice(None)} | {
            f"_{band.name}": band_bins(band.low, band.high, sr, FRAME_SIZE) for band in BANDS
        }

    def describe(self, signal: np.ndarray, equal_loudness: np.ndarray) -> dict[str, float]:
        """Mean over frames of every spectral feature of ``signal`` and its equal-loudness-filtered copy."""
        frames = cut_frames(signal, FRAME_SIZE, HOP_SIZE)
        spectra = vectorised.magnitude_spectra(frames, self.window)
        equal_loudness_spectra = vectorised.magnitude_spectra(
            cut_frames(equal_loudness, FRAME_SIZE, HOP_SIZE), self.window
        )
        per_frame = (
            self._describe_signal(frames, spectra)
            | self._describe_bands(spectra)
            | self._describe_equal_loudness(equal_loudness_spectra)
        )
        return {name: float(np.mean(values)) for name, values in per_frame.items()}

    def _describe_signal(self, frames: np.ndarray, spectra: np.ndarray) -> dict[str, np.ndarray]:
        nyquist = self.sr / 2.0
        return {
            "zero_crossing_rate": vectorised.zero_crossing_rate(frames),
            "spectral_decrease": vectorised.decrease(np.square(spectra), nyquist),
            "spectral_rolloff": vectorised.rolloff(spectra, self.sr),
            "spectral_energy": vectorised.energy(spectra),
            "spectral_rms": vectorised.rms(spectra),
            "spectral_complexity": np.array([self._complexity(spectrum) for spectrum in spectra]),
            "pitch_salience": np.array([self._salience(spectrum) for spectrum in spectra]),
            **{
                f"spectral_energyband_{band.name}": vectorised.energy_band(spectra, band.low, band.high, self.sr)
                for band in ENERGY_BANDS
            },
            **{f"mfcc_{k}": column for k, column in enumerate(self._mfcc(spectra).T, start=1)},
        }

    def _describe_bands(self, spectra: np.ndarray) -> dict[str, np.ndarray]:
        """Flux of the magnitudes, flatness and entropy clarity of the power, per band and full band."""
        power = np.square(spectra)
        values = {}
        for suffix, bins in self._bins.items():
            values[f"spectral_flux{suffix}"] = vectorised.flux(spectra[:, bins])
            values[f"spectral_flatness{suffix}"] = vectorised.flatness(power[:, bins])
            values[f"entropy_clarity{suffix}"] = vectorised.entropy_clarity(power[:, bins])
        return values

    def _describe_equal_loudness(self, spectra: np.ndarray) -> dict[str, np.ndarray]:
        """Centroid (of the power), shape and entropy (of the magnitudes) of the equal-loudness spectra."""
        nyquist = self.sr / 2.0
        spread, skewness, kurtosis = vectorised.distribution_shape(spectra, nyquist)
        return {
            "spectral_centroid": vectorised.centroid(np.square(spectra), nyquist),
            "spectral_spread": spread,
            "spectral_skewness": skewness,
            "spectral_kurtosis": kurtosis,
            "spectral_entropy": vectorised.entropy(spectra),
        }
