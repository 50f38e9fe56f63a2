"""em-banded's measures: the hyper-prior floor flag, the size-aware lambdas, held-out measures."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from featurize.learn.measures import UNDETERMINED, HeldOut, contribution_measure, paper_measure, permutation_measure
from featurize.learn.testing import group_columns, planted
from featurize_embanded import EMBandedClassifier

SIZES = (3, 6, 3)
GROUPS = group_columns(SIZES)
NAMES = ("Noise", "Signal", "Other noise")


def test_groups_the_data_do_not_inform_are_undetermined_not_ranked() -> None:
    X, Y = planted(n=400, sizes=SIZES, informative=1, n_targets=2, noise=0.2, seed=1)
    model = EMBandedClassifier(groups=GROUPS).fit(X, Y)
    assert model.undetermined_groups_[:, 1].sum() == 0
    assert model.undetermined_groups_[:, [0, 2]].all()
    paper = paper_measure(model, NAMES, ("a", "b"))
    assert paper.notes["a"] == {"Noise": UNDETERMINED, "Other noise": UNDETERMINED}


def test_size_aware_share_is_lambda_times_size(tmp_path: Path) -> None:
    X, Y = planted(n=300, sizes=SIZES, informative=1, n_targets=2, seed=4)
    model = EMBandedClassifier(groups=GROUPS).fit(X, Y)
    weighted = model.lambdas_ * np.array(SIZES)
    np.testing.assert_allclose(model.group_importances_total_per_target_, weighted / weighted.sum(1, keepdims=True))
    model.save(tmp_path / "m")
    loaded = EMBandedClassifier.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.undetermined_groups_, model.undetermined_groups_)
    np.testing.assert_allclose(loaded.group_importances_total_per_target_, model.group_importances_total_per_target_)


def test_held_out_measures_find_the_planted_group() -> None:
    X, Y = planted(n=500, sizes=SIZES, informative=1, n_targets=3, seed=2)
    model = EMBandedClassifier(groups=GROUPS).fit(X[:400], Y[:400])
    held_out = HeldOut(X[400:], Y[400:].astype(float), ("a", "b", "c"))
    columns = [np.asarray(g) for g in GROUPS]
    for measure in (
        contribution_measure(model, held_out, columns, NAMES),
        permutation_measure(model, held_out, columns, NAMES, repeats=3),
    ):
        assert (np.argmax(measure.per_target, axis=1) == 1).all(), measure.name
