"""The extraction run: plan, resume, dispatch tracks to workers, write results as they finish.

A failing, crashing or hanging track never aborts the batch: extractor errors are
recorded by the worker; a worker that dies takes only its own track down (the tracks
that were in flight with it are re-run one at a time to find the culprit); a worker
stuck in native code past the time limit is killed the same way.
"""

from __future__ import annotations

import getpass
import os
import platform
import socket
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import attrs

from featurize.extraction import Track
from featurize.runner.executors import NO_WORKER_SECONDS, ClusterLost, ExecutorKind, Pool, open_executor
from featurize.runner.plan import Plan
from featurize.runner.worker import RunConfig, TrackTask, run_task
from featurize.store import ExtractorMeta, ExtractorRecord, FeatureStore, Status, StoreWriter, TrackRecord

LIBRARIES = (
    "featurize",
    "numpy",
    "h5py",
    "soundfile",
    "soxr",
    "essentia",
    "librosa",
    "torch",
    "demucs",
    "openai-whisper",
    "spacy",
    "rdflib",
    "omnizart",
    "tensorflow",
    "xgboost-cpu",
    "scikit-learn",
)
KILL_GRACE_SECONDS = 10.0


@attrs.frozen
class RunSummary:
    """What a run did; ``failures`` lists ``(track, extractor, message)``."""

    tracks: int
    done: int
    failed: int
    skipped: int
    seconds: float
    failures: tuple[tuple[str, str, str], ...] = ()
    kept_failures: int = 0
    """Failures of earlier runs still in the store for these tracks (not retried without ``--retry-failed``)."""

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.kept_failures == 0


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape results, for provenance."""
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _stored_path(path: Path, store: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), store.resolve().parent)
    except ValueError:  # another drive
        return str(path.resolve())


def plan_tasks(
    tracks: Sequence[Track],
    plan: Plan,
    metas: dict[str, ExtractorMeta],
    store: Path,
    *,
    retry_failed: bool,
    timeout: float | None,
) -> tuple[list[TrackTask], int]:
    """Tasks for the work left to do; returns them, the number of tracks already complete and the number of
    stored failures they keep (kept unless ``retry_failed``)."""
    completed: dict[str, dict[str, tuple[int, str]]] = {}
    reader = FeatureStore(store) if store.exists() else None
    if reader is not None:
        completed = reader.completed()
    tasks, skipped, kept = [], 0, 0
    try:
        for track in tracks:

            def done(name: str, track_id: str = track.id) -> bool:
                status, key = completed.get(name, {}).get(track_id, (Status.MISSING, ""))
                finished = status == Status.OK or (status == Status.FAILED and not retry_failed)
                return finished and key == metas[name].key

            todo = tuple(name for name in plan.primary if not done(name))
            kept += sum(
                completed.get(n, {}).get(track.id, (Status.MISSING, ""))[0] == Status.FAILED
                for n in plan.primary
                if n not in todo
            )
            if not todo:
                skipped += 1
                continue
            preloaded = {}
            for artifact in set().union(*(plan.needed_artifacts(n) for n in todo)):
                provider = next(
                    (
                        p
                        for p in plan.providers[artifact]
                        if completed.get(p, {}).get(track.id, (0, "")) == (Status.OK, metas[p].key)
                    ),
                    None,
                )
                if provider is not None and reader is not None:
                    value = reader.artifact(track.id, artifact, extractor=provider)
                    if value is not None:
                        preloaded[artifact] = value
            tasks.append(TrackTask(track, _stored_path(track.path, store), todo, preloaded, timeout))
    finally:
        if reader is not None:
            reader.close()
    return tasks, skipped, kept


def _failed_record(task: TrackTask, metas: dict[str, ExtractorMeta], error_type: str, message: str) -> TrackRecord:
    return TrackRecord(
        id=task.track.id,
        path=task.stored_path,
        extractors=tuple(
            ExtractorRecord(n, metas[n].key, Status.FAILED, error_type=error_type, message=message) for n in task.run
        ),
    )


class _Dispatcher:
    """Keeps the pool busy, watches for hung workers and isolates tracks that crash them."""

    def __init__(self, pool: Pool, config: RunConfig, metas: dict[str, ExtractorMeta], timeout: float | None) -> None:
        self.pool, self.config, self.metas, self.timeout = pool, config, metas, timeout
        self.window = max(1, 2 * pool.workers)

    def run(self, tasks: Sequence[TrackTask], emit: Callable[[TrackRecord], None]) -> None:
        pending = deque(tasks)
        inflight: dict[Future, tuple[TrackTask, float]] = {}
        while pending or inflight:
            while pending and len(inflight) < self.window:
                try:
                    future = self.pool.executor.submit(run_task, self.config, pending[0])
                except BrokenProcessPool:  # a worker died since the last wait: its futures tell which
                    if not inflight:
                        self.pool.restart()
                    break
                inflight[future] = (pending.popleft(), time.monotonic())
            finished, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
            if not finished:
                self.pool.check()
            crashed = []
            for future in [f for f in inflight if f in finished]:  # in submission order: stable row order
                task, _ = inflight.pop(future)
                record = self._collect(future, task)
                if record is None:
                    crashed.append(task)
                else:
                    emit(record)
            hung = self._hung(inflight)
            if hung and self.pool.killable:
                self.pool.kill()
            for future in hung if not self.pool.killable else ():  # a cluster's worker cannot be killed from here
                task, _ = inflight.pop(future)
                future.cancel()
                emit(self._timed_out(task))
            if crashed:
                # Every task still in flight died with the pool: re-run them all, one at a time.
                crashed += [task for task, _ in inflight.values()]
                inflight.clear()
                self.pool.restart()
                for task in crashed:
                    emit(self._isolated(task))

    def _collect(self, future: Future, task: TrackTask) -> TrackRecord | None:
        try:
            return future.result()
        except BrokenProcessPool:
            return None
        except Exception as error:  # e.g. Dask's KilledWorker: this track's failure only
            self.pool.check()  # a lost scheduler cancels every future: that is no track's failure
            if isinstance(error, CancelledError):
                raise ClusterLost(
                    f"lost the Dask scheduler (it cancelled {task.track.path}); "
                    "finished tracks are kept, re-run to resume"
                ) from error
            return _failed_record(task, self.metas, type(error).__name__, f"{task.track.path}: {error}")

    def _hung(self, inflight: dict[Future, tuple[TrackTask, float]]) -> list[Future]:
        """Futures past the time limit (twice the per-track timeout plus a grace period)."""
        if not self.timeout:
            return []
        limit = 2 * self.timeout + KILL_GRACE_SECONDS
        return [future for future, (_, started) in inflight.items() if time.monotonic() - started > limit]

    def _timed_out(self, task: TrackTask) -> TrackRecord:
        message = f"{task.track.path}: timed out after {self.timeout:g} s (the task was abandoned on its worker)"
        return _failed_record(task, self.metas, "TrackTimeout", message)

    def _isolated(self, task: TrackTask) -> TrackRecord:
        future = self.pool.executor.submit(run_task, self.config, task)
        limit = None if not self.timeout else 2 * self.timeout + KILL_GRACE_SECONDS
        finished, _ = wait([future], timeout=limit)
        if not finished:
            self.pool.kill()
            wait([future])
        record = self._collect(future, task)
        if record is not None:
            return record
        self.pool.restart()
        cause = "was killed after exceeding the time limit" if not finished else "crashed"
        return _failed_record(task, self.metas, "WorkerCrash", f"{task.track.path}: the worker process {cause}")


def extract(
    tracks: Sequence[Track],
    store: str | os.PathLike[str],
    *,
    config: RunConfig | None = None,
    executor: ExecutorKind = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    retry_failed: bool = False,
    progress: bool | None = None,
    argv: Sequence[str] | None = None,
    flush_seconds: float = 2.0,
    no_worker_seconds: float = NO_WORKER_SECONDS,
) -> RunSummary:
    """Extract features for ``tracks`` into ``store``, resuming where an earlier run stopped.

    Parameters
    ----------
    tracks : tracks to process (see :func:`featurize.runner.inputs.discover`).
    store : the HDF5 store; created if missing.
    config : plugin selection and parameters; the worker processes rebuild the plan from it.
    executor, workers, scheduler : where tracks run (``serial``, ``process`` or ``dask``).
    timeout : seconds allowed per track; extractors past it fail, the batch goes on.
    retry_failed : run (track, extractor) pairs that failed before instead of skipping them.
    progress : show a progress bar; ``None`` shows it only on a terminal.
    flush_seconds : finished tracks become durable (journaled) at least this often.
    no_worker_seconds : a Dask run with no worker connected this long stops with :class:`ClusterLost`.
    """
    from tqdm import tqdm

    started = time.monotonic()
    store = Path(store)
    config = config or RunConfig.make()
    plan = config.plan()
    metas = {name: ExtractorMeta.from_spec(spec, dict(plan.params[name])) for name, spec in plan.specs.items()}
    writer = StoreWriter(store, flush_seconds=flush_seconds)
    failures: list[tuple[str, str, str]] = []
    counts = {"done": 0, "failed": 0}
    try:
        writer.declare(list(metas.values()))
        tasks, skipped, kept = plan_tasks(tracks, plan, metas, store, retry_failed=retry_failed, timeout=timeout)
        run_info: dict[str, Any] = {
            "run_id": uuid.uuid4().hex,
            "argv": list(argv if argv is not None else sys.argv),
            "cwd": os.getcwd(),
            "host": socket.gethostname(),
            "user": getpass.getuser(),
            "started": datetime.now(UTC).isoformat(),
            "libraries": library_versions(),
            "executor": executor,
            "workers": workers,
            "extractors": {
                n: {"version": m.version, "params": m.params, "plugin": m.plugin, "distribution": m.distribution}
                for n, m in metas.items()
            },
            "tracks": len(tracks),
            "to_do": len(tasks),
            "skipped": skipped,
        }
        writer.start_run(run_info)
        bar = tqdm(
            total=len(tasks),
            unit="track",
            disable=(not progress) if progress is not None else None,
            file=sys.stderr,
            dynamic_ncols=True,
        )

        def durable(records: list[TrackRecord]) -> None:
            for record in records:
                bad = [(record.id, o.extractor, o.message) for o in record.extractors if o.status is Status.FAILED]
                failures.extend(bad)
                counts["failed" if bad else "done"] += 1
            bar.update(len(records))
            bar.set_postfix(failed=counts["failed"], refresh=False)

        with open_executor(executor, workers, scheduler, config.threads, no_worker_seconds) as pool:
            _Dispatcher(pool, config, metas, timeout).run(tasks, lambda record: durable(writer.add(record)))
        durable(writer.flush())
        bar.close()
        writer.update_run(finished=datetime.now(UTC).isoformat(), done=counts["done"], failed=counts["failed"])
    finally:
        writer.close()
    return RunSummary(
        tracks=len(tracks),
        done=counts["done"],
        failed=counts["failed"],
        skipped=skipped,
        seconds=time.monotonic() - started,
        failures=tuple(failures),
        kept_failures=kept,
    )
