"""Registration: the models and commands reach featurize, and discovery stays light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from featurize.cli import cli
from featurize.errors import MissingWeightsError
from featurize.plugin.manager import PluginManager
from featurize_msspt.estimator import MssptTagger
from featurize_msspt.manifest import read_manifest


def test_models_are_registered_with_their_parameters() -> None:
    models = PluginManager().models()
    cnn, ast = models["msspt-cnn"], models["msspt-ast"]
    assert cnn.input == ast.input == "audio"
    assert cnn.plugin == "msspt" and cnn.distribution.startswith("featurize-msspt==")
    cnn_params = {p.name: p.default for p in cnn.params}
    ast_params = {p.name: p.default for p in ast.params}
    assert (cnn_params["lr"], cnn_params["batch_size"], cnn_params["epochs"]) == (1e-4, 16, 200)
    assert (ast_params["lr"], ast_params["batch_size"], ast_params["epochs"]) == (5e-5, 4, 17)
    assert "vit_weights" in ast_params and "vit_weights" not in cnn_params
    estimator = cnn.factory(groups=None, **{**cnn_params, "size": "tiny"})
    assert isinstance(estimator, MssptTagger)
    assert estimator.get_params()["backbone"] == "cnn" and estimator.size == "tiny"
    assert ast.factory(**ast_params).backbone == "ast"


def test_loading_goes_through_the_spec(tmp_path: Path) -> None:
    with pytest.raises(MissingWeightsError, match="no msspt tagger checkpoint"):
        PluginManager().models()["msspt-cnn"].load(tmp_path)


def test_discovery_imports_no_torch() -> None:
    code = "import sys, featurize_msspt.plugin as p; p.featurize_models(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_command_group_help() -> None:
    result = CliRunner().invoke(cli, ["msspt", "--help"])
    assert result.exit_code == 0
    assert "pretrain" in result.output and "backbone" in result.output


def test_manifest_formats(tmp_path: Path) -> None:
    tags = tmp_path / "tags.csv"
    tags.write_text("audio,rock,calm\na.wav,1,0\nsub/b.wav,0,1\n")
    paths, targets, columns = read_manifest(tags)
    assert paths == [tmp_path / "a.wav", tmp_path / "sub" / "b.wav"]
    assert targets.tolist() == [[1, 0], [0, 1]] and columns == ["rock", "calm"]
    genres = tmp_path / "genres.tsv"
    genres.write_text("audio\tlabel\na.wav\tjazz\nb.wav\tpop\n")
    _, labels, _ = read_manifest(genres)
    assert labels.tolist() == ["jazz", "pop"]
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("audio,rock\na.wav,1,0\n")
    with pytest.raises(ValueError, match=r"ragged\.csv: line 2"):
        read_manifest(ragged)
