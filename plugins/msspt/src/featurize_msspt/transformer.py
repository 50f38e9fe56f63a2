"""The Audio Spectrogram Transformer tail and its feature adaptation module (v2 of the paper's code).

AST: min-max scaling of the input to [-1, 1], a 16x16/16 patchifying convolution (a
``T/16 x 8`` grid, tokens flattened time-major), a zero-initialised CLS token, learned
positional embeddings, pre-LN blocks (multi-head attention with biases; MLP with exact GELU and
dropout), a final LayerNorm and a dense output on the CLS token (logits).
Adapter: decoder outputs D4..D1 are patchified by non-overlapping convolutions onto the token
grid and D0 is upsampled by a 2x2 transposed convolution with stride (2, 1) (last frequency
column cropped); each is added to the patch tokens (not the CLS token) before blocks 2, 4, 6, 8
and 10, the finest first.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from featurize_msspt.config import UNET_LEVELS, ASTConfig, UNetConfig
from featurize_msspt.frontend import N_MELS
from featurize_msspt.layers import keras_init

PATCH = 16
GRID_BANDS = N_MELS // PATCH
POSITION_STD = 0.06
INJECTION_BLOCKS: tuple[int, ...] = (10, 8, 6, 4, 2)
"""Block receiving decoder output D0, D1, ..., D4."""


def min_max_scale(x: torch.Tensor, mode: str) -> torch.Tensor:
    """``2 (x - min) / (max - min) - 1`` per example or over the whole batch; -1 where constant."""
    if mode == "batch":
        low, high = x.amin(), x.amax()
    else:
        low, high = x.amin(dim=(1, 2, 3), keepdim=True), x.amax(dim=(1, 2, 3), keepdim=True)
    return 2 * (x - low) / (high - low).clamp_min(torch.finfo(x.dtype).tiny) - 1


def tokens_of(grid: torch.Tensor) -> torch.Tensor:
    """``(B, D, rows, cols)`` feature grid to ``(B, rows * cols, D)`` tokens, time-major."""
    return grid.flatten(2).transpose(1, 2)


class SelfAttention(nn.Module):
    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.out = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, dim = x.shape

        def split(projection: nn.Linear) -> torch.Tensor:
            return projection(x).reshape(batch, tokens, self.heads, dim // self.heads).transpose(1, 2)

        attended = functional.scaled_dot_product_attention(split(self.query), split(self.key), split(self.value))
        return self.out(attended.transpose(1, 2).reshape(batch, tokens, dim))


class Block(nn.Module):
    """Pre-LN Transformer block."""

    def __init__(self, config: ASTConfig) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(config.dim, eps=config.layer_norm_eps)
        self.attention = SelfAttention(config.dim, config.heads)
        self.norm2 = nn.LayerNorm(config.dim, eps=config.layer_norm_eps)
        self.mlp = nn.Sequential(
            nn.Linear(config.dim, config.mlp),
            nn.GELU(),
            nn.Linear(config.mlp, config.dim),
            nn.Dropout(config.dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class AST(nn.Module):
    """The AST back-bone: ``(B, C, T, 128)`` log-mel to ``(B, n_outputs)`` logits."""

    def __init__(self, config: ASTConfig, in_channels: int, n_outputs: int, segment_frames: int) -> None:
        super().__init__()
        self.scaling = config.scaling
        self.patch = nn.Conv2d(in_channels, config.dim, PATCH, stride=PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, config.dim))
        self.position = nn.Parameter(torch.empty(1, 1 + (segment_frames // PATCH) * GRID_BANDS, config.dim))
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.depth))
        self.norm = nn.LayerNorm(config.dim, eps=config.layer_norm_eps)
        self.head = nn.Linear(config.dim, n_outputs)
        keras_init(self)
        nn.init.normal_(self.position, std=POSITION_STD)

    def forward(self, x: torch.Tensor, injections: dict[int, torch.Tensor] | None = None) -> torch.Tensor:
        """Logits; ``injections[b]`` ``(B, N, D)`` is added to the patch tokens entering block ``b``."""
        patches = tokens_of(self.patch(min_max_scale(x, self.scaling)))
        tokens = torch.cat([self.cls.expand(len(patches), -1, -1), patches], dim=1) + self.position
        for index, block in enumerate(self.blocks):
            if injections and index in injections:
                tokens = torch.cat([tokens[:, :1], tokens[:, 1:] + injections[index]], dim=1)
            tokens = block(tokens)
        return self.head(self.norm(tokens)[:, 0])

    @property
    def first_conv(self) -> nn.Conv2d:
        """The convolution reading the input channels (tiled when stage-2 weights are reused)."""
        return self.patch


class ASTAdapter(nn.Module):
    """Feature adaptation from the U-Net decoder into the AST tokens (patchifying convolutions)."""

    def __init__(self, unet: UNetConfig, config: ASTConfig) -> None:
        super().__init__()
        widths = unet.widths
        self.upsample = nn.ConvTranspose2d(widths[-1], config.dim, 2, stride=(2, 1))
        self.patchify = nn.ModuleList(
            nn.Conv2d(widths[UNET_LEVELS - 1 - level], config.dim, kernel, stride=kernel)
            for level, kernel in enumerate(self.kernels(), start=1)
        )
        keras_init(self)

    @staticmethod
    def kernels() -> list[tuple[int, int]]:
        """Kernel (= stride) of the patchifying convolutions for D1, D2, D3, D4."""
        return [(2 ** (level - 1), 2**level) for level in range(1, UNET_LEVELS - 1)]

    def forward(self, decoded: list[torch.Tensor]) -> dict[int, torch.Tensor]:
        """Transformer block index -> tokens to add to its patch tokens."""
        coarsest = self.upsample(decoded[0])[..., :GRID_BANDS]
        grids = [coarsest, *(conv(d) for conv, d in zip(self.patchify, decoded[1 : UNET_LEVELS - 1], strict=True))]
        return {block: tokens_of(grid) for block, grid in zip(INJECTION_BLOCKS, grids, strict=True)}
