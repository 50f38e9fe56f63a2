"""Importance measures on held-out tracks: planted data where the answer is known, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from featurize.cli import cli
from featurize.learn.measures import (
    NO_SPLIT,
    UNDETERMINED,
    HeldOut,
    MeasureError,
    ablation_measure,
    contribution_measure,
    kendall_tau,
    paper_measure,
    permutation_measure,
    roc_auc_columns,
)
from featurize.learn.testing import LeastSquaresClassifier, group_columns, manager_with_models, write_feature_store
from featurize.learn.training import TrainOptions, UninformativeGroupWarning, train

GROUPS = ("Noise", "Signal", "Copy")


def corpus(redundant: bool, seed: int = 0, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Tags caused by ``Signal`` only; ``Copy`` is Signal plus a little noise (redundant) or pure noise."""
    rng = np.random.default_rng(seed)
    noise, signal = rng.standard_normal((n, 4)), rng.standard_normal((n, 4))
    third = signal + 0.05 * rng.standard_normal((n, 4)) if redundant else rng.standard_normal((n, 4))
    latent = signal @ rng.standard_normal((4, 3)) + 0.3 * rng.standard_normal((n, 3))
    return np.hstack([noise, signal, third]), (latent > 0).astype(np.int64)


def split(X: np.ndarray, Y: np.ndarray) -> tuple[HeldOut, HeldOut]:
    targets = ("a", "b", "c")
    return HeldOut(X[:400], Y[:400].astype(float), targets), HeldOut(X[400:], Y[400:].astype(float), targets)


COLUMNS = [np.asarray(c) for c in group_columns((4, 4, 4))]


def fitted(train: HeldOut) -> LeastSquaresClassifier:
    return LeastSquaresClassifier(groups=group_columns((4, 4, 4))).fit(train.X, train.Y.astype(np.int64))


def test_roc_auc_columns_matches_scikit_learn() -> None:
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(1)
    Y = (rng.random((300, 3)) > 0.6).astype(float)
    scores = np.round(Y + rng.standard_normal((300, 3)), 1)  # ties on purpose
    expected = [roc_auc_score(Y[:, t], scores[:, t]) for t in range(3)]
    np.testing.assert_allclose(roc_auc_columns(Y, scores), expected)
    Y[:, 1] = 0
    assert np.isnan(roc_auc_columns(Y, scores)[1])


def test_the_group_carrying_all_the_signal_ranks_first_and_noise_costs_nothing() -> None:
    train, test = split(*corpus(redundant=False))
    model = fitted(train)
    permutation = permutation_measure(model, test, COLUMNS, GROUPS, repeats=4, seed=3)
    contribution = contribution_measure(model, test, COLUMNS, GROUPS)
    ablation = ablation_measure(
        lambda g: LeastSquaresClassifier(groups=g), train, test, COLUMNS, GROUPS, repeats=2, seed=0
    )
    for measure in (permutation, contribution, ablation):
        assert (np.argmax(measure.per_target, axis=1) == 1).all(), measure.name
    assert permutation.overall[1] > 0.3 and abs(permutation.overall[0]) < 0.02 and abs(permutation.overall[2]) < 0.02
    assert ablation.overall[1] > 0.3 and abs(ablation.overall[0]) < 0.02
    assert contribution.overall[1] > 0.8 and np.allclose(contribution.per_target.sum(axis=1), 1)
    assert permutation.repeats == 4 and (permutation.per_target_std >= 0).all()
    # the same seed gives the same permutations
    again = permutation_measure(model, test, COLUMNS, GROUPS, repeats=4, seed=3)
    np.testing.assert_array_equal(again.per_target, permutation.per_target)


