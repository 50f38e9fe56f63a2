"""Stage 3 through the core: ``featurize train --model msspt-cnn`` on a store's tracks, then ``evaluate``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from featurize.cli import cli
from featurize.learn.testing import write_feature_store


def test_featurize_train_and_evaluate_an_audio_tagger(
    training_clips: tuple[list[Path], np.ndarray], tmp_path: Path
) -> None:
    paths, tags = training_clips
    ids = [p.stem for p in paths]
    store = write_feature_store(
        tmp_path / "store.h5", np.zeros((len(ids), 1)), ["toy.f0"], ids, [str(p) for p in paths]
    )
    labels = tmp_path / "tags.csv"
    with labels.open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [["track", "tonal", "percussive"], *([i, *row] for i, row in zip(ids, tags.tolist(), strict=True))]
        )
    params = ["size=tiny", "epochs=2", "batch_size=4", "lr=0.01", "validation_fraction=0"]
    train = ["train", str(store), "--labels", str(labels), "--model", "msspt-cnn", "-o", str(tmp_path / "model")]
    result = CliRunner().invoke(cli, [*train, *(f"--param={p}" for p in params)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "model" / "report.json").read_text())
    assert report["data"]["task"] == "multilabel" and report["importances"] is None
    assert 0 <= report["metrics"]["test"]["roc_auc"]["mean"] <= 1
    assert json.loads((tmp_path / "model" / "model" / "config.json").read_text())["kind"] == "tagger"
    result = CliRunner().invoke(cli, ["evaluate", str(tmp_path / "model"), str(store), "--labels", str(labels)])
    assert result.exit_code == 0, result.output


def test_featurize_tag_with_an_audio_tagger_gives_scores_without_contributions(
    training_clips: tuple[list[Path], np.ndarray], tmp_path: Path
) -> None:
    import pandas as pd

    paths, tags = training_clips
    ids = [p.stem for p in paths]
    store = write_feature_store(tmp_path / "s.h5", np.zeros((len(ids), 1)), ["toy.f0"], ids, [str(p) for p in paths])
    labels = tmp_path / "tags.csv"
    labels.write_text(
        "track,tonal,percussive\n" + "".join(f"{i},{a},{b}\n" for i, (a, b) in zip(ids, tags.tolist(), strict=True))
    )
    params = ["size=tiny", "epochs=1", "batch_size=4", "validation_fraction=0"]
    train = ["train", str(store), "--labels", str(labels), "--model", "msspt-cnn", "-o", str(tmp_path / "model")]
    assert CliRunner().invoke(cli, [*train, *(f"--param={p}" for p in params)]).exit_code == 0
    for source, out in ((str(store), "from-store.csv"), (str(paths[0].parent), "from-audio.csv")):
        result = CliRunner().invoke(cli, ["tag", str(tmp_path / "model"), source, "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(tmp_path / out)
        assert list(frame.columns) == ["track", "tag", "score", "predicted", "rank"]
        assert len(frame) == 2 * len(ids) and frame["score"].between(0, 1).all()
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "from-store.csv").sort_values(["track", "tag"], ignore_index=True),
        pd.read_csv(tmp_path / "from-audio.csv").sort_values(["track", "tag"], ignore_index=True),
    )
