"""The U-Net separator (stage 1) and front part of the taggers (stage 3).

Six encoder levels of two pre-activation sub-blocks (BatchNorm, LeakyReLU 0.01, 3x3 conv) each
followed by 2x2 pooling, with the skip taken *after* pooling; six decoder levels of a 2x2/2
transposed convolution and two sub-blocks, each concatenating the matching skip first; a head of
two sub-blocks over the last decoder output concatenated with the log-magnitude input; and a 3x3
convolution with a sigmoid giving one mask per source over the 256 linear bins.
Input and masks are ``(B, C, T, F)`` with time as height; ``T`` must be a multiple of 64.
"""

from __future__ import annotations

import torch
from torch import nn

from featurize_msspt.config import UNET_LEVELS, UNetConfig
from featurize_msspt.layers import batch_norm, channels_last, keras_init, to_channels_last

LEAKY_SLOPE = 0.01


def pre_activation(in_channels: int, out_channels: int, momentum: float) -> nn.Sequential:
    """BatchNorm over the input, LeakyReLU, then a 3x3 'same' convolution."""
    return nn.Sequential(
        batch_norm(in_channels, momentum),
        nn.LeakyReLU(LEAKY_SLOPE),
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
    )


def double_pre_activation(in_channels: int, out_channels: int, momentum: float) -> nn.Sequential:
    return nn.Sequential(
        pre_activation(in_channels, out_channels, momentum), pre_activation(out_channels, out_channels, momentum)
    )


class UNet(nn.Module):
    """U-Net mask estimator; ``forward`` returns the masks and the decoder outputs D0..D5."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        self.config = config
        widths, momentum = config.widths, config.bn_momentum
        self.encoders = nn.ModuleList(
            double_pre_activation(1 if level == 0 else widths[level - 1], widths[level], momentum)
            for level in range(UNET_LEVELS)
        )
        self.pool = nn.MaxPool2d(2) if config.pool == "max" else nn.AvgPool2d(2)
        self.upsamplers = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(UNET_LEVELS):
            width = widths[UNET_LEVELS - 1 - level]
            incoming = widths[-1] if level == 0 else widths[UNET_LEVELS - level] + width
            self.upsamplers.append(nn.ConvTranspose2d(incoming, width, 2, stride=2))
            self.decoders.append(double_pre_activation(width, width, momentum))
        self.head = double_pre_activation(widths[0] + 1, config.head_width, momentum)
        self.mask = nn.Conv2d(config.head_width, config.n_sources, 3, padding=1)
        keras_init(self)
        channels_last(self)

    def forward(self, log_magnitude: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Masks ``(B, n_sources, T, F)`` in [0, 1] for a ``(B, 1, T, F)`` log-magnitude.

        The second value lists the decoder outputs D0 (coarsest) to D5 (finest), which feed
        the feature adaptation modules.
        """
        hidden = to_channels_last(log_magnitude)
        skips = [hidden]
        for encoder in self.encoders:
            hidden = self.pool(encoder(hidden))
            skips.append(hidden)
        decoded: list[torch.Tensor] = []
        for level, (upsample, decoder) in enumerate(zip(self.upsamplers, self.decoders, strict=True)):
            if level:
                hidden = torch.cat([hidden, skips[UNET_LEVELS - level]], dim=1)
            hidden = decoder(upsample(hidden))
            decoded.append(hidden)
        hidden = self.head(torch.cat([hidden, skips[0]], dim=1))
        return torch.sigmoid(self.mask(hidden)), decoded
