"""Entry point of featurize-essentia: the ``essentia`` extractor's descriptor. Imports no Essentia."""

from __future__ import annotations

from collections.abc import Callable

from featurize import hookimpl
from featurize.plugin.descriptors import AudioInput, ExtractorSpec
from featurize_essentia.catalog import ARTIFACTS, FEATURES

VERSION = "1"
"""Bump whenever a value changes for the same audio: it is part of the store's resume key."""

CHORDS_PRIORITY = 5
"""Below omnizart's chord recogniser (10), above the fho plugin's chroma matcher (0)."""


def _factory() -> Callable[..., object]:
    from featurize_essentia.extractor import build

    return build()


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [
        ExtractorSpec(
            name="essentia",
            version=VERSION,
            description="The 85 signal-processing features of SAMAT computed with Essentia as its MusicExtractor "
            "does (44.1 kHz mono, replay-gain normalised), plus Essentia's chords and key for other plugins.",
            factory=_factory,
            requires=(AudioInput(sr=44100, mono=True),),
            features=FEATURES,
            artifacts=ARTIFACTS,
            priority=CHORDS_PRIORITY,
        )
    ]