def test_redundant_groups_share_the_signal_and_neither_is_indispensable() -> None:
    train, test = split(*corpus(redundant=True))
    model = fitted(train)
    ablation = ablation_measure(
        lambda g: LeastSquaresClassifier(groups=g), train, test, COLUMNS, GROUPS, repeats=2, seed=0
    )
    contribution = contribution_measure(model, test, COLUMNS, GROUPS)
    permutation = permutation_measure(model, test, COLUMNS, GROUPS, repeats=3)
    # refitting without one copy loses (almost) nothing: the other copy carries the signal
    assert np.abs(ablation.overall).max() < 0.02
    # the model uses both copies: together they hold nearly all the contribution; noise holds little
    assert contribution.overall[1] + contribution.overall[2] > 0.9
    assert permutation.overall[1] > 0.01 and permutation.overall[2] > 0.01 and abs(permutation.overall[0]) < 0.01


def test_ablation_needs_two_groups() -> None:
    train, test = split(*corpus(redundant=False))
    with pytest.raises(MeasureError, match="at least two groups"):
        ablation_measure(LeastSquaresClassifier, train, test, COLUMNS[:1], GROUPS[:1])


def test_kendall_tau_and_undefined_values() -> None:
    assert kendall_tau(np.array([0.1, 0.2, 0.7]), np.array([1.0, 2.0, 3.0])) == pytest.approx(1.0)
    assert kendall_tau(np.array([0.1, 0.2, 0.7]), np.array([3.0, 2.0, 1.0])) == pytest.approx(-1.0)
    assert np.isnan(kendall_tau(np.array([np.nan, np.nan, 0.1]), np.array([1.0, 2.0, 3.0])))


class Flagged:
    """A model whose importances carry the plugins' flags (undetermined groups, a target with no split)."""

    group_importances_per_target_ = np.array([[0.5, 0.3, 0.2], [np.nan, np.nan, np.nan]])
    undetermined_groups_ = np.array([[False, True, True], [False, False, False]])
    group_importances_total_per_target_ = np.array([[0.2, 0.5, 0.3], [np.nan, np.nan, np.nan]])


def test_paper_measure_flags_undetermined_groups_and_targets_without_split() -> None:
    measure = paper_measure(Flagged(), GROUPS, ("a", "b"))
    assert measure.notes["a"] == {"Signal": UNDETERMINED, "Copy": UNDETERMINED}
    assert set(measure.notes["b"].values()) == {NO_SPLIT}
    assert measure.overall[0] == pytest.approx(0.5)  # the undefined target is left out of the mean
    assert measure.to_dict()["size_aware"]["per_target"]["a"] == [0.2, 0.5, 0.3]


# -- training and the CLI -----------------------------------------------------------------------------

