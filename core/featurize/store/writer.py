"""The single writer of a store, safe against ``kill -9`` at any moment.

HDF5 files are not crash-safe while open for writing, so the consolidated store is never
modified in place. Finished tracks go to small *journal shards* (``STORE.h5.journal/``),
each written to a ``.partial`` name, fsynced and renamed into place. A *checkpoint* copies
the store, merges the shards into the copy and atomically replaces the store. A crash
therefore leaves the old store plus complete shards, which the next open merges: every
track whose shard was written survives, and merging twice changes nothing because rows
are upserted by track id.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import h5py

from featurize.errors import StoreError
from featurize.store import layout
from featurize.store.records import ExtractorMeta, TrackRecord


def journal_dir(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def pending_shards(path: Path) -> list[Path]:
    journal = journal_dir(path)
    return sorted(journal.glob("*.h5")) if journal.is_dir() else []


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _created_by() -> str:
    from featurize import __version__

    return f"featurize {__version__}"


class StoreLock:
    """An exclusive advisory lock beside the store: one writer at a time."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] | None = None
        self.path = path.with_name(path.name + ".lock")

    def acquire(self, *, wait: bool = False) -> bool:
        self._file = open(self.path, "a+")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def create_empty(path: Path, rows_hint: int | None = None) -> None:
    """Atomically create an empty store at ``path``; ``rows_hint`` (expected tracks) sizes its chunks."""
    partial = path.with_name(path.name + ".partial")
    with h5py.File(partial, "w") as file:
        layout.initialise(file, _created_by(), rows_hint=rows_hint)
    _fsync_path(partial)
    os.replace(partial, path)


def checkpoint(path: Path) -> int:
    """Merge every complete journal shard into the store; returns the number merged.

    The caller must hold the store's lock.
    """
    shards = pending_shards(path)
    if not shards:
        return 0
    merged = path.with_name(path.name + ".merging")
    if path.exists():
        shutil.copyfile(path, merged)
    else:
        with h5py.File(merged, "w") as file:
            layout.initialise(file, _created_by())
    with h5py.File(merged, "r+", rdcc_nbytes=layout.CHUNK_CACHE_BYTES) as file:
        layout.check_format(file, path)
        for shard in shards:
            try:
                with h5py.File(shard, "r") as source:
                    records, metas = layout.read_records(source)
                    runs = layout.read_runs(source)
            except OSError as error:
                raise StoreError(f"{shard}: journal shard cannot be read ({error}); move it away and re-run") from error
            layout.write_records(file, records, metas)
            for run in runs:
                layout.upsert_run(file, run)
    _fsync_path(merged)
    os.replace(merged, path)
    _fsync_path(path.parent)
    for shard in shards:
        shard.unlink()
    return len(shards)


class StoreWriter:
    """Buffered, journaled writes to one store; used by the extraction runner's main process."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        batch_size: int = 256,
        flush_seconds: float = 2.0,
        checkpoint_seconds: float = 600.0,
        rows_hint: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.checkpoint_seconds = checkpoint_seconds
        self._lock = StoreLock(self.path)
        if not self._lock.acquire():
            raise StoreError(f"{self.path}: another featurize process is writing this store")
        try:
            if self.path.exists():
                with h5py.File(self.path, "r") as file:
                    layout.check_format(file, self.path)
            checkpoint(self.path)
            if not self.path.exists():
                create_empty(self.path, rows_hint)
        except OSError as error:
            self._lock.release()
            raise StoreError(f"{self.path}: not an HDF5 file or unreadable ({error})") from error
        except BaseException:
            self._lock.release()
            raise
        self._metas: dict[str, ExtractorMeta] = {}
        self._buffer: list[TrackRecord] = []
        self._run: dict[str, Any] | None = None
        self._last_flush = self._last_checkpoint = time.monotonic()
        self._sequence = 0

    def declare(self, metas: Sequence[ExtractorMeta]) -> None:
        """Register the extractors of this run; a changed feature list is refused before any work."""
        with h5py.File(self.path, "r") as file:
            for meta in metas:
                if meta.name in file["extractors"]:
                    stored = layout.read_meta(file, meta.name)
                    if [f[0] for f in stored.features] != [f[0] for f in meta.features]:
                        raise StoreError(
                            f"{self.path}: extractor {meta.name!r} now declares different features than the store "
                            f"holds ({len(meta.features)} vs {len(stored.features)}); write to a new store"
                        )
        for meta in metas:
            layout.check_names(meta, self.path)
            self._metas[meta.name] = meta

    def start_run(self, run: dict[str, Any]) -> None:
        """Record the provenance of this run; it is journaled with every shard."""
        self._run = dict(run)

    def update_run(self, **fields: Any) -> None:
        assert self._run is not None
        self._run.update(fields)

    def add(self, record: TrackRecord) -> list[TrackRecord]:
        """Buffer a record; returns the records made durable by this call (maybe none)."""
        self._buffer.append(record)
        due = time.monotonic() - self._last_flush >= self.flush_seconds
        return self.flush() if due or len(self._buffer) >= self.batch_size else []

    def flush(self) -> list[TrackRecord]:
        """Write the buffer as one journal shard; returns the records now durable."""
        records, self._buffer = self._buffer, []
        self._last_flush = time.monotonic()
        if not records and self._run is None:
            return []
        journal = journal_dir(self.path)
        journal.mkdir(exist_ok=True)
        self._sequence += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}.h5"
        partial = journal / (name + ".partial")
        with h5py.File(partial, "w") as file:
            layout.initialise(file, _created_by(), chunk_bytes=layout.SHARD_CHUNK_BYTES, rows_hint=max(1, len(records)))
            for meta in self._metas.values():
                layout.declare(file, meta)
            layout.write_records(file, records, self._metas)
            if self._run is not None:
                layout.upsert_run(file, self._run)
        _fsync_path(partial)
        os.replace(partial, journal / name)
        _fsync_path(journal)
        if time.monotonic() - self._last_checkpoint >= self.checkpoint_seconds:
            self.checkpoint()
        return records

    def checkpoint(self) -> None:
        checkpoint(self.path)
        self._last_checkpoint = time.monotonic()

    def close(self) -> None:
        """Flush, merge the journal into the store and release the lock."""
        try:
            self.flush()
            self.checkpoint()
            journal = journal_dir(self.path)
            if journal.is_dir() and not any(journal.iterdir()):
                journal.rmdir()
        finally:
            self._lock.release()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
