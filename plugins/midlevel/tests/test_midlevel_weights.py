"""Weights: safetensors + JSON round trip, default location, and the documented errors."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from featurize.errors import ConfigurationError, ExtractionError, MissingWeightsError
from featurize.testing import build_extractor
from featurize.testing.hostile import write_code_running_pickle
from featurize_midlevel.plugin import EXTRACTOR
from featurize_midlevel.weights import (
    WeightsError,
    config_path,
    default_weights_dir,
    default_weights_path,
    load_model,
)


def factory(**params: object) -> Callable[..., object]:
    return build_extractor(EXTRACTOR, params)


@pytest.mark.parametrize("architecture", ["vgg", "resnet"])
def test_saved_model_predicts_like_the_original(
    architecture: str, tiny_model: Callable[..., object], tmp_path: Path
) -> None:
    from featurize_midlevel.weights import save_model

    original = tiny_model(architecture)
    save_model(original, tmp_path / "model.safetensors")
    loaded = load_model(tmp_path / "model.safetensors", architecture)
    assert loaded.config == original.config
    representation = original.frontend.representation(np.random.default_rng(0).standard_normal(22050 * 4))
    np.testing.assert_array_equal(loaded.predict([representation]), original.predict([representation]))
    assert not loaded.network.training


def test_missing_weights_explain_how_to_train_or_where_to_put_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEATURIZE_MIDLEVEL_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(MissingWeightsError) as caught:
        factory(architecture="resnet")
    message = str(caught.value)
    assert str(tmp_path / "nowhere" / "resnet.safetensors") in message
    assert "featurize midlevel train DATASET_DIR --architecture resnet" in message
    assert "--midlevel-weights" in message and "FEATURIZE_MIDLEVEL_DIR" in message and "osf.io/5aupt" in message


def test_missing_config_is_missing_weights(tiny_weights: Callable[..., Path]) -> None:
    weights = tiny_weights("vgg")
    config_path(weights).unlink()
    with pytest.raises(MissingWeightsError, match=r"vgg\.json"):
        factory(weights=str(weights))


def test_default_location_comes_from_the_environment(
    tiny_weights: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEATURIZE_MIDLEVEL_DIR", str(tmp_path / "models"))
    (tmp_path / "models").mkdir()
    tiny_weights("resnet", folder=tmp_path / "models")
    extractor = factory(architecture="resnet")
    assert extractor.model.config.architecture == "resnet"
    monkeypatch.delenv("FEATURIZE_MIDLEVEL_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_weights_dir() == tmp_path / "cache" / "featurize" / "midlevel"
    assert default_weights_path("vgg") == tmp_path / "cache" / "featurize" / "midlevel" / "vgg.safetensors"


def test_corrupt_weights_name_the_file(tiny_weights: Callable[..., Path]) -> None:
    weights = tiny_weights("vgg")
    weights.write_bytes(weights.read_bytes()[:-100])
    with pytest.raises(WeightsError, match=r"vgg\.safetensors: not a readable safetensors file"):
        factory(weights=str(weights))


def test_corrupt_config_names_the_file(tiny_weights: Callable[..., Path]) -> None:
    weights = tiny_weights("vgg")
    config_path(weights).write_text("{ not json")
    with pytest.raises(ExtractionError, match=r"vgg\.json: not a valid featurize-midlevel config"):
        factory(weights=str(weights))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"features": ["dissonance", "melodiousness"]}, "features must be"),
        ({"format_version": 99}, "upgrade featurize-midlevel"),
        ({"input_std": [0.0]}, "input_std"),
        ({"architecture": "transformer"}, "architecture"),
        ({"unexpected": 1}, "unexpected"),
        ({"frontend": {"kind": "cqt"}}, "unknown front end kind"),
        ({"input_mean": [0.0, 1.0], "input_std": [1.0, 1.0]}, "need 1 or 40"),
    ],
)
def test_invalid_config_is_refused(tiny_weights: Callable[..., Path], change: dict[str, object], reason: str) -> None:
    weights = tiny_weights("vgg")
    config = json.loads(config_path(weights).read_text())
    config_path(weights).write_text(json.dumps({**config, **change}))
    with pytest.raises(WeightsError, match=reason):
        factory(weights=str(weights))


def test_weights_of_another_architecture_are_refused(tiny_weights: Callable[..., Path]) -> None:
    weights = tiny_weights("resnet")
    with pytest.raises(WeightsError, match="pass --midlevel-architecture resnet"):
        factory(weights=str(weights), architecture="vgg")


def test_tensors_that_do_not_fit_the_config_are_refused(tiny_weights: Callable[..., Path]) -> None:
    weights = tiny_weights("vgg", width=4)
    config = json.loads(config_path(weights).read_text())
    config_path(weights).write_text(json.dumps({**config, "width": 8}))
    with pytest.raises(WeightsError, match="do not fit the vgg network of width 8"):
        factory(weights=str(weights))


def test_foreign_safetensors_are_refused(tiny_weights: Callable[..., Path]) -> None:
    import torch
    from safetensors.torch import save_file

    weights = tiny_weights("vgg")
    save_file({"weight": torch.zeros(3)}, str(weights))
    with pytest.raises(WeightsError, match="not a featurize-midlevel model"):
        factory(weights=str(weights))


def test_a_pickle_is_refused_and_never_executed(tiny_weights: Callable[..., Path], tmp_path: Path) -> None:
    control = tmp_path / "control"
    pickle.loads(write_code_running_pickle(tmp_path / "control.pkl", control).read_bytes())
    assert control.exists(), "the payload must act when unpickled, or this test proves nothing"
    weights = tiny_weights("vgg")
    marker = tmp_path / "pickle_was_loaded"
    write_code_running_pickle(weights, marker)
    with pytest.raises(WeightsError, match="not a readable safetensors file"):
        factory(weights=str(weights))
    assert not marker.exists()


def test_unknown_architecture_option_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown architecture 'cnn'; choose one of vgg, resnet"):
        factory(architecture="cnn")
