"""``featurize train / evaluate / explain`` with the em-banded model, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from featurize.cli import cli
from featurize.learn.testing import planted, write_feature_store

GROUPING = """\
name = "toy"
description = "three groups"

[groups.Timbre]
description = "timbre"
features = ["timbre.*"]

[groups.Rhythm]
description = "rhythm"
features = ["rhythm.*"]

[groups.Harmony]
description = "harmony"
features = ["harmony.*"]
"""


def test_train_evaluate_explain(tmp_path: Path) -> None:
    X, Y = planted(n=200, sizes=(4, 4, 4), informative=1, n_targets=3, seed=9)
    names = [f"{e}.f{i}" for e in ("timbre", "rhythm", "harmony") for i in range(4)]
    write_feature_store(tmp_path / "s.h5", X, names)
    (tmp_path / "tags.csv").write_text(
        "track,a,b,c\n" + "".join(f"track{i:04d},{','.join(map(str, row))}\n" for i, row in enumerate(Y))
    )
    (tmp_path / "g.toml").write_text(GROUPING)
    runner = CliRunner()
    common = ["--labels", str(tmp_path / "tags.csv")]
    trained = runner.invoke(
        cli,
        [
            "train",
            str(tmp_path / "s.h5"),
            *common,
            "--grouping",
            str(tmp_path / "g.toml"),
            "--model",
            "em-banded",
            "--param",
            "update=mackay",
            "--param",
            "tol=1e-10",
            "-o",
            str(tmp_path / "m"),
        ],
    )
    assert trained.exit_code == 0, trained.output
    report = json.loads((tmp_path / "m" / "report.json").read_text())
    assert report["model"]["params"]["update"] == "mackay" and report["model"]["params"]["tol"] == 1e-10
    assert report["fit"]["converged"]["mean"] == 1.0
    assert np.argmax(report["importances"]["overall"]["mean"]) == 1
    evaluated = runner.invoke(
        cli, ["evaluate", str(tmp_path / "m"), str(tmp_path / "s.h5"), *common, "--tracks", "held-out"]
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert f"{report['metrics']['test']['roc_auc']['mean']:.4f}" in evaluated.output
    explained = runner.invoke(cli, ["explain", str(tmp_path / "m")])
    assert explained.exit_code == 0 and "Rhythm" in explained.output
