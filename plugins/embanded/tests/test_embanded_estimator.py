"""The scikit-learn estimators of featurize-embanded and the ``em-banded`` model registration."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from featurize import ModelSpec
from featurize.learn.base import ModelFileError
from featurize.learn.testing import check_contributions, group_columns, planted
from featurize_embanded import EMBandedClassifier, EMBandedRegressor

# predict_proba clips the linear probability model to [0, 1] (the contract of featurize's tag output):
# scores at the bounds tie, so they can equal 0 and do not keep every rank of decision_function.
_CLIPPED = "predict_proba clips the regression output to [0, 1]; ties at the bounds"
CLIPPED_PROBA_CHECKS = {
    "check_classifier_multioutput": _CLIPPED,
    "check_classifiers_multilabel_output_format_predict_proba": _CLIPPED,
}

with warnings.catch_warnings():
    # By design the estimators do not inherit from BaseEstimator (scikit-learn is not a runtime dependency).
    warnings.filterwarnings("ignore", message="Estimator .* does not inherit", category=UserWarning)
    SKLEARN_CHECKS = parametrize_with_checks(
        [EMBandedRegressor(), EMBandedClassifier(), EMBandedClassifier(update="mackay", tol=1e-8, max_iter=500)],
        expected_failed_checks=lambda estimator: CLIPPED_PROBA_CHECKS if hasattr(estimator, "predict_proba") else {},
    )


@SKLEARN_CHECKS
def test_scikit_learn_compatible(estimator: object, check: object) -> None:
    check(estimator)  # type: ignore[operator]


@pytest.mark.parametrize("informative", [0, 2])
def test_planted_group_gets_the_top_importance_for_every_tag(informative: int) -> None:
    sizes = (6, 6, 6, 6)
    X, Y = planted(n=500, sizes=sizes, informative=informative, n_targets=4, seed=informative)
    model = EMBandedClassifier(groups=group_columns(sizes)).fit(X, Y)
    assert np.argmax(model.group_importances_) == informative
    assert np.all(np.argmax(model.group_importances_per_target_, axis=1) == informative)
    np.testing.assert_allclose(model.group_importances_per_target_.sum(axis=1), 1.0)
    assert model.group_importances_.sum() == pytest.approx(1.0)


def test_importances_are_normalised_lambdas_averaged_over_targets() -> None:
    X, Y = planted(n=300, sizes=(4, 4), informative=1, n_targets=3)
    model = EMBandedClassifier(groups=group_columns((4, 4))).fit(X, Y)
    np.testing.assert_allclose(model.group_importances_per_target_, model.lambdas_ / model.lambdas_.sum(1)[:, None])
    mean = model.lambdas_.mean(axis=0)
    np.testing.assert_allclose(model.group_importances_, mean / mean.sum())


def test_multilabel_scores_are_the_linear_probability_minus_a_half() -> None:
    X, Y = planted(n=300, sizes=(4, 4), informative=0, n_targets=3)
    classifier = EMBandedClassifier(groups=group_columns((4, 4))).fit(X, Y)
    regressor = EMBandedRegressor(groups=group_columns((4, 4))).fit(X, Y.astype(float))
    np.testing.assert_allclose(classifier.decision_function(X), regressor.predict(X) - 0.5)
    assert np.array_equal(classifier.predict(X), (regressor.predict(X) > 0.5).astype(int))
    assert classifier.multilabel_ and classifier.decision_function(X).shape == (300, 3)


def test_multiclass_is_one_vs_rest_with_named_classes() -> None:
    X, codes = planted(n=400, sizes=(5, 5), informative=1, n_targets=4, task="multiclass")
    labels = np.array(["rock", "pop", "jazz", "folk"])[codes]
    model = EMBandedClassifier(groups=group_columns((5, 5))).fit(X, labels)
    assert list(model.classes_) == ["folk", "jazz", "pop", "rock"]
    assert model.lambdas_.shape == (4, 2) and model.decision_function(X).shape == (400, 4)
    assert model.score(X, labels) > 0.6
    assert np.argmax(model.group_importances_) == 1


def test_two_classes_give_one_target_and_one_dimensional_scores() -> None:
    X, codes = planted(n=300, sizes=(3, 3), informative=0, n_targets=2, task="multiclass")
    model = EMBandedClassifier(groups=group_columns((3, 3))).fit(X, codes.astype(bool))
    assert model.lambdas_.shape == (1, 2)
    assert model.decision_function(X).shape == (300,)
    assert set(model.predict(X)) <= {False, True}


def test_a_constant_tag_fits_without_error() -> None:
    X, Y = planted(n=200, sizes=(3, 3), n_targets=2)
    Y[:, 1] = 0
    model = EMBandedClassifier(groups=group_columns((3, 3))).fit(X, Y)
    assert np.isfinite(model.lambdas_).all()
    assert np.all(model.predict(X)[:, 1] == 0)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([[0, 1], [1, 2, 3]], "column 1 is in group 1 and in another group"),
        ([[0, 1], []], "group 1 is empty"),
        ([[0, 1], [2, 9]], "group 1 refers to column 9, but X has 4 columns"),
        ([[0, 1], [2]], r"columns \[3\] belong to no group"),
    ],
)
def test_bad_groups_are_refused_with_the_culprit(groups: list, message: str) -> None:
    X, Y = planted(n=50, sizes=(2, 2))
    with pytest.raises(ValueError, match=message):
        EMBandedClassifier(groups=groups).fit(X, Y)


@pytest.mark.parametrize(
    ("params", "message"),
    [({"update": "newton"}, "update must be"), ({"max_iter": 0}, "max_iter"), ({"eta": -1.0}, "eta must be")],
)
def test_bad_parameters_are_refused(params: dict, message: str) -> None:
    X, Y = planted(n=50, sizes=(2, 2))
    with pytest.raises(ValueError, match=message):
        EMBandedClassifier(**params).fit(X, Y)


@pytest.mark.parametrize("cls", [EMBandedClassifier, EMBandedRegressor])
def test_save_and_load_round_trip_without_pickle(tmp_path: Path, cls: type) -> None:
    X, Y = planted(n=200, sizes=(3, 4), n_targets=3, seed=4)
    model = cls(groups=group_columns((3, 4)), update="mackay", tol=1e-9).fit(X, Y)
    model.save(tmp_path / "m")
    stored = json.loads((tmp_path / "m" / "estimator.json").read_text())
    assert stored["distribution"].startswith("featurize-embanded==")
    assert stored["params"]["update"] == "mackay" and stored["params"]["groups"] == [[0, 1, 2], [3, 4, 5, 6]]
    with np.load(tmp_path / "m" / "arrays.npz", allow_pickle=False) as arrays:
        assert "lambdas_" in arrays.files
    loaded = cls.load(tmp_path / "m")
    assert loaded.get_params() == clone(model).get_params()
    for attribute in ("coef_", "lambdas_", "nu_", "n_iter_", "converged_", "group_importances_"):
        np.testing.assert_array_equal(getattr(loaded, attribute), getattr(model, attribute))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_load_refuses_another_class_and_newer_formats(tmp_path: Path) -> None:
    X, Y = planted(n=100, sizes=(2, 2))
    EMBandedRegressor().fit(X, Y.astype(float)).save(tmp_path / "r")
    with pytest.raises(ModelFileError, match=r"not a saved .*EMBandedClassifier"):
        EMBandedClassifier.load(tmp_path / "r")
    meta = json.loads((tmp_path / "r" / "estimator.json").read_text())
    (tmp_path / "r" / "estimator.json").write_text(json.dumps(meta | {"format_version": 99}))
    with pytest.raises(ModelFileError, match="newer"):
        EMBandedRegressor.load(tmp_path / "r")


def test_the_model_is_registered_as_em_banded(plugin_manager: object, tmp_path: Path) -> None:
    spec = plugin_manager.component(ModelSpec, "em-banded")  # type: ignore[attr-defined]
    assert spec.input == "features" and spec.distribution.startswith("featurize-embanded==")
    X, Y = planted(n=200, sizes=(3, 3), informative=1)
    model = spec.factory(groups=[[0, 1, 2], [3, 4, 5]], **{p.name: p.default for p in spec.params})
    assert model.get_params() == EMBandedClassifier(groups=[[0, 1, 2], [3, 4, 5]]).get_params()  # one set of defaults
    model.fit(X, Y).save(tmp_path / "m")
    restored = spec.load(tmp_path / "m")
    np.testing.assert_array_equal(restored.decision_function(X), model.decision_function(X))


def test_contributions_sum_to_the_decision_value_for_tags_two_and_more_classes() -> None:
    check_contributions(lambda groups: EMBandedClassifier(groups=groups))


def test_contributions_are_the_exact_linear_terms() -> None:
    X, Y = planted(n=120, sizes=(3, 3), n_targets=2, seed=1)
    model = EMBandedClassifier(groups=group_columns((3, 3))).fit(X, Y)
    terms = model.feature_contributions(X[:5])
    np.testing.assert_allclose(terms[:, 1, 2], X[:5, 2] * model.coef_[1, 2])
    np.testing.assert_allclose(terms[:, :, -1], np.broadcast_to(model.intercept_ - 0.5, (5, 2)))
    np.testing.assert_allclose(model.predict_proba(X[:5]), np.clip(model.decision_function(X[:5]) + 0.5, 0, 1))
