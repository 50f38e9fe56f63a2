"""Hook implementations of featurize-fho: descriptors only (no numpy, rdflib or owlrl at import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from featurize import ArtifactInput, ArtifactSpec, AudioInput, ExtractorSpec, Feature, Param, Source, hookimpl
from featurize_fho.catalog import (
    AEOLIAN_CLASSES,
    CHROMA_SAMPLE_RATE,
    HARMONY_ARTIFACT,
    MIXOLYDIAN_CLASSES,
    UNIT,
    feature_descriptions,
)

if TYPE_CHECKING:
    import click

    from featurize_fho.chroma_chords import ChromaChords
    from featurize_fho.extractor import FhoExtractor


def _fho_factory(aeolian: str, mixolydian: str) -> FhoExtractor:
    from featurize_fho.extractor import build_extractor

    return build_extractor(aeolian, mixolydian)


def _chroma_factory() -> ChromaChords:
    from featurize_fho.chroma_chords import build_extractor

    return build_extractor()


def _choices(classes: dict[str, str]) -> str:
    return "; ".join(f"{name} ({meaning})" for name, meaning in classes.items())


FHO = ExtractorSpec(
    name="fho",
    version="1",
    description=(
        "Functional-harmony features from the Functional Harmony Ontology (Kantarelis et al. 2022): shares of "
        "dominant, subdominant, tonic, major-dominant, Aeolian, Mixolydian and minor-fourth chords, and their "
        "bigram and trigram shares."
    ),
    factory=_fho_factory,
    requires=(ArtifactInput("chords"),),
    features=tuple(
        Feature(name, description, Source.ONTOLOGY, unit=UNIT) for name, description in feature_descriptions().items()
    ),
    artifacts=(
        ArtifactSpec(
            HARMONY_ARTIFACT,
            "segments",
            "The progression the features describe (triads, N dropped, repeats merged), each chord labelled "
            "'<chord>|<label>+<label>', e.g. 'G:maj|dominant+major_dominant'; 'A:min|' carries no label.",
        ),
    ),
    params=(
        Param("aeolian", "AeolianDominant", f"FHO class of the aeolian feature: {_choices(AEOLIAN_CLASSES)}."),
        Param(
            "mixolydian",
            "MixolydianSeventhDominant",
            f"FHO class of the mixolydian feature: {_choices(MIXOLYDIAN_CLASSES)}.",
        ),
    ),
)

CHROMA_CHORDS = ExtractorSpec(
    name="chroma_chords",
    version="1",
    description=(
        "Built-in chord recognition without model weights: beat-synchronous chroma matched to 24 major/minor "
        "triad templates plus N, smoothed with a Viterbi pass (numpy/scipy only)."
    ),
    factory=_chroma_factory,
    requires=(AudioInput(sr=CHROMA_SAMPLE_RATE, mono=True),),
    artifacts=(
        ArtifactSpec(
            "chords",
            "segments",
            "Chord segments with Harte labels (C:maj ... B:min, sharps only; N where nothing pitched sounds).",
        ),
    ),
    priority=0,
)


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [FHO, CHROMA_CHORDS]


@hookimpl
def featurize_commands(cli: click.Group) -> None:
    from featurize_fho.cli import harmony

    cli.add_command(harmony)
