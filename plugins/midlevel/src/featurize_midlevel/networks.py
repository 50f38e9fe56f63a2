"""The two regression networks, input ``(batch, 1, n_bins, frames)`` -> ``(batch, n_outputs)``.

- :class:`VggStyle`: the layer list of Chowdhury et al. (2019) as the SAMAT/Lyberatos MFCC
  variant uses it (a 7-unit mid-level layer, no emotion layer).
- :class:`CPResNet`: the receptive-field regularised ResNet of the same paper, config
  ``cp_field_shallow_m2``, with the frequency-position ("CoordConv") channel fed to every
  convolution of a block.

``width`` is the base channel count; every layer scales with it, so tests can train a
tiny network through the same code.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn
from torch.nn import functional

from featurize_midlevel.catalog import DEFAULT_WIDTHS


def _scaled(channels: tuple[int, ...], width: int, base: int) -> list[int]:
    return [max(1, round(c * width / base)) for c in channels]


def _conv_bn_relu(inputs: int, outputs: int, kernel: int, stride: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(inputs, outputs, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    ]


def _initialise(module: nn.Module) -> None:
    """He initialisation for convolutions and linear layers, identity BatchNorm (as the reference)."""
    if isinstance(module, nn.Conv2d | nn.Linear):
        nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


class VggStyle(nn.Module):
    """Conv 5x5/2, conv 3x3, pool; two 3x3 convs, pool; five 3x3 convs; global average; linear.

    Channels at width 64: 64, 64 | 128, 128 | 256, 256, 384, 512, 256; dropout 0.3 after
    each pooling; BatchNorm and ReLU after every convolution.
    """

    CHANNELS = (64, 64, 128, 128, 256, 256, 384, 512, 256)

    def __init__(self, width: int = DEFAULT_WIDTHS["vgg"], n_outputs: int = 7) -> None:
        super().__init__()
        c = _scaled(self.CHANNELS, width, DEFAULT_WIDTHS["vgg"])
        layers = [*_conv_bn_relu(1, c[0], 5, stride=2), *_conv_bn_relu(c[0], c[1], 3)]
        layers += [nn.MaxPool2d(2), nn.Dropout(0.3), *_conv_bn_relu(c[1], c[2], 3), *_conv_bn_relu(c[2], c[3], 3)]
        layers += [nn.MaxPool2d(2), nn.Dropout(0.3)]
        for inputs, outputs in itertools.pairwise(c[3:]):
            layers += _conv_bn_relu(inputs, outputs, 3)
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c[-1], n_outputs)
        self.apply(_initialise)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


def _with_frequency_position(x: torch.Tensor) -> torch.Tensor:
    """Append a channel that ramps from -1 to 1 along the frequency axis (the reference's ``getpad``)."""
    batch, _, height, time = x.shape
    ramp = torch.arange(height, dtype=x.dtype, device=x.device) * 2 / height - 1
    return torch.cat([x, ramp.view(1, 1, height, 1).expand(batch, 1, height, time)], dim=1)


class _BasicBlock(nn.Module):
    """Two convolutions (kernels ``k1``, ``k2``, padding ``k // 3``) with a residual connection."""

    def __init__(self, inputs: int, outputs: int, k1: int, k2: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inputs + 1, outputs, k1, padding=k1 // 3, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs + 1, outputs, k2, padding=k2 // 3, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.shortcut = nn.Sequential()
        if inputs != outputs:
            self.shortcut = nn.Sequential(nn.Conv2d(inputs, outputs, 1, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = functional.relu(self.bn1(self.conv1(_with_frequency_position(x))))
        y = self.bn2(self.conv2(_with_frequency_position(y)))
        return functional.relu(y + self.shortcut(x))


class CPResNet(nn.Module):
    """Stem conv 5x5/2; stage 1: 3 blocks (kernels 3/1, 3/3, 3/3) with 2x2 max-pools after blocks 1 and 2;
    stage 2: 1 block 3/3 at twice the width; stage 3: 1 block 1/1 at four times the width;
    head: 1x1 conv to the outputs, BatchNorm, global average pool.
    """

    def __init__(self, width: int = DEFAULT_WIDTHS["resnet"], n_outputs: int = 7) -> None:
        super().__init__()
        c1, c2, c3 = _scaled((128, 256, 512), width, DEFAULT_WIDTHS["resnet"])
        self.stem = nn.Sequential(
            nn.Conv2d(1, c1, 5, stride=2, padding=1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(inplace=True)
        )
        self.stages = nn.Sequential(
            _BasicBlock(c1, c1, 3, 1),
            nn.MaxPool2d(2),
            _BasicBlock(c1, c1, 3, 3),
            nn.MaxPool2d(2),
            _BasicBlock(c1, c1, 3, 3),
            _BasicBlock(c1, c2, 3, 3),
            _BasicBlock(c2, c3, 1, 1),
        )
        self.head = nn.Sequential(nn.Conv2d(c3, n_outputs, 1, bias=False), nn.BatchNorm2d(n_outputs))
        self.apply(_initialise)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.stages(self.stem(x))).mean(dim=(2, 3))


NETWORKS: dict[str, type[VggStyle] | type[CPResNet]] = {"vgg": VggStyle, "resnet": CPResNet}


def build_network(architecture: str, width: int, n_outputs: int) -> nn.Module:
    """A freshly initialised network; the caller seeds torch for reproducible weights."""
    return NETWORKS[architecture](width=width, n_outputs=n_outputs)
