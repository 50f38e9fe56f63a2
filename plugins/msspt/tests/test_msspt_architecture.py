"""Architecture: shapes through every block and exact parameter counts (on the meta device: no compute)."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from torch import nn

from featurize_msspt.cnn import CNNAdapter, ShortChunkCNN
from featurize_msspt.config import ASTConfig, CNNConfig, TaggerConfig, UNetConfig, tagger_preset
from featurize_msspt.separator import Separator
from featurize_msspt.tagger import Tagger
from featurize_msspt.transformer import AST, ASTAdapter
from featurize_msspt.unet import UNet

BATCH = 2


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def buffers(module: nn.Module) -> int:
    """Saved non-trainable values (BatchNorm statistics), as in the paper's checkpoints."""
    parameters = dict(module.named_parameters())
    saved = module.state_dict()
    return sum(v.numel() for k, v in saved.items() if k not in parameters and not k.endswith("num_batches_tracked"))


def on_meta(build):  # type: ignore[no-untyped-def]
    with torch.device("meta"):
        return build()


class Recorder:
    """Output shapes of chosen submodules, in call order."""

    def __init__(self, modules: dict[str, nn.Module]) -> None:
        self.shapes: dict[str, list[tuple[int, ...]]] = {name: [] for name in modules}
        for name, module in modules.items():
            module.register_forward_hook(lambda _m, _i, out, name=name: self.shapes[name].append(tuple(out.shape)))


def with_frames(config: TaggerConfig, frames: int) -> TaggerConfig:
    return dataclasses.replace(config, segment_frames=frames)


# -- parameter counts ------------------------------------------------------------------------


def test_full_size_parameter_counts_match_the_paper() -> None:
    assert count(on_meta(lambda: UNet(UNetConfig()))) == 3_921_061
    assert buffers(on_meta(lambda: UNet(UNetConfig()))) == 4_708
    assert count(on_meta(lambda: UNet(UNetConfig(n_sources=4)))) == 3_921_928
    assert count(on_meta(lambda: CNNAdapter(UNetConfig(), CNNConfig()))) == 72_192
    assert count(on_meta(lambda: ShortChunkCNN(CNNConfig(), 2, 50, 384))) == 2_397_106
    assert count(on_meta(lambda: ShortChunkCNN(CNNConfig(), 1, 50, 384))) == 2_396_530
    assert count(on_meta(lambda: ShortChunkCNN(CNNConfig(), 5, 50, 384))) == 2_398_834
    assert count(on_meta(lambda: ShortChunkCNN(CNNConfig(), 2, 16, 384))) == 2_397_106 - 17_442
    assert count(on_meta(lambda: ASTAdapter(UNetConfig(), ASTConfig()))) == 6_393_600
    assert count(on_meta(lambda: AST(ASTConfig(), 2, 50, 768))) == 85_784_882
    assert count(on_meta(lambda: AST(ASTConfig(), 1, 50, 768))) == 85_588_274
    assert count(on_meta(lambda: AST(ASTConfig(), 5, 50, 768))) == 86_374_706


def test_full_size_model_totals() -> None:
    cnn = on_meta(lambda: Tagger(tagger_preset("cnn", "full", 50)))
    assert count(cnn) == 6_390_359
    assert buffers(cnn) == 9_316
    assert count(on_meta(lambda: Tagger(tagger_preset("ast", "full", 50)))) == 96_099_543
    multi = tagger_preset("ast", "full", 50, unet=UNetConfig(n_sources=4))
    assert count(on_meta(lambda: Tagger(multi))) == 96_690_234


def test_tiny_configurations_keep_the_topology() -> None:
    assert count(on_meta(lambda: Tagger(tagger_preset("cnn", "tiny", 50)))) == 20_539
    assert count(on_meta(lambda: Tagger(with_frames(tagger_preset("cnn", "tiny", 50), 384)))) == 20_667
    assert count(on_meta(lambda: Tagger(tagger_preset("ast", "tiny", 50)))) == 166_115


def test_skips_keep_the_finest_injections() -> None:
    adapter = on_meta(lambda: CNNAdapter(UNetConfig(), CNNConfig(skips=2)))
    assert adapter.sources == [3, 4]
    assert count(adapter) == 4_160 + 2_112


