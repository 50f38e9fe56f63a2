"""Tagging with a trained model: recipe, thresholds, scores, contributions, outputs, refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.test_learn_training import GROUPING, NAMES, SIZES
from tests.test_learn_training import write_tags as write_labels

import featurize
from featurize.learn.modeldir import MANIFEST, ModelDirectoryError, load_bundle
from featurize.learn.recipe import ExtractorStep, Recipe, RecipeMismatchError
from featurize.learn.tagging import TagOptions, tag, write_tags
from featurize.learn.testing import manager_with_models, planted, write_feature_store
from featurize.learn.thresholds import best_f1_threshold
from featurize.learn.training import TrainOptions, train

TAGS = ["happy", "sad", "calm"]


@pytest.fixture(scope="module")
def manager() -> object:
    return manager_with_models()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, manager: object) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tag")
    X, Y = planted(n=200, sizes=SIZES, informative=1, n_targets=3, seed=4)
    ids = [f"t{i:03d}" for i in range(200)]
    write_feature_store(folder / "train.h5", X, NAMES, ids)
    write_labels(folder / "tags.csv", ids, Y, TAGS)
    (folder / "grouping.toml").write_text(GROUPING)
    options = TrainOptions(model="least-squares", grouping=str(folder / "grouping.toml"))
    train(folder / "train.h5", folder / "tags.csv", options, output=folder / "model", manager=manager)
    fresh = planted(n=12, sizes=SIZES, informative=1, n_targets=3, seed=9)[0]
    fresh[3, 4] = np.nan  # one missing feature
    write_feature_store(folder / "new.h5", fresh, NAMES, [f"new{i}" for i in range(12)])
    return {"dir": folder, "model": folder / "model", "new": folder / "new.h5"}


def test_the_recipe_and_thresholds_round_trip(trained: dict[str, Path], manager: object) -> None:
    bundle = load_bundle(trained["model"], manager)
    recipe = bundle.recipe
    assert recipe is not None and recipe.feature_names == tuple(NAMES)
    assert [(s.name, s.version, s.params_hash) for s in recipe.extractors] == [
        (e, "1", "0") for e in ("alpha", "beta", "gamma")
    ]
    assert "max F1" in recipe.decision["rule"] and set(bundle.thresholds) == set(TAGS)
    assert bundle.manifest["format_version"] == 2


def test_best_f1_threshold_cuts_between_the_classes() -> None:
    scores = np.array([3.0, 2.0, 1.0, -1.0, -2.0])
    assert best_f1_threshold(scores, np.array([1, 1, 1, 0, 0])) == 0.0
    assert best_f1_threshold(scores, np.array([1, 0, 0, 0, 0])) == 2.5
    assert best_f1_threshold(scores, np.zeros(5)) == 0.0


def test_scores_ranks_thresholds_and_contributions(trained: dict[str, Path], manager: object) -> None:
    frame = featurize.tag(trained["model"], trained["new"], manager=manager)
    bundle = load_bundle(trained["model"], manager)
    assert list(frame.columns[:5]) == ["track", "tag", "score", "predicted", "rank"]
    assert "contribution.Beta" in frame.columns and frame.columns[-1] == "contribution.bias"
    assert len(frame) == 11 * 3 and frame.attrs["untagged"] == [
        {"track": "new3", "reason": "missing features: beta.f1"}
    ]
    assert frame["score"].between(0, 1).all()
    assert sorted(frame.groupby("track")["rank"].apply(list).iloc[0]) == [1, 2, 3]
    X = bundle.standardiser.transform(np.nan_to_num(bundle_matrix(trained["new"]))[np.arange(12) != 3])
    decision = bundle.model.decision_function(X)
    contrib = frame.filter(like="contribution.").sum(axis=1).to_numpy()
    expected = {
        (f"new{i}", t): decision[k, j] for k, i in enumerate(r for r in range(12) if r != 3) for j, t in enumerate(TAGS)
    }
    np.testing.assert_allclose(contrib, [expected[(r.track, r.tag)] for r in frame.itertuples()], atol=1e-9)
    cut = np.array([bundle.thresholds[t] for t in frame["tag"]])
    np.testing.assert_array_equal(frame["predicted"], (contrib > cut).astype(int))
    overridden = featurize.tag(trained["model"], trained["new"], TagOptions(threshold=0.9), manager=manager)
    np.testing.assert_array_equal(overridden["predicted"], (overridden["score"] >= 0.9).astype(int))


def bundle_matrix(store: Path) -> np.ndarray:
    from featurize.store import FeatureStore

    with FeatureStore(store) as opened:
        return opened.matrix(NAMES)[0]


def test_top_tags_impute_and_unknown_tags(trained: dict[str, Path], manager: object) -> None:
    top = tag(trained["model"], trained["new"], TagOptions(top=1, impute=True), manager=manager)
    assert len(top) == 12 and (top["rank"] == 1).all() and top.attrs["provenance"]["impute"] is True
    only = tag(trained["model"], trained["new"], TagOptions(tags=("calm",)), manager=manager)
    assert set(only["tag"]) == {"calm"} and len(only) == 11
    with pytest.raises(Exception, match="no tag nope"):
        tag(trained["model"], trained["new"], TagOptions(tags=("nope",)), manager=manager)


def test_every_output_format(
    trained: dict[str, Path], manager: object, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    frame = tag(trained["model"], trained["new"], manager=manager)
    assert frame["track"].dtype == "category"  # names stored once, written as text
    for suffix in ("csv", "parquet", "json"):
        write_tags(frame, str(tmp_path / f"out.{suffix}"))
    plain = frame.astype({"track": str, "tag": str})
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "out.csv"), plain, check_dtype=False)
    parquet = pd.read_parquet(tmp_path / "out.parquet").astype({"track": str, "tag": str})
    pd.testing.assert_frame_equal(parquet, plain, check_dtype=False)
    document = json.loads((tmp_path / "out.json").read_text())
    assert len(document["rows"]) == len(frame) and document["untagged"][0]["track"] == "new3"
    assert json.loads((tmp_path / "out.csv.provenance.json").read_text())["model_name"] == "least-squares"
    write_tags(frame.head(2), "-")
    assert "contribution.bias" in capsys.readouterr().out


def test_a_mismatched_extractor_version_is_refused_unless_allowed(
    trained: dict[str, Path], manager: object, tmp_path: Path
) -> None:
    meta = load_bundle(trained["model"], manager).recipe
    assert meta is not None
    changed = Recipe(
        [ExtractorStep("alpha", "2", {}, "0"), *meta.extractors[1:]],
        meta.feature_names,
        meta.grouping,
        meta.standardiser,
        meta.decision,
    )
    model_copy = tmp_path / "model"
    shutil.copytree(trained["model"], model_copy)
    (model_copy / "recipe.json").write_text(json.dumps(changed.to_dict()))
    with pytest.raises(
        RecipeMismatchError, match="extractor 'alpha': model needs version 2 params 0, store has version 1"
    ):
        tag(model_copy, trained["new"], manager=manager)
    frame = tag(model_copy, trained["new"], TagOptions(allow_version_mismatch=True), manager=manager)
    assert frame.attrs["provenance"]["allow_version_mismatch"] and frame.attrs["provenance"]["version_mismatches"]


def test_a_format_1_model_is_refused_with_a_clear_message(
    trained: dict[str, Path], manager: object, tmp_path: Path
) -> None:
    old = tmp_path / "old"
    shutil.copytree(trained["model"], old)
    (old / "recipe.json").unlink()
    manifest = json.loads((old / MANIFEST).read_text())
    (old / MANIFEST).write_text(json.dumps(manifest | {"format_version": 1}))
    assert load_bundle(old, manager).recipe is None
    with pytest.raises(ModelDirectoryError, match=r"saved before model format 2.*retrain"):
        tag(old, trained["new"], manager=manager)
