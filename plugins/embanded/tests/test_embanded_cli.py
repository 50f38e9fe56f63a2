"""``featurize train / evaluate / explain`` with the em-banded model, end to end."""

from __future__ import annotations

from pathlib import Path

from featurize.learn.testing import check_model_cli


def test_train_evaluate_explain(tmp_path: Path) -> None:
    report = check_model_cli("em-banded", ["update=mackay", "tol=1e-6"], tmp_path)
    assert report["model"]["params"]["update"] == "mackay" and report["model"]["params"]["tol"] == 1e-6
    assert report["fit"]["converged"]["mean"] == 1.0
