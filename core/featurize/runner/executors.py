"""Executors behind one interface: serial, a local process pool, or a Dask cluster.

The runner only needs ``concurrent.futures.Executor``: ``submit`` and futures. A local
pool can also be *restarted* (after a worker crashed or hung), which the runner uses to
isolate a track that kills its worker.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

from featurize.errors import ConfigurationError

ExecutorKind = Literal["serial", "process", "dask"]
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")


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
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"))

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
    """Adapter giving serial and Dask executors the pool's interface (restart is a no-op)."""

    def __init__(self, executor: cf.Executor, workers: int) -> None:
        self.executor, self.workers = executor, workers

    def kill(self) -> None:
        pass

    def restart(self) -> None:
        pass

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


Pool = LocalPool | FixedExecutor


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


@contextmanager
def open_executor(
    kind: ExecutorKind, workers: int | None = None, scheduler: str | None = None, threads: int = 1
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
        client = Client(scheduler or cluster)
        pool = FixedExecutor(client.get_executor(), workers)
        try:
            yield pool
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    else:
        raise ConfigurationError(f"unknown executor {kind!r}; use serial, process or dask")
    try:
        yield pool
    finally:
        pool.shutdown()