NAMES = [f"{e}.f{i}" for e in ("noise", "signal", "broken") for i in range(4)]
GROUPING = "\n".join(
    f'[groups.{g}]\ndescription = "{g}"\nfeatures = ["{e}.*"]'
    for g, e in (("Noise", "noise"), ("Signal", "signal"), ("Broken", "broken"))
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """least-squares trained on a store whose ``broken`` extractor failed on every track."""
    folder = tmp_path_factory.mktemp("measures")
    X, Y = corpus(redundant=False, seed=4, n=300)
    X[:, 8:] = np.nan
    write_feature_store(folder / "features.h5", X, NAMES)
    rows = ["track,a,b,c", *(f"track{i:04d},{','.join(map(str, y))}" for i, y in enumerate(Y))]
    (folder / "tags.csv").write_text("\n".join(rows) + "\n")
    (folder / "g.toml").write_text('name = "planted"\ndescription = "test"\n' + GROUPING + "\n")
    options = TrainOptions(model="least-squares", grouping=str(folder / "g.toml"), seed=1)
    with pytest.warns(UninformativeGroupWarning, match="'Broken' dropped before fitting"):
        result = train(
            folder / "features.h5", [folder / "tags.csv"], options, output=folder / "m", manager=manager_with_models()
        )
    assert result.dataset.resolved.group_names == ("Noise", "Signal")
    return folder


@pytest.fixture(autouse=True)
def models(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = manager_with_models()
    monkeypatch.setattr("featurize.cli.learn.plugin_manager", lambda: manager)


def test_dropped_groups_are_listed_in_the_report(model_dir: Path) -> None:
    report = json.loads((model_dir / "m" / "report.json").read_text())
    assert report["dropped_groups"] == [{"name": "Broken", "reason": "every feature is missing on the training tracks"}]
    assert report["importances"]["groups"] == ["Noise", "Signal"]
    assert "dropped:  group 'Broken'" in (model_dir / "m" / "report.txt").read_text()


def test_explain_all_measures_writes_json_and_plot(model_dir: Path) -> None:
    out, plot = model_dir / "measures.json", model_dir / "measures.png"
    result = CliRunner().invoke(
        cli,
        ["explain", str(model_dir / "m"), "--measure", "all", "--repeats", "2", "-o", str(out), "--plot", str(plot)],
    )
    assert result.exit_code == 0, result.output
    assert "ablation: 6 refits" in result.output  # cost stated up front (stderr is mixed in)
    payload = json.loads(out.read_text())
    assert set(payload["measures"]) == {"paper", "contribution", "permutation", "ablation"}
    assert payload["dropped_groups"][0]["name"] == "Broken" and "Broken" in result.output
    for name in ("contribution", "permutation", "ablation"):
        overall = payload["measures"][name]["overall"]["mean"]
        assert overall[1] > overall[0], name
        assert payload["kendall_tau_vs_paper"][name]["overall"] == pytest.approx(1.0)
    assert payload["held_out_tracks"] == 60 and plot.stat().st_size > 0


def test_explain_on_another_store_uses_only_tracks_outside_the_training_split(model_dir: Path) -> None:
    out = model_dir / "other.json"
    args = [str(model_dir / "features.h5"), "--labels", str(model_dir / "tags.csv"), "-o", str(out)]
    result = CliRunner().invoke(cli, ["explain", str(model_dir / "m"), *args, "--measure", "permutation"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["held_out_tracks"] == 60


def test_explain_errors_are_one_line(model_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    lonely = runner.invoke(cli, ["explain", str(model_dir / "m"), str(model_dir / "features.h5"), "--measure", "paper"])
    assert lonely.exit_code != 0 and "give STORE and --labels together" in lonely.output
    other = tmp_path / "other.h5"
    write_feature_store(other, np.zeros((3, 2)), ["elsewhere.x", "elsewhere.y"])
    missing = runner.invoke(
        cli,
        ["explain", str(model_dir / "m"), str(other), "--labels", str(model_dir / "tags.csv"), "--measure", "paper"],
    )
    assert missing.exit_code != 0 and "lacks" in missing.output and "signal.f0" in missing.output
    strangers = tmp_path / "strangers.csv"
    strangers.write_text("track,a,b,c\nnobody,1,0,1\n")
    store = str(model_dir / "features.h5")
    unmatched = runner.invoke(
        cli, ["explain", str(model_dir / "m"), store, "--labels", str(strangers), "--measure", "paper"]
    )
    assert unmatched.exit_code != 0 and "no labelled track is in the store. Compared" in unmatched.output


def test_run_measures_judges_every_repeat_on_its_own_test_split(model_dir: Path) -> None:
    from featurize.learn.explain import run_measures

    options = TrainOptions(model="least-squares", grouping=str(model_dir / "g.toml"), repeats=2, seed=2)
    manager = manager_with_models()
    with pytest.warns(UninformativeGroupWarning):
        result = train(model_dir / "features.h5", [model_dir / "tags.csv"], options, manager=manager)
    found = run_measures(result, ["paper", "permutation", "ablation"], repeats=2, manager=manager)
    for name in ("paper", "permutation", "ablation"):
        assert set(found[name]) == {"a", "b", "c"}
        assert all(np.argmax(v) == 1 for v in found[name].values()), name


def test_explain_measures_as_json_on_stdout(model_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["explain", str(model_dir / "m"), "--measure", "contribution", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["measures"]["contribution"]["groups"] == ["Noise", "Signal"]
    assert payload["recommended"] == "permutation"
