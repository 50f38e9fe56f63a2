"""Training and evaluation as library functions, with the reference models of featurize.learn.testing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.errors import ConfigurationError
from featurize.learn.labels import LabelError
from featurize.learn.modeldir import load_bundle
from featurize.learn.testing import manager_with_models, planted, write_feature_store
from featurize.learn.training import TrainOptions, evaluate, train

SIZES = (3, 4, 3)
EXTRACTORS = ("alpha", "beta", "gamma")
NAMES = [f"{e}.f{i}" for e, size in zip(EXTRACTORS, SIZES, strict=True) for i in range(size)]
GROUPING = """\
name = "toy"
description = "one group per extractor, plus one the store lacks"

[groups.Alpha]
description = "alpha features"
features = ["alpha.*"]

[groups.Beta]
description = "beta features"
features = ["beta.*"]

[groups.Gamma]
description = "gamma features"
features = ["gamma.*"]

[groups.Delta]
description = "features no store here has"
features = ["delta.f0"]
"""


def write_tags(path: Path, ids: list[str], Y: np.ndarray, names: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["track", *names])
        writer.writerows([track, *row] for track, row in zip(ids, Y.tolist(), strict=True))
    return path


@pytest.fixture(scope="module")
def manager() -> object:
    return manager_with_models()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    X, Y = planted(n=240, sizes=SIZES, informative=1, n_targets=3, seed=11)
    X[5] = np.nan  # a track whose every extraction failed
    X[6, 0] = np.nan  # one missing value
    ids = [f"track{i:04d}" for i in range(240)]
    write_feature_store(folder / "features.h5", X, NAMES, ids)
    (folder / "grouping.toml").write_text(GROUPING)
    write_tags(
        folder / "tags.csv",
        [*ids[:230], "ghost1", "ghost2"],
        np.vstack([Y[:230], [[1, 0, 0], [0, 1, 0]]]),
        ["happy", "sad", "calm"],
    )
    return {
        "dir": folder,
        "store": folder / "features.h5",
        "grouping": folder / "grouping.toml",
        "tags": folder / "tags.csv",
    }


@pytest.fixture(scope="module")
def trained(corpus: dict[str, Path], manager: object, tmp_path_factory: pytest.TempPathFactory) -> object:
    options = TrainOptions(model="least-squares", grouping=str(corpus["grouping"]), repeats=3, seed=4)
    output = tmp_path_factory.mktemp("model") / "model"
    return train(corpus["store"], corpus["tags"], options, output=output, manager=manager), output


def test_the_report_describes_data_grouping_model_metrics_and_versions(trained: tuple) -> None:
    result, _ = trained
    report = result.report
    data = report["data"]
    assert data["tracks_used"] == 229  # 230 labelled tracks in the store, one without any feature value
    assert data["alignment"]["labels_not_in_store"] == {"count": 2, "examples": ["ghost1", "ghost2"]}
    assert data["alignment"]["tracks_without_labels"]["count"] == 10
    assert data["task"] == "multilabel" and data["targets"] == ["happy", "sad", "calm"]
    assert data["split"]["kind"] == "random" and data["split"]["repeats"] == 3
    grouping = report["grouping"]
    assert [g["name"] for g in grouping["groups"]] == ["Alpha", "Beta", "Gamma"]
    assert grouping["groups"][1]["features"] == ["beta.f0", "beta.f1", "beta.f2", "beta.f3"]
    assert grouping["dropped"] == [{"name": "Delta", "missing": ["delta.f0"]}]
    assert report["model"]["name"] == "least-squares" and report["model"]["params"] == {"alpha": 1.0}
    assert len(report["metrics"]["test"]["roc_auc"]["values"]) == 3
    assert report["metrics"]["test"]["roc_auc"]["mean"] > 0.8
    assert set(report["metrics"]["test"]["per_target"]) == {"happy", "sad", "calm"}
    warnings = " ".join(report["warnings"])
    assert "2 labelled track(s) are not in the store" in warnings
    assert "1 track(s) have no feature value at all" in warnings
    assert "Delta" in warnings
    assert report["versions"]["numpy"] == np.__version__ and "featurize" in report["versions"]


def test_the_planted_group_has_the_top_importance(trained: tuple) -> None:
    importances = trained[0].report["importances"]
    assert importances["groups"] == ["Alpha", "Beta", "Gamma"] and importances["repeats"] == 3
    assert np.argmax(importances["overall"]["mean"]) == 1
    assert all(np.argmax(v["mean"]) == 1 for v in importances["per_target"].values())
    assert max(importances["overall"]["std"]) > 0


def test_standardisation_is_fitted_on_the_training_split_only(trained: tuple) -> None:
    result, _ = trained
    for run in result.runs:
        train_rows = result.dataset.inputs[run.split.train].astype(np.float64)
        np.testing.assert_allclose(run.standardiser.mean, np.nanmean(train_rows, axis=0), rtol=1e-6)
        assert not np.allclose(run.standardiser.mean, np.nanmean(result.dataset.inputs, axis=0))


def test_repeats_use_different_seeded_splits(trained: tuple) -> None:
    runs = trained[0].runs
    assert [run.split.seed for run in runs] == [4, 5, 6]
    assert not np.array_equal(runs[0].split.test, runs[1].split.test)


def test_the_model_directory_round_trips(trained: tuple, manager: object) -> None:
    result, output = trained
    bundle = load_bundle(output, manager)
    manifest = json.loads((output / "featurize-model.json").read_text())
    assert manifest["model"] == "least-squares" and manifest["task"] == "multilabel"
    assert manifest["targets"] == ["happy", "sad", "calm"] and len(manifest["feature_names"]) == 10
    run = result.runs[0]
    inputs = bundle.standardiser.transform(result.dataset.inputs[run.split.test])
    np.testing.assert_array_equal(bundle.model.decision_function(inputs), run.model.decision_function(inputs))
    assert bundle.grouping.group_names == ("Alpha", "Beta", "Gamma")
    ids = np.asarray(result.dataset.track_ids)
    assert bundle.split()["test"] == ids[run.split.test].tolist()
    assert (output / "report.txt").read_text().startswith("featurize train report")


def test_evaluating_the_held_out_tracks_reproduces_the_first_repeat(
    trained: tuple, corpus: dict[str, Path], manager: object
) -> None:
    result, output = trained
    report = evaluate(output, corpus["store"], corpus["tags"], tracks="held-out", manager=manager)
    first = result.runs[0].test
    assert report["metrics"]["test"]["roc_auc"]["mean"] == pytest.approx(first["roc_auc"])
    assert report["data"]["tracks_used"] == len(result.runs[0].split.test)
    everything = evaluate(output, corpus["store"], corpus["tags"], tracks="all", manager=manager)
    assert everything["data"]["tracks_used"] == 229 and "test" not in everything["metrics"]
    assert "all tracks (incl. training)" in everything["metrics"]
    assert any("not a test score" in w for w in everything["warnings"])


def test_evaluation_leaves_out_the_training_tracks_by_default(
    trained: tuple, corpus: dict[str, Path], manager: object, tmp_path: Path
) -> None:
    result, output = trained
    predictions = tmp_path / "scores.csv"
    report = evaluate(output, corpus["store"], corpus["tags"], manager=manager, predictions=predictions)
    n_train = len(result.runs[0].split.train)
    assert f"excluded {n_train} track(s) the model was trained on" in report["warnings"]
    assert report["data"]["tracks_used"] == 229 - n_train and "test" in report["metrics"]
    import pandas as pd

    frame = pd.read_csv(predictions)
    train_ids = set(np.asarray(result.dataset.track_ids)[result.runs[0].split.train])
    assert frame["track"].nunique() == 229 - n_train and not train_ids & set(frame["track"])
    assert {"score", "predicted", "rank", "contribution.bias"} <= set(frame.columns)


def test_bad_labels_give_warnings_or_errors(corpus: dict[str, Path], manager: object, tmp_path: Path) -> None:
    ids = [f"track{i:04d}" for i in range(60)]
    _, Y = planted(n=60, sizes=SIZES, n_targets=2, seed=1)
    Y = np.column_stack([Y, np.zeros(60, dtype=int)])
    tags = write_tags(tmp_path / "t.csv", ids, Y, ["a", "b", "never"])
    options = TrainOptions(model="least-squares", grouping=str(corpus["grouping"]))
    report = train(corpus["store"], tags, options, manager=manager).report
    assert report["data"]["dropped_targets"] == ["never"]
    assert any("tag 'never' dropped" in w for w in report["warnings"])
    single = write_tags(tmp_path / "one.csv", ids, np.ones((60, 1), dtype=int), ["only"])
    with pytest.raises(LabelError, match="at least two classes"):
        train(corpus["store"], single, options, manager=manager)
    strangers = write_tags(tmp_path / "s.csv", ["x", "y"], np.array([[1], [0]]), ["a"])
    with pytest.raises(LabelError, match="no labelled track is in the store") as caught:
        train(corpus["store"], strangers, options, manager=manager)
    message = str(caught.value)  # issue 17: what was compared, and a few keys of each side
    assert "Compared label ids and paths" in message and "labels have x, y;" in message
    assert "the store has track" in message


def test_a_feature_model_needs_a_grouping(corpus: dict[str, Path], manager: object) -> None:
    with pytest.raises(ConfigurationError, match="give a grouping"):
        train(corpus["store"], corpus["tags"], TrainOptions(model="least-squares"), manager=manager)


def test_multiclass_labels_report_accuracies(corpus: dict[str, Path], manager: object, tmp_path: Path) -> None:
    store = corpus["store"]
    _, codes = planted(n=240, sizes=SIZES, informative=2, n_targets=3, task="multiclass", seed=2)
    path = tmp_path / "genres.csv"
    path.write_text("track,genre\n" + "".join(f"track{i:04d},g{c}\n" for i, c in enumerate(codes)))
    options = TrainOptions(model="least-squares", grouping=str(corpus["grouping"]), softmax=True)
    report = train(store, path, options, manager=manager).report
    assert report["data"]["task"] == "multiclass" and report["data"]["targets"] == ["g0", "g1", "g2"]
    assert {"accuracy", "balanced_accuracy"} <= set(report["metrics"]["test"])
    assert set(report["importances"]["per_target"]) == {"g0", "g1", "g2"}
    assert report["model"]["softmax_before_auc"] is True


def test_an_audio_model_reads_the_tracks_audio(tmp_path: Path, manager: object) -> None:
    rng = np.random.default_rng(0)
    loud = rng.random(40) < 0.5
    ids = [f"clip{i:02d}" for i in range(40)]
    for track, is_loud in zip(ids, loud, strict=True):
        amplitude = 0.5 if is_loud else 0.05
        soundfile.write(tmp_path / f"{track}.wav", amplitude * rng.standard_normal(2000), 8000)
    write_feature_store(tmp_path / "s.h5", rng.random((40, 1)), ["alpha.f0"], ids, [f"{t}.wav" for t in ids])
    tags = write_tags(tmp_path / "t.csv", ids, np.column_stack([loud, ~loud]).astype(int), ["loud", "soft"])
    options = TrainOptions(model="loudness", test_size=0.25, task="multilabel")  # one tag each: auto says classes
    result = train(tmp_path / "s.h5", tags, options, output=tmp_path / "m", manager=manager)
    assert result.report["grouping"] is None and result.report["importances"] is None
    assert result.report["metrics"]["test"]["roc_auc"]["mean"] == 1.0
    assert result.runs[0].model.seed == 0
    again = evaluate(tmp_path / "m", tmp_path / "s.h5", tags, manager=manager)
    assert again["metrics"]["test"]["roc_auc"]["mean"] == 1.0
