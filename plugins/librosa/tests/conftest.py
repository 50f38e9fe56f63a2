"""Fixtures of the featurize-librosa tests: one warmed-up extractor shared by each module."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import ExtractorSpec


@pytest.fixture(scope="module")
def spec() -> ExtractorSpec:
    from featurize_librosa.plugin import featurize_extractors

    return featurize_extractors()[0]


@pytest.fixture(scope="module")
def extractor(spec: ExtractorSpec) -> Callable[[TrackContext], Result]:
    """Built once per module: the factory imports librosa and warms up its numba kernels (10-20 s cold)."""
    return spec.factory()


@pytest.fixture(scope="module")
def run(extractor: Callable[[TrackContext], Result]) -> Callable[..., Result]:
    """``run(samples, sr=22050)``: the extractor's result on in-memory audio."""

    def run_on(samples: np.ndarray, sr: int = 22050) -> Result:
        return extractor(TrackContext.from_array(samples, sr))

    return run_on
