"""Training through ``xgboost.dask`` on a local Dask cluster gives the same kind of model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from featurize.learn.testing import group_columns, planted
from featurize_xgboost import XGBoostClassifier

pytest.importorskip("xgboost.dask")
distributed = pytest.importorskip("distributed")

SIZES = (4, 4, 4)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_dask_training_recovers_the_planted_group_and_saves(scheduler: str, tmp_path: Path) -> None:
    X, Y = planted(n=400, sizes=SIZES, informative=2, n_targets=2, seed=3)
    model = XGBoostClassifier(groups=group_columns(SIZES), dask_scheduler=scheduler, n_jobs=1).fit(X, Y)
    assert len(model.boosters_) == 2 and all(b.num_boosted_rounds() == 50 for b in model.boosters_)
    assert np.argmax(model.group_importances_) == 2
    local = XGBoostClassifier(groups=group_columns(SIZES), n_jobs=1).fit(X, Y)
    agreement = np.mean(model.predict(X) == local.predict(X))
    assert agreement > 0.9
    model.save(tmp_path / "m")
    loaded = XGBoostClassifier.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.decision_function(X), model.decision_function(X))


@pytest.mark.slow
def test_dask_multiclass(scheduler: str) -> None:
    X, codes = planted(n=400, sizes=SIZES, informative=0, n_targets=3, task="multiclass", seed=6)
    model = XGBoostClassifier(groups=group_columns(SIZES), dask_scheduler=scheduler, n_estimators=20).fit(X, codes)
    assert model.decision_function(X).shape == (400, 3)
    assert np.argmax(model.group_importances_) == 0
