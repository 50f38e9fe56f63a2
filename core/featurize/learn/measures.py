"""Group importance measures of a feature model, checked on held-out tracks.

The paper's measure (SAMAT: em-banded's normalised lambdas, XGBoost's mean gain per feature of
a group) is read from the trained model; it says what the model's *prior* or *tree building*
made of a group, not how much the group moves held-out predictions. Three held-out measures
answer that, each per target and overall:

- ``contribution``: mean absolute per-track contribution of the group to the decision
  function, normalised per target to sum to 1;
- ``permutation``: drop of the target's held-out ROC-AUC when the group's columns are
  permuted jointly across tracks (seeded, ``repeats`` permutations, mean and spread);
- ``ablation``: drop of the held-out ROC-AUC when the model is refitted without the group
  (one refit per group and repeat, each repeat on a seeded 90% of the training tracks).

All held-out metrics are per-target ROC-AUC of the decision scores (one-vs-rest for classes);
"overall" is their mean over targets with a defined AUC.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from featurize.errors import FeaturizeError

MEASURES: tuple[str, ...] = ("paper", "contribution", "permutation", "ablation")
HELD_OUT: tuple[str, ...] = ("contribution", "permutation", "ablation")
RECOMMENDED = "permutation"
"""The measure the docs recommend for "which group matters" (see docs/models.md)."""
UNDETERMINED = "undetermined: the data do not inform this group for this tag"
NO_SPLIT = "no split: importance undefined"
DEFINITIONS = {
    "paper": "SAMAT definition: em-banded normalised lambdas / XGBoost mean gain per feature (average per group)",
    "contribution": "mean |per-track group contribution| to the decision function on held-out tracks, shares",
    "permutation": "held-out ROC-AUC drop when the group's columns are permuted jointly",
    "ablation": "held-out ROC-AUC drop when the model is refitted without the group",
}


class MeasureError(FeaturizeError):
    """A measure cannot be computed for this model or data."""


@attrs.frozen(eq=False)
class HeldOut:
    """Held-out evidence: standardised inputs and a 0/1 indicator per target (columns of scores)."""

    X: np.ndarray
    Y: np.ndarray
    targets: tuple[str, ...] = attrs.field(converter=tuple)
    fit_y: np.ndarray | None = None
    """Targets as the estimator's ``fit`` takes them (class labels for classes); ``None``: ``Y``."""


@attrs.frozen(eq=False)
class Measure:
    """One measure: per target (rows) and group (columns), its mean and spread over repeats."""

    name: str
    groups: tuple[str, ...] = attrs.field(converter=tuple)
    targets: tuple[str, ...] = attrs.field(converter=tuple)
    per_target: np.ndarray
    per_target_std: np.ndarray
    repeats: int = 1
    size_aware: np.ndarray | None = None
    """(n_targets, n_groups) size-aware variant (summed over the group's features), normalised."""
    notes: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    """target -> group -> why the value is not a ranking (undetermined, no split)."""

    @property
    def overall(self) -> np.ndarray:
        return _nanmean_rows(self.per_target)

    @property
    def overall_std(self) -> np.ndarray:
        return _nanmean_rows(self.per_target_std)

    def vector(self, target: str) -> np.ndarray:
        return self.overall if target == "overall" else self.per_target[self.targets.index(target)]

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "definition": DEFINITIONS[self.name],
            "groups": list(self.groups),
            "repeats": self.repeats,
            "overall": {"mean": self.overall.tolist(), "std": self.overall_std.tolist()},
            "per_target": {
                t: {"mean": m.tolist(), "std": s.tolist()}
                for t, m, s in zip(self.targets, self.per_target, self.per_target_std, strict=True)
            },
            "notes": {t: dict(n) for t, n in self.notes.items()},
        }
        if self.size_aware is not None:
            found["size_aware"] = {
                "overall": _nanmean_rows(self.size_aware).tolist(),
                "per_target": dict(zip(self.targets, self.size_aware.tolist(), strict=True)),
            }
        return found


def _nanmean_rows(values: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=0)


# -- metric ----------------------------------------------------------------------------------------


