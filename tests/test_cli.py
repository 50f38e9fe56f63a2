"""The command line through click's runner: every core command, errors and exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from featurize.cli import cli


def test_version_help_and_listings(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--version"]).output.startswith("featurize, version")
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "extract" in result.output
    plugins = runner.invoke(cli, ["plugins"])
    assert "toy_extractors" in plugins.output and "extractor level" in plugins.output
    features = runner.invoke(cli, ["--plugins", "level", "features"])
    assert "level.crest" in features.output and "beat_counter" not in features.output
    artifacts = runner.invoke(cli, ["features", "--artifacts"])
    assert "segmenter:beats" in artifacts.output
    assert "--level-gain" in runner.invoke(cli, ["extract", "--help"]).output


def test_unknown_plugin_lists_installed(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--plugins", "essentai", "plugins"])
    assert result.exit_code == 2
    assert "unknown plugin 'essentai'; installed plugins:" in result.output and "toy_extractors" in result.output


def test_extract_info_export(runner: CliRunner, songs: Path, tmp_path: Path) -> None:
    store = tmp_path / "f.h5"
    result = runner.invoke(
        cli,
        ["--plugins", "level", "extract", str(songs), "-o", str(store), "--executor", "serial", "--level-gain", "0.5"],
    )
    assert result.exit_code == 0, result.output
    assert "3 tracks: 3 done, 0 failed, 0 already complete" in result.output
    info = runner.invoke(cli, ["info", str(store)])
    assert "3 tracks, 3 features" in info.output and '{"gain": 0.5}' in info.output
    assert "no failures" in runner.invoke(cli, ["info", str(store), "--failures"]).output
    csv = tmp_path / "f.csv"
    assert runner.invoke(cli, ["export", str(store), "-o", str(csv), "--features", "level.rms"]).exit_code == 0
    assert csv.read_text().splitlines()[0] == "track,level.rms"
    parquet = tmp_path / "f.parquet"
    assert runner.invoke(cli, ["export", str(store), "-o", str(parquet)]).exit_code == 0
    import pandas as pd

    assert list(pd.read_parquet(parquet).columns) == ["level.rms", "level.peak", "level.crest"]


def test_failed_tracks_give_exit_status_one(runner: CliRunner, songs: Path, tmp_path: Path) -> None:
    (songs / "broken.wav").write_text("garbage")
    store = tmp_path / "f.h5"
    result = runner.invoke(cli, ["--plugins", "level", "extract", str(songs), "-o", str(store), "--executor", "serial"])
    assert result.exit_code == 1
    assert "FAILED broken [level]" in result.output and "broken.wav" in result.output
    info = runner.invoke(cli, ["info", str(store), "--failures"])
    assert "broken [level]" in info.output
    again = runner.invoke(cli, ["--plugins", "level", "extract", str(songs), "-o", str(store), "--executor", "serial"])
    assert again.exit_code == 1, again.output  # a resumed run still holding failures says so (issue 17)
    assert "0 done, 0 failed, 4 already complete" in again.output
    assert "1 failure(s) of earlier runs are still in the store" in again.output and "--retry-failed" in again.output


def test_store_errors_are_one_line(runner: CliRunner, tmp_path: Path) -> None:
    bogus = tmp_path / "x.h5"
    bogus.write_text("nope")
    result = runner.invoke(cli, ["info", str(bogus)])
    assert result.exit_code == 1 and "not an HDF5 file" in result.output and "Traceback" not in result.output


def test_identical_failures_are_folded(runner: CliRunner, tmp_path: Path) -> None:
    songs = tmp_path / "songs"
    songs.mkdir()
    for name in ("x", "y", "z"):
        (songs / f"{name}.wav").write_text("garbage")
    result = runner.invoke(
        cli, ["--plugins", "level", "extract", str(songs), "-o", str(tmp_path / "f.h5"), "--executor", "serial"]
    )
    assert result.exit_code == 1
    assert "FAILED 3 tracks (x, y, z) [level]: <track>: " in result.output
    assert result.output.count("FAILED") == 1
