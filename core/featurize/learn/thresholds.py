"""Per-tag decision thresholds chosen at training time, on out-of-fold predictions.

A multi-label model's decision value is compared with one threshold per tag. The default 0 (a
probability of 0.5) suits rare tags badly, so ``featurize train`` chooses, for each tag, the
threshold that maximises F1 on out-of-fold decision values of the training split: the training
rows are cut into ``FOLDS`` folds, a model is fitted on the others and scores each fold, so no
threshold is ever chosen on values a model saw at fit time. The threshold lies halfway between
the lowest decision value kept positive and the next one. A tag without positives (or without
out-of-fold variation) keeps 0. Test tracks are never used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

FOLDS = 3
RULE = f"max F1 on {FOLDS}-fold out-of-fold decision values of the training split"


def best_f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The cut on ``scores`` maximising F1 for the 0/1 ``truth`` (0.0 when there is no positive)."""
    positives = int(truth.sum())
    if positives == 0 or len(scores) < 2:
        return 0.0
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], truth[order].astype(np.float64)
    true_pos = np.cumsum(hits)
    f1 = 2 * true_pos / (np.arange(1, len(ranked) + 1) + positives)
    distinct = np.append(ranked[:-1] > ranked[1:], True)  # a cut only between different values
    best = int(np.argmax(np.where(distinct, f1, -1.0)))
    if best == len(ranked) - 1:
        return float(ranked[-1] - 1.0)
    return float((ranked[best] + ranked[best + 1]) / 2)


def out_of_fold_scores(make_model: Callable[[], Any], X: Any, Y: np.ndarray, seed: int) -> np.ndarray:
    """Decision values ``(n, n_tags)`` of each training row by a model that did not see it."""
    folds = np.random.default_rng(seed).permutation(len(Y)) % FOLDS
    scores = np.zeros(Y.shape, dtype=np.float64)
    for fold in range(FOLDS):
        held, kept = np.flatnonzero(folds == fold), np.flatnonzero(folds != fold)
        if len(held) == 0 or np.any(Y[kept].min(axis=0) == Y[kept].max(axis=0)):
            return scores * np.nan  # a tag constant without this fold: no honest out-of-fold value
        model = make_model().fit(_rows(X, kept), Y[kept])
        scores[held] = np.asarray(model.decision_function(_rows(X, held)), dtype=np.float64).reshape(len(held), -1)
    return scores


def choose_thresholds(make_model: Callable[[], Any], X: Any, Y: np.ndarray, seed: int = 0) -> np.ndarray:
    """One threshold per tag (column of ``Y``) by :data:`RULE`; 0 where it cannot be chosen."""
    scores = out_of_fold_scores(make_model, X, Y, seed)
    if np.isnan(scores).any():
        return np.zeros(Y.shape[1])
    return np.array([best_f1_threshold(scores[:, t], Y[:, t]) for t in range(Y.shape[1])])


def _rows(inputs: Any, rows: np.ndarray) -> Any:
    return inputs[rows] if isinstance(inputs, np.ndarray) else [inputs[r] for r in rows]
