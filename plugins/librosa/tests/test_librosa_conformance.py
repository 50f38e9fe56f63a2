"""The conformance kit, degenerate inputs at any rate and layout, NaN only where documented, no recompiling."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import ExtractorSpec
from featurize.testing import check_extractor
from featurize.testing.signals import clicks, tone, triad, white_noise
from featurize_librosa.jit import compiled_specializations

BANDS = ("low", "middle_low", "middle", "middle_high", "high")
PULSE = {"bpm", "pulse_clarity"} | {f"pulse_clarity_{b}" for b in BANDS}
SHAPE = {"spectral_centroid", "spectral_rolloff", "spectral_spread", "spectral_skewness", "spectral_kurtosis"}
FLATNESS = {"spectral_flatness"} | {f"spectral_flatness_{b}" for b in BANDS}
NAN_BY_DESIGN = PULSE | SHAPE | FLATNESS
"""No onsets or too short for a pulse; no sounding frame for a spectral distribution."""


def nan_features(result: Result) -> set[str]:
    return {name for name, value in result.features.items() if math.isnan(value)}


@pytest.fixture(scope="module")
def standard_results(spec: ExtractorSpec) -> dict[str, Result]:
    return check_extractor(spec)


def test_conformance_kit_passes_on_the_standard_inputs(standard_results: dict[str, Result]) -> None:
    assert set(standard_results) == {"music", "silence", "very_short", "clipped", "stereo"}
    for label in ("music", "clipped", "stereo"):
        assert nan_features(standard_results[label]) == set(), label


def test_silence_is_nan_where_nothing_sounds_and_zero_where_that_is_the_answer(
    standard_results: dict[str, Result],
) -> None:
    result = standard_results["silence"]
    assert nan_features(result) == NAN_BY_DESIGN
    for name in ("onset_rate", "spectral_energy", "rms", "zero_crossing_rate", "dynamic_complexity", "chroma_c"):
        assert result.features[name] == 0.0, name


def test_very_short_audio_has_a_spectrum_but_no_pulse(standard_results: dict[str, Result]) -> None:
    assert nan_features(standard_results["very_short"]) == PULSE


@pytest.mark.parametrize("sr", [8000, 44100, 96000])
@pytest.mark.parametrize("channels", [1, 2])
def test_conformance_at_other_rates_and_layouts(spec: ExtractorSpec, sr: int, channels: int) -> None:
    music = tone(triad("A", "min"), 2.0, sr) + clicks(100, 2.0, sr)
    samples = np.stack([music, np.roll(music, 50)]) if channels == 2 else music
    results = check_extractor(
        spec, contexts={"music": lambda: TrackContext.from_array(samples, sr, track_id=f"m{sr}")}, sr=sr
    )
    silent_high_band = {"pulse_clarity_high"} if sr / 2 < 7000 else set()  # nothing above the source's Nyquist
    assert nan_features(results["music"]) == silent_high_band


@pytest.mark.parametrize(
    "samples",
    [
        pytest.param(np.full(1, 0.3, dtype=np.float32), id="one-sample"),
        pytest.param(np.full(3000, 0.5, dtype=np.float32), id="dc"),
        pytest.param(white_noise(0.3, 22050, amplitude=1e-6), id="near-silence"),
        pytest.param(np.sign(white_noise(1.0, 22050)).astype(np.float32), id="full-scale-square-noise"),
        pytest.param(np.concatenate([np.zeros(22050), tone(440.0, 1.0, 22050)]).astype(np.float32), id="late-start"),
    ],
)
def test_degenerate_signals_give_values_or_documented_nan(run: Callable[..., Result], samples: np.ndarray) -> None:
    result = run(samples)
    assert not any(math.isinf(value) for value in result.features.values())
    assert nan_features(result) <= NAN_BY_DESIGN


def test_tracks_after_the_factory_compile_nothing(run: Callable[..., Result]) -> None:
    """The factory's warm-up leaves no numba kernel to compile for any later track."""
    warmed = compiled_specializations()
    assert warmed, "the warm-up ran no numba kernel"
    noise = white_noise(3.0, 48000)
    run(noise, sr=48000)
    run(np.stack([noise, noise[::-1].copy()]), sr=11025)
    run(clicks(120, 5.0, 22050))
    assert compiled_specializations() == warmed
