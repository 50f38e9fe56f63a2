"""Models on imported features: the real GTZAN table through import, by-source, train, evaluate, explain, tag.

The predecessor paper's protocol and published figure (XGBoost max_depth=2: accuracy 0.765) are the anchor.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from featurize.cli import cli

GTZAN = Path(__file__).parents[1] / "data" / "gtzan"
TABLE = GTZAN / "gtzan_perceptual_features.csv"
GENRES = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]
EXCLUDE = [arg for genre in GENRES for arg in ("--exclude", genre)]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def gtzan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray]:
    """The GTZAN store and labels with the authors' split (train_test_split(test_size=0.2, random_state=4))."""
    import pandas as pd
    from sklearn.model_selection import train_test_split

    folder = tmp_path_factory.mktemp("gtzan")
    store = folder / "g.h5"
    assert run("import", TABLE, "-o", store, "--schema", GTZAN / "schema.toml", *EXCLUDE).exit_code == 0
    table = pd.read_csv(TABLE)
    _, test = train_test_split(np.arange(len(table)), test_size=0.2, random_state=4)
    split = np.full(len(table), "train", dtype=object)
    split[test] = "test"
    genre = np.array(GENRES)[table[GENRES].to_numpy().argmax(axis=1)]
    labels = folder / "labels.csv"
    pd.DataFrame({"id": table["Track"].astype(str), "split": split, "genre": genre}).to_csv(labels, index=False)
    return store, labels, split == "test"


def _reference_data(test: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same split, standardised on the training rows (as featurize does), for reference models."""
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    table = pd.read_csv(TABLE)
    X = table.drop(columns=["Track", *GENRES]).to_numpy(dtype=np.float32).astype(np.float64)
    y = table[GENRES].to_numpy().argmax(axis=1)
    scaler = StandardScaler().fit(X[~test])
    return scaler.transform(X[~test]), y[~test], scaler.transform(X[test]), y[test]


def _test_accuracy(model_dir: Path) -> float:
    return json.loads((model_dir / "report.json").read_text())["metrics"]["test"]["accuracy"]["mean"]


def test_gtzan_xgboost_matches_xgboost_and_the_paper(gtzan: tuple[Path, Path, np.ndarray], tmp_path: Path) -> None:
    import xgboost

    store, labels, test = gtzan
    model = tmp_path / "xgb"
    args = ("--labels", labels, "--grouping", "by-source", "--model", "xgboost", "--param", "max_depth=2")
    result = run("train", store, *args, "-o", model)
    assert result.exit_code == 0, result.output
    assert _test_accuracy(model) == pytest.approx(0.765, abs=1e-9)  # the published figure
    X_train, y_train, X_test, y_test = _reference_data(test)
    reference = xgboost.XGBClassifier(
        max_depth=2, n_estimators=100, learning_rate=0.3, tree_method="hist", max_bin=256, random_state=0
    ).fit(X_train, y_train)
    assert _test_accuracy(model) == pytest.approx(float(np.mean(reference.predict(X_test) == y_test)), abs=1e-9)
    evaluated = run("evaluate", model, store, "--labels", labels, "--tracks", "held-out")
    assert evaluated.exit_code == 0 and "0.7650" in evaluated.output
    explained = run("explain", model)
    assert explained.exit_code == 0 and "Ontology" in explained.output
    compared = run("compare", store, "--labels", labels, "--model", "xgboost", "--grouping", "by-source")
    assert compared.exit_code == 0 and "by-source / xgboost" in compared.output


def test_gtzan_em_banded_close_to_logistic_regression(gtzan: tuple[Path, Path, np.ndarray], tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    store, labels, test = gtzan
    model = tmp_path / "emb"
    result = run("train", store, "--labels", labels, "--grouping", "by-source", "--model", "em-banded", "-o", model)
    assert result.exit_code == 0, result.output
    X_train, y_train, X_test, y_test = _reference_data(test)
    logistic = LogisticRegression(max_iter=2000).fit(X_train, y_train)
    reference = float(np.mean(logistic.predict(X_test) == y_test))
    assert abs(_test_accuracy(model) - reference) <= 0.06  # a banded ridge against a logistic model: within 6 points


def test_gtzan_model_tags_an_imported_store(gtzan: tuple[Path, Path, np.ndarray], tmp_path: Path) -> None:
    """featurize tag on imported features: every track tagged, test accuracy from the tags equals evaluate's."""
    import pandas as pd

    store, labels, test = gtzan
    model = tmp_path / "xgb"
    train = ("--labels", labels, "--grouping", "by-source", "--model", "xgboost", "--param", "max_depth=2")
    assert run("train", store, *train, "-o", model).exit_code == 0
    result = run("tag", model, store, "-o", tmp_path / "tags.csv")
    assert result.exit_code == 0, result.output
    tags = pd.read_csv(tmp_path / "tags.csv", dtype={"track": str})
    assert tags["track"].nunique() == len(test) and set(tags["tag"]) == set(GENRES)
    contributions = tags.filter(like="contribution.").columns
    assert {c.split(".", 1)[1] for c in contributions} >= {"bias", "Signal Processing", "Deep Learning", "Ontology"}
    chosen = tags[tags["rank"] == 1].set_index("track")["tag"]
    truth = pd.read_csv(labels, dtype={"id": str}).set_index("id")
    held_out = truth[truth["split"] == "test"]
    assert float(np.mean(chosen[held_out.index] == held_out["genre"])) == pytest.approx(0.765, abs=1e-9)


def test_by_source_groups_imported_features_by_their_declared_source(gtzan: tuple[Path, Path, np.ndarray]) -> None:
    store, _, _ = gtzan
    grouping = run("groupings", "show", "by-source", "--store", store)
    assert "Signal Processing (22 features)" in grouping.output
    assert "Deep Learning (7 features)" in grouping.output
    assert "Ontology (32 features)" in grouping.output
