"""ImageNet initialisation of the AST from a ViT ``.npz`` written by the test with Google's key names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from featurize.errors import MissingWeightsError
from featurize_msspt.checkpoint import CheckpointError
from featurize_msspt.config import tagger_preset
from featurize_msspt.tagger import Tagger
from featurize_msspt.vit import load_vit

DIM, HEADS, MLP, DEPTH, SIDE = 32, 2, 64, 12, 24


def vit_arrays(depth: int = DEPTH) -> dict[str, np.ndarray]:
    """Random arrays with the names and layouts of ViT-B_16_imagenet21k+imagenet2012.npz, at tiny width."""
    rng = np.random.default_rng(0)

    def normal(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    grid = np.repeat(normal(1, SIDE, DIM), SIDE, axis=0)  # varies along columns only
    arrays = {
        "embedding/kernel": normal(16, 16, 3, DIM),
        "embedding/bias": normal(DIM),
        "cls": normal(1, 1, DIM),
        "Transformer/posembed_input/pos_embedding": np.concatenate([normal(1, DIM), grid.reshape(-1, DIM)])[None],
        "Transformer/encoder_norm/scale": normal(DIM),
        "Transformer/encoder_norm/bias": normal(DIM),
        "head/kernel": normal(DIM, 1000),
        "head/bias": normal(1000),
    }
    for index in range(depth):
        prefix = f"Transformer/encoderblock_{index}"
        for norm in ("LayerNorm_0", "LayerNorm_2"):
            arrays[f"{prefix}/{norm}/scale"] = normal(DIM)
            arrays[f"{prefix}/{norm}/bias"] = normal(DIM)
        for name in ("query", "key", "value"):
            arrays[f"{prefix}/MultiHeadDotProductAttention_1/{name}/kernel"] = normal(DIM, HEADS, DIM // HEADS)
            arrays[f"{prefix}/MultiHeadDotProductAttention_1/{name}/bias"] = normal(HEADS, DIM // HEADS)
        arrays[f"{prefix}/MultiHeadDotProductAttention_1/out/kernel"] = normal(HEADS, DIM // HEADS, DIM)
        arrays[f"{prefix}/MultiHeadDotProductAttention_1/out/bias"] = normal(DIM)
        arrays[f"{prefix}/MlpBlock_3/Dense_0/kernel"] = normal(DIM, MLP)
        arrays[f"{prefix}/MlpBlock_3/Dense_0/bias"] = normal(MLP)
        arrays[f"{prefix}/MlpBlock_3/Dense_1/kernel"] = normal(MLP, DIM)
        arrays[f"{prefix}/MlpBlock_3/Dense_1/bias"] = normal(DIM)
    return arrays


@pytest.fixture
def vit_file(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    arrays = vit_arrays()
    np.savez(tmp_path / "ViT-B_16.npz", **arrays)
    return tmp_path / "ViT-B_16.npz", arrays


def test_vit_weights_initialise_the_ast_and_its_adapters(vit_file: tuple[Path, dict[str, np.ndarray]]) -> None:
    path, arrays = vit_file
    tagger = Tagger(tagger_preset("ast", "tiny", 3))
    ast, adapter = tagger.backbone, tagger.adapter
    upsample_before = adapter.upsample.weight.clone()
    load_vit(path, ast, adapter)
    mean_kernel = torch.from_numpy(arrays["embedding/kernel"]).mean(dim=2).permute(2, 0, 1)
    torch.testing.assert_close(ast.patch.weight, mean_kernel[:, None].repeat(1, 2, 1, 1))
    torch.testing.assert_close(ast.cls, torch.from_numpy(arrays["cls"]))
    query = arrays["Transformer/encoderblock_3/MultiHeadDotProductAttention_1/query/kernel"].reshape(DIM, DIM)
    torch.testing.assert_close(ast.blocks[3].attention.query.weight, torch.from_numpy(query.T.copy()))
    out = arrays["Transformer/encoderblock_3/MultiHeadDotProductAttention_1/out/kernel"].reshape(DIM, DIM)
    torch.testing.assert_close(ast.blocks[3].attention.out.weight, torch.from_numpy(out.T.copy()))
    mlp = arrays["Transformer/encoderblock_11/MlpBlock_3/Dense_1/kernel"]
    torch.testing.assert_close(ast.blocks[11].mlp[2].weight, torch.from_numpy(mlp.T.copy()))
    # Positions: 24x24 resized to 16x8 with half-pixel centres; columns map onto source column 3j + 1.
    position = arrays["Transformer/posembed_input/pos_embedding"][0]
    expected_columns = position[1 : 1 + SIDE][1::3]
    torch.testing.assert_close(ast.position[0, 1:9], torch.from_numpy(expected_columns.copy()))
    torch.testing.assert_close(ast.position[0, 0], torch.from_numpy(position[0]))
    # G4's (8, 16) kernel averages pairs of rows; G1's (1, 2) kernel samples rows 7-8 and columns 3-4 / 11-12.
    g1, g4 = adapter.patchify[0], adapter.patchify[3]
    pairs = mean_kernel.reshape(DIM, 8, 2, 16).mean(dim=2)
    torch.testing.assert_close(g4.weight, pairs[:, None].repeat(1, g4.in_channels, 1, 1))
    torch.testing.assert_close(g1.weight[:, 0, 0, 0], mean_kernel[:, 7:9, 3:5].mean(dim=(1, 2)))
    torch.testing.assert_close(g1.bias, torch.from_numpy(arrays["embedding/bias"]))
    torch.testing.assert_close(adapter.upsample.weight, upsample_before, msg="G0 stays random")


def test_vit_errors_name_the_file(tmp_path: Path) -> None:
    tagger = Tagger(tagger_preset("ast", "tiny", 3))
    with pytest.raises(MissingWeightsError, match=r"absent\.npz.*ViT-B_16"):
        load_vit(tmp_path / "absent.npz", tagger.backbone)
    np.savez(tmp_path / "shallow.npz", **vit_arrays(depth=2))
    with pytest.raises(CheckpointError, match=r"shallow\.npz: 2 Transformer blocks"):
        load_vit(tmp_path / "shallow.npz", tagger.backbone)
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    with pytest.raises(CheckpointError, match=r"other\.npz"):
        load_vit(tmp_path / "other.npz", tagger.backbone)
