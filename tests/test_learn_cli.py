"""``featurize train``, ``evaluate``, ``explain`` and ``compare`` through click's runner on the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from featurize.cli import cli
from featurize.learn.testing import manager_with_models, planted, write_feature_store
from featurize.testing.hostile import code_running_object

SIZES = (3, 3, 3)
NAMES = [f"{e}.f{i}" for e, size in zip(("alpha", "beta", "gamma"), SIZES, strict=True) for i in range(size)]
CUSTOM = """\
name = "custom"
description = "written by the test, as a user would"

[groups.First]
description = "alpha"
features = ["alpha.f0", "alpha.f1", "alpha.f2"]

[groups.Second]
description = "beta"
features = ["beta.*"]

[groups.Third]
description = "gamma"
features = ["gamma.*"]
"""
TWO_GROUPS = """\
name = "coarse"
description = "two groups"

[groups.Early]
description = "alpha and beta"
features = ["alpha.*", "beta.*"]

[groups.Late]
description = "gamma"
features = ["gamma.*"]
"""


@pytest.fixture(autouse=True)
def models(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI sees the reference models of featurize.learn.testing, whatever is installed."""
    manager = manager_with_models()
    monkeypatch.setattr("featurize.cli.learn.plugin_manager", lambda: manager)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cli")
    X, Y = planted(n=150, sizes=SIZES, informative=2, n_targets=2, seed=5)
    write_feature_store(folder / "features.h5", X, NAMES)
    lines = ["track,happy,sad", *(f"track{i:04d},{a},{b}" for i, (a, b) in enumerate(Y))]
    (folder / "tags.csv").write_text("\n".join(lines) + "\n")
    (folder / "custom.toml").write_text(CUSTOM)
    (folder / "coarse.toml").write_text(TWO_GROUPS)
    return {
        "dir": folder,
        "store": folder / "features.h5",
        "tags": folder / "tags.csv",
        "custom": folder / "custom.toml",
        "coarse": folder / "coarse.toml",
    }


def run(*args: object, ok: bool = True) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="featurize")
    assert (result.exit_code == 0) == ok, result.output
    return result