# -- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("frames", [384, 768])
def test_unet_shapes(frames: int) -> None:
    unet = on_meta(lambda: UNet(UNetConfig()))
    recorder = Recorder({"pool": unet.pool, "head": unet.head})
    masks, decoded = unet(torch.empty(BATCH, 1, frames, 256, device="meta"))
    widths = (16, 32, 64, 128, 192, 192)
    assert recorder.shapes["pool"] == [
        (BATCH, w, frames // 2 ** (i + 1), 256 // 2 ** (i + 1)) for i, w in enumerate(widths)
    ]
    assert [d.shape for d in decoded] == [
        (BATCH, w, frames // 2 ** (5 - j), 256 // 2 ** (5 - j)) for j, w in enumerate(reversed(widths))
    ]
    assert recorder.shapes["head"] == [(BATCH, 32, frames, 256)]
    assert masks.shape == (BATCH, 1, frames, 256)


@pytest.mark.parametrize("frames", [384, 768])
def test_cnn_pipeline_shapes(frames: int) -> None:
    tagger = on_meta(lambda: Tagger(with_frames(tagger_preset("cnn", "full", 50), frames)))
    blocks = {f"b{i}": block for i, block in enumerate(tagger.backbone.blocks)}
    projections = {f"a{s}": p for s, p in zip(tagger.adapter.sources, tagger.adapter.projections, strict=True)}
    recorder = Recorder({**blocks, **projections, "flat": tagger.backbone.head[0]})
    logits = tagger(torch.empty(BATCH, frames, 256, device="meta"))
    widths = (64, 64, 128, 128, 128, 128, 256)
    for i, width in enumerate(widths[:6]):
        assert recorder.shapes[f"b{i}"] == [(BATCH, width, frames // 2 ** (i + 1), 128 // 2 ** (i + 1))]
    assert recorder.shapes["b6"] == [(BATCH, 256, frames // 192, 1)]
    for source in range(5):  # A_k feeds block 5 - k, whose input is block 4 - k's output
        assert recorder.shapes[f"a{source}"] == recorder.shapes[f"b{4 - source}"]
    assert tagger.backbone.head[0].in_features == 256 * (frames // 192)
    assert logits.shape == (BATCH, 50)


@pytest.mark.parametrize("frames", [384, 768])
def test_ast_pipeline_shapes(frames: int) -> None:
    tagger = on_meta(lambda: Tagger(with_frames(tagger_preset("ast", "full", 50), frames)))
    adapter = tagger.adapter
    convs = {"g0": adapter.upsample, **{f"g{i + 1}": conv for i, conv in enumerate(adapter.patchify)}}
    recorder = Recorder({"patch": tagger.backbone.patch, "block": tagger.backbone.blocks[0], **convs})
    logits = tagger(torch.empty(BATCH, frames, 256, device="meta"))
    rows = frames // 16
    assert recorder.shapes["patch"] == [(BATCH, 768, rows, 8)]
    assert recorder.shapes["block"] == [(BATCH, 1 + rows * 8, 768)]
    assert recorder.shapes["g0"] == [(BATCH, 768, rows, 9)], "G0 is cropped to 8 bands afterwards"
    for level in range(1, 5):
        assert recorder.shapes[f"g{level}"] == [(BATCH, 768, rows, 8)]
    assert logits.shape == (BATCH, 50)


def test_tagger_bridge_channels() -> None:
    uni = on_meta(lambda: Tagger(tagger_preset("cnn", "full", 50)))
    multi = on_meta(lambda: Tagger(tagger_preset("cnn", "full", 50, unet=UNetConfig(n_sources=4))))
    alone = on_meta(lambda: Tagger(tagger_preset("cnn", "full", 50, separation=False)))
    assert [t.backbone.first_conv.in_channels for t in (uni, multi, alone)] == [2, 5, 1]
    assert alone.unet is None and alone.adapter is None


@pytest.mark.parametrize("n_sources", [1, 4])
def test_separator_returns_one_waveform_per_source(n_sources: int) -> None:
    separator = Separator(UNetConfig(widths=(2, 2, 2, 2, 2, 2), head_width=2, n_sources=n_sources))
    mixture = torch.randn(2, 10_592)
    assert separator(mixture).shape == (2, n_sources, 10_592)


def test_invalid_configurations_are_refused() -> None:
    with pytest.raises(ValueError, match="multiple of 64"):
        tagger_preset("cnn", "tiny", 5).__class__(backbone="cnn", n_outputs=5, segment_frames=200)
    with pytest.raises(ValueError, match="192"):
        TaggerConfig(backbone="cnn", n_outputs=5, segment_frames=128)
    with pytest.raises(ValueError, match="size"):
        tagger_preset("cnn", "huge", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_sources"):
        UNetConfig(n_sources=2)


def test_config_round_trips_through_json_types() -> None:
    import json

    config = tagger_preset("ast", "tiny", 7, unet=UNetConfig(widths=(4, 4, 8, 8, 8, 8), head_width=4, n_sources=4))
    assert TaggerConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    alone = tagger_preset("cnn", "tiny", 3, separation=False)
    assert TaggerConfig.from_dict(json.loads(json.dumps(alone.to_dict()))) == alone
