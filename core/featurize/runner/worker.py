"""What runs inside a worker process: one track through every extractor of the plan.

Extractor instances (and the models they hold) are created once per process and reused
for every track. Workers never touch the store: they return a
:class:`~featurize.store.records.TrackRecord` that the main process writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import numpy as np

from featurize.artifacts import Artifact
from featurize.errors import ExtractionError
from featurize.extraction import Result, Track, TrackContext
from featurize.plugin.descriptors import params_hash
from featurize.plugin.manager import PluginManager
from featurize.runner.plan import Plan, make_plan
from featurize.store.records import ExtractorRecord, Status, TrackRecord


class TrackTimeout(ExtractionError):
    """The per-track time budget ran out."""


@attrs.frozen
class TrackTask:
    """One unit of work sent to a worker."""

    track: Track
    stored_path: str
    """The path recorded in the store (relative to the store's folder when possible)."""
    run: tuple[str, ...]
    """Primary extractors to run on this track (the rest are already done)."""
    preloaded: Mapping[str, Artifact] = attrs.field(factory=dict)
    """Artifacts read back from the store, so providers are not run again."""
    timeout: float | None = None


_INSTANCES: dict[tuple[str, str], Callable[[TrackContext], Result] | Exception] = {}


def instance(plan: Plan, name: str) -> Callable[[TrackContext], Result]:
    """The extractor ``name`` for this process, built by its factory on first use.

    A factory that fails (missing weights, say) is not retried for every track: its
    error is kept and raised again, so each track records it without reloading anything.
    """
    spec, params = plan.specs[name], plan.params[name]
    key = (name, params_hash(params, spec.params) + repr(sorted(params.items())))
    if key not in _INSTANCES:
        try:
            _INSTANCES[key] = spec.factory(**params)
        except Exception as error:  # noqa: BLE001 - recorded per track by the caller
            _INSTANCES[key] = error
    built = _INSTANCES[key]
    if isinstance(built, Exception):
        raise built
    return built


@contextmanager
def time_limit(seconds: float | None, path: object) -> Any:
    """Raise :class:`TrackTimeout` in this thread after ``seconds`` (main thread only)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TrackTimeout(f"{path}: timed out after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _describe(error: BaseException, track: Track) -> str:
    message = str(error) or type(error).__name__
    if str(track.path) not in message and track.path.name not in message:
        message = f"{track.path}: {message}"
    if not isinstance(error, ExtractionError):
        frame = traceback.extract_tb(error.__traceback__)[-1:]
        if frame:
            message += f" (at {frame[0].filename}:{frame[0].lineno})"
    return message


def file_hash(path: os.PathLike[str] | str) -> str:
    """SHA-1 of the file's bytes (empty when unreadable: the decoder reports why)."""
    digest = hashlib.sha1()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


class _TrackRun:
    """Runs the plan on one track, resolving artifacts on demand and recording every outcome."""

    def __init__(self, plan: Plan, task: TrackTask) -> None:
        self.plan, self.task = plan, task
        self.outcomes: dict[str, ExtractorRecord] = {}
        self.results: dict[str, Result] = {}
        self.context = TrackContext(task.track, artifacts=self.artifact)

    def key(self, name: str) -> str:
        spec = self.plan.specs[name]
        return f"{spec.version}:{params_hash(self.plan.params[name], spec.params)}"

    def run(self, name: str) -> Result | None:
        if name in self.outcomes:
            return self.results.get(name)
        spec = self.plan.specs[name]
        try:
            result = instance(self.plan, name)(self.context)
            values = np.array([float(result.features[f.name]) for f in spec.features], dtype=np.float32)
            if np.isinf(values).any():
                bad = [f.name for f, v in zip(spec.features, values, strict=True) if np.isinf(v)]
                raise ExtractionError(f"{self.task.track.path}: {name} produced infinite values for {bad}")
        except TrackTimeout:
            raise
        except Exception as error:  # noqa: BLE001 - any failure is this track's, never the batch's
            self.outcomes[name] = ExtractorRecord(
                name,
                self.key(name),
                Status.FAILED,
                error_type=type(error).__name__,
                message=_describe(error, self.task.track),
            )
            return None
        self.results[name] = result
        stored = {a.name for a in spec.artifacts if a.stored}
        self.outcomes[name] = ExtractorRecord(
            name,
            self.key(name),
            Status.OK,
            values if spec.features else None,
            {k: v for k, v in result.artifacts.items() if k in stored},
        )
        return result

    def artifact(self, name: str) -> Artifact:
        if name in self.task.preloaded:
            return self.task.preloaded[name]
        errors = []
        for provider in self.plan.providers.get(name, ()):
            result = self.run(provider)
            if result is not None and name in result.artifacts:
                return result.artifacts[name]
            outcome = self.outcomes[provider]
            errors.append(f"{provider}: {outcome.message or 'did not produce it'}")
        raise ExtractionError(f"{self.task.track.path}: no provider could give {name!r} ({'; '.join(errors)})")

    def record(self) -> TrackRecord:
        native = self.context._decoded
        duration = native[0].shape[1] / native[1] if native is not None else float("nan")
        # Failed fallback providers are noise when a later provider succeeded: keep what matters.
        kept = [
            o
            for name, o in self.outcomes.items()
            if name in self.task.run or o.status is Status.OK or not self._artifact_delivered(name)
        ]
        return TrackRecord(
            id=self.task.track.id,
            path=self.task.stored_path,
            audio_hash=file_hash(self.task.track.path),
            duration=duration,
            extractors=tuple(kept),
        )

    def _artifact_delivered(self, provider: str) -> bool:
        spec = self.plan.specs[provider]
        return all(
            any(
                self.outcomes.get(p, None) is not None and self.outcomes[p].status is Status.OK
                for p in self.plan.providers.get(a, ())
            )
            for a in spec.artifact_names
        )


@attrs.frozen
class RunConfig:
    """Everything a worker needs to rebuild the plan itself (factories are never pickled)."""

    plugins: tuple[str, ...] | None = None
    """The ``--plugins`` selection."""
    extra_modules: tuple[str, ...] = ()
    """Importable modules registered as plugins besides the entry points (tests, embedding apps)."""
    params_json: str = "{}"
    """Parameters per extractor, as JSON so the config is hashable."""
    threads: int = 1

    @classmethod
    def make(
        cls,
        *,
        plugins: Sequence[str] | None = None,
        extra_modules: Sequence[str] = (),
        params: Mapping[str, Mapping[str, Any]] | None = None,
        threads: int = 1,
    ) -> RunConfig:
        return cls(
            plugins=None if plugins is None else tuple(plugins),
            extra_modules=tuple(extra_modules),
            params_json=json.dumps(params or {}, sort_keys=True, default=str),
            threads=threads,
        )

    def manager(self) -> PluginManager:
        manager = PluginManager(extra_modules=self.extra_modules)
        manager.select(self.plugins)
        return manager

    def plan(self) -> Plan:
        manager = self.manager()
        return make_plan(manager.extractors(), manager.extractors(selected_only=False), json.loads(self.params_json))


_PLANS: dict[RunConfig, Plan] = {}


def worker_plan(config: RunConfig) -> Plan:
    """The plan of this run, built once per worker process."""
    if config not in _PLANS:
        _PLANS[config] = config.plan()
    return _PLANS[config]


def run_task(config: RunConfig, task: TrackTask) -> TrackRecord:
    """The function executors run: one track, in whichever process the executor chose."""
    return process_track(worker_plan(config), task)


def process_track(plan: Plan, task: TrackTask) -> TrackRecord:
    """Run every requested extractor on one track; failures are recorded, never raised."""
    started = time.monotonic()
    run = _TrackRun(plan, task)
    try:
        with time_limit(task.timeout, task.track.path):
            for name in task.run:
                run.run(name)
    except TrackTimeout as timeout:
        message = f"{timeout} (after {time.monotonic() - started:.1f} s)"
        for name in task.run:
            if name not in run.outcomes or run.outcomes[name].status is not Status.OK:
                run.outcomes[name] = ExtractorRecord(
                    name, run.key(name), Status.FAILED, error_type="TrackTimeout", message=message
                )
    return run.record()
