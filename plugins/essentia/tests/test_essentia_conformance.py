"""The conformance kit, degenerate inputs at any rate and layout, and NaN only where documented."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import ExtractorSpec
from featurize.testing import check_extractor
from featurize.testing.signals import clicks, tone, triad, white_noise

BEAT_FEATURES = {"bpm", "meter", "pulse_clarity"} | {
    f"pulse_clarity_{b}" for b in ("low", "middle_low", "middle", "middle_high", "high")
}
ATTACK_FEATURES = {"attack_time", "attack_slope_middle", "attack_slope_middle_high", "attack_slope_high"} | {
    f"attack_time_{b}" for b in ("low", "middle_low", "middle", "middle_high", "high")
}
NAN_BY_DESIGN = BEAT_FEATURES | ATTACK_FEATURES
"""The only features whose description allows NaN: no beats, or no attacks."""


def nan_features(result: Result) -> set[str]:
    return {name for name, value in result.features.items() if math.isnan(value)}


@pytest.fixture(scope="module")
def standard_results(spec: ExtractorSpec) -> dict[str, Result]:
    """The kit's run over music, silence, very short, clipped and stereo input (44.1 kHz)."""
    return check_extractor(spec)


def test_conformance_kit_passes_on_the_standard_inputs(standard_results: dict[str, Result]) -> None:
    assert set(standard_results) == {"music", "silence", "very_short", "clipped", "stereo"}


def test_music_has_every_feature_defined(standard_results: dict[str, Result]) -> None:
    for label in ("music", "clipped", "stereo"):
        assert nan_features(standard_results[label]) == set(), label


def test_silence_is_nan_only_where_beats_or_attacks_are_needed(standard_results: dict[str, Result]) -> None:
    result = standard_results["silence"]
    assert nan_features(result) == NAN_BY_DESIGN
    assert result.features["onset_rate"] == 0.0
    assert result.features["key_strength"] == 0.0
    assert result.artifacts["chords"].labels == ("N",)
    assert result.artifacts["key"].data == {"key": None, "scale": None, "strength": 0.0}


def test_very_short_audio_gives_frame_features_and_nan_rhythm(standard_results: dict[str, Result]) -> None:
    result = standard_results["very_short"]
    assert nan_features(result) <= NAN_BY_DESIGN
    assert math.isnan(result.features["bpm"])
    assert result.features["spectral_centroid"] > 0


@pytest.mark.parametrize("sr", [8000, 22050, 48000, 96000])
@pytest.mark.parametrize("channels", [1, 2])
def test_conformance_at_other_rates_and_layouts(spec: ExtractorSpec, sr: int, channels: int) -> None:
    music = tone(triad("A", "min"), 2.0, sr) + clicks(100, 2.0, sr)
    samples = np.stack([music, np.roll(music, 50)]) if channels == 2 else music
    results = check_extractor(
        spec, contexts={"music": lambda: TrackContext.from_array(samples, sr, track_id=f"m{sr}")}, sr=sr
    )
    assert nan_features(results["music"]) <= NAN_BY_DESIGN


@pytest.mark.parametrize(
    "samples",
    [
        pytest.param(np.zeros(1, dtype=np.float32), id="one-sample"),
        pytest.param(np.full(3000, 0.5, dtype=np.float32), id="dc"),
        pytest.param(white_noise(0.3, 44100, amplitude=1e-6), id="near-silence"),
        pytest.param(np.sign(white_noise(1.0, 44100)).astype(np.float32), id="full-scale-square-noise"),
        pytest.param(np.concatenate([np.zeros(44100), tone(440.0, 1.0, 44100)]).astype(np.float32), id="late-start"),
    ],
)
def test_degenerate_signals_give_values_or_documented_nan(run: Callable[..., Result], samples: np.ndarray) -> None:
    result = run(samples)
    assert not any(math.isinf(value) for value in result.features.values())
    assert nan_features(result) <= NAN_BY_DESIGN


def test_a_track_does_not_depend_on_the_tracks_before_it(spec: ExtractorSpec, run: Callable[..., Result]) -> None:
    """Some Essentia algorithms keep state between calls (OnsetRate gives 0 after a short input)."""
    music = tone(triad("C"), 3.0, 44100) + clicks(120, 3.0, 44100)
    fresh = spec.factory()(TrackContext.from_array(music, 44100)).features
    run(music[:300])
    run(np.zeros(44100, dtype=np.float32))
    again = run(music).features
    assert fresh.keys() == again.keys()
    assert all(fresh[k] == again[k] or (math.isnan(fresh[k]) and math.isnan(again[k])) for k in fresh)
