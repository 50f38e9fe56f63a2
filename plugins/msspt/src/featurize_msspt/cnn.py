"""The Short-chunk CNN tail and its feature adaptation module (v2 of the paper's code).

Tail: seven blocks of two [3x3 conv, BatchNorm, ReLU] followed by max-pooling (2x2 six times,
then 3x2), flattened in (time, mel, channel) order like Keras, then Dense, BatchNorm, ReLU,
Dropout 0.5 and the output layer (logits). Adapter A_k takes decoder output D_k (k = 0..4),
max-pools frequency by 2 (256 linear bins against 128 mel bands), projects it with a 1x1
convolution to the tail's width and adds it to the tensor entering block 5 - k.
"""

from __future__ import annotations

import torch
from torch import nn

from featurize_msspt.config import CNN_BLOCKS, UNET_LEVELS, CNNConfig, UNetConfig
from featurize_msspt.frontend import N_MELS
from featurize_msspt.layers import BN_EPS, batch_norm, channels_last, keras_init, to_channels_last

POOLS: tuple[tuple[int, int], ...] = ((2, 2),) * (CNN_BLOCKS - 1) + ((3, 2),)


def conv_bn_relu(in_channels: int, out_channels: int, momentum: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1), batch_norm(out_channels, momentum), nn.ReLU()
    )


def flat_size(config: CNNConfig, segment_frames: int) -> int:
    """Length of the flattened last feature map (512 at full size for 384 frames)."""
    frames, bands = segment_frames, N_MELS
    for time_pool, band_pool in POOLS:
        frames, bands = frames // time_pool, bands // band_pool
    return frames * bands * config.widths[-1]


class ShortChunkCNN(nn.Module):
    """The CNN back-bone: ``(B, C, T, 128)`` log-mel to ``(B, n_outputs)`` logits."""

    def __init__(self, config: CNNConfig, in_channels: int, n_outputs: int, segment_frames: int) -> None:
        super().__init__()
        self.blocks = nn.ModuleList()
        for index, (width, pool) in enumerate(zip(config.widths, POOLS, strict=True)):
            incoming = in_channels if index == 0 else config.widths[index - 1]
            convs = conv_bn_relu(incoming, width, config.bn_momentum), conv_bn_relu(width, width, config.bn_momentum)
            self.blocks.append(nn.Sequential(*convs, nn.MaxPool2d(pool)))
        self.head = nn.Sequential(
            nn.Linear(flat_size(config, segment_frames), config.dense),
            nn.BatchNorm1d(config.dense, eps=BN_EPS, momentum=config.bn_momentum),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.dense, n_outputs),
        )
        keras_init(self)
        channels_last(self)

    def forward(self, x: torch.Tensor, injections: dict[int, torch.Tensor] | None = None) -> torch.Tensor:
        """Logits; ``injections[b]`` is added to the input of block ``b``."""
        x = to_channels_last(x)
        for index, block in enumerate(self.blocks):
            if injections and index in injections:
                x = x + injections[index]
            x = block(x)
        return self.head(x.permute(0, 2, 3, 1).flatten(1))

    @property
    def first_conv(self) -> nn.Conv2d:
        """The convolution reading the input channels (tiled when stage-2 weights are reused)."""
        return self.blocks[0][0][0]


class CNNAdapter(nn.Module):
    """Feature adaptation from the U-Net decoder into the CNN tail (1x1 projections, summed)."""

    def __init__(self, unet: UNetConfig, tail: CNNConfig) -> None:
        super().__init__()
        self.sources: list[int] = []
        self.projections = nn.ModuleList()
        for source in range(UNET_LEVELS - 1):
            block = UNET_LEVELS - 1 - source
            if block > tail.skips:
                continue
            self.sources.append(source)
            self.projections.append(nn.Conv2d(unet.widths[block], tail.widths[block - 1], 1))
        self.pool = nn.MaxPool2d((1, 2))
        keras_init(self)
        channels_last(self)

    def forward(self, decoded: list[torch.Tensor]) -> dict[int, torch.Tensor]:
        """Tail block index -> tensor to add to that block's input."""
        return {
            UNET_LEVELS - 1 - source: projection(self.pool(decoded[source]))
            for source, projection in zip(self.sources, self.projections, strict=True)
        }
