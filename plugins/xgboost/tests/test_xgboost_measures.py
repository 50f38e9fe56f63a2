"""XGBoost's measures: planted signal found on held-out tracks, size-aware gain, and boosters without a split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.learn.explain import Explanation, Importances
from featurize.learn.measures import (
    NO_SPLIT,
    HeldOut,
    contribution_measure,
    paper_measure,
    permutation_measure,
)
from featurize.learn.plots import plot_importances, plot_measures
from featurize.learn.testing import group_columns, planted
from featurize_xgboost import XGBoostClassifier
from featurize_xgboost.estimator import NoSplitWarning

SIZES = (4, 4, 4)
GROUPS = group_columns(SIZES)
COLUMNS = [np.asarray(g) for g in GROUPS]
NAMES = ("Timbre", "Rhythm", "Harmony")


def test_held_out_measures_find_the_planted_group() -> None:
    X, Y = planted(n=500, sizes=SIZES, informative=1, n_targets=3, seed=2)
    model = XGBoostClassifier(groups=GROUPS, n_jobs=1).fit(X[:400], Y[:400])
    held_out = HeldOut(X[400:], Y[400:].astype(float), ("a", "b", "c"))
    contribution = contribution_measure(model, held_out, COLUMNS, NAMES)
    permutation = permutation_measure(model, held_out, COLUMNS, NAMES, repeats=3)
    # pred_contribs plus the bias reproduce the margins: the contributions are XGBoost's own
    for measure in (contribution, permutation):
        assert (np.nanargmax(measure.per_target, axis=1) == 1).all(), measure.name
    assert contribution.overall[1] > 0.7
    assert permutation.overall[1] > 0.2 and abs(permutation.overall[0]) < 0.03


def test_size_aware_variant_is_the_summed_total_gain() -> None:
    X, Y = planted(n=300, sizes=(2, 8, 4), informative=1, n_targets=2, seed=3)
    model = XGBoostClassifier(groups=group_columns((2, 8, 4)), n_jobs=1, importance_type="total_gain").fit(X, Y)
    totals = np.stack([model.feature_importances_[g].sum() for g in group_columns((2, 8, 4))])
    # feature_importances_ is the mean over tags; the size-aware shares are per tag, normalised
    np.testing.assert_allclose(model.group_importances_total_per_target_.mean(axis=0), totals / totals.sum(), atol=0.1)
    assert np.allclose(model.group_importances_total_per_target_.sum(axis=1), 1)


def test_no_split_warns_at_fit_and_reads_undefined_everywhere(tmp_path: Path) -> None:
    X, Y = planted(n=200, sizes=SIZES, n_targets=2)
    Y[:, 1] = 0
    with pytest.warns(NoSplitWarning, match="target 1 made no split"):
        model = XGBoostClassifier(groups=GROUPS, n_jobs=1).fit(X, Y)
    assert model.no_split_.tolist() == [False, True]
    paper = paper_measure(model, NAMES, ("a", "b"))
    assert set(paper.notes["b"].values()) == {NO_SPLIT}
    held_out = HeldOut(X, Y.astype(float), ("a", "b"))
    explanation = Explanation(
        "xgboost",
        "toy",
        {"paper": paper, "permutation": permutation_measure(model, held_out, COLUMNS, NAMES, repeats=2)},
        [],
        len(X),
    )
    assert "no split" in explanation.render()
    # plots never crash on undefined importances (the training report stores them as null)
    per_target = {"a": paper.per_target[0], "b": paper.per_target[1]}
    importances = Importances(NAMES, np.array([np.nan, 0.5, 0.5]), np.array([np.nan, 0.0, 0.0]), per_target, 2)
    assert plot_importances(importances, tmp_path / "i.png").stat().st_size > 0
    assert plot_measures(explanation, tmp_path / "m.svg", target="b").stat().st_size > 0
