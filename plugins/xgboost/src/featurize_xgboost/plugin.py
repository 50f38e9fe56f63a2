"""Registration of the ``xgboost`` model (light: imports only featurize)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from featurize import ModelSpec, Param, hookimpl

_TASK_DEFAULT = "default: 50 for tags, 100 for classes"

PARAMS = (
    Param("n_estimators", None, f"boosting rounds ({_TASK_DEFAULT})", type="int"),
    Param("learning_rate", None, "step size (default: 0.1 for tags, 0.3 for classes)", type="float"),
    Param("gamma", None, "minimum loss reduction to split (default: 7.5628 for tags, 0 for classes)", type="float"),
    Param("min_child_weight", None, "minimum hessian per child (default: 6 for tags, 1 for classes)", type="float"),
    Param("max_depth", 3, "maximum tree depth", type="int"),
    Param("subsample", 1.0, "fraction of rows sampled per tree", type="float"),
    Param("colsample_bytree", 1.0, "fraction of columns sampled per tree", type="float"),
    Param("reg_lambda", 1.0, "L2 regularisation of leaf weights", type="float"),
    Param("max_bin", 256, "histogram bins per feature", type="int"),
    Param("tree_method", "hist", "XGBoost tree method"),
    Param("importance_type", "gain", "feature importance: gain, weight, cover, total_gain or total_cover"),
    Param("n_jobs", None, "XGBoost threads (default: all cores)", type="int", affects_output=False),
    Param("random_state", 0, "XGBoost seed (matters with subsampling)", type="int"),
    Param("dask_scheduler", None, "train on this Dask scheduler with xgboost.dask", affects_output=False),
)


def build(groups: list[list[int]] | None = None, **params: Any) -> Any:
    """An unfitted :class:`~featurize_xgboost.XGBoostClassifier` over ``groups``."""
    from featurize_xgboost.estimator import XGBoostClassifier

    return XGBoostClassifier(groups=groups, **params)


def load(directory: str | Path) -> Any:
    """Restore a classifier saved with its ``save`` method."""
    from featurize_xgboost.estimator import XGBoostClassifier

    return XGBoostClassifier.load(directory)


@hookimpl
def featurize_models() -> list[ModelSpec]:
    return [
        ModelSpec(
            name="xgboost",
            description=(
                "gradient-boosted trees (one booster per tag, or one softmax booster for classes); "
                "group importance = mean gain of the group's features, normalised"
            ),
            factory=build,
            load=load,
            input="features",
            params=PARAMS,
        )
    ]
