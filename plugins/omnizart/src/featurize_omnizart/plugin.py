"""Hook implementations of featurize-omnizart: the descriptor only (TensorFlow loads in the factory)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from featurize import ArtifactSpec, AudioInput, ExtractorSpec, Param, hookimpl

if TYPE_CHECKING:
    from featurize_omnizart.transcription import ChordTranscriber

SAMPLE_RATE = 44100
"""Omnizart decodes audio at 44.1 kHz mono before its NNLS-Chroma front end."""


def _factory(checkpoint: str | Path | None) -> ChordTranscriber:
    from featurize_omnizart.transcription import build_extractor

    return build_extractor(checkpoint)


EXTRACTOR = ExtractorSpec(
    name="omnizart",
    version="1",
    description=(
        "Omnizart's chord transcription (Harmony Transformer on NNLS-Chroma, McGill Billboard vocabulary): "
        "24 major/minor triads and N, the chord recogniser of the FHO papers."
    ),
    factory=_factory,
    requires=(AudioInput(sr=SAMPLE_RATE, mono=True),),
    artifacts=(
        ArtifactSpec(
            "chords",
            "segments",
            "Chord segments covering the track with Harte labels (C:maj ... B:min, sharps only); spans where "
            "Omnizart reports no chord, or none at all, are N.",
        ),
    ),
    params=(
        Param(
            "checkpoint",
            None,
            "Omnizart chord checkpoint folder (saved_model.pb, variables/, configurations.yaml). Default: the "
            "chord_v1 checkpoint inside the omnizart package, complete after `omnizart download-checkpoints`.",
            type="path",
            affects_output=False,
        ),
    ),
    priority=10,
)


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [EXTRACTOR]
