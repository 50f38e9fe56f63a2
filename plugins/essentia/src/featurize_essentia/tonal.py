"""Tonal descriptors: tuning, HPCPs, key, chords and chroma, with MusicExtractor's tonal settings.

MusicExtractor estimates the tuning frequency over the whole track first, then computes its HPCPs
relative to it (4096-sample frames, hop 2048, Blackman-Harris 62, spectral peaks 20-3500 Hz):
a 36-bin "key" HPCP for the key and a 36-bin "chord" HPCP for the chords. We keep the spectra of
the first pass and reuse them in the second, and add a 12-bin HPCP with the key settings for chroma.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from featurize_essentia import vectorised
from featurize_essentia.catalog import PITCH_CLASSES
from featurize_essentia.framing import cut_frames

FRAME_SIZE = 4096
HOP_SIZE = 2048
WINDOW = "blackmanharris62"
KEY_PCP_THRESHOLD = 0.2
"""Streaming ``Key``'s ``pcpThreshold``: bins of the normalised mean HPCP below it are zeroed."""
CHORD_CONTEXT_SECONDS = 2.0
SEMITONES_A_TO_C = 3
"""HPCP bin 0 sits on the reference frequency, A; the chroma features start at C, 3 semitones up."""

_KEY_HPCP: dict[str, Any] = {
    "bandPreset": False,
    "minFrequency": 20.0,
    "maxFrequency": 3500.0,
    "weightType": "cosine",
    "nonLinear": False,
    "windowSize": 1.0,
}
_CHORD_HPCP: dict[str, Any] = {
    "size": 36,
    "harmonics": 8,
    "bandPreset": True,
    "minFrequency": 20.0,
    "maxFrequency": 3500.0,
    "bandSplitFrequency": 500.0,
    "weightType": "cosine",
    "nonLinear": True,
    "windowSize": 0.5,
}
_KEY_PROFILE: dict[str, Any] = {
    "numHarmonics": 4,
    "pcpSize": 36,
    "profileType": "temperley",
    "slope": 0.6,
    "usePolyphony": True,
    "useThreeChords": True,
}


class Key(NamedTuple):
    key: str
    scale: str
    strength: float


class Tonal(NamedTuple):
    """What the tonal pass hands on: features, the key, and the chord HPCP frames for beat-wise chords."""

    features: dict[str, float]
    key: Key
    chord_hpcp: np.ndarray
    frame_chords: list[str]
    frame_strengths: np.ndarray


class TonalAnalyzer:
    """Key, chords and chroma; built once per worker, HPCPs configured per track (they depend on tuning)."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self._es = es
        self._window = es.Windowing(type=WINDOW, zeroPadding=0, zeroPhase=False)(np.ones(FRAME_SIZE, np.float32))
        self._tuning_peaks = es.SpectralPeaks(
            maxPeaks=10000,
            magnitudeThreshold=1e-5,
            minFrequency=40,
            maxFrequency=5000,
            orderBy="frequency",
            sampleRate=sr,
        )
        self._tuning = es.TuningFrequency()
        self._peaks = es.SpectralPeaks(
            maxPeaks=60, magnitudeThreshold=1e-5, minFrequency=20, maxFrequency=3500, orderBy="magnitude", sampleRate=sr
        )
        self._key = es.Key(**_KEY_PROFILE)
        self._chords = es.ChordsDetection(hopSize=HOP_SIZE, sampleRate=sr, windowSize=CHORD_CONTEXT_SECONDS)
        self._chords_descriptors = es.ChordsDescriptors()

    def describe(self, signal: np.ndarray) -> Tonal:
        """Chroma, key strength and the chord descriptors of ``signal``."""
        spectra = vectorised.magnitude_spectra(cut_frames(signal, FRAME_SIZE, HOP_SIZE), self._window)
        peaks = [self._peaks(spectrum) for spectrum in spectra]
        tuning = self._tuning_frequency(spectra)
        key_hpcp = self._hpcp_frames(peaks, size=36, referenceFrequency=tuning, **_KEY_HPCP)
        chroma_hpcp = self._hpcp_frames(peaks, size=12, referenceFrequency=tuning, **_KEY_HPCP)
        chord_hpcp = self._hpcp_frames(peaks, referenceFrequency=tuning, **_CHORD_HPCP)
        key = self._estimate_key(key_hpcp)
        chords, strengths = self._chords(chord_hpcp)
        _, number_rate, changes_rate, _, _ = self._chords_descriptors(chords, key.key, key.scale)
        chroma = np.roll(chroma_hpcp.mean(axis=0), -SEMITONES_A_TO_C)
        features = {
            "key_strength": key.strength,
            "chords_strength": float(np.mean(strengths)),
            "chords_number_rate": float(number_rate),
            "chords_changes_rate": float(changes_rate),
            **{f"chroma_{pitch}": float(value) for pitch, value in zip(PITCH_CLASSES, chroma, strict=True)},
        }
        return Tonal(features, key, chord_hpcp, list(chords), np.asarray(strengths, dtype=np.float64))

    def _tuning_frequency(self, spectra: np.ndarray) -> float:
        """The tuning estimate after the last frame (Essentia's ``TuningFrequency`` accumulates)."""
        self._tuning.reset()
        frequency = 440.0
        for spectrum in spectra:
            frequency, _ = self._tuning(*self._tuning_peaks(spectrum))
        return float(frequency)

    def _hpcp_frames(self, peaks: list[tuple[np.ndarray, np.ndarray]], **parameters: Any) -> np.ndarray:
        hpcp = self._es.HPCP(sampleRate=self.sr, **parameters)
        return np.array([hpcp(frequencies, magnitudes) for frequencies, magnitudes in peaks], dtype=np.float32)

    def _estimate_key(self, key_hpcp: np.ndarray) -> Key:
        """Streaming ``Key`` as MusicExtractor uses it: mean HPCP, peak-normalised, gated, detuning-corrected."""
        profile = key_hpcp.mean(axis=0)
        if profile.max() > 0:
            profile = profile / profile.max()
        profile[profile < KEY_PCP_THRESHOLD] = 0.0
        key, scale, strength, _ = self._key(_correct_detuning(profile).astype(np.float32))
        return Key(key, scale, float(strength))


def _correct_detuning(profile: np.ndarray) -> np.ndarray:
    """Streaming ``Key``'s ``shiftPcp``: rotate so the strongest bin falls on a tempered semitone."""
    resolution = len(profile) // 12
    offset = int(np.argmax(profile)) % resolution
    return np.roll(profile, resolution - offset if offset > resolution // 2 else -offset)
