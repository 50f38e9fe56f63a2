"""Evaluation metrics; the AUCs come from scikit-learn (``featurize[learn]``).

Multi-label: ROC-AUC and PR-AUC (average precision) per tag from the model's decision
scores, and their macro means over the tags that have both positive and negative tracks in
the evaluated set (the others are listed as skipped). Multi-class: accuracy and balanced
accuracy (the mean per-class recall), with the recall of each class.

The SAMAT scripts applied a softmax across the tags of each track before the per-tag AUCs.
That is not a per-tag monotone transform, so it changes the numbers; it is available as
``softmax=True`` to reproduce the paper and is off by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from featurize.errors import FeaturizeError

MULTILABEL_METRICS = ("roc_auc", "pr_auc")
MULTICLASS_METRICS = ("accuracy", "balanced_accuracy")


def row_softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax across the columns of each row (the SAMAT quirk)."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def multilabel_metrics(
    truth: np.ndarray, scores: np.ndarray, names: Sequence[str], *, softmax: bool = False
) -> dict[str, Any]:
    """Macro and per-tag ROC-AUC and PR-AUC of ``scores`` ``(n, n_tags)`` against 0/1 ``truth``."""
    try:
        from sklearn.metrics import average_precision_score, roc_auc_score
    except ImportError as error:
        raise FeaturizeError("the AUC metrics need scikit-learn: pip install 'featurize[learn]'") from error

    scores = row_softmax(scores) if softmax else scores
    per_tag: dict[str, dict[str, float]] = {}
    skipped = []
    for t, name in enumerate(names):
        column = truth[:, t]
        positives = int(column.sum())
        if positives in (0, len(column)):
            skipped.append(name)
            per_tag[name] = {"roc_auc": float("nan"), "pr_auc": float("nan"), "positives": positives}
            continue
        per_tag[name] = {
            "roc_auc": float(roc_auc_score(column, scores[:, t])),
            "pr_auc": float(average_precision_score(column, scores[:, t])),
            "positives": positives,
        }
    evaluated = [per_tag[n] for n in names if n not in skipped]
    macro = {m: float(np.mean([v[m] for v in evaluated])) if evaluated else float("nan") for m in MULTILABEL_METRICS}
    return {**macro, "per_target": per_tag, "skipped": skipped, "softmax": softmax}


def multiclass_metrics(truth: np.ndarray, predicted: np.ndarray, names: Sequence[str]) -> dict[str, Any]:
    """Accuracy, balanced accuracy and per-class recall of class indices ``predicted``."""
    per_class = {}
    for c, name in enumerate(names):
        members = truth == c
        support = int(members.sum())
        recall = float(np.mean(predicted[members] == c)) if support else float("nan")
        per_class[name] = {"recall": recall, "support": support}
    recalls = [v["recall"] for v in per_class.values() if v["support"]]
    return {
        "accuracy": float(np.mean(truth == predicted)),
        "balanced_accuracy": float(np.mean(recalls)),
        "per_target": per_class,
        "skipped": [name for name, v in per_class.items() if not v["support"]],
    }
