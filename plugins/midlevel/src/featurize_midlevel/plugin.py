"""Hook implementations of featurize-midlevel: descriptors only, no torch or numpy at import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from featurize import ArtifactSpec, AudioInput, ExtractorSpec, Feature, Param, Source, hookimpl
from featurize_midlevel.catalog import ARCHITECTURES, QUESTIONS, UNIT, WINDOWS_ARTIFACT

if TYPE_CHECKING:
    import click

    from featurize_midlevel.extractor import MidlevelExtractor


def _factory(weights: str | Path | None, architecture: str) -> MidlevelExtractor:
    from featurize_midlevel.extractor import build_extractor

    return build_extractor(weights, architecture)


EXTRACTOR = ExtractorSpec(
    name="midlevel",
    version="1",
    description=(
        "Seven mid-level perceptual features (Aljanaki & Soleymani 2018) predicted by a torch CNN "
        "trained with `featurize midlevel train`."
    ),
    factory=_factory,
    requires=(AudioInput(sr=22050, mono=True),),
    features=tuple(Feature(name, question, Source.DEEP_LEARNING, unit=UNIT) for name, question in QUESTIONS.items()),
    artifacts=(
        ArtifactSpec(
            WINDOWS_ARTIFACT,
            "frames",
            "The seven ratings per analysis window (vgg: one 15 s window; resnet: 15 s windows every 5 s); "
            "the features are their mean.",
        ),
    ),
    params=(
        Param(
            "weights",
            None,
            "Model weights (.safetensors, with its .json beside it). Default: <architecture>.safetensors in "
            "$FEATURIZE_MIDLEVEL_DIR, else in ~/.cache/featurize/midlevel/.",
            type="path",
            affects_output=False,
        ),
        Param(
            "architecture",
            "vgg",
            f"Model architecture, one of {', '.join(ARCHITECTURES)}; must match the weights' config.",
            type="str",
        ),
    ),
)


@hookimpl
def featurize_extractors() -> list[ExtractorSpec]:
    return [EXTRACTOR]


@hookimpl
def featurize_commands(cli: click.Group) -> None:
    from featurize_midlevel.cli import midlevel

    cli.add_command(midlevel)
