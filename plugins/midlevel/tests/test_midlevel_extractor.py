"""The extractor against the plugin contract: registration, conformance kit, windows, light import."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from featurize import Frames, Source, TrackContext
from featurize.testing import build_extractor
from featurize.testing.signals import clicks, tone, triad
from featurize_midlevel.plugin import EXTRACTOR

NAMES = [
    "melodiousness",
    "articulation",
    "rhythmic_stability",
    "rhythmic_complexity",
    "dissonance",
    "tonal_stability",
    "minorness",
]


def test_registered_through_the_entry_point(installed_extractor: Callable[[str], object]) -> None:
    spec = installed_extractor("midlevel")
    assert spec.distribution.startswith("featurize-midlevel==")
    assert spec.feature_names == [f"midlevel.{name}" for name in NAMES]
    assert {p.name: p.affects_output for p in spec.params} == {"weights": False, "architecture": True}
    assert all(f.source is Source.DEEP_LEARNING and "?" in f.description for f in spec.features)
    assert [(r.sr, r.mono) for r in spec.audio_inputs] == [(22050, True)]


@pytest.mark.parametrize("architecture", ["vgg", "resnet"])
def test_conformance(
    architecture: str, check_extractor: Callable[..., dict], tiny_weights: Callable[..., Path]
) -> None:
    results = check_extractor(
        EXTRACTOR, params={"weights": str(tiny_weights(architecture)), "architecture": architecture}
    )
    for label, result in results.items():
        frames = result.artifacts["midlevel_windows"]
        assert frames.columns == tuple(NAMES) and frames.values.shape == (1, 7), label
        np.testing.assert_allclose([result.features[n] for n in NAMES], frames.values[0], rtol=1e-6)
    assert results["music"].features != results["silence"].features


def test_resnet_averages_15_s_windows_every_5_s(tiny_weights: Callable[..., Path]) -> None:
    extractor = build_extractor(EXTRACTOR, {"weights": str(tiny_weights("resnet")), "architecture": "resnet"})
    audio = tone(triad("C"), 30.0, 44100) + clicks(90, 30.0, 44100)
    result = extractor(TrackContext.from_array(np.stack([audio, audio]), 44100, track_id="long"))
    frames = result.artifacts["midlevel_windows"]
    assert isinstance(frames, Frames) and frames.values.shape == (4, 7)
    assert frames.hop_seconds == pytest.approx(156 * 704 / 22050)
    np.testing.assert_allclose([result.features[n] for n in NAMES], frames.values.mean(axis=0), rtol=1e-5)


def test_vgg_reads_the_first_15_s_only(tiny_weights: Callable[..., Path]) -> None:
    extractor = build_extractor(EXTRACTOR, {"weights": str(tiny_weights("vgg"))})
    audio = tone(triad("C"), 15.0, 22050)
    longer = np.concatenate([audio, tone(triad("F#"), 10.0, 22050)])
    short, long = (extractor(TrackContext.from_array(a, 22050)) for a in (audio, longer))
    assert short.features == long.features
    assert long.artifacts["midlevel_windows"].hop_seconds == 15.0


def test_plugin_module_imports_no_torch_or_numpy() -> None:
    code = (
        "import sys, featurize_midlevel.plugin as p; p.featurize_extractors(); "
        "heavy = [m for m in ('torch', 'numpy', 'safetensors') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
