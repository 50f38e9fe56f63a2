"""Building blocks with the paper's Keras conventions (initialisation, BatchNorm constants).

Keras initialises kernels glorot-uniform with zero biases, and its BatchNorm uses eps 1e-3 (its
momentum lives in the configurations: :data:`featurize_msspt.config.KERAS_BN_MOMENTUM`).
"""

from __future__ import annotations

import torch
from torch import nn

BN_EPS = 1e-3


def batch_norm(channels: int, momentum: float) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=momentum)


def keras_init(module: nn.Module) -> None:
    """Glorot-uniform weights and zero biases for every convolution and dense layer in ``module``."""
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)


def channels_last(module: nn.Module) -> None:
    """Store ``module``'s convolution kernels channels-last.

    With channels-last inputs too, oneDNN's convolutions run about 3x faster for the tiny
    widths and 1.4x for the full ones (training step, measured on this project's CPUs).
    """
    module.to(memory_format=torch.channels_last)


def to_channels_last(x: torch.Tensor) -> torch.Tensor:
    return x.contiguous(memory_format=torch.channels_last)
