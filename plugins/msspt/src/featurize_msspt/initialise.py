"""Stage-3 initialisation: the U-Net from a stage-1 separator, the back-bone from a stage-2 tagger.

As in the paper, the back-bone's input convolution (CNN) or patch kernel (AST) was trained on
the mixture's log-mel alone; it is tiled ``n_sources + 1`` times over the input channels without
rescaling. The output layer is copied only when the tag count matches; otherwise it stays random.
The adapters always start random here (see :mod:`featurize_msspt.vit` for the AST's G1..G4).
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from featurize_msspt.checkpoint import CheckpointError, read_config, read_weights
from featurize_msspt.config import UNetConfig, unet_from_dict
from featurize_msspt.tagger import Tagger

log = logging.getLogger(__name__)


def separator_config(directory: Path | str) -> UNetConfig:
    """The U-Net configuration of a stage-1 checkpoint."""
    return unet_from_dict(read_config(directory, "separator")["unet"])


def load_separator(tagger: Tagger, directory: Path | str) -> None:
    """Copy a stage-1 separator's weights into ``tagger.unet``."""
    if tagger.unet is None:
        raise ValueError("this tagger has no U-Net to initialise (separation is off)")
    found = separator_config(directory)
    if found.widths != tagger.unet.config.widths or found.n_sources != tagger.unet.config.n_sources:
        raise CheckpointError(f"{directory}: separator widths/sources {found} do not match the tagger's U-Net")
    weights = read_weights(directory)
    tagger.unet.load_state_dict({k.removeprefix("unet."): v for k, v in weights.items() if k.startswith("unet.")})


def load_backbone(tagger: Tagger, directory: Path | str) -> None:
    """Copy a stage-2 back-bone (a tagger without U-Net) into ``tagger.backbone``."""
    config = read_config(directory, "tagger")
    if config["tagger"]["unet"] is not None or config["tagger"]["backbone"] != tagger.config.backbone:
        raise CheckpointError(
            f"{directory}: not a stage-2 {tagger.config.backbone} back-bone (a tagger trained without separation)"
        )
    source = {k.removeprefix("backbone."): v for k, v in read_weights(directory).items() if k.startswith("backbone.")}
    target = tagger.backbone.state_dict()
    first = next(name for name, p in tagger.backbone.named_parameters() if p is tagger.backbone.first_conv.weight)
    source[first] = source[first].repeat(1, tagger.config.in_channels // source[first].shape[1], 1, 1)
    merged: dict[str, torch.Tensor] = {}
    for name, value in target.items():
        incoming = source.get(name)
        if incoming is not None and incoming.shape == value.shape:
            merged[name] = incoming
        elif name.startswith("head.") and incoming is not None and incoming.shape[0] != value.shape[0]:
            log.info("%s: output layer %s not copied (%d outputs here)", directory, name, value.shape[0])
            merged[name] = value
        else:
            found = None if incoming is None else tuple(incoming.shape)
            raise CheckpointError(
                f"{directory}: back-bone weight {name} is {found}, the tagger needs {tuple(value.shape)}"
            )
    tagger.backbone.load_state_dict(merged)