@pytest.fixture(scope="module")
def model_dir(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("trained") / "model"
    manager = manager_with_models()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("featurize.cli.learn.plugin_manager", lambda: manager)
        run(
            "train",
            files["store"],
            "--labels",
            files["tags"],
            "--grouping",
            files["custom"],
            "--model",
            "least-squares",
            "--param",
            "alpha=0.5",
            "--repeats",
            "2",
            "-o",
            output,
        )
    return output


def test_train_with_a_custom_toml_grouping_writes_the_model_directory(model_dir: Path) -> None:
    names = sorted(p.name for p in model_dir.iterdir())
    assert names == [
        "featurize-model.json",
        "grouping.json",
        "model",
        "recipe.json",
        "report.json",
        "report.txt",
        "split.json",
        "standardiser.npz",
    ]
    report = json.loads((model_dir / "report.json").read_text())
    assert report["grouping"]["name"] == "custom" and report["model"]["params"] == {"alpha": 0.5}
    assert report["command"] == "featurize train"
    assert np.argmax(report["importances"]["overall"]["mean"]) == 2
    text = (model_dir / "report.txt").read_text()
    assert "grouping: custom: 9 features in 3 groups" in text and "roc_auc" in text and "Third" in text


def test_train_prints_the_report_and_honours_without(files: dict[str, Path], tmp_path: Path) -> None:
    result = run(
        "train",
        files["store"],
        "--labels",
        files["tags"],
        "--grouping",
        files["custom"],
        "--without",
        "third",
        "--model",
        "least-squares",
        "-o",
        tmp_path / "m",
    )
    assert "grouping: custom w/o Third: 6 features in 2 groups" in result.output
    assert f"Model written to {tmp_path / 'm'}" in result.output


def test_evaluate_prints_and_writes_json(model_dir: Path, files: dict[str, Path], tmp_path: Path) -> None:
    result = run(
        "evaluate",
        model_dir,
        files["store"],
        "--labels",
        files["tags"],
        "--tracks",
        "held-out",
        "-o",
        tmp_path / "eval.json",
    )
    assert "featurize evaluate report" in result.output and "(30 tracks used)" in result.output
    report = json.loads((tmp_path / "eval.json").read_text())
    assert report["kind"] == "evaluate" and 0.5 < report["metrics"]["test"]["roc_auc"]["mean"] <= 1.0


def test_explain_prints_importances_plots_and_compares_with_a_reference(model_dir: Path, tmp_path: Path) -> None:
    reference = tmp_path / "ranking.toml"
    reference.write_text('ranking = ["Third", "First", "Second"]\n')
    result = run("explain", model_dir, "--plot", tmp_path / "imp.png", "--reference", reference)
    lines = result.output.splitlines()
    assert lines[1].split() == ["target", "First", "Second", "Third"]
    assert any(line.startswith("happy") for line in lines) and any(line.startswith("sad") for line in lines)
    assert "overall: sum of absolute rank differences" in result.output
    assert (tmp_path / "imp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    run("explain", model_dir, "--plot", tmp_path / "imp.svg", "--target", "sad")
    assert "<svg" in (tmp_path / "imp.svg").read_text()
    payload = json.loads(run("explain", model_dir, "--json").output)
    assert payload["importances"]["groups"] == ["First", "Second", "Third"]


def test_compare_prints_one_table_for_groupings_models_and_ablations(files: dict[str, Path], tmp_path: Path) -> None:
    result = run(
        "compare",
        files["store"],
        "--labels",
        files["tags"],
        "--grouping",
        files["custom"],
        "--grouping",
        files["coarse"],
        "--model",
        "least-squares",
        "--without",
        "Third",
        "--repeats",
        "2",
        "--param",
        "least-squares:alpha=2",
        "-o",
        tmp_path / "c.json",
    )
    assert "roc_auc (test)" in result.output and "w/o Third" in result.output
    assert "has no group 'Third'" in result.output
    rows = json.loads((tmp_path / "c.json").read_text())["rows"]
    assert [(r["variant"], r["n_features"]) for r in rows] == [("all groups", 9), ("w/o Third", 6), ("all groups", 9)]
    assert rows[0]["top_group"] == "Third" and rows[2]["top_group"] == "Late"
    assert [r["grouping"] for r in rows] == ["custom", "custom", "coarse"]  # the TOML's name, as train uses
    assert "custom / least-squares" in result.output and "custom.toml" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "nope"], "unknown model 'nope'; available: least-squares, loudness"),
        (["--model", "least-squares", "--param", "alpha=much"], "parameter 'alpha' wants a value of type float"),
        (["--model", "least-squares", "--param", "beta=1"], "has no parameter(s) beta"),
        (["--model", "least-squares", "--param", "alpha"], "is not KEY=VALUE"),
    ],
)
def test_train_errors_exit_non_zero_with_the_reason(
    files: dict[str, Path], tmp_path: Path, args: list, message: str
) -> None:
    result = run(
        "train",
        files["store"],
        "--labels",
        files["tags"],
        "--grouping",
        files["custom"],
        *args,
        "-o",
        tmp_path / "m",
        ok=False,
    )
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_grouping_and_bad_labels_are_reported(files: dict[str, Path], tmp_path: Path) -> None:
    result = run(
        "train", files["store"], "--labels", files["tags"], "--model", "least-squares", "-o", tmp_path / "m", ok=False
    )
    assert "give a grouping (--grouping)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("track,happy\ntrack0000,maybe\n")
    result = run(
        "train",
        files["store"],
        "--labels",
        bad,
        "--grouping",
        files["custom"],
        "--model",
        "least-squares",
        "-o",
        tmp_path / "m",
        ok=False,
    )
    assert "bad.csv, line 2, column 'happy': 'maybe' is not 0 or 1" in result.output
    result = run("explain", tmp_path, ok=False)
    assert "not a featurize model directory" in result.output


def test_plots_are_png_or_svg(model_dir: Path, tmp_path: Path) -> None:
    result = run("explain", model_dir, "--plot", tmp_path / "x.pdf", ok=False)
    assert "plots are written as .png or .svg, not '.pdf'" in result.output


def test_the_commands_are_listed_in_the_cli_help() -> None:
    output = run("--help").output
    for command in ("train", "evaluate", "explain", "compare"):
        assert f"  {command} " in output


