"""Extractors used by ``bench_core.py``: one that only decodes, one that burns CPU."""

from __future__ import annotations

import numpy as np

from featurize import hookimpl
from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import AudioInput, ExtractorSpec, Feature, Source


def _noop():
    def extract(track: TrackContext) -> Result:
        samples, _ = track.native  # the decode the runner must pay anyway
        return Result(features={"samples": float(samples.shape[1])})

    return extract


def _spectral_work():
    def extract(track: TrackContext) -> Result:
        audio = track.audio(sr=None, mono=True)
        total = 0.0
        for _ in range(60):  # a deliberately CPU-bound loop of FFTs on one thread
            frames = np.lib.stride_tricks.sliding_window_view(audio, 1024)[::256]
            total += float(np.abs(np.fft.rfft(frames * np.hanning(1024), axis=1)).mean())
        return Result(features={"energy": total})

    return extract


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [
        ExtractorSpec(
            name="noop",
            version="1",
            description="Decodes only.",
            factory=_noop,
            requires=[AudioInput()],
            features=[Feature("samples", "Sample count.", Source.SIGNAL)],
        ),
        ExtractorSpec(
            name="spectral_work",
            version="1",
            description="CPU-bound FFT loop.",
            factory=_spectral_work,
            requires=[AudioInput()],
            features=[Feature("energy", "Mean magnitude.", Source.SIGNAL)],
        ),
    ]
