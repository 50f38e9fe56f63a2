"""`featurize midlevel train` end to end: a synthesized dataset in the published layout, the real
command on the root CLI, then extraction with the weights it wrote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from featurize import Track, TrackContext
from featurize.cli import cli
from featurize.testing import build_extractor
from featurize_midlevel.catalog import FEATURE_NAMES
from featurize_midlevel.plugin import EXTRACTOR

TINY = ["--width", "8", "--learning-rate", "3e-3", "--threads", "1"]


def train(*args: str) -> Result:
    return CliRunner().invoke(cli, ["midlevel", "train", *args], catch_exceptions=False)


@pytest.fixture(scope="module", params=["vgg", "resnet"])
def trained(
    request: pytest.FixtureRequest, synthetic_dataset: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Result]:
    """Weights trained for a few epochs through the CLI, and the command's result."""
    weights = tmp_path_factory.mktemp("weights") / f"{request.param}.safetensors"
    result = train(str(synthetic_dataset), "-o", str(weights), "--architecture", request.param, "--epochs", "12", *TINY)
    assert result.exit_code == 0, result.output
    return request.param, weights, result


def test_train_reports_pearson_r_per_feature_and_shows_progress(trained: tuple[str, Path, Result]) -> None:
    _, weights, result = trained
    table = result.stdout.splitlines()
    for name in FEATURE_NAMES:
        row = next(line for line in table if line.startswith(name))
        validation_r, test_r = (float(v) for v in row.split()[1:])
        assert -1 <= validation_r <= 1 and -1 <= test_r <= 1
    assert f"saved {weights}" in result.stdout
    assert "training:" in result.stderr and "analysing audio:" in result.stderr


def test_saved_config_describes_the_model(trained: tuple[str, Path, Result], synthetic_dataset: Path) -> None:
    architecture, weights, _ = trained
    config = json.loads(weights.with_suffix(".json").read_text())
    assert config["architecture"] == architecture and config["width"] == 8
    assert config["features"] == list(FEATURE_NAMES)
    assert config["format"] == "featurize-midlevel" and config["version"] == "0.1.0"
    assert config["frontend"]["kind"] == {"vgg": "mfcc", "resnet": "logfreq"}[architecture]
    assert len(config["input_mean"]) == {"vgg": 40, "resnet": 1}[architecture]
    report = config["training"]["report"]
    assert report["clips"] == {"train": 25, "validation": 7, "test": 4}
    assert report["test_mse"] < report["constant_mse"]
    assert 1 <= report["best_epoch"] <= report["epochs_run"] <= 12
    solo_artists = {f"{i + 1}" for i in range(24, 36)}
    assert set(config["training"]["test_ids"]) <= solo_artists


def test_extraction_with_trained_weights_beats_a_constant_predictor(
    trained: tuple[str, Path, Result], new_clips: list[tuple[Path, list[float]]], synthetic_dataset: Path
) -> None:
    architecture, weights, _ = trained
    extractor = build_extractor(EXTRACTOR, {"weights": str(weights), "architecture": architecture})
    truth = np.array([ratings for _, ratings in new_clips])
    predicted = np.array(
        [
            [extractor(TrackContext(Track(path.stem, path))).features[name] for name in FEATURE_NAMES]
            for path, _ in new_clips
        ]
    )
    constant = np.loadtxt(synthetic_dataset / "metadata_annotations" / "annotations.csv", delimiter=",", skiprows=1)
    model_mse = np.mean((predicted - truth) ** 2)
    constant_mse = np.mean((constant[:, 1:].mean(axis=0) - truth) ** 2)
    assert model_mse < 0.6 * constant_mse, (model_mse, constant_mse)


def test_training_is_reproducible(synthetic_dataset: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    for weights in (first, second):
        result = train(str(synthetic_dataset), "-o", str(weights), "--epochs", "2", "--quiet", *TINY)
        assert result.exit_code == 0, result.output
    from safetensors.torch import load_file

    tensors = [load_file(str(weights)) for weights in (first, second)]
    assert tensors[0].keys() == tensors[1].keys()
    assert all(tensors[0][name].equal(tensors[1][name]) for name in tensors[0])
    reports = [json.loads(w.with_suffix(".json").read_text())["training"]["report"] for w in (first, second)]
    assert [{**r, "seconds": 0} for r in reports[:1]] == [{**r, "seconds": 0} for r in reports[1:]]


def test_default_output_and_skipped_clips(
    synthetic_dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = Path(shutil.copytree(synthetic_dataset, tmp_path / "dataset"))
    (dataset / "audio" / "5.mp3").write_bytes(b"not an mp3 at all")
    monkeypatch.setenv("FEATURIZE_MIDLEVEL_DIR", str(tmp_path / "models"))
    result = train(str(dataset), "--epochs", "1", "--quiet", *TINY)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "models" / "vgg.safetensors").is_file() and (tmp_path / "models" / "vgg.json").is_file()
    assert "skipped:" in result.stderr and "5.mp3" in result.stderr
    assert "clips {'train': 24, 'validation': 7, 'test': 4}" in result.stdout


def test_bad_dataset_and_output_are_reported(tmp_path: Path) -> None:
    result = train(str(tmp_path), "-o", str(tmp_path / "w.safetensors"))
    assert result.exit_code != 0 and "metadata.csv: not found" in result.output
    result = train(str(tmp_path), "-o", str(tmp_path / "weights.pt"))
    assert result.exit_code == 2 and "must end in .safetensors" in result.output
