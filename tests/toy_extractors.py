"""Small real extractors used by the core tests to drive the runner through every path.

Registered through ``PluginManager(extra_modules=["toy_extractors"])``; the tests put this
folder on ``sys.path``, which spawned workers inherit.
"""

from __future__ import annotations

import os
import time

import numpy as np

from featurize import hookimpl
from featurize.artifacts import Segments
from featurize.errors import ExtractionError
from featurize.extraction import Result, TrackContext
from featurize.plugin.descriptors import (
    ArtifactInput,
    ArtifactSpec,
    AudioInput,
    ExtractorSpec,
    Feature,
    Param,
    Source,
)


def _level(gain: float = 1.0):
    def extract(track: TrackContext) -> Result:
        audio = track.audio(sr=16000, mono=True) * gain
        name = track.path.name
        if "crash" in name:
            os._exit(3)  # a native crash takes the worker down
        if "hang" in name:
            time.sleep(3600)
        if "slow" in name:
            time.sleep(0.02)
        if "raise" in name:
            raise RuntimeError("toy failure")
        rms = float(np.sqrt(np.mean(audio**2)))
        return Result(
            features={
                "rms": rms,
                "peak": float(np.max(np.abs(audio))),
                "crest": (rms and float(np.max(np.abs(audio)) / rms)) or float("nan"),
            }
        )

    return extract


def _segmenter():
    def extract(track: TrackContext) -> Result:
        audio = track.audio(sr=8000, mono=True)
        seconds = len(audio) / 8000
        edges = np.arange(0.0, seconds, 0.5)
        return Result(artifacts={"beats": Segments(edges, np.minimum(edges + 0.5, seconds), ["b"] * len(edges))})

    return extract


def _backup_segmenter():
    def extract(track: TrackContext) -> Result:
        if "nobackup" in track.path.name:
            raise ExtractionError(f"{track.path}: backup provider refuses")
        return Result(artifacts={"beats": Segments([0.0], [1.0], ["whole"])})

    return extract


def _beat_counter():
    def extract(track: TrackContext) -> Result:
        beats = track.artifact("beats")
        return Result(features={"count": float(len(beats))})

    return extract


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [
        ExtractorSpec(
            name="level",
            version="1",
            description="Signal level statistics.",
            factory=_level,
            requires=(AudioInput(sr=16000),),
            features=(
                Feature("rms", "Root mean square amplitude.", Source.SIGNAL),
                Feature("peak", "Largest absolute sample.", Source.SIGNAL),
                Feature("crest", "Peak over RMS; NaN for silence.", Source.SIGNAL),
            ),
            params=(Param("gain", 1.0, "Gain applied before measuring.", type="float"),),
        ),
        ExtractorSpec(
            name="segmenter",
            version="1",
            description="Half-second grid.",
            factory=_segmenter,
            requires=(AudioInput(sr=8000),),
            priority=5,
            artifacts=(ArtifactSpec("beats", "segments", "Half-second grid segments."),),
        ),
        ExtractorSpec(
            name="backup_segmenter",
            version="1",
            description="One segment, used when the grid fails.",
            factory=_backup_segmenter,
            priority=0,
            artifacts=(ArtifactSpec("beats", "segments", "One segment."),),
        ),
        ExtractorSpec(
            name="beat_counter",
            version="1",
            description="Counts beats.",
            factory=_beat_counter,
            requires=(ArtifactInput("beats"),),
            features=(Feature("count", "Number of beat segments.", Source.SIGNAL),),
        ),
    ]
