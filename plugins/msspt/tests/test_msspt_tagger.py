"""The estimator: tiny taggers fine-tune on synthesized clips and beat chance; save/load round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from featurize.errors import InputError
from featurize.testing.hostile import write_code_running_pickle
from featurize_msspt.checkpoint import CheckpointError
from featurize_msspt.estimator import MssptTagger, training_targets

TINY = {"size": "tiny", "lr": 1e-2, "batch_size": 4, "validation_fraction": 0.0, "seed": 0}


@pytest.fixture(scope="module")
def multilabel_cnn(training_clips: tuple[list[Path], np.ndarray]) -> MssptTagger:
    paths, tags = training_clips
    # At lr=1e-2 the two-tag head settles on the clicks alone and never learns the tone.
    return MssptTagger(backbone="cnn", epochs=12, **{**TINY, "lr": 3e-3}).fit(paths, tags)


def test_tiny_cnn_tagger_beats_chance(multilabel_cnn: MssptTagger, test_clips: tuple[list[Path], np.ndarray]) -> None:
    paths, tags = test_clips
    scores = multilabel_cnn.decision_function(paths)
    assert scores.shape == (len(paths), 2)
    assert np.all((scores >= 0) & (scores <= 1))
    assert roc_auc_score(tags, scores, average="macro") > 0.8
    assert multilabel_cnn.predict(paths).shape == (len(paths), 2)
    losses = [record["train_loss"] for record in multilabel_cnn.history_]
    assert losses[-1] < losses[0]


def test_tiny_cnn_multiclass_beats_chance(
    training_clips: tuple[list[Path], np.ndarray], test_clips: tuple[list[Path], np.ndarray]
) -> None:
    names = np.array(["atonal", "tonal"])
    paths, tags = training_clips
    model = MssptTagger(backbone="cnn", epochs=5, **TINY).fit(paths, names[tags[:, 0]])
    assert model.classes_.tolist() == names.tolist()
    test_paths, test_tags = test_clips
    predicted = model.predict(test_paths)
    assert np.mean(predicted == names[test_tags[:, 0]]) >= 0.75, "chance is 0.5"
    np.testing.assert_allclose(model.decision_function(test_paths).sum(axis=1), 1.0, rtol=1e-5)


def test_save_and_load_round_trip(multilabel_cnn: MssptTagger, test_clips: tuple, tmp_path: Path) -> None:
    paths, _ = test_clips
    directory = multilabel_cnn.save(tmp_path / "model")
    assert sorted(p.name for p in directory.iterdir()) == ["config.json", "model.safetensors"]
    header_size = int.from_bytes((directory / "model.safetensors").read_bytes()[:8], "little")
    assert (directory / "model.safetensors").read_bytes()[8:9] == b"{" and header_size > 0
    config = json.loads((directory / "config.json").read_text())
    assert config["kind"] == "tagger" and config["task"] == "multilabel"
    restored = MssptTagger.load(directory)
    assert restored.get_params() == {k: v for k, v in multilabel_cnn.get_params().items()}
    np.testing.assert_array_equal(restored.decision_function(paths), multilabel_cnn.decision_function(paths))


def test_a_pickle_as_weights_is_refused_and_never_runs(multilabel_cnn: MssptTagger, tmp_path: Path) -> None:
    directory = multilabel_cnn.save(tmp_path / "model")
    marker = tmp_path / "ran"
    write_code_running_pickle(directory / "model.safetensors", marker)
    with pytest.raises(CheckpointError, match=r"model\.safetensors: not a readable safetensors file"):
        MssptTagger.load(directory)
    assert not marker.exists()


def test_multiclass_labels_survive_saving(training_clips: tuple, tmp_path: Path) -> None:
    paths, tags = training_clips
    model = MssptTagger(backbone="cnn", epochs=1, **TINY).fit(paths[:6], tags[:6, 0] + 10)
    restored = MssptTagger.load(model.save(tmp_path / "classes"))
    assert restored.classes_.tolist() == [10, 11]
    np.testing.assert_array_equal(restored.predict(paths[:3]), model.predict(paths[:3]))


def test_tiny_ast_tagger_fits_predicts_and_round_trips(training_clips: tuple, tmp_path: Path) -> None:
    paths, tags = training_clips
    model = MssptTagger(backbone="ast", epochs=2, **{**TINY, "batch_size": 4}).fit(paths[:8], tags[:8])
    scores = model.decision_function(paths[:4])
    assert scores.shape == (4, 2) and np.isfinite(scores).all()
    restored = MssptTagger.load(model.save(tmp_path / "ast"))
    np.testing.assert_array_equal(restored.decision_function(paths[:4]), scores)


def test_validation_split_records_validation_losses(training_clips: tuple) -> None:
    paths, tags = training_clips
    model = MssptTagger(backbone="cnn", epochs=2, **{**TINY, "validation_fraction": 0.25}).fit(paths[:12], tags[:12])
    assert [sorted(r) for r in model.history_] == [["epoch", "lr", "optimizer", "train_loss", "validation_loss"]] * 2


def test_same_seed_same_model(training_clips: tuple) -> None:
    paths, tags = training_clips
    first = MssptTagger(backbone="cnn", epochs=1, **TINY).fit(paths[:6], tags[:6])
    second = clone(first).fit(paths[:6], tags[:6])
    np.testing.assert_array_equal(first.decision_function(paths[:2]), second.decision_function(paths[:2]))


def test_silent_short_and_broken_inputs(multilabel_cnn: MssptTagger, tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    soundfile.write(silent, np.zeros(8000, dtype=np.float32), 16000)
    tiny = tmp_path / "tiny.wav"
    soundfile.write(tiny, np.full(100, 0.5, dtype=np.float32), 8000)
    clipped = tmp_path / "clipped.wav"
    soundfile.write(clipped, np.sign(np.sin(np.arange(40000) / 5)).astype(np.float32), 16000)
    scores = multilabel_cnn.decision_function([silent, tiny, clipped])
    assert np.isfinite(scores).all()
    broken = tmp_path / "notes.wav"
    broken.write_text("not audio")
    with pytest.raises(InputError, match=r"notes\.wav"):
        multilabel_cnn.decision_function([broken])


def test_bad_targets_and_unfitted_use_are_refused(training_clips: tuple) -> None:
    paths, tags = training_clips
    assert training_targets(np.array(["b", "a", "b"]), 3)[1].tolist() == [1, 0, 1]
    assert training_targets(np.array([2, 0, 1, 2]), 4)[1].tolist() == [2, 0, 1, 2]
    with pytest.raises(ValueError, match="indicator"):
        training_targets(tags * 2, len(tags))
    with pytest.raises(ValueError, match="at least 2 classes"):
        training_targets(np.zeros(4), 4)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MssptTagger(**TINY).fit(paths[:3], tags[:2])
    with pytest.raises(ValueError, match="not fitted"):
        MssptTagger().decision_function(paths[:1])
    with pytest.raises(ValueError, match="separation=True"):
        MssptTagger(pretrained="separator", separation=False, **TINY).fit(paths[:2], tags[:2])
    with pytest.raises(ValueError, match="AST"):
        MssptTagger(backbone="cnn", vit_weights="vit.npz", **TINY).fit(paths[:2], tags[:2])
