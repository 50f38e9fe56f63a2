"""``featurize train / evaluate / explain`` with the xgboost model, end to end."""

from __future__ import annotations

from pathlib import Path

from featurize.learn.testing import check_model_cli


def test_train_evaluate_explain(tmp_path: Path) -> None:
    report = check_model_cli("xgboost", ["n_estimators=20", "n_jobs=2"], tmp_path)
    assert report["model"]["params"]["n_estimators"] == 20 and report["model"]["params"]["learning_rate"] is None
