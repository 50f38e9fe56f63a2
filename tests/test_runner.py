"""The extraction runner end to end on real audio files with the toy extractors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.errors import ConfigurationError
from featurize.runner.inputs import discover
from featurize.runner.run import extract
from featurize.runner.worker import RunConfig
from featurize.store import FeatureStore, Status


def run(songs: Path, store: Path, modules: tuple[str, ...], **kwargs: object):
    config = RunConfig.make(
        plugins=kwargs.pop("plugins", modules), extra_modules=modules, params=kwargs.pop("params", None)
    )
    return extract(discover([songs]), store, config=config, progress=False, **kwargs)


def test_serial_run_computes_real_values(songs: Path, tmp_path: Path, toy_path: tuple[str, ...]) -> None:
    store = tmp_path / "f.h5"
    summary = run(songs, store, toy_path, executor="serial")
    assert (summary.tracks, summary.done, summary.failed) == (3, 3, 0)
    with FeatureStore(store) as opened:
        assert opened.track_ids == ["a", "rock/b", "rock/c"]
        matrix, names = opened.matrix(["level.*", "beat_counter.count"])
        audio, _ = soundfile.read(songs / "a.wav", dtype="float32")
        assert names == ["level.rms", "level.peak", "level.crest", "beat_counter.count"]
        assert matrix[0, 0] == pytest.approx(np.sqrt(np.mean(audio**2)), rel=0.02)  # resampled to 16 kHz
        np.testing.assert_array_equal(matrix[:, 3], [2, 3, 2])  # half-second grid on 1.0, 1.5, 0.7 s
        assert opened.artifact("rock/b", "beats").labels == ("b", "b", "b")
        assert opened.tracks()["duration"][1] == pytest.approx(1.5)
        assert opened.tracks()["path"][0] == "songs/a.wav"
        assert len(opened.tracks()["audio_hash"][0]) == 40
        run_info = opened.runs()[0]
        assert run_info["extractors"]["level"]["params"] == {"gain": 1.0}
        assert "numpy" in run_info["libraries"] and run_info["done"] == 3


def test_process_pool_matches_serial_and_resume_skips(songs: Path, tmp_path: Path, toy_path: tuple[str, ...]) -> None:
    serial, pooled = tmp_path / "serial.h5", tmp_path / "pooled.h5"
    run(songs, serial, toy_path, executor="serial")
    run(songs, pooled, toy_path, executor="process", workers=2)
    with FeatureStore(serial) as a, FeatureStore(pooled) as b:
        order = [b.row(track) for track in a.track_ids]  # rows are appended as tracks finish
        np.testing.assert_array_equal(a.matrix()[0], b.matrix()[0][order])
    again = run(songs, pooled, toy_path, executor="serial")
    assert (again.done, again.skipped) == (0, 3)
    changed = run(songs, pooled, toy_path, executor="serial", params={"level": {"gain": 2.0}})
    assert (changed.done, changed.skipped) == (3, 0)  # a result-defining parameter changed: recompute
    with FeatureStore(pooled) as opened:
        assert opened.artifact("a", "beats") is not None


def test_bad_inputs_are_recorded_and_the_batch_goes_on(
    songs: Path, tmp_path: Path, toy_path: tuple[str, ...], audio_file: Callable[..., Path]
) -> None:
    (songs / "empty.wav").write_bytes(b"")
    (songs / "text.mp3").write_text("not audio at all")
    whole = audio_file(tmp_path / "whole.wav", seconds=1.0)
    (songs / "truncated.wav").write_bytes(whole.read_bytes()[:30])
    audio_file(songs / "raise.wav")
    soundfile.write(songs / "silence.wav", np.zeros(8000, np.float32), 16000)
    soundfile.write(songs / "tiny.wav", np.full(3, 0.1, np.float32), 16000)
    store = tmp_path / "f.h5"
    summary = run(songs, store, toy_path, executor="process", workers=2)
    failed = {track for track, _, _ in summary.failures}
    assert failed == {"empty", "text", "truncated", "raise"}
    messages = {track: message for track, extractor, message in summary.failures if extractor == "level"}
    assert "empty.wav: file is empty" in messages["empty"]
    assert "text.mp3" in messages["text"] and "text.mp3" in messages["text"]
    assert "truncated.wav" in messages["truncated"]
    assert "raise.wav" in messages["raise"] and "toy failure" in messages["raise"]
    with FeatureStore(store) as opened:
        matrix, _ = opened.matrix(["level.rms", "level.crest"])
        rows = {t: i for i, t in enumerate(opened.track_ids)}
        assert matrix[rows["silence"], 0] == 0 and np.isnan(matrix[rows["silence"], 1])  # NaN by design
        assert matrix[rows["tiny"], 0] > 0
        assert opened.status("level")[rows["a"]] == Status.OK
    retried = run(songs, store, toy_path, executor="serial", retry_failed=True)
    assert retried.done == 0 and retried.failed == 4 and retried.skipped == 5


def test_crashing_and_hanging_tracks_fail_alone(
    songs: Path, tmp_path: Path, toy_path: tuple[str, ...], audio_file: Callable[..., Path]
) -> None:
    audio_file(songs / "crash.wav")
    audio_file(songs / "hang.wav")
    summary = run(songs, tmp_path / "f.h5", toy_path, executor="process", workers=2, timeout=1.0)
    failures = {track: message for track, _, message in summary.failures}
    assert set(failures) == {"crash", "hang"}
    assert "crash.wav: the worker process crashed" in failures["crash"]
    assert "hang.wav: timed out after 1 s" in failures["hang"]
    assert summary.done == 3


def test_provider_fallback_and_missing_provider(songs: Path, tmp_path: Path, toy_path: tuple[str, ...]) -> None:
    (songs / "nobackup-text.wav").write_text("not audio")
    summary = run(songs, tmp_path / "f.h5", toy_path, executor="serial")
    message = dict(((t, e), m) for t, e, m in summary.failures)[("nobackup-text", "beat_counter")]
    assert "segmenter:" in message and "backup_segmenter:" in message  # every provider's reason
    with FeatureStore(tmp_path / "f.h5") as opened:
        assert opened.status("segmenter")[opened.row("nobackup-text")] == Status.FAILED

    (songs / "other-text.wav").write_text("not audio")
    summary = run(songs, tmp_path / "g.h5", toy_path, executor="serial")
    with FeatureStore(tmp_path / "g.h5") as opened:
        row = opened.row("other-text")
        assert opened.matrix(["beat_counter.count"])[0][row, 0] == 1  # the backup provider's single segment
        assert opened.status("segmenter")[row] == Status.MISSING  # a failed fallback is not kept


def test_requirement_without_provider_fails_before_work(tmp_path: Path, toy_path: tuple[str, ...]) -> None:
    from featurize.plugin.manager import PluginManager
    from featurize.runner.plan import make_plan

    specs = PluginManager(extra_modules=toy_path).extractors()
    with pytest.raises(ConfigurationError, match="beat_counter requires the artifact 'beats'"):
        make_plan({"beat_counter": specs["beat_counter"]}, {"beat_counter": specs["beat_counter"]})
    with pytest.raises(ConfigurationError, match="no parameter"):
        make_plan(specs, specs, {"level": {"gian": 2}})


@pytest.mark.slow
def test_dask_executor(songs: Path, tmp_path: Path, toy_path: tuple[str, ...]) -> None:
    pytest.importorskip("distributed")
    summary = run(songs, tmp_path / "f.h5", toy_path, executor="dask", workers=2)
    assert summary.done == 3
