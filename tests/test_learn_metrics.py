"""Metrics against scikit-learn, the skipped tags, and the SAMAT softmax quirk."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, average_precision_score, balanced_accuracy_score, roc_auc_score

from featurize.learn.metrics import multiclass_metrics, multilabel_metrics, row_softmax


@pytest.fixture
def tagged() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    truth = (rng.random((60, 3)) < 0.4).astype(int)
    return truth, truth + rng.normal(0, 0.8, truth.shape)


def test_multilabel_macro_and_per_tag_values_are_scikit_learns(tagged: tuple) -> None:
    truth, scores = tagged
    metrics = multilabel_metrics(truth, scores, ["a", "b", "c"])
    expected = [roc_auc_score(truth[:, t], scores[:, t]) for t in range(3)]
    assert metrics["roc_auc"] == pytest.approx(np.mean(expected))
    assert metrics["per_target"]["b"]["roc_auc"] == pytest.approx(expected[1])
    assert metrics["pr_auc"] == pytest.approx(
        np.mean([average_precision_score(truth[:, t], scores[:, t]) for t in range(3)])
    )
    assert metrics["per_target"]["a"]["positives"] == truth[:, 0].sum()


def test_a_tag_without_positives_is_skipped_not_averaged(tagged: tuple) -> None:
    truth, scores = tagged
    truth[:, 2] = 0
    metrics = multilabel_metrics(truth, scores, ["a", "b", "c"])
    assert metrics["skipped"] == ["c"] and np.isnan(metrics["per_target"]["c"]["roc_auc"])
    assert metrics["roc_auc"] == pytest.approx(np.mean([roc_auc_score(truth[:, t], scores[:, t]) for t in range(2)]))


def test_the_softmax_quirk_is_off_by_default_and_changes_the_numbers(tagged: tuple) -> None:
    truth, scores = tagged
    plain = multilabel_metrics(truth, scores, ["a", "b", "c"])
    quirk = multilabel_metrics(truth, scores, ["a", "b", "c"], softmax=True)
    soft = row_softmax(scores)
    np.testing.assert_allclose(soft.sum(axis=1), 1.0)
    assert quirk["roc_auc"] == pytest.approx(np.mean([roc_auc_score(truth[:, t], soft[:, t]) for t in range(3)]))
    assert quirk["roc_auc"] != pytest.approx(plain["roc_auc"]) and quirk["softmax"] and not plain["softmax"]


def test_multiclass_metrics_are_scikit_learns() -> None:
    truth = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    predicted = np.array([0, 1, 0, 1, 1, 2, 0, 2, 1])
    metrics = multiclass_metrics(truth, predicted, ["x", "y", "z"])
    assert metrics["accuracy"] == pytest.approx(accuracy_score(truth, predicted))
    assert metrics["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(truth, predicted))
    assert metrics["per_target"]["z"] == {"recall": 0.5, "support": 4}
