"""featurize hook implementations: the ``msspt-cnn`` and ``msspt-ast`` models and the ``msspt`` commands.

Light on purpose: descriptors only; torch and the estimator load when a model is built.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from featurize import hookimpl
from featurize.plugin.descriptors import ModelSpec, Param
from featurize_msspt.config import BACKBONES, DEFAULT_BATCH, DEFAULT_EPOCHS, DEFAULT_LR

if TYPE_CHECKING:
    from featurize_msspt.estimator import MssptTagger

DESCRIPTIONS = {
    "cnn": "U-Net pre-trained by music source separation + Short-chunk CNN (3.86 s segments), "
    "joined by 1x1 feature-adaptation projections (Garoufis et al. 2024); learns from audio",
    "ast": "U-Net pre-trained by music source separation + Audio Spectrogram Transformer (7.70 s segments), "
    "joined by patchifying feature-adaptation convolutions (Garoufis et al. 2024); learns from audio",
}


def _params(backbone: str) -> tuple[Param, ...]:
    cnn = backbone == "cnn"
    common = (
        Param("size", "full", "network widths: full (the paper's) or tiny (same topology, for CPUs and tests)"),
        Param("pretrained", None, "stage-1 separator checkpoint directory (featurize msspt pretrain)", "path"),
        Param("backbone_weights", None, "stage-2 back-bone checkpoint directory (featurize msspt backbone)", "path"),
        Param("sources", 1, "masks of a random U-Net when no separator is given: 1, or 4 (multi-source)", "int"),
        Param("separation", True, "use the U-Net; off trains the back-bone alone (tail-only baseline)", "bool"),
        Param("adaptation", True, "feature adaptation module between U-Net decoder and back-bone", "bool"),
        Param("epochs", DEFAULT_EPOCHS[backbone], "maximum training epochs", "int"),
        Param("lr", DEFAULT_LR[backbone], "initial Adam learning rate", "float"),
        Param("batch_size", DEFAULT_BATCH[backbone], "minibatch size (training and prediction)", "int"),
        Param("validation_fraction", 0.1, "share of training tracks held out to pick the best epoch", "float"),
        Param("overlap", "half", "prediction windows: half (half-overlapping, the paper's) or none", "str"),
        Param("threshold", 0.5, "multi-label decision threshold on the averaged sigmoid scores", "float"),
        Param("seed", 0, "random seed for weights, splits and crops", "int"),
        Param("device", "cpu", "torch device (cpu, cuda)", "str", affects_output=False),
    )
    if cnn:
        return (
            *common,
            Param("skips", 5, "adapter injections kept (CNN blocks 1..skips)", "int"),
            Param("patience", 11, "epochs without improvement before the next optimiser phase", "int"),
        )
    return (
        *common,
        Param("vit_weights", None, "ViT-B/16 ImageNet .npz to initialise the AST (random otherwise)", "path"),
        Param("scaling", "example", "AST input min-max scaling: example, or batch (the paper's)", "str"),
    )


def build(backbone: str, groups: Any = None, **params: Any) -> MssptTagger:
    """Model factory; ``groups`` is accepted for the common signature and unused (audio model)."""
    from featurize_msspt.estimator import MssptTagger

    return MssptTagger(backbone=backbone, **params)  # type: ignore[arg-type]


def load(directory: str | Path) -> MssptTagger:
    from featurize_msspt.estimator import MssptTagger

    return MssptTagger.load(directory)


@hookimpl
def featurize_models() -> list[ModelSpec]:
    return [
        ModelSpec(
            name=f"msspt-{backbone}",
            description=DESCRIPTIONS[backbone],
            factory=partial(build, backbone),
            load=load,
            input="audio",
            params=_params(backbone),
        )
        for backbone in BACKBONES
    ]


@hookimpl
def featurize_commands(cli: click.Group) -> None:
    from featurize_msspt.commands import msspt

    cli.add_command(msspt)
