"""The ``xgboost`` model of featurize: gradient-boosted trees with group importances.

Multi-label tasks train one binary booster per tag; single-label tasks train one booster, binary
for two classes and softmax for more, with the class count taken from the labels. The defaults
are those of the SAMAT paper's scripts, which differ between the two tasks (see ``TASK_DEFAULTS``);
every one can be overridden. Models are saved as XGBoost UBJ files plus JSON metadata.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import numpy as np

from featurize.learn.base import (
    Estimator,
    accuracy,
    check_groups,
    decode_scores,
    encode_targets,
    load_estimator_files,
    member,
    normalise_rows,
    save_estimator,
)
from featurize_xgboost.importance import (
    IMPORTANCE_TYPES,
    ImportanceType,
    feature_importance,
    group_means,
    split_statistics,
)

DISTRIBUTION = "featurize-xgboost"

TASK_DEFAULTS: dict[str, dict[str, float]] = {
    "multilabel": {"n_estimators": 50, "learning_rate": 0.1, "gamma": 7.562822592722383, "min_child_weight": 6},
    "single-label": {"n_estimators": 100, "learning_rate": 0.3, "gamma": 0.0, "min_child_weight": 1},
}
"""SAMAT's settings: ``MultiOutputClassifier(XGBClassifier(...))`` for tags (its section 5.1) and
``XGBClassifier(max_depth=3, eta=0.3, objective='multi:softmax')`` with xgboost's defaults for
classes (section 5.2). ``max_depth=3`` in both."""


class NoSplitWarning(UserWarning):
    """A booster made no split: its predictions are constant and its importances undefined."""


class XGBoostClassifier(Estimator):
    """Gradient-boosted trees for tags or classes, with importances per feature group.

    Parameters
    ----------
    groups : sequence of sequences of int, optional
        Column indices of each group (together every column once); ``None`` is one group.
    n_estimators, learning_rate, gamma, min_child_weight : optional
        Boosting rounds, step size, minimum loss reduction to split, minimum hessian per child.
        ``None`` takes the task's default from :data:`TASK_DEFAULTS`.
    max_depth, subsample, colsample_bytree, reg_lambda, max_bin, tree_method
        As in XGBoost (``tree_method="hist"``: histogram method).
    importance_type : {"gain", "weight", "cover", "total_gain", "total_cover"}
        What :mod:`featurize_xgboost.importance` counts per feature.
    n_jobs : int, optional
        XGBoost threads (``None``: XGBoost's default, all cores).
    random_state : int
        XGBoost's seed (matters only with subsampling).
    dask_scheduler : str, optional
        Address of a Dask scheduler (``client.scheduler.address``): train with ``xgboost.dask``
        on its workers. Needs ``featurize-xgboost[dask]``.

    Attributes
    ----------
    boosters_ : list of xgboost.Booster
        One per tag (multi-label) or a single one.
    classes_ : ndarray
        Tag indices (multi-label) or class labels.
    multilabel_ : bool
    params_ : dict
        The XGBoost parameters used, task defaults resolved.
    feature_importances_ : ndarray of shape (n_features,)
        Importance per feature averaged over boosters (classes for a softmax booster).
    group_importances_per_target_ : ndarray of shape (n_targets, n_groups)
        Per tag (or class): the mean importance of each group's features, normalised to sum to 1;
        NaN for a booster without any split.
    group_importances_ : ndarray of shape (n_groups,)
        ``feature_importances_`` averaged within each group, normalised to sum to 1.
    group_importances_total_per_target_ : ndarray of shape (n_targets, n_groups)
        Size-aware variant: XGBoost's total gain summed over the group's features, normalised.
    no_split_ : ndarray of bool, shape (n_targets,)
        Targets whose booster made no split (a :class:`NoSplitWarning` at fit).
    """

    estimator_kind: ClassVar[Literal["classifier"]] = "classifier"

    def __init__(
        self,
        groups: Sequence[Sequence[int]] | None = None,
        *,
        n_estimators: int | None = None,
        learning_rate: float | None = None,
        gamma: float | None = None,
        min_child_weight: float | None = None,
        max_depth: int = 3,
        subsample: float = 1.0,
        colsample_bytree: float = 1.0,
        reg_lambda: float = 1.0,
        max_bin: int = 256,
        tree_method: str = "hist",
        importance_type: ImportanceType = "gain",
        n_jobs: int | None = None,
        random_state: int = 0,
        dask_scheduler: str | None = None,
    ) -> None:
        self.groups = groups
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.min_child_weight = min_child_weight
        self.max_depth = max_depth
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.max_bin = max_bin
        self.tree_method = tree_method
        self.importance_type = importance_type
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.dask_scheduler = dask_scheduler

    # -- fitting ----------------------------------------------------------------------------------

    def _resolved_params(self, multilabel: bool) -> tuple[dict[str, Any], int]:
        if self.importance_type not in IMPORTANCE_TYPES:
            raise ValueError(f"importance_type must be one of {IMPORTANCE_TYPES}, got {self.importance_type!r}")
        task = TASK_DEFAULTS["multilabel" if multilabel else "single-label"]

        def pick(name: str) -> Any:
            value = getattr(self, name)
            return task[name] if value is None else value

        params = {
            "max_depth": self.max_depth,
            "eta": pick("learning_rate"),
            "gamma": pick("gamma"),
            "min_child_weight": pick("min_child_weight"),
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "lambda": self.reg_lambda,
            "max_bin": self.max_bin,
            "tree_method": self.tree_method,
            "seed": self.random_state,
            "verbosity": 0,
        }
        if self.n_jobs is not None:
            params["nthread"] = self.n_jobs
        return params, int(pick("n_estimators"))

    def fit(self, X: Any, y: Any) -> Self:
        """Train one booster per tag, or one booster for the classes."""
        self._require_y(y)
        matrix = self._validate_X(X, reset=True)
        encoding = encode_targets(y, matrix.shape[0])
        groups = check_groups(self.groups, matrix.shape[1])
        params, rounds = self._resolved_params(encoding.multilabel)
        n_classes = len(encoding.classes)
        if encoding.multilabel or n_classes == 2:
            params |= {"objective": "binary:logistic"}
            labels = [encoding.indicator[:, t] for t in range(encoding.indicator.shape[1])]
        else:
            params |= {"objective": "multi:softprob", "num_class": n_classes}
            labels = [np.argmax(encoding.indicator, axis=1).astype(np.float64)]
        train = self._train_dask if self.dask_scheduler else self._train_local
        self.boosters_ = train(matrix, labels, params, rounds)
        self.classes_ = encoding.classes
        self.multilabel_ = encoding.multilabel
        self.params_ = params | {"num_boost_round": rounds}
        self._set_importances(groups)
        for target in np.flatnonzero(self.no_split_):
            warnings.warn(
                f"xgboost: target {target} made no split (too few tracks, or gamma={params['gamma']} too high "
                "for the data): importance undefined",
                NoSplitWarning,
                stacklevel=2,
            )
        return self

    @staticmethod
    def _train_local(X: np.ndarray, labels: list[np.ndarray], params: dict[str, Any], rounds: int) -> list[Any]:
        import xgboost

        data = xgboost.QuantileDMatrix(X, label=labels[0], max_bin=params["max_bin"])
        boosters = []
        for label in labels:
            data.set_label(label)
            boosters.append(xgboost.train(params, data, num_boost_round=rounds))
        return boosters

    def _train_dask(self, X: np.ndarray, labels: list[np.ndarray], params: dict[str, Any], rounds: int) -> list[Any]:
        import dask.array as da
        import xgboost.dask as dxgb
        from distributed import Client

        with Client(self.dask_scheduler) as client:
            n_workers = max(1, len(client.scheduler_info()["workers"]))
            rows = math.ceil(len(X) / n_workers)
            features = da.from_array(X, chunks=(rows, X.shape[1]))
            boosters = []
            for label in labels:
                data = dxgb.DaskQuantileDMatrix(
                    client, features, da.from_array(label, chunks=rows), max_bin=params["max_bin"]
                )
                boosters.append(dxgb.train(client, params, data, num_boost_round=rounds)["booster"])
        return boosters

    def _set_importances(self, groups: list[np.ndarray]) -> None:
        n_features, kind = self.n_features_in_, self.importance_type
        splits = [split_statistics(booster) for booster in self.boosters_]
        if self.multilabel_ or len(self.classes_) == 2:
            per_target = np.stack([feature_importance(s, n_features, kind) for s in splits])
            overall = per_target.mean(axis=0)
        else:
            classes = range(len(self.classes_))
            per_target = np.stack([feature_importance(splits[0], n_features, kind, c) for c in classes])
            overall = feature_importance(splits[0], n_features, kind)
        self.feature_importances_ = overall
        self.group_importances_per_target_ = normalise_rows(group_means(per_target, groups))
        self.group_importances_ = normalise_rows(group_means(overall, groups))[0]
        self.no_split_ = np.isnan(self.group_importances_per_target_).all(axis=1)
        totals = [feature_importance(s, n_features, "total_gain") for s in splits]
        if not (self.multilabel_ or len(self.classes_) == 2):
            totals = [feature_importance(splits[0], n_features, "total_gain", c) for c in range(len(self.classes_))]
        self.group_importances_total_per_target_ = normalise_rows(
            np.stack([np.stack([t[index].sum() for index in groups]) for t in totals])
        )

    # -- prediction ---------------------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        """Margins (log-odds per tag, or per-class softmax inputs); ``(n,)`` for two classes."""
        self._check_fitted()
        matrix = self._validate_X(X, reset=False)
        margins = [np.asarray(b.inplace_predict(matrix, predict_type="margin")) for b in self.boosters_]
        if self.multilabel_:
            return np.stack(margins, axis=1)
        return margins[0]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities per tag ``(n, n_tags)`` or per class ``(n, n_classes)``."""
        margins = self.decision_function(X)
        if self.multilabel_:
            return 1.0 / (1.0 + np.exp(-margins))
        if len(self.classes_) == 2:
            positive = 1.0 / (1.0 + np.exp(-margins))
            return np.stack([1 - positive, positive], axis=1)
        shifted = np.exp(margins - margins.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    def feature_contributions(self, X: Any) -> np.ndarray:
        """XGBoost's own SHAP values (``pred_contribs``): ``(n, n_targets, n_features + 1)``, bias last.

        Per booster: one target per tag, one for two classes, one per class for a softmax booster.
        Each target's terms sum to its margin (:meth:`decision_function`): XGBoost adds its float32
        terms in float32, so the bias slot takes up that rounding (about 1e-6) to make the sum exact.
        """
        import xgboost

        self._check_fitted()
        matrix = self._validate_X(X, reset=False)
        data = xgboost.DMatrix(matrix)
        parts = [np.asarray(b.predict(data, pred_contribs=True), dtype=np.float64) for b in self.boosters_]
        terms = parts[0] if len(parts) == 1 and parts[0].ndim == 3 else np.stack(parts, axis=1)
        margin = self.decision_function(matrix).reshape(terms.shape[:2])
        terms[:, :, -1] += margin - terms.sum(axis=-1)
        return terms

    def predict(self, X: Any) -> np.ndarray:
        """Tags with probability above 0.5, or the most probable class."""
        return decode_scores(self.decision_function(X), self.classes_, self.multilabel_)

    def score(self, X: Any, y: Any) -> float:
        """Accuracy (subset accuracy for multi-label)."""
        return accuracy(y, self.predict(X))

    # -- saving -------------------------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write each booster as XGBoost UBJ plus ``estimator.json`` (no pickle)."""
        self._check_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        files = [f"booster-{i:03d}.ubj" for i in range(len(self.boosters_))]
        for booster, name in zip(self.boosters_, files, strict=True):
            booster.save_model(directory / name)
        attributes = {
            "n_features_in_": self.n_features_in_,
            "multilabel": self.multilabel_,
            "params_": self.params_,
            "boosters": files,
        }
        arrays = {"classes_": np.asarray(self.classes_.tolist())}
        return save_estimator(self, directory, distribution=DISTRIBUTION, attributes=attributes, arrays=arrays)

    @classmethod
    def load(cls, directory: str | Path) -> Self:
        """Restore a classifier written by :meth:`save`."""
        import xgboost

        meta, arrays = load_estimator_files(directory, cls)
        attributes = meta["attributes"]
        estimator = cls(**meta["params"])
        estimator.boosters_ = [xgboost.Booster(model_file=member(directory, name)) for name in attributes["boosters"]]
        estimator.n_features_in_ = int(attributes["n_features_in_"])
        estimator.multilabel_ = bool(attributes["multilabel"])
        estimator.params_ = attributes["params_"]
        estimator.classes_ = arrays["classes_"]
        estimator._set_importances(check_groups(estimator.groups, estimator.n_features_in_))
        return estimator
