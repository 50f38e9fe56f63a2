"""Per-track group contributions (featurize.learn.contributions) on the core's reference model."""

from __future__ import annotations

import numpy as np
import pytest

from featurize.learn.contributions import GroupContributions, group_contributions, supports_contributions
from featurize.learn.testing import LeastSquaresClassifier, LoudnessClassifier, group_columns, planted

SIZES = (2, 3, 1)


@pytest.fixture(scope="module")
def fitted() -> tuple[np.ndarray, LeastSquaresClassifier]:
    X, Y = planted(n=100, sizes=SIZES, informative=1, n_targets=2, seed=3)
    return X, LeastSquaresClassifier(groups=group_columns(SIZES)).fit(X, Y)


def test_group_values_are_the_sums_of_their_features_and_add_up_to_the_decision(fitted: tuple) -> None:
    X, model = fitted
    groups = group_columns(SIZES)
    result = group_contributions(model, X, groups, ["a", "b", "c"], ["t0", "t1"])
    assert isinstance(result, GroupContributions)
    assert result.values.shape == (100, 2, 3) and result.bias.shape == (100, 2) and result.features.shape == (100, 2, 6)
    np.testing.assert_allclose(result.values[:, :, 1], result.features[:, :, 2:5].sum(axis=-1))
    np.testing.assert_allclose(result.decision, model.decision_function(X), atol=1e-12)
    assert result.group_names == ("a", "b", "c") and result.target_names == ("t0", "t1")


def test_groups_in_any_column_order_are_summed_by_index(fitted: tuple) -> None:
    X, model = fitted
    result = group_contributions(model, X, [[5, 0], [4, 1, 3, 2]], ["odd", "rest"], ["t0", "t1"])
    np.testing.assert_allclose(result.values[:, :, 0], result.features[:, :, [0, 5]].sum(axis=-1))
    np.testing.assert_allclose(result.decision, model.decision_function(X), atol=1e-12)


def test_a_model_without_contributions_or_wrong_names_is_refused(fitted: tuple) -> None:
    X, model = fitted
    assert supports_contributions(model) and not supports_contributions(LoudnessClassifier())
    with pytest.raises(TypeError, match="LoudnessClassifier has no feature_contributions"):
        group_contributions(LoudnessClassifier(), X, [[0]], ["a"], ["t0"])
    with pytest.raises(ValueError, match="3 groups but 2 group names"):
        group_contributions(model, X, group_columns(SIZES), ["a", "b"], ["t0", "t1"])
    with pytest.raises(ValueError, match="expected \\(n, 3, n_features \\+ 1\\)"):
        group_contributions(model, X, group_columns(SIZES), ["a", "b", "c"], ["t0", "t1", "t2"])
