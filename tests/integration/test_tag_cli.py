"""``featurize tag`` end to end on the real CLI: synthetic audio -> librosa features -> em-banded -> tags."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile
from click.testing import CliRunner

from featurize.cli import cli
from featurize.testing.signals import tone, white_noise

SR = 22050
GROUPING = """\
name = "two"
description = "timbre and level"

[groups.Timbre]
description = "MFCC"
features = ["librosa.mfcc_*"]

[groups.Level]
description = "level and brightness"
features = ["librosa.rms", "librosa.loudness", "librosa.spectral_centroid"]
"""


def clip(folder: Path, name: str, loud: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    signal = tone(float(rng.uniform(200, 800)), 1.0, SR) if loud else white_noise(1.0, SR, seed=seed, amplitude=0.02)
    soundfile.write(folder / f"{name}.wav", np.asarray(signal, dtype=np.float32) * (0.6 if loud else 1.0), SR)


def invoke(*args: object) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tagcli")
    songs = folder / "songs"
    songs.mkdir()
    lines = ["track,loud"]
    for i in range(16):
        clip(songs, f"s{i:02d}", i % 2 == 0, i)
        lines.append(f"s{i:02d},{int(i % 2 == 0)}")
    (folder / "tags.csv").write_text("\n".join(lines) + "\n")
    (folder / "two.toml").write_text(GROUPING)
    invoke("--plugins", "librosa", "extract", songs, "-o", folder / "train.h5", "--executor", "serial")
    invoke(
        "train",
        folder / "train.h5",
        "--labels",
        folder / "tags.csv",
        "--model",
        "em-banded",
        "--grouping",
        folder / "two.toml",
        "-o",
        folder / "model",
    )
    return folder / "model"


def snapshot(directory: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in directory.rglob("*")}


def test_audio_to_tags_then_resume_after_adding_tracks(model: Path, tmp_path: Path) -> None:
    before = snapshot(model)
    new = tmp_path / "new"
    new.mkdir()
    for i in range(3):
        clip(new, f"n{i}", i != 1, 100 + i)
    out = tmp_path / "tags.csv"
    first = invoke("tag", model, new, "-o", out, "--executor", "serial")
    frame = pd.read_csv(out)
    assert set(frame.columns) == {
        "track",
        "tag",
        "score",
        "predicted",
        "rank",
        "contribution.Timbre",
        "contribution.Level",
        "contribution.bias",
    }
    assert sorted(frame["track"]) == ["n0", "n1", "n2"] and (tmp_path / "tags.features.h5").is_file()
    assert "3 extracted" in first.output and "3 track(s) tagged" in first.output
    assert frame.set_index("track").loc["n0", "score"] > frame.set_index("track").loc["n1", "score"]
    clip(new, "n3", True, 103)
    second = invoke("tag", model, new, "-o", out, "--executor", "serial")
    assert "1 extracted, 3 already" in second.output and len(pd.read_csv(out)) == 4
    stored = invoke("tag", model, tmp_path / "tags.features.h5", "-o", "-", "--top", "1")
    assert "contribution.bias" in stored.output and "n3" in stored.output
    assert snapshot(model) == before  # tagging never writes into the model directory


def test_a_store_from_other_params_is_refused_with_the_way_out(model: Path, tmp_path: Path) -> None:
    songs = tmp_path / "songs"
    songs.mkdir()
    clip(songs, "x0", True, 7)
    store = tmp_path / "x.h5"
    invoke("--plugins", "librosa", "extract", songs, "-o", store, "--executor", "serial")
    changed = tmp_path / "model"
    shutil.copytree(model, changed)
    recipe = json.loads((changed / "recipe.json").read_text())
    recipe["extractors"][0] |= {"version": "0.0-other", "params_hash": "feedbeef"}
    (changed / "recipe.json").write_text(json.dumps(recipe))
    result = CliRunner().invoke(cli, ["tag", str(changed), str(store), "-o", str(tmp_path / "t.json")])
    assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1
    assert "extractor 'librosa': model needs version 0.0-other params feedbeef" in result.output
    assert "--allow-version-mismatch" in result.output
    invoke("tag", changed, store, "-o", tmp_path / "t.json", "--allow-version-mismatch")
    provenance = json.loads((tmp_path / "t.json").read_text())["provenance"]
    assert provenance["allow_version_mismatch"] and "librosa" in provenance["version_mismatches"][0]


def test_input_that_is_neither_audio_nor_a_store_is_a_clear_error(model: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = CliRunner().invoke(cli, ["tag", str(model), str(tmp_path / "notes.txt"), "-o", "-"])
    assert result.exit_code != 0 and "notes.txt: neither audio" in result.output and "Traceback" not in result.output
    assert not Path("featurize-tag.features.h5").exists()


def test_why_explains_one_track_with_groups_features_and_a_waterfall(model: Path, tmp_path: Path) -> None:
    from featurize.learn.modeldir import load_bundle
    from featurize.learn.tagging import tag
    from featurize.learn.why import explain_track
    from featurize.plugin.manager import PluginManager

    store = model.parent / "train.h5"
    result = invoke("why", model, store, "s00", "--plot", tmp_path / "why.png")
    assert "track s00" in result.output and "loud: score" in result.output and "librosa.mfcc_" in result.output
    assert (tmp_path / "why.png").stat().st_size > 1000
    bundle = load_bundle(model, PluginManager())
    (item,) = explain_track(bundle, store, "s00", tag="loud")
    row = tag(model, store).set_index("track").loc["s00"]
    assert item.decision == pytest.approx(sum(g[1] for g in item.groups) + item.bias, abs=1e-9)
    assert item.decision == pytest.approx(row.filter(like="contribution.").sum(), abs=1e-9)
    missing = CliRunner().invoke(cli, ["why", str(model), str(store), "nope"])
    assert missing.exit_code != 0 and "no track 'nope'" in missing.output