def test_an_audio_model_trains_without_grouping_and_has_no_importances(tmp_path: Path) -> None:
    import soundfile

    rng = np.random.default_rng(1)
    ids = [f"clip{i:02d}" for i in range(30)]
    loud = np.arange(30) % 2 == 0
    for track, is_loud in zip(ids, loud, strict=True):
        soundfile.write(tmp_path / f"{track}.wav", (0.5 if is_loud else 0.05) * rng.standard_normal(1000), 8000)
    write_feature_store(tmp_path / "s.h5", rng.random((30, 1)), ["alpha.f0"], ids, [f"{t}.wav" for t in ids])
    (tmp_path / "t.csv").write_text(
        "track,label\n" + "".join(f"{t},{'loud' if v else 'soft'}\n" for t, v in zip(ids, loud, strict=True))
    )
    result = run(
        "train", tmp_path / "s.h5", "--labels", tmp_path / "t.csv", "--model", "loudness", "-o", tmp_path / "m"
    )
    assert "task:     multiclass with 2 targets" in result.output and "accuracy" in result.output
    explained = run("explain", tmp_path / "m")
    assert "model 'loudness' (audio input) has no group importances." in explained.output
    for asked in (["--measure", "permutation"], ["--plot", str(tmp_path / "p.png")]):
        refused = CliRunner().invoke(cli, ["explain", str(tmp_path / "m"), *asked])
        assert refused.exit_code != 0 and "no group" in refused.output, asked
    assert not (tmp_path / "p.png").exists()


def test_evaluate_is_honest_by_default_and_labels_all_tracks(model_dir: Path, files: dict[str, Path]) -> None:
    default = run("evaluate", model_dir, files["store"], "--labels", files["tags"])
    assert "excluded 120 track(s) the model was trained on" in default.output and "(30 tracks used)" in default.output
    everything = run("evaluate", model_dir, files["store"], "--labels", files["tags"], "--tracks", "all")
    assert "warning: --tracks all includes" in everything.output and "all tracks (incl. training)" in everything.output
    assert "Per target (test)" not in everything.output


def _tampered(model_dir: Path, folder: Path) -> Path:
    copy = folder / "tampered"
    shutil.copytree(model_dir, copy)
    return copy


def _one_line_error(result: Any, file: Path) -> None:
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(file) in lines[0], result.output


def test_a_tampered_model_directory_is_a_one_line_error_naming_the_file(
    model_dir: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    def attempt(directory: Path) -> Any:
        labelled = [str(files["store"]), "--labels", str(files["tags"])]
        return CliRunner().invoke(cli, ["evaluate", str(directory), *labelled])

    pickled = _tampered(model_dir, tmp_path / "a")  # an object array is a pickle: refused, never loaded
    payload = np.array([code_running_object(tmp_path / "ran")], dtype=object)
    np.savez(pickled / "standardiser.npz", names=payload, mean=[0.0], scale=[1.0])
    _one_line_error(attempt(pickled), pickled / "standardiser.npz")
    np.savez(pickled / "model" / "arrays.npz", coef_=payload)
    (pickled / "standardiser.npz").unlink()
    _one_line_error(attempt(pickled), pickled / "model" / "arrays.npz")
    assert not (tmp_path / "ran").exists()
    wrong = _tampered(model_dir, tmp_path / "b")
    np.savez(wrong / "standardiser.npz", names=np.array(["a", "b"]), mean=np.zeros(3), scale=np.ones(3))
    _one_line_error(attempt(wrong), wrong / "standardiser.npz")
    unknown = _tampered(model_dir, tmp_path / "c")
    estimator = unknown / "model" / "estimator.json"
    meta = json.loads(estimator.read_text())
    meta["params"]["run_this"] = "rm -rf /"
    estimator.write_text(json.dumps(meta))
    _one_line_error(attempt(unknown), estimator)
    assert "'run_this'" in attempt(unknown).output
    groupless = _tampered(model_dir, tmp_path / "d")
    grouping = json.loads((groupless / "grouping.json").read_text())
    del grouping["groups"]
    (groupless / "grouping.json").write_text(json.dumps(grouping))
    _one_line_error(attempt(groupless), groupless / "grouping.json")
    garbled = _tampered(model_dir, tmp_path / "e")
    (garbled / "featurize-model.json").write_text("{not json")
    _one_line_error(attempt(garbled), garbled / "featurize-model.json")
    truncated = _tampered(model_dir, tmp_path / "f")  # a half-copied directory: the npz zip is cut short
    arrays = truncated / "model" / "arrays.npz"
    arrays.write_bytes(arrays.read_bytes()[:40])
    _one_line_error(attempt(truncated), arrays)
