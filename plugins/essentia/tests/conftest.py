"""Fixtures of the featurize-essentia tests: one extractor per module, synthesized signals with known answers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import ExtractorSpec
from featurize.testing.signals import clicks, tone, triad

SR = 44100

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def spec() -> ExtractorSpec:
    from featurize_essentia.plugin import featurize_extractors

    return featurize_extractors()[0]


@pytest.fixture(scope="module")
def extractor(spec: ExtractorSpec) -> Callable[[TrackContext], Result]:
    """Built once per module: the factory imports Essentia and configures every algorithm."""
    return spec.factory()


@pytest.fixture(scope="module")
def run(extractor: Callable[[TrackContext], Result]) -> Run:
    """``run(samples, sr=44100)``: the extractor's result on in-memory audio."""

    def run_on(samples: np.ndarray, sr: int = SR) -> Result:
        return extractor(TrackContext.from_array(samples, sr))

    return run_on


@pytest.fixture(scope="module")
def progression() -> Callable[..., np.ndarray]:
    """``progression([("C", "maj"), ...], seconds_each, bpm=120)``: triads in sequence over a click track."""

    def make(chords: list[tuple[str, str]], seconds_each: float, bpm: float = 120.0, sr: int = SR) -> np.ndarray:
        parts = [
            tone(triad(root, quality, octave=3), seconds_each, sr, harmonics=8, rolloff=1.5) for root, quality in chords
        ]
        music = np.concatenate(parts)
        return (0.7 * music + 0.5 * clicks(bpm, len(music) / sr, sr)).astype(np.float32)

    return make
