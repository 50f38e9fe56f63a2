"""Executors behind one interface: serial, a local process pool, or a Dask cluster.

The runner only needs ``concurrent.futures.Executor``: ``submit`` and futures. A local
pool can also be *restarted* (after a worker crashed or hung), which the runner uses to
isolate a track that kills its worker.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from featurize.errors import ConfigurationError, FeaturizeError

ExecutorKind = Literal["serial", "process", "dask"]
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")
PARENT_POLL_SECONDS = 0.5
NO_WORKER_SECONDS = 180.0
"""How long a Dask run waits with no worker connected before it stops."""
SCHEDULER_GRACE_SECONDS = 10.0
"""How long the Dask client may try to reconnect to a lost scheduler before the run stops."""


class ClusterLost(FeaturizeError):
    """The Dask scheduler or every worker went away; finished tracks are kept and a re-run resumes."""


def _exit_with_parent(parent: int) -> None:
    """Pool-worker initializer: exit as soon as the main process is gone (even after ``kill -9``).

    An orphaned worker would otherwise hold its models in memory forever; once every
    worker is gone the resource tracker sees its pipe close and exits too.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="featurize-parent-watch", daemon=True).start()


class SerialExecutor(cf.Executor):
    """Runs each task at submission, in this process; for debugging and tiny inputs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - delivered through the future like a pool would
            future.set_exception(error)
        return future


class LocalPool:
    """A spawn-context process pool that can be killed and rebuilt.

    Thread-count variables are set before the workers start, since BLAS and OpenMP read
    them once at import: each worker gets ``threads`` threads, not one per core.
    """

    def __init__(self, workers: int, threads: int = 1) -> None:
        self.workers = workers
        self._saved = {variable: os.environ.get(variable) for variable in THREAD_VARIABLES}
        os.environ.update(dict.fromkeys(THREAD_VARIABLES, str(threads)))
        self.executor = self._new()

    def _new(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )

    def check(self) -> None:
        """Nothing to watch: a dead local worker breaks the pool, which the runner handles."""

    killable = True

    def kill(self) -> None:
        """Terminate every worker now (a hung native call cannot be interrupted otherwise)."""
        for process in list(getattr(self.executor, "_processes", {}).values()):
            process.kill()

    def restart(self) -> None:
        self.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for variable, value in self._saved.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value


class FixedExecutor:
    """Adapter giving the serial executor the pool's interface (restart is a no-op)."""

    killable = False

    def __init__(self, executor: cf.Executor, workers: int) -> None:
        self.executor, self.workers = executor, workers

    def check(self) -> None:
        pass

    def kill(self) -> None:
        pass

    def restart(self) -> None:
        pass

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


class DaskPool(FixedExecutor):
    """A Dask client's executor that notices a lost scheduler or a cluster left without workers.

    Dask waits forever for workers and retries a lost scheduler silently; a run must
    instead say so and stop, so :meth:`check` raises :class:`ClusterLost`. Workers cannot
    be killed from here: the runner abandons a hung track instead (see ``killable``).
    """

    def __init__(self, client: Any, workers: int, no_worker_seconds: float = NO_WORKER_SECONDS) -> None:
        super().__init__(client.get_executor(pure=False), workers)
        self.client, self.no_worker_seconds = client, no_worker_seconds
        self.address = client.scheduler.address
        self._since: dict[str, float] = {}
        self._warned = False

    def check(self) -> None:
        """Raise :class:`ClusterLost` when the scheduler or every worker has been gone too long."""
        now = time.monotonic()
        if self.client.status != "running":
            if self.client.status in ("closed", "closing") or self._waited("scheduler", now) > SCHEDULER_GRACE_SECONDS:
                raise ClusterLost(
                    f"lost the Dask scheduler at {self.address}; finished tracks are kept, re-run to resume"
                )
            return
        self._since.pop("scheduler", None)
        if self.client.scheduler_info().get("workers"):
            self._since.pop("workers", None)
            self._warned = False
            return
        waited = self._waited("workers", now)
        if waited > self.no_worker_seconds:
            raise ClusterLost(
                f"no Dask worker connected to {self.address} for {waited:.0f} s; "
                "finished tracks are kept, start workers and re-run to resume"
            )
        if not self._warned and waited > min(10.0, self.no_worker_seconds / 2):
            self._warned = True
            print(
                f"featurize: no Dask worker connected to {self.address}; "
                f"stopping in {self.no_worker_seconds - waited:.0f} s unless one joins",
                file=sys.stderr,
            )

    def _waited(self, what: str, now: float) -> float:
        return now - self._since.setdefault(what, now)

    def shutdown(self) -> None:
        if self.client.status == "running":
            self.executor.shutdown(wait=False)  # cancels what is left: a hung track must not block the end


Pool = LocalPool | FixedExecutor


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


@contextmanager
def open_executor(
    kind: ExecutorKind,
    workers: int | None = None,
    scheduler: str | None = None,
    threads: int = 1,
    no_worker_seconds: float = NO_WORKER_SECONDS,
) -> Iterator[Pool]:
    """The executor of a run; Dask starts a ``LocalCluster`` when no scheduler address is given."""
    workers = workers or default_workers()
    if kind == "serial":
        pool: Pool = FixedExecutor(SerialExecutor(), 1)
    elif kind == "process":
        pool = LocalPool(workers, threads)
    elif kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise ConfigurationError("the dask executor needs `pip install featurize[dask]`") from error
        cluster = (
            None
            if scheduler
            else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        )
        try:
            client = Client(scheduler or cluster, timeout=SCHEDULER_GRACE_SECONDS)
        except OSError as error:
            if cluster is not None:
                cluster.close()
            raise ClusterLost(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
        pool = DaskPool(client, workers, no_worker_seconds)
        try:
            yield pool
        except ClusterLost:
            # Dask logs its failed reconnection as tracebacks: the run's one-line error says it all.
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
            raise
        finally:
            pool.shutdown()
            client.close(timeout=SCHEDULER_GRACE_SECONDS)
            if cluster is not None:
                cluster.close()
        return
    else:
        raise ConfigurationError(f"unknown executor {kind!r}; use serial, process or dask")
    try:
        yield pool
    finally:
        pool.shutdown()
