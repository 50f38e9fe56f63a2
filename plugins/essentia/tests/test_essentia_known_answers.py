"""Synthesized signals whose answers are known: tempo, centroid, key and chroma, flatness, attack, chords."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result
from featurize.testing.signals import clicks, tone, triad, white_noise
from featurize_essentia.catalog import PITCH_CLASSES

SR = 44100


@pytest.mark.parametrize("bpm", [90.0, 140.0])
def test_click_track_tempo_and_onset_rate(run: Callable[..., Result], bpm: float) -> None:
    features = run(clicks(bpm, 8.0, SR)).features
    assert features["bpm"] == pytest.approx(bpm, abs=1.5)
    assert features["onset_rate"] == pytest.approx(bpm / 60.0, rel=0.1)
    assert features["meter"] >= 2


@pytest.mark.parametrize("frequency", [440.0, 2000.0])
def test_sine_centroid_and_rolloff_sit_on_its_frequency(run: Callable[..., Result], frequency: float) -> None:
    features = run(tone(frequency, 2.0, SR, harmonics=1)).features
    assert features["spectral_centroid"] == pytest.approx(frequency, rel=0.02)
    assert features["spectral_rolloff"] == pytest.approx(frequency, rel=0.05)


@pytest.mark.parametrize(
    ("root", "quality", "notes", "key"),
    [("C", "maj", {"c", "e", "g"}, ("C", "major")), ("A", "min", {"a", "c", "e"}, ("A", "minor"))],
)
def test_triad_gives_its_key_chord_and_chroma(
    run: Callable[..., Result], root: str, quality: str, notes: set[str], key: tuple[str, str]
) -> None:
    result = run(tone(triad(root, quality), 3.0, SR) + 0.3 * clicks(120, 3.0, SR))
    chroma = {pitch: result.features[f"chroma_{pitch}"] for pitch in PITCH_CLASSES}
    assert set(sorted(chroma, key=chroma.__getitem__)[-3:]) == notes
    assert (result.artifacts["key"].data["key"], result.artifacts["key"].data["scale"]) == key
    assert result.features["key_strength"] > 0.5
    assert set(result.artifacts["chords"].labels) == {f"{root}:{quality}"}


def test_white_noise_is_flat_and_unclear_a_tone_is_neither(run: Callable[..., Result]) -> None:
    noise = run(white_noise(2.0, SR)).features
    sine = run(tone(1000.0, 2.0, SR, harmonics=1)).features
    for band in ("", "_middle_low", "_middle", "_high"):
        assert noise[f"spectral_flatness{band}"] > 0.4
        assert noise[f"entropy_clarity{band}"] < 0.15
    assert sine["spectral_flatness"] < 0.01 * noise["spectral_flatness"]
    assert sine["entropy_clarity_middle"] > 0.5


def ramped_notes(attack: float, frequency: float = 1000.0, count: int = 4) -> np.ndarray:
    """Notes every second: a linear rise over ``attack`` seconds, then an exponential decay."""
    t = np.arange(SR) / SR
    envelope = np.minimum(t / attack, 1.0) * np.exp(-3.0 * np.maximum(t - attack, 0.0))
    return np.tile(0.5 * envelope * np.sin(2 * np.pi * frequency * t), count).astype(np.float32)


def test_attack_time_follows_the_rise_and_slope_falls_with_it(run: Callable[..., Result]) -> None:
    """From 20% to 90% of a linear rise takes 0.7 of it."""
    fast, slow = run(ramped_notes(0.02)).features, run(ramped_notes(0.15)).features
    assert fast["attack_time"] == pytest.approx(0.7 * 0.02, rel=0.3)
    assert slow["attack_time"] == pytest.approx(0.7 * 0.15, rel=0.3)
    assert slow["attack_time_middle"] > 3 * fast["attack_time_middle"]
    assert slow["attack_slope_middle"] < fast["attack_slope_middle"] / 3


def test_chords_artifact_follows_the_progression(
    run: Callable[..., Result], progression: Callable[..., np.ndarray]
) -> None:
    chords = [("C", "maj"), ("A", "min"), ("F", "maj"), ("G", "maj")]
    result = run(progression(chords, 2.0))
    segments = result.artifacts["chords"]
    assert segments.labels == ("C:maj", "A:min", "F:maj", "G:maj")
    changes = segments.start[1:]
    assert np.allclose(changes, [2.0, 4.0, 6.0], atol=0.3)
    assert np.all(segments.end > segments.start)
    assert result.features["chords_changes_rate"] > 0
    assert result.features["chords_strength"] > 0.5


def test_replay_gain_makes_level_features_independent_of_gain(run: Callable[..., Result]) -> None:
    music = tone(triad("E", "min"), 2.0, SR) + clicks(110, 2.0, SR)
    loud, quiet = run(music).features, run(0.05 * music).features
    for name in ("spectral_energy", "spectral_rms", "spectral_energyband_middle", "mfcc_1", "loudness"):
        assert quiet[name] == pytest.approx(loud[name], rel=1e-3), name
