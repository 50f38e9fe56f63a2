"""Feature and group importances of XGBoost boosters, read from the model's own JSON.

XGBoost's ``Booster.get_score`` gives one number per feature for a whole booster. A
multi-class booster holds one tree per class and round, so per-class importances need the
trees themselves: the booster's JSON lists, for every tree, its split features, their loss
reductions (gain) and hessian sums (cover), and which output (class) the tree belongs to.
The definitions below equal ``get_score``'s on a whole booster (a test checks it):

- ``weight``: number of splits on the feature;
- ``total_gain`` / ``total_cover``: sum over those splits;
- ``gain`` / ``cover``: the total divided by the weight (mean per split).

Unused features score 0.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np

ImportanceType = Literal["gain", "weight", "cover", "total_gain", "total_cover"]
IMPORTANCE_TYPES: tuple[str, ...] = ("gain", "weight", "cover", "total_gain", "total_cover")


@attrs.frozen(eq=False)
class Splits:
    """Every split of every tree of a booster, as parallel arrays."""

    outputs: np.ndarray
    """The output (class) of the split's tree; 0 for single-output boosters."""
    features: np.ndarray
    gains: np.ndarray
    covers: np.ndarray


def split_statistics(booster: Any) -> Splits:
    """Read every split of every tree from the booster's JSON model."""
    model = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["model"]
    outputs, features, gains, covers = [], [], [], []
    for output, tree in zip(model["tree_info"], model["trees"], strict=True):
        split = np.asarray(tree["left_children"]) >= 0
        features.append(np.asarray(tree["split_indices"])[split])
        gains.append(np.asarray(tree["loss_changes"], dtype=np.float64)[split])
        covers.append(np.asarray(tree["sum_hessian"], dtype=np.float64)[split])
        outputs.append(np.full(int(split.sum()), output))
    if not features:
        return Splits(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.empty(0))
    return Splits(np.concatenate(outputs), np.concatenate(features), np.concatenate(gains), np.concatenate(covers))


def feature_importance(
    splits: Splits, n_features: int, importance_type: ImportanceType, output: int | None = None
) -> np.ndarray:
    """``(n_features,)`` importances from a booster's splits (only the trees of ``output`` when given)."""
    keep = slice(None) if output is None else splits.outputs == output
    features, gains, covers = splits.features[keep], splits.gains[keep], splits.covers[keep]
    weight = np.bincount(features, minlength=n_features).astype(np.float64)
    if importance_type == "weight":
        return weight
    totals = np.bincount(features, weights=gains if "gain" in importance_type else covers, minlength=n_features)
    if importance_type.startswith("total_"):
        return totals
    return np.divide(totals, weight, out=np.zeros(n_features), where=weight > 0)


def group_means(importances: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    """``(..., n_groups)``: the mean importance of each group's features (0 for unused ones)."""
    return np.stack([importances[..., index].mean(axis=-1) for index in groups], axis=-1)
