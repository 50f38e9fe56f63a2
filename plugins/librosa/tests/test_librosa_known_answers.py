"""Synthesized signals whose answers are known: tempo and pulse, centroid, chroma, flatness, dynamics, bands."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result
from featurize.testing.signals import clicks, tone, triad, white_noise
from featurize_librosa.catalog import PITCH_CLASSES

SR = 22050


@pytest.mark.parametrize("bpm", [90.0, 140.0])
def test_click_track_tempo_onsets_and_pulse(run: Callable[..., Result], bpm: float) -> None:
    features = run(clicks(bpm, 8.0, SR)).features
    assert features["bpm"] == pytest.approx(bpm, rel=0.04)
    assert features["onset_rate"] == pytest.approx(bpm / 60.0, rel=0.15)
    assert features["pulse_clarity"] > 0.7
    assert features["pulse_clarity_high"] > 0.7


def test_noise_has_a_weak_pulse_and_a_flat_spectrum(run: Callable[..., Result]) -> None:
    noise = run(white_noise(4.0, SR)).features
    sine = run(tone(1000.0, 2.0, SR, harmonics=1)).features
    assert noise["pulse_clarity"] < 0.3
    for band in ("", "_middle_low", "_middle", "_high"):
        assert noise[f"spectral_flatness{band}"] > 0.4
    assert sine["spectral_flatness"] < 0.001 * noise["spectral_flatness"]


@pytest.mark.parametrize("frequency", [440.0, 2000.0])
def test_sine_centroid_and_rolloff_sit_on_its_frequency(run: Callable[..., Result], frequency: float) -> None:
    features = run(tone(frequency, 2.0, SR, harmonics=1)).features
    assert features["spectral_centroid"] == pytest.approx(frequency, rel=0.01)
    assert features["spectral_rolloff"] == pytest.approx(frequency, rel=0.02)


@pytest.mark.parametrize(("root", "quality", "notes"), [("C", "maj", {"c", "e", "g"}), ("A", "min", {"a", "c", "e"})])
def test_triad_chroma_peaks_on_its_notes(run: Callable[..., Result], root: str, quality: str, notes: set[str]) -> None:
    features = run(tone(triad(root, quality), 3.0, SR)).features
    chroma = {pitch: features[f"chroma_{pitch}"] for pitch in PITCH_CLASSES}
    assert set(sorted(chroma, key=chroma.__getitem__)[-3:]) == notes


def test_dynamic_complexity_measures_level_changes_in_db(run: Callable[..., Result]) -> None:
    """A tone alternating every second between two levels 20 dB apart deviates 10 dB from its mean level."""
    steady = tone(440.0, 4.0, SR, harmonics=1)
    alternating = steady * np.repeat([1.0, 0.1, 1.0, 0.1], SR).astype(np.float32)
    assert run(steady).features["dynamic_complexity"] == pytest.approx(0.0, abs=0.05)
    assert run(alternating).features["dynamic_complexity"] == pytest.approx(10.0, abs=0.2)
    assert run(steady).features["loudness"] > 0.98


def test_energy_lands_in_the_band_of_the_tone(run: Callable[..., Result]) -> None:
    low, high = run(tone(80.0, 2.0, SR, harmonics=1)).features, run(tone(9000.0, 2.0, SR, harmonics=1)).features
    assert low["spectral_energyband_low"] > 0.95 * low["spectral_energy"]
    assert high["spectral_energyband_high"] > 0.95 * high["spectral_energy"]
    assert low["spectral_energyband_high"] < 1e-3 * low["spectral_energy"]


def test_window_normalised_spectrum_gives_a_full_scale_sine_unit_peak(run: Callable[..., Result]) -> None:
    """Essentia's convention: the energy of a sine of amplitude A is A² times the window's energy factor."""
    quiet, loud = (
        run(tone(1000.0, 2.0, SR, harmonics=1, amplitude=0.1)).features,
        run(tone(1000.0, 2.0, SR, harmonics=1, amplitude=0.4)).features,
    )
    assert loud["spectral_energy"] == pytest.approx(16 * quiet["spectral_energy"], rel=1e-3)
    assert loud["rms"] == pytest.approx(0.4 / np.sqrt(2), rel=0.01)


def test_spectral_moments_of_known_distributions() -> None:
    """Two bins weighted 2:1 (a Bernoulli variable) and a single bin, against their closed forms."""
    from featurize_librosa.spectral import moments

    frequencies = np.linspace(0.0, 11025.0, 1025)
    magnitude = np.zeros((1025, 2))
    magnitude[[100, 101], 0] = [2.0, 1.0]
    magnitude[300, 1] = 1.0
    variance, skewness, kurtosis = moments(magnitude, frequencies)
    step = frequencies[1]
    assert variance[0] == pytest.approx(2 / 9 * step**2, rel=1e-6)
    assert skewness[0] == pytest.approx((1 - 2 * (1 / 3)) / np.sqrt(2 / 9), rel=1e-5)
    assert kurtosis[0] == pytest.approx(-1.5, rel=1e-5)
    assert (variance[1], skewness[1], kurtosis[1]) == pytest.approx((0.0, 0.0, -3.0), abs=1e-6)
