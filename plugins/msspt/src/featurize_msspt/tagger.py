"""The tagger network: U-Net, bridge, feature adaptation and back-bone in one module.

Bridge: each source's masked linear magnitude and the mixture's magnitude are projected to
128 mel bands and log-compressed, then stacked as channels ``[sources..., mixture]``; the
back-bone reads this ``(B, n_sources + 1, T, 128)`` tensor. Without a U-Net (stage 2, or the
tail-only baseline) the back-bone reads the mixture's log-mel alone.
"""

from __future__ import annotations

import torch
from torch import nn

from featurize_msspt.cnn import CNNAdapter, ShortChunkCNN
from featurize_msspt.config import TaggerConfig
from featurize_msspt.frontend import log_compress, mel_matrix
from featurize_msspt.transformer import AST, ASTAdapter
from featurize_msspt.unet import UNet


class Tagger(nn.Module):
    """``(B, T, 256)`` linear STFT magnitudes of segments to ``(B, n_outputs)`` logits."""

    def __init__(self, config: TaggerConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("mel", torch.tensor(mel_matrix()), persistent=False)
        self.unet = None if config.unet is None else UNet(config.unet)
        self.adapter: nn.Module | None = None
        self.backbone: ShortChunkCNN | AST
        if config.backbone == "cnn":
            self.backbone = ShortChunkCNN(config.cnn, config.in_channels, config.n_outputs, config.segment_frames)
            if config.unet is not None and config.adaptation:
                self.adapter = CNNAdapter(config.unet, config.cnn)
        else:
            self.backbone = AST(config.ast, config.in_channels, config.n_outputs, config.segment_frames)
            if config.unet is not None and config.adaptation:
                self.adapter = ASTAdapter(config.unet, config.ast)

    def log_mel(self, magnitude: torch.Tensor) -> torch.Tensor:
        return log_compress(magnitude @ self.mel)

    def forward(self, magnitude: torch.Tensor) -> torch.Tensor:
        mixture = magnitude.unsqueeze(1)
        mixture_mel = self.log_mel(mixture)
        if self.unet is None:
            return self.backbone(mixture_mel)
        masks, decoded = self.unet(log_compress(mixture))
        features = torch.cat([self.log_mel(masks * mixture), mixture_mel], dim=1)
        injections = None if self.adapter is None else self.adapter(decoded)
        return self.backbone(features, injections)
