"""Per-track contributions of feature groups to a model's decision value.

A feature model that can explain a single prediction offers ``feature_contributions(X)``:
additive terms, one per input column plus a bias, that sum to ``decision_function(X)`` (em-banded:
the exact linear terms; xgboost: its own SHAP values). Summing the terms within each feature group
gives the answer to "why did this track get this tag" in the groups the user thinks in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np


@attrs.frozen(eq=False)
class GroupContributions:
    """Contributions of each group (and each feature) to each target's decision value, per sample.

    ``values.sum(-1) + bias`` equals the model's decision value (:attr:`decision`).
    """

    group_names: tuple[str, ...]
    target_names: tuple[str, ...]
    values: np.ndarray  # (n_samples, n_targets, n_groups)
    bias: np.ndarray  # (n_samples, n_targets)
    features: np.ndarray  # (n_samples, n_targets, n_features)

    @property
    def decision(self) -> np.ndarray:
        """The decision value the contributions add up to, ``(n_samples, n_targets)``."""
        return self.values.sum(axis=-1) + self.bias


def supports_contributions(model: Any) -> bool:
    """Whether ``model`` can decompose its decisions (audio models and some third-party ones cannot)."""
    return callable(getattr(model, "feature_contributions", None))


def membership(groups: Sequence[Sequence[int]], n_features: int) -> np.ndarray:
    """0/1 matrix ``(n_features, n_groups)``: column ``g`` marks the features of group ``g``."""
    matrix = np.zeros((n_features, len(groups)))
    for g, columns in enumerate(groups):
        matrix[np.asarray(columns, dtype=np.intp), g] = 1.0
    return matrix


def group_contributions(
    model: Any,
    X: np.ndarray,
    groups: Sequence[Sequence[int]],
    group_names: Sequence[str],
    target_names: Sequence[str],
) -> GroupContributions:
    """Sum ``model.feature_contributions(X)`` within each group.

    Parameters
    ----------
    model : fitted estimator with ``feature_contributions``
    X : ndarray of shape (n_samples, n_features)
        Inputs as the model sees them (already standardised).
    groups : sequence of column-index arrays, one per group
    group_names, target_names : sequences of str
        Names of the groups and of the targets (tags, or classes).
    """
    if not supports_contributions(model):
        raise TypeError(f"{type(model).__name__} has no feature_contributions(X); it cannot explain single tracks")
    if len(groups) != len(group_names):
        raise ValueError(f"{len(groups)} groups but {len(group_names)} group names")
    terms = np.asarray(model.feature_contributions(X), dtype=np.float64)
    if terms.ndim != 3 or terms.shape[1] != len(target_names):
        raise ValueError(
            f"feature_contributions gave shape {terms.shape}; expected (n, {len(target_names)}, n_features + 1)"
        )
    features, bias = terms[:, :, :-1], terms[:, :, -1]
    values = features @ membership(groups, features.shape[-1])
    return GroupContributions(tuple(group_names), tuple(target_names), values, bias, features)
