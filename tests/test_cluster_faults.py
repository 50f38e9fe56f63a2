"""Faults of real distributed and pooled runs: lost workers, a lost scheduler, a killed main process.

The Dask tests start real ``dask scheduler`` / ``dask worker`` processes on 127.0.0.1 and
kill them the way a machine failure would; every process is killed at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from featurize.runner.executors import ClusterLost
from featurize.runner.inputs import discover
from featurize.runner.run import extract
from featurize.runner.worker import RunConfig
from featurize.store import FeatureStore

psutil = pytest.importorskip("psutil")
pytest.importorskip("distributed")
pytestmark = pytest.mark.slow
HERE = Path(__file__).parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
CONFIG = RunConfig.make(plugins=["toy_extractors"], extra_modules=["toy_extractors"])


class Cluster:
    """A scheduler and worker processes on loopback, killed (never left behind) at the end."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0")
        deadline = time.monotonic() + 60
        while not self.file.exists():
            assert time.monotonic() < deadline, "the Dask scheduler did not start"
            time.sleep(0.1)
        self.workers = [self.add_worker() for _ in range(2)]

    def _start(self, role: str, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "distributed.cli.dask_" + role, *args, "--no-dashboard"]
        command += ["--scheduler-file", str(self.file)]
        return subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def add_worker(self) -> subprocess.Popen[bytes]:
        return self._start("worker", "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny")

    @property
    def address(self) -> str:
        import json

        return json.loads(self.file.read_text())["address"]

    def kill(self, processes: list[subprocess.Popen[bytes]]) -> None:
        for process in processes:
            process.kill()
            process.wait(timeout=30)

    def close(self) -> None:
        self.kill([*self.workers, self.scheduler])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    started = Cluster(tmp_path)
    try:
        yield started
    finally:
        started.close()


def durable(store: Path) -> int:
    from test_crash_safety import durable_ids

    return len(durable_ids(store))


def in_thread(run: Callable[[], object]) -> tuple[threading.Thread, dict[str, object]]:
    """Run ``run`` in a thread; its result or exception lands in the returned dict."""
    out: dict[str, object] = {}

    def target() -> None:
        try:
            out["result"] = run()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            out["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, out


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_hung_track_times_out_then_every_worker_lost(
    cluster: Cluster, songs: Path, tmp_path: Path, audio_file: Callable[..., Path], toy_path: tuple[str, ...]
) -> None:
    audio_file(songs / "hang.wav")
    store = tmp_path / "f.h5"
    summary = extract(
        discover([songs]), store, config=CONFIG, executor="dask", scheduler=cluster.address, timeout=1.0, progress=False
    )
    assert (summary.done, summary.failed) == (3, 1)
    assert "hang.wav: timed out after 1 s" in summary.failures[0][2]

    cluster.kill(cluster.workers)
    started = time.monotonic()
    with pytest.raises(ClusterLost, match=r"no Dask worker connected to tcp://127\.0\.0\.1:.* for [0-9]+ s"):
        extract(
            discover([songs]),
            store,
            config=CONFIG,
            executor="dask",
            scheduler=cluster.address,
            retry_failed=True,
            progress=False,
            no_worker_seconds=2.0,
        )
    assert time.monotonic() - started < 30
    with FeatureStore(store) as opened:
        assert len(opened.track_ids) == 4 and {f.track for f in opened.failures()} == {"hang"}


def test_lost_scheduler_keeps_finished_tracks_and_resumes(
    cluster: Cluster, songs: Path, tmp_path: Path, audio_file: Callable[..., Path], toy_path: tuple[str, ...]
) -> None:
    hangs = [audio_file(songs / f"zz-hang{i}.wav") for i in range(2)]  # after the good tracks
    store = tmp_path / "f.h5"
    address = cluster.address
    thread, out = in_thread(
        lambda: extract(
            discover([songs]), store, config=CONFIG, executor="dask", scheduler=address, progress=False, flush_seconds=0
        )
    )
    wait_for(lambda: durable(store) == 3, 60, "the three good tracks were not journaled")
    cluster.kill([cluster.scheduler])
    thread.join(timeout=60)
    assert not thread.is_alive(), "the run did not stop after losing its scheduler"
    assert isinstance(out.get("error"), ClusterLost) and "lost the Dask scheduler" in str(out["error"])

    for hang in hangs:
        hang.unlink()
    again = Cluster(tmp_path / "again")
    try:
        resumed = extract(
            discover([songs]), store, config=CONFIG, executor="dask", scheduler=again.address, progress=False
        )
    finally:
        again.close()
    assert (resumed.skipped, resumed.done) == (3, 0)


EXTRACT = """
import sys
from featurize.runner.inputs import discover
from featurize.runner.run import extract
from featurize.runner.worker import RunConfig
config = RunConfig.make(plugins=["toy_extractors"], extra_modules=["toy_extractors"])
extract(discover([sys.argv[1]]), sys.argv[2], config=config, executor="process", workers=2, progress=False)
"""


def test_pool_workers_exit_when_the_main_process_is_killed(
    tmp_path: Path, audio_file: Callable[..., Path], toy_path: tuple[str, ...]
) -> None:
    for i in range(4):
        audio_file(tmp_path / "songs" / f"hang{i}.wav")
    main = subprocess.Popen([sys.executable, "-c", EXTRACT, str(tmp_path / "songs"), str(tmp_path / "f.h5")], env=ENV)
    process = psutil.Process(main.pid)
    try:
        wait_for(lambda: len(process.children()) >= 3, 60, "the pool workers did not start")  # 2 workers + tracker
        time.sleep(1.0)  # let the workers reach their (hanging) tracks
        children = process.children(recursive=True)
    finally:
        main.send_signal(signal.SIGKILL)
        main.wait()
    gone, alive = psutil.wait_procs(children, timeout=5)
    for orphan in alive:
        orphan.kill()
    assert not alive, f"orphaned after kill -9 of the main process: {[p.cmdline()[-1:] for p in alive]}"
    assert len(gone) >= 3
