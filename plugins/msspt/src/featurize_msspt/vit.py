"""ImageNet initialisation of the AST from Google's ViT-B/16 ``.npz`` release (as the paper's v2 code).

The file is read with ``numpy.load(allow_pickle=False)``. The RGB patch kernel is averaged over
colour and tiled over the input channels; the 24x24 positional-embedding grid of the 384 px
model is resized bilinearly (half-pixel centres, like ``tf.image.resize``) to the ``T/16 x 8``
token grid; the attention, MLP and LayerNorm weights are copied; the classification head is
not. When an adapter is given, its patchifying convolutions G1..G4 get the colour-averaged patch
kernel resized to their kernel sizes and tiled over their input channels, with the patch bias;
G0 (the transposed convolution) stays random.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from featurize.errors import MissingWeightsError
from featurize_msspt.checkpoint import CheckpointError
from featurize_msspt.transformer import AST, GRID_BANDS, ASTAdapter

VIT_FILE = "ViT-B_16_imagenet21k+imagenet2012.npz"
VIT_SOURCE = "https://storage.googleapis.com/vit_models/imagenet21k%2Bimagenet2012/ViT-B_16.npz"


def _resize(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear resize of the last two axes of ``(C, H, W)``."""
    return functional.interpolate(image[None], size=size, mode="bilinear", align_corners=False, antialias=False)[0]


def _tiled_kernel(mean_kernel: torch.Tensor, size: tuple[int, int], channels: int) -> torch.Tensor:
    """``(D, kh, kw)`` colour-averaged kernel resized and tiled to a ``(D, channels, *size)`` weight."""
    resized = mean_kernel if tuple(mean_kernel.shape[1:]) == size else _resize(mean_kernel, size)
    return resized[:, None].repeat(1, channels, 1, 1)


def _copy(parameter: nn.Parameter, value: np.ndarray, path: Path, key: str) -> None:
    tensor = torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
    if tensor.shape != parameter.shape:
        raise CheckpointError(
            f"{path}: {key} has shape {tuple(tensor.shape)}, the model needs {tuple(parameter.shape)}"
        )
    with torch.no_grad():
        parameter.copy_(tensor)


def _dense(layer: nn.Linear, weights: dict[str, np.ndarray], prefix: str, path: Path) -> None:
    """Copy a Flax dense layer (kernel ``(in, ...)`` / ``(..., out)``) into ``layer``."""
    kernel = weights[f"{prefix}/kernel"]
    kernel = kernel.reshape(-1, kernel.shape[-1]) if prefix.endswith("/out") else kernel.reshape(len(kernel), -1)
    _copy(layer.weight, kernel.T, path, f"{prefix}/kernel")
    _copy(layer.bias, weights[f"{prefix}/bias"].reshape(-1), path, f"{prefix}/bias")


def _norm(layer: nn.LayerNorm, weights: dict[str, np.ndarray], prefix: str, path: Path) -> None:
    _copy(layer.weight, weights[f"{prefix}/scale"], path, f"{prefix}/scale")
    _copy(layer.bias, weights[f"{prefix}/bias"], path, f"{prefix}/bias")


def read_vit(path: Path | str) -> dict[str, np.ndarray]:
    """The arrays of a ViT ``.npz``; a :class:`MissingWeightsError` saying where to get it when absent."""
    path = Path(path)
    if not path.is_file():
        raise MissingWeightsError(
            f"{path}: ImageNet ViT weights not found. Download {VIT_SOURCE} (the file the paper calls "
            f"{VIT_FILE}) and pass its path, or omit it to start the AST from random weights"
        )
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def load_vit(path: Path | str, ast: AST, adapter: ASTAdapter | None = None) -> None:
    """Initialise ``ast`` (and ``adapter``'s G1..G4) from the ViT ``.npz`` at ``path``."""
    path = Path(path)
    weights = read_vit(path)
    try:
        _load(weights, path, ast, adapter)
    except KeyError as error:
        raise CheckpointError(f"{path}: not a ViT-B/16 weight file (no array {error})") from error


def _load(weights: dict[str, np.ndarray], path: Path, ast: AST, adapter: ASTAdapter | None) -> None:
    blocks = sum(1 for key in weights if re.fullmatch(r"Transformer/encoderblock_\d+/LayerNorm_0/scale", key))
    if blocks != len(ast.blocks):
        raise CheckpointError(f"{path}: {blocks} Transformer blocks, the model has {len(ast.blocks)}")
    mean_kernel = torch.from_numpy(weights["embedding/kernel"].astype(np.float32)).mean(dim=2).permute(2, 0, 1)
    _copy(ast.patch.weight, _tiled_kernel(mean_kernel, (16, 16), ast.patch.in_channels).numpy(), path, "embedding")
    _copy(ast.patch.bias, weights["embedding/bias"], path, "embedding/bias")
    _copy(ast.cls, weights["cls"], path, "cls")
    position = weights["Transformer/posembed_input/pos_embedding"][0]
    side = round((len(position) - 1) ** 0.5)
    grid = torch.from_numpy(position[1:].astype(np.float32)).reshape(side, side, -1).permute(2, 0, 1)
    rows = (ast.position.shape[1] - 1) // GRID_BANDS
    resized = _resize(grid, (rows, GRID_BANDS)).flatten(1).T
    _copy(ast.position, np.concatenate([position[:1], resized.numpy()])[None], path, "pos_embedding")
    for index, block in enumerate(ast.blocks):
        prefix = f"Transformer/encoderblock_{index}"
        _norm(block.norm1, weights, f"{prefix}/LayerNorm_0", path)
        _norm(block.norm2, weights, f"{prefix}/LayerNorm_2", path)
        attention = f"{prefix}/MultiHeadDotProductAttention_1"
        for name in ("query", "key", "value", "out"):
            _dense(getattr(block.attention, name), weights, f"{attention}/{name}", path)
        _dense(block.mlp[0], weights, f"{prefix}/MlpBlock_3/Dense_0", path)
        _dense(block.mlp[2], weights, f"{prefix}/MlpBlock_3/Dense_1", path)
    _norm(ast.norm, weights, "Transformer/encoder_norm", path)
    if adapter is not None:
        for conv in adapter.patchify:
            kernel = _tiled_kernel(mean_kernel, conv.kernel_size, conv.in_channels)
            _copy(conv.weight, kernel.numpy(), path, "embedding (adapter)")
            _copy(conv.bias, weights["embedding/bias"], path, "embedding/bias (adapter)")
