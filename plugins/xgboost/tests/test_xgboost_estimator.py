"""The ``xgboost`` model: boosters per tag or softmax per class, group importances, saving."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import xgboost
from sklearn.utils.estimator_checks import parametrize_with_checks

from featurize import ModelSpec
from featurize.learn.base import ModelFileError
from featurize.learn.testing import check_contributions, group_columns, planted
from featurize_xgboost import XGBoostClassifier
from featurize_xgboost.estimator import TASK_DEFAULTS
from featurize_xgboost.importance import IMPORTANCE_TYPES, feature_importance, group_means, split_statistics

SIZES = (4, 4, 4)
GROUPS = group_columns(SIZES)

with warnings.catch_warnings():
    # By design the estimator does not inherit from BaseEstimator (scikit-learn is not a runtime dependency).
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit", category=UserWarning)
    SKLEARN_CHECKS = parametrize_with_checks([XGBoostClassifier(n_estimators=10, n_jobs=1)])


@SKLEARN_CHECKS
def test_scikit_learn_compatible(estimator: object, check: object) -> None:
    check(estimator)  # type: ignore[operator]


@pytest.fixture(scope="module")
def tagged() -> tuple[np.ndarray, np.ndarray, XGBoostClassifier]:
    X, Y = planted(n=400, sizes=SIZES, informative=1, n_targets=3, seed=2)
    return X, Y, XGBoostClassifier(groups=GROUPS, n_jobs=2).fit(X, Y)


def test_multilabel_trains_one_booster_per_tag_with_the_spec_defaults(tagged: tuple) -> None:
    X, _, model = tagged
    assert len(model.boosters_) == 3 and model.multilabel_
    defaults = TASK_DEFAULTS["multilabel"]
    assert model.params_["objective"] == "binary:logistic"
    assert model.params_["num_boost_round"] == defaults["n_estimators"] == 50
    assert model.params_["eta"] == 0.1 and model.params_["gamma"] == pytest.approx(7.562822592722383)
    assert model.params_["min_child_weight"] == 6 and model.params_["max_depth"] == 3
    assert all(b.num_boosted_rounds() == 50 for b in model.boosters_)
    assert model.decision_function(X).shape == (400, 3)


def test_planted_group_gets_the_top_importance_for_every_tag(tagged: tuple) -> None:
    _, _, model = tagged
    assert np.argmax(model.group_importances_) == 1
    assert np.all(np.argmax(model.group_importances_per_target_, axis=1) == 1)
    np.testing.assert_allclose(model.group_importances_per_target_.sum(axis=1), 1.0)


def test_group_importance_is_the_normalised_group_mean_of_the_gain_averaged_over_boosters(tagged: tuple) -> None:
    """Unused features count as 0; the mean over boosters comes before the group mean."""
    X, _, model = tagged
    gains = np.zeros((3, X.shape[1]))
    for t, booster in enumerate(model.boosters_):
        for name, gain in booster.get_score(importance_type="gain").items():
            gains[t, int(name[1:])] = gain
    np.testing.assert_allclose(model.feature_importances_, gains.mean(axis=0), rtol=1e-5)
    overall = np.array([gains.mean(axis=0)[g].mean() for g in GROUPS])
    np.testing.assert_allclose(model.group_importances_, overall / overall.sum(), rtol=1e-5)
    per_target = np.array([[row[g].mean() for g in GROUPS] for row in gains])
    np.testing.assert_allclose(model.group_importances_per_target_, per_target / per_target.sum(1)[:, None], rtol=1e-5)


@pytest.mark.parametrize("kind", IMPORTANCE_TYPES)
def test_importance_from_the_model_json_equals_get_score(tagged: tuple, kind: str) -> None:
    X, _, model = tagged
    booster = model.boosters_[0]
    ours = feature_importance(split_statistics(booster), X.shape[1], kind)  # type: ignore[arg-type]
    theirs = np.zeros(X.shape[1])
    for name, value in booster.get_score(importance_type=kind).items():
        theirs[int(name[1:])] = value
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_importance_type_is_an_option() -> None:
    X, Y = planted(n=300, sizes=SIZES, informative=2, n_targets=2, seed=5)
    loose = {"gamma": 0.0, "min_child_weight": 1, "n_estimators": 20, "n_jobs": 2}
    gain = XGBoostClassifier(groups=GROUPS, **loose).fit(X, Y)
    weight = XGBoostClassifier(groups=GROUPS, importance_type="weight", **loose).fit(X, Y)
    assert np.argmax(weight.group_importances_) == 2
    splits = split_statistics(weight.boosters_[0])
    expected = group_means(np.bincount(splits.features, minlength=12).astype(float), GROUPS)
    np.testing.assert_allclose(weight.group_importances_per_target_[0], expected / expected.sum())
    assert not np.allclose(gain.group_importances_, weight.group_importances_)
    with pytest.raises(ValueError, match="importance_type must be one of"):
        XGBoostClassifier(importance_type="shap").fit(X, Y)


@pytest.mark.parametrize("n_classes", [4, 7])
def test_multiclass_takes_the_class_count_from_the_labels(n_classes: int) -> None:
    X, codes = planted(n=350, sizes=SIZES, informative=0, n_targets=n_classes, task="multiclass", seed=n_classes)
    labels = np.array([f"genre{c}" for c in codes])
    model = XGBoostClassifier(groups=GROUPS, n_estimators=15, n_jobs=2).fit(X, labels)
    config = json.loads(model.boosters_[0].save_config())["learner"]["learner_model_param"]
    assert int(config["num_class"]) == n_classes
    assert len(model.boosters_) == 1 and model.params_["objective"] == "multi:softprob"
    assert model.params_["eta"] == TASK_DEFAULTS["single-label"]["learning_rate"] == 0.3
    assert model.decision_function(X).shape == (350, n_classes)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)
    assert model.group_importances_per_target_.shape == (n_classes, 3)
    assert np.argmax(model.group_importances_) == 0
    assert model.score(X, labels) > 0.7


def test_per_class_importances_come_from_that_class_trees() -> None:
    X, codes = planted(n=400, sizes=SIZES, informative=1, n_targets=3, task="multiclass", seed=8)
    model = XGBoostClassifier(groups=GROUPS, n_estimators=10, n_jobs=2).fit(X, codes)
    splits = split_statistics(model.boosters_[0])
    assert set(np.unique(splits.outputs)) <= {0, 1, 2}
    whole = feature_importance(splits, 12, "total_gain")
    by_class = sum(feature_importance(splits, 12, "total_gain", c) for c in range(3))
    np.testing.assert_allclose(whole, by_class, rtol=1e-9)


def test_two_classes_train_one_binary_booster() -> None:
    X, codes = planted(n=300, sizes=SIZES, informative=2, n_targets=2, task="multiclass", seed=1)
    model = XGBoostClassifier(groups=GROUPS, n_jobs=2).fit(X, np.where(codes == 1, "yes", "no"))
    assert model.params_["objective"] == "binary:logistic" and len(model.boosters_) == 1
    assert model.decision_function(X).shape == (300,)
    assert set(model.predict(X)) <= {"yes", "no"}
    assert model.predict_proba(X).shape == (300, 2)


def test_every_default_can_be_overridden() -> None:
    X, Y = planted(n=200, sizes=SIZES, n_targets=2)
    model = XGBoostClassifier(
        groups=GROUPS, n_estimators=7, learning_rate=0.5, gamma=0.0, min_child_weight=1, max_depth=2, n_jobs=1
    ).fit(X, Y)
    assert model.params_["num_boost_round"] == 7 and model.boosters_[0].num_boosted_rounds() == 7
    assert (model.params_["eta"], model.params_["gamma"], model.params_["min_child_weight"]) == (0.5, 0.0, 1)


def test_a_tag_without_splits_has_undefined_importances() -> None:
    X, Y = planted(n=200, sizes=SIZES, n_targets=2)
    Y[:, 1] = 0
    model = XGBoostClassifier(groups=GROUPS, n_jobs=1).fit(X, Y)
    assert np.isnan(model.group_importances_per_target_[1]).all()
    assert np.isfinite(model.group_importances_).all()


def test_save_and_load_as_ubj_without_pickle(tmp_path: Path, tagged: tuple) -> None:
    X, _, model = tagged
    model.save(tmp_path / "m")
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert files == ["arrays.npz", "booster-000.ubj", "booster-001.ubj", "booster-002.ubj", "estimator.json"]
    assert xgboost.Booster(model_file=tmp_path / "m" / "booster-000.ubj").num_boosted_rounds() == 50
    loaded = XGBoostClassifier.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.decision_function(X), model.decision_function(X))
    np.testing.assert_array_equal(loaded.group_importances_per_target_, model.group_importances_per_target_)
    assert loaded.get_params() == model.get_params() and loaded.params_ == model.params_


def test_multiclass_round_trip_keeps_the_class_labels(tmp_path: Path) -> None:
    X, codes = planted(n=300, sizes=SIZES, n_targets=3, task="multiclass")
    labels = np.array(["a", "b", "c"])[codes]
    model = XGBoostClassifier(groups=GROUPS, n_estimators=10, n_jobs=1).fit(X, labels)
    model.save(tmp_path / "m")
    loaded = XGBoostClassifier.load(tmp_path / "m")
    assert list(loaded.classes_) == ["a", "b", "c"]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_scikit_learn_conventions() -> None:
    from sklearn.base import clone

    model = XGBoostClassifier(groups=GROUPS, n_estimators=5)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    assert "n_estimators=5" in repr(model)
    with pytest.raises(ValueError, match="Invalid parameter"):
        model.set_params(depth=3)
    with pytest.raises(ValueError, match="not fitted"):
        model.predict(np.zeros((2, 12)))


def test_the_model_is_registered_as_xgboost(plugin_manager: object, tmp_path: Path) -> None:
    spec = plugin_manager.component(ModelSpec, "xgboost")  # type: ignore[attr-defined]
    assert spec.input == "features" and spec.distribution.startswith("featurize-xgboost==")
    X, Y = planted(n=200, sizes=SIZES, informative=0)
    params = {p.name: p.default for p in spec.params} | {"n_jobs": 1}
    model = spec.factory(groups=GROUPS, **params).fit(X, Y)
    model.save(tmp_path / "m")
    np.testing.assert_array_equal(spec.load(tmp_path / "m").predict(X), model.predict(X))


def test_contributions_are_xgboosts_own_and_sum_to_the_margin() -> None:
    check_contributions(lambda groups: XGBoostClassifier(groups=groups, n_estimators=20, n_jobs=1))


@pytest.mark.parametrize("escape", ["../outside.ubj", "ABSOLUTE", "link.ubj"])
def test_booster_files_are_confined_to_the_model_directory(tmp_path: Path, escape: str) -> None:
    """A tampered estimator.json may not make the loader open a file elsewhere (path, absolute or symlink)."""
    X, Y = planted(n=80, sizes=(3, 3), informative=1, n_targets=1, seed=0)
    model = XGBoostClassifier(n_estimators=3).fit(X, Y[:, 0])
    directory = model.save(tmp_path / "model")
    outside = tmp_path / "outside.ubj"
    shutil.copy(directory / "booster-000.ubj", outside)
    name = str(outside) if escape == "ABSOLUTE" else escape
    if escape == "link.ubj":
        (directory / "link.ubj").symlink_to(outside)
    meta = json.loads((directory / "estimator.json").read_text())
    meta["attributes"]["boosters"] = [name]
    (directory / "estimator.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match=r"outside|not a file of") as caught:
        XGBoostClassifier.load(directory)
    assert str(directory / "estimator.json") in str(caught.value)
