"""The three stages end to end through the CLI: pretrain, backbone, fine-tune from both checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from featurize.cli import cli
from featurize.errors import MissingWeightsError
from featurize_msspt.checkpoint import CheckpointError, read_weights
from featurize_msspt.config import tagger_preset
from featurize_msspt.estimator import MssptTagger
from featurize_msspt.initialise import load_backbone, load_separator, separator_config
from featurize_msspt.tagger import Tagger

PRETRAIN_TINY = ["--size", "tiny", "--segment-frames", "64", "--batch-size", "2", "--decay-every", "2"]


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--plugins", "msspt", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def separator_dir(musdb_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("stage1") / "vocals"
    log = invoke(
        "msspt", "pretrain", str(musdb_root), "-o", str(output), "--steps", "3", "--validate-every", "2", *PRETRAIN_TINY
    )
    assert "validation_loss=" in log and "separator saved" in log
    return output


@pytest.fixture(scope="module")
def backbone_dir(training_clips: tuple[list[Path], np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths, tags = training_clips
    folder = tmp_path_factory.mktemp("stage2")
    manifest = folder / "labels.csv"
    rows = ["audio,tonal,percussive", *(f"{p},{a},{b}" for p, (a, b) in zip(paths[:8], tags[:8], strict=True))]
    manifest.write_text("\n".join(rows) + "\n")
    output = folder / "cnn"
    log = invoke(
        "msspt", "backbone", str(manifest), "-o", str(output), "--size", "tiny", "--epochs", "1", "--batch-size", "4"
    )
    assert "tonal, percussive" in log and "back-bone saved" in log
    return output


def test_pretrain_writes_a_separator_checkpoint(separator_dir: Path) -> None:
    config = json.loads((separator_dir / "config.json").read_text())
    assert config["kind"] == "separator" and config["sources"] == ["vocals"]
    assert config["training"]["step"] == 3 and config["training"]["lr"] == 1e-3
    assert config["unet"]["pool"] == "max"
    assert all(name.startswith("unet.") for name in read_weights(separator_dir))


def test_multisource_pretraining_uses_four_masks_and_average_pooling(musdb_root: Path, tmp_path: Path) -> None:
    output = tmp_path / "multi"
    invoke("msspt", "pretrain", str(musdb_root), "-o", str(output), "--source", "multi", "--steps", "1", *PRETRAIN_TINY)
    config = separator_config(output)
    assert (config.n_sources, config.pool) == (4, "avg")
    assert json.loads((output / "config.json").read_text())["sources"] == ["vocals", "other", "drums", "bass"]


def test_backbone_is_a_tagger_without_unet(backbone_dir: Path) -> None:
    config = json.loads((backbone_dir / "config.json").read_text())
    assert config["kind"] == "tagger" and config["tagger"]["unet"] is None
    assert config["params"]["separation"] is False


def test_stage3_starts_from_both_checkpoints(separator_dir: Path, backbone_dir: Path) -> None:
    tagger = Tagger(tagger_preset("cnn", "tiny", 2))
    load_separator(tagger, separator_dir)
    load_backbone(tagger, backbone_dir)
    separator = read_weights(separator_dir)
    torch.testing.assert_close(tagger.unet.encoders[0][0][2].weight, separator["unet.encoders.0.0.2.weight"])
    stage2 = read_weights(backbone_dir)
    first = stage2["backbone.blocks.0.0.0.weight"]
    assert first.shape[1] == 1 and tagger.backbone.first_conv.weight.shape[1] == 2
    torch.testing.assert_close(tagger.backbone.first_conv.weight, first.repeat(1, 2, 1, 1))
    torch.testing.assert_close(tagger.backbone.head[4].weight, stage2["backbone.head.4.weight"])


def test_stage3_output_layer_is_fresh_when_the_tag_count_differs(backbone_dir: Path) -> None:
    tagger = Tagger(tagger_preset("cnn", "tiny", 5))
    before = tagger.backbone.head[4].weight.clone()
    load_backbone(tagger, backbone_dir)
    torch.testing.assert_close(tagger.backbone.head[4].weight, before)
    torch.testing.assert_close(tagger.backbone.head[0].weight, read_weights(backbone_dir)["backbone.head.0.weight"])


def test_stage3_fit_through_the_estimator(separator_dir: Path, backbone_dir: Path, training_clips: tuple) -> None:
    paths, tags = training_clips
    model = MssptTagger(
        size="tiny",
        pretrained=separator_dir,
        backbone_weights=backbone_dir,
        epochs=1,
        batch_size=4,
        validation_fraction=0,
    ).fit(paths[:6], tags[:6])
    assert model.model_.config.unet == separator_config(separator_dir)
    assert np.isfinite(model.decision_function(paths[:2])).all()


def test_missing_and_mismatched_checkpoints_say_what_to_do(
    separator_dir: Path, backbone_dir: Path, training_clips: tuple, tmp_path: Path
) -> None:
    paths, tags = training_clips
    with pytest.raises(MissingWeightsError, match=r"nowhere.*featurize msspt pretrain"):
        MssptTagger(size="tiny", pretrained=tmp_path / "nowhere").fit(paths[:2], tags[:2])
    with pytest.raises(CheckpointError, match="a tagger checkpoint, where a separator checkpoint is needed"):
        separator_config(backbone_dir)
    with pytest.raises(CheckpointError, match="stage-2"):
        load_backbone(Tagger(tagger_preset("ast", "tiny", 2)), backbone_dir)
    big = Tagger(tagger_preset("cnn", "full", 2))
    with pytest.raises(CheckpointError, match="do not match"):
        load_separator(big, separator_dir)


def test_cli_errors_are_one_line_messages(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["msspt", "pretrain", str(tmp_path), "-o", str(tmp_path / "out"), "--size", "tiny"]
    )
    assert result.exit_code != 0
    assert f"{tmp_path / 'train'}: no track folders" in result.output
    manifest = tmp_path / "bad.csv"
    manifest.write_text("audio,tag\nsong.wav,maybe\n")
    result = CliRunner().invoke(cli, ["msspt", "backbone", str(manifest), "-o", str(tmp_path / "bb")])
    assert result.exit_code != 0 and "bad.csv: tag columns must hold 0 or 1" in result.output
