"""``featurize train / evaluate / explain`` with the xgboost model, end to end."""

from __future__ import annotations

from pathlib import Path

from featurize.learn.testing import check_model_cli


def test_train_evaluate_explain(tmp_path: Path) -> None:
    report = check_model_cli("xgboost", ["n_estimators=20", "n_jobs=2"], tmp_path)
    assert report["model"]["params"]["n_estimators"] == 20 and report["model"]["params"]["learning_rate"] is None


def test_no_split_reads_undefined_in_report_explain_and_plot(tmp_path: Path) -> None:
    import json

    import numpy as np
    from click.testing import CliRunner

    from featurize.cli import cli
    from featurize.learn.testing import TOY_GROUPING, planted, write_feature_store
    from featurize_xgboost.estimator import TASK_DEFAULTS

    X, Y = planted(n=120, sizes=(4, 4, 4), informative=1, n_targets=2, seed=3)
    names = [f"{e}.f{i}" for e in ("timbre", "rhythm", "harmony") for i in range(4)]
    write_feature_store(tmp_path / "s.h5", X, names)
    rows = "".join(f"track{i:04d},{a},{b}\n" for i, (a, b) in enumerate(Y))
    (tmp_path / "t.csv").write_text("track,a,b\n" + rows)
    (tmp_path / "g.toml").write_text(TOY_GROUPING)
    runner = CliRunner()
    common = ["--labels", str(tmp_path / "t.csv"), "--grouping", str(tmp_path / "g.toml"), "--model", "xgboost"]
    trained = runner.invoke(
        cli, ["train", str(tmp_path / "s.h5"), *common, "--param", "gamma=1000", "-o", str(tmp_path / "m")]
    )
    assert trained.exit_code == 0, trained.output
    report = json.loads((tmp_path / "m" / "report.json").read_text())
    assert any("target 'a': no split" in w for w in report["warnings"])
    used = report["model"]["params_used"]
    assert used["gamma"] == 1000 and used["min_child_weight"] == TASK_DEFAULTS["multilabel"]["min_child_weight"]
    text = (tmp_path / "m" / "report.txt").read_text()
    assert "no split: importance undefined" in text and "used:" in text
    plotted = runner.invoke(cli, ["explain", str(tmp_path / "m"), "--plot", str(tmp_path / "p.png")])
    assert plotted.exit_code == 0, plotted.output
    assert "no split: importance undefined" in plotted.output
    measured = runner.invoke(
        cli,
        [
            "explain",
            str(tmp_path / "m"),
            "--measure",
            "paper",
            "--measure",
            "permutation",
            "--plot",
            str(tmp_path / "q.svg"),
            "--repeats",
            "2",
        ],
    )
    assert measured.exit_code == 0, measured.output
    assert "no split" in measured.output and (tmp_path / "q.svg").stat().st_size > 0
    assert np.isnan(np.array(report["importances"]["overall"]["mean"], dtype=float)).all()


def test_a_damaged_booster_file_is_a_one_line_error_naming_it(tmp_path: Path) -> None:
    # XGBoost's own error carries a stack trace; the CLI prints its first line, naming the file.
    from click.testing import CliRunner

    from featurize.cli import cli

    check_model_cli("xgboost", ["n_estimators=5", "n_jobs=1"], tmp_path)
    boosters = sorted(tmp_path.glob("**/model/booster-000.ubj"))
    boosters[0].write_bytes(b"garbage")
    damaged = CliRunner().invoke(cli, ["explain", str(boosters[0].parent.parent)])
    lines = damaged.output.strip().splitlines()
    assert damaged.exit_code != 0 and len(lines) == 1 and "booster-000.ubj" in lines[0], damaged.output
