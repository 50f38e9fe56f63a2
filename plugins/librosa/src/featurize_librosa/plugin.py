"""Entry point of featurize-librosa: the ``librosa`` extractor's descriptor. Imports no librosa."""

from __future__ import annotations

from collections.abc import Callable

from featurize import hookimpl
from featurize.plugin.descriptors import AudioInput, ExtractorSpec
from featurize_librosa.catalog import FEATURES, SAMPLE_RATE

VERSION = "1"
"""Bump whenever a value changes for the same audio: it is part of the store's resume key."""


def _factory() -> Callable[..., object]:
    from featurize_librosa.extractor import build

    return build()


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [
        ExtractorSpec(
            name="librosa",
            version=VERSION,
            description="The signal-processing feature families of the essentia extractor (spectral shape, flux, "
            "flatness, band energies, rhythm, chroma, MFCC, level) computed with librosa, for installs without "
            "Essentia.",
            factory=_factory,
            requires=(AudioInput(sr=SAMPLE_RATE, mono=True),),
            features=FEATURES,
        )
    ]
