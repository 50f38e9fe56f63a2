"""Stage-1 model: the U-Net as a waveform-to-waveform source separator.

Each mask multiplies the mixture's complex STFT below Nyquist, which is the masked magnitude
combined with the mixture phase; the unmasked Nyquist bin is re-appended and the overlap-add
inverse STFT returns one waveform per source, compared with the targets by a time-domain L1 loss.
"""

from __future__ import annotations

import torch
from torch import nn

from featurize_msspt.config import UNetConfig
from featurize_msspt.frontend import N_BINS, istft, log_compress, magnitude, stft
from featurize_msspt.unet import UNet


class Separator(nn.Module):
    """``(B, n)`` mixtures to ``(B, n_sources, n)`` source estimates (``n`` spanning whole frames)."""

    def __init__(self, config: UNetConfig) -> None:
        super().__init__()
        self.unet = UNet(config)

    def forward(self, mixture: torch.Tensor) -> torch.Tensor:
        spec = stft(mixture)
        masks, _ = self.unet(log_compress(magnitude(spec)).unsqueeze(1))
        below_nyquist = masks * spec[:, None, :, :N_BINS]
        nyquist = spec[:, None, :, N_BINS:].expand(-1, masks.shape[1], -1, -1)
        return istft(torch.cat([below_nyquist, nyquist], dim=-1))


def separation_loss(separator: Separator, mixture: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean absolute error between the separated waveforms and ``targets`` ``(B, n_sources, n)``."""
    return (separator(mixture) - targets).abs().mean()