def roc_auc_columns(Y: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC-AUC of each column of ``scores`` against ``Y`` (ties averaged); NaN without both classes."""
    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=0)
    positives = Y.sum(axis=0)
    negatives = len(Y) - positives
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * Y).sum(axis=0) - positives * (positives + 1) / 2) / (positives * negatives)
    return np.where((positives > 0) & (negatives > 0), auc, np.nan)


def decision_scores(model: Any, X: np.ndarray) -> np.ndarray:
    """``(n, n_targets)`` decision scores (two classes: one column, for the second class)."""
    return np.asarray(model.decision_function(X), dtype=np.float64).reshape(len(X), -1)


# -- paper ---------------------------------------------------------------------------------------------


def paper_measure(
    model: Any, groups: Sequence[str], targets: Sequence[str], importances: Mapping[str, Any] | None = None
) -> Measure:
    """The model's own importances (``importances``: a training report's, averaged over repeats)."""
    if importances:
        per_target = np.array([importances["per_target"][t]["mean"] for t in targets], dtype=np.float64)
        spread = np.array([importances["per_target"][t]["std"] for t in targets], dtype=np.float64)
        repeats = int(importances["repeats"])
    else:
        per_target = np.atleast_2d(np.asarray(model.group_importances_per_target_, dtype=np.float64))
        spread, repeats = np.zeros_like(per_target), 1
    size_aware = getattr(model, "group_importances_total_per_target_", None)
    notes: dict[str, dict[str, str]] = {}
    undetermined = getattr(model, "undetermined_groups_", None)
    if undetermined is not None:
        for target, row in zip(targets, np.atleast_2d(undetermined), strict=True):
            if row.any():
                notes[target] = {g: UNDETERMINED for g, flag in zip(groups, row, strict=True) if flag}
    for target, row in zip(targets, per_target, strict=True):
        if np.isnan(row).all():
            notes[target] = dict.fromkeys(groups, NO_SPLIT)
    return Measure(
        "paper",
        groups,
        targets,
        per_target,
        np.nan_to_num(spread),
        repeats,
        None if size_aware is None else np.atleast_2d(np.asarray(size_aware, dtype=np.float64)),
        notes,
    )


# -- held-out measures ------------------------------------------------------------------------------------


def contribution_measure(model: Any, data: HeldOut, columns: Sequence[np.ndarray], groups: Sequence[str]) -> Measure:
    """Mean absolute per-track group contribution per target, as shares of the target's total."""
    from featurize.learn.contributions import group_contributions, supports_contributions

    if not supports_contributions(model):
        raise MeasureError(f"{type(model).__name__} has no feature_contributions(X): no contribution measure")
    mean_abs = np.abs(group_contributions(model, data.X, columns, groups, data.targets).values).mean(axis=0)
    totals = mean_abs.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, mean_abs / np.where(totals > 0, totals, 1), np.nan)
    sizes = np.array([len(c) for c in columns], dtype=np.float64)
    per_feature = mean_abs / sizes
    size_free = per_feature / per_feature.sum(axis=1, keepdims=True).clip(min=1e-300)
    # Contributions are sums over a group's features, so they are size-aware already; the
    # per-feature average is the variant comparable with the paper's averages.
    return Measure("contribution", groups, data.targets, shares, np.zeros_like(shares), 1, size_free)


def permutation_measure(
    model: Any,
    data: HeldOut,
    columns: Sequence[np.ndarray],
    groups: Sequence[str],
    *,
    repeats: int = 5,
    seed: int = 0,
) -> Measure:
    """Held-out ROC-AUC drop per target when each group's columns are permuted jointly."""
    base = roc_auc_columns(data.Y, decision_scores(model, data.X))
    rng = np.random.default_rng(seed)
    drops = np.empty((repeats, len(data.targets), len(columns)))
    shuffled = data.X.copy()
    for r in range(repeats):
        for g, index in enumerate(columns):
            order = rng.permutation(len(data.X))
            shuffled[:, index] = data.X[order][:, index]
            drops[r, :, g] = base - roc_auc_columns(data.Y, decision_scores(model, shuffled))
            shuffled[:, index] = data.X[:, index]
    return _from_repeats("permutation", groups, data.targets, drops)


def ablation_cost(n_groups: int, repeats: int) -> int:
    """Refits ablation runs: a full model and one without each group, per repeat."""
    return repeats * (n_groups + 1)


def ablation_measure(
    factory: Callable[[list[list[int]]], Any],
    train: HeldOut,
    data: HeldOut,
    columns: Sequence[np.ndarray],
    groups: Sequence[str],
    *,
    repeats: int = 3,
    seed: int = 0,
    fraction: float = 0.9,
    progress: Callable[[int], None] | None = None,
) -> Measure:
    """Held-out ROC-AUC drop per target when the model is refitted without each group.

    ``factory(groups)`` returns an unfitted model for column-index groups. Each repeat fits on
    a seeded ``fraction`` of the training tracks, so the spread shows how stable the drop is.
    ``progress(n)`` is called after every refit.
    """
    if len(columns) < 2:
        raise MeasureError("ablation needs at least two groups (one is left out at a time)")
    rng = np.random.default_rng(seed)
    drops = np.empty((repeats, len(data.targets), len(columns)))
    for r in range(repeats):
        rows = np.sort(rng.choice(len(train.X), size=max(2, round(fraction * len(train.X))), replace=False))
        full = _refit_auc(factory, train, data, rows, columns)
        if progress:
            progress(1)
        for g in range(len(columns)):
            kept = [c for i, c in enumerate(columns) if i != g]
            drops[r, :, g] = full - _refit_auc(factory, train, data, rows, kept)
            if progress:
                progress(1)
    return _from_repeats("ablation", groups, data.targets, drops)


def _refit_auc(
    factory: Callable[[list[list[int]]], Any],
    train: HeldOut,
    data: HeldOut,
    rows: np.ndarray,
    columns: Sequence[np.ndarray],
) -> np.ndarray:
    index = np.concatenate(columns)
    starts = np.cumsum([0, *(len(c) for c in columns)])
    groups = [list(range(a, b)) for a, b in itertools.pairwise(starts)]
    model = factory(groups)
    y = train.Y if train.fit_y is None else train.fit_y
    model.fit(train.X[rows][:, index], y[rows])
    return roc_auc_columns(data.Y, decision_scores(model, data.X[:, index]))


def _from_repeats(name: str, groups: Sequence[str], targets: Sequence[str], drops: np.ndarray) -> Measure:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = drops.std(axis=0, ddof=1) if len(drops) > 1 else np.zeros(drops.shape[1:])
    return Measure(name, groups, targets, drops.mean(axis=0), spread, len(drops))


# -- agreement ---------------------------------------------------------------------------------------------


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-b between two group vectors (NaN where either is undefined or constant)."""
    from scipy.stats import kendalltau

    keep = ~(np.isnan(a) | np.isnan(b))
    if keep.sum() < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(kendalltau(a[keep], b[keep]).statistic)


def top_group(values: np.ndarray, groups: Sequence[str]) -> str | None:
    return None if np.isnan(values).all() else groups[int(np.nanargmax(values))]
