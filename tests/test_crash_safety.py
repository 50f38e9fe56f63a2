"""``kill -9`` of an extraction at any moment loses nothing that was made durable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from featurize.store import FeatureStore
from featurize.store.writer import journal_dir

SCRIPT = """
import sys
from featurize.runner.inputs import discover
from featurize.runner.run import extract
from featurize.runner.worker import RunConfig
config = RunConfig.make(plugins=["toy_extractors"], extra_modules=["toy_extractors"])
extract(discover([sys.argv[1]]), sys.argv[2], config=config, executor="serial", progress=False, flush_seconds=0.05)
"""


def start(songs: Path, store: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(songs), str(store)], env=env)


def durable_ids(store: Path) -> set[str]:
    """Track ids already journaled or merged: everything a crash must preserve."""
    import h5py

    ids = set()
    for shard in sorted(journal_dir(store).glob("*.h5")) if journal_dir(store).exists() else []:
        try:
            with h5py.File(shard, "r") as file:
                ids |= set(file["tracks/id"].asstr()[:])
        except OSError:  # merged and removed while we looked
            continue
    if store.exists():
        with h5py.File(store, "r") as file:
            ids |= set(file["tracks/id"].asstr()[:])
    return ids


@pytest.mark.slow
def test_kill_minus_nine_then_resume_equals_uninterrupted(tmp_path: Path, audio_file: Callable[..., Path]) -> None:
    songs = tmp_path / "songs"
    for i in range(60):
        audio_file(songs / f"slow{i:03d}.wav", seconds=0.3, sr=8000, seed=i % 5)
    reference = tmp_path / "reference.h5"
    start(songs, reference).wait(timeout=300)

    store = tmp_path / "killed.h5"
    rng = np.random.default_rng(7)
    for attempt in range(4):
        process = start(songs, store)
        time.sleep(float(rng.uniform(0.8, 2.5)))
        before = durable_ids(store)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with FeatureStore(store) as opened:  # opens, merges what was journaled
            assert before <= set(opened.track_ids), f"attempt {attempt}: lost {before - set(opened.track_ids)}"
    start(songs, store).wait(timeout=300)
    with FeatureStore(store) as resumed, FeatureStore(reference) as full:
        assert sorted(resumed.track_ids) == sorted(full.track_ids)
        order = [resumed.track_ids.index(t) for t in full.track_ids]
        np.testing.assert_array_equal(resumed.matrix()[0][order], full.matrix()[0])
        assert resumed.failures() == []
