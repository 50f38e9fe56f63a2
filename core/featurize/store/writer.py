"""The single writer of a store, safe against ``kill -9`` and a full disk at any moment.

HDF5 files are not crash-safe while open for writing, so the consolidated store is never
modified in place. Finished tracks go to small *journal shards* (``STORE.h5.journal/``),
each built in memory, written to a ``.partial`` name, fsynced and renamed into place. A
*checkpoint* copies the store, merges the shards into the copy and atomically replaces the
store. A crash therefore leaves the old store plus complete shards, which the next writer
merges: every track whose shard was written survives, and merging twice changes nothing
because rows are upserted by track id. A full file system ends the run with
:class:`~featurize.errors.StoreFullError` before anything reported done is touched.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import h5py

from featurize.errors import StoreError, StoreFullError
from featurize.store import layout
from featurize.store.records import ExtractorMeta, TrackRecord

MERGE_HEADROOM_BYTES = 1 << 20
"""Free space kept beyond the estimated size of a checkpoint's copy."""


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


def _no_space(error: BaseException) -> bool:
    """Whether an OS or HDF5 error means the file system (or the user's quota) is full."""
    codes = (errno.ENOSPC, errno.EDQUOT)
    return getattr(error, "errno", None) in codes or any(f"errno = {c}," in str(error) for c in codes)


def _mount_point(path: Path) -> Path:
    path = path.resolve()
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def journal_tracks(path: Path) -> int:
    """The number of distinct tracks held by the pending journal shards of the store at ``path``."""
    ids: set[str] = set()
    for shard in pending_shards(path):
        try:
            with h5py.File(shard, "r") as file:
                ids.update(layout.track_ids(file))
        except OSError:
            continue
    return len(ids)


def store_full(path: Path, cause: BaseException | None = None) -> StoreFullError:
    """The one-line error for a full file system: where, what is safe, and how to go on."""
    detail = f" ({cause.strerror})" if isinstance(cause, OSError) and cause.strerror else ""
    return StoreFullError(
        f"no space left on {_mount_point(path.parent)}{detail} while writing {path}; "
        f"{journal_tracks(path)} track(s) are safe in the journal {journal_dir(path)}; "
        "free space and re-run the same command to resume"
    )


def _in_memory_image(build: Callable[[h5py.File], None]) -> bytes:
    """An HDF5 file built in memory: a full disk can then only fail a plain, atomic file write."""
    with h5py.File(f"featurize-{id(build)}", "w", driver="core", backing_store=False) as file:
        build(file)
        file.flush()
        return bytes(file.id.get_file_image())


def _write_atomically(path: Path, image: bytes) -> None:
    """Write ``image`` to ``path`` through a fsynced ``.partial`` file and a rename."""
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "wb") as file:
            file.write(image)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_path(path.parent)


class StoreLock:
    """An exclusive advisory lock beside the store: one writer at a time.

    The lock file exists only while a writer holds it. The kernel drops a ``flock`` when its
    process dies, so the file a killed writer leaves behind is free to take. The holder removes
    the file before unlocking it, and a taker checks that the file it locked is still the one
    at the path, so two writers can never hold different files of the same name.
    """

    def __init__(self, path: Path) -> None:
        self._file: IO[str] | None = None
        self.path = path.with_name(path.name + ".lock")

    def acquire(self, *, wait: bool = False) -> bool:
        while True:
            file = open(self.path, "a+")  # noqa: SIM115 - held until release()
            try:
                fcntl.flock(file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                file.close()
                return False
            try:
                current = os.stat(self.path).st_ino == os.fstat(file.fileno()).st_ino
            except FileNotFoundError:
                current = False
            if current:
                self._file = file
                return True
            file.close()  # its holder removed it after we opened it: lock the new one

    def release(self) -> None:
        if self._file is not None:
            self.path.unlink(missing_ok=True)
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def create_empty(path: Path, rows_hint: int | None = None) -> None:
    """Atomically create an empty store at ``path``; ``rows_hint`` (expected tracks) sizes its chunks."""
    try:
        _write_atomically(
            path, _in_memory_image(lambda file: layout.initialise(file, _created_by(), rows_hint=rows_hint))
        )
    except OSError as error:
        if _no_space(error):
            raise store_full(path, error) from error
        raise


def merge_shards(file: h5py.File, shards: Sequence[Path]) -> None:
    """Upsert the records and runs of journal ``shards`` into an open store file."""
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


def rewrite(path: Path, edit: Callable[[h5py.File], None], what: str, rows_hint: int | None = None) -> None:
    """Replace the store at ``path`` by an edited copy, atomically.

    The copy is edited in memory and written in one plain file write: HDF5 itself never meets a
    full disk (it can crash when a write fails), and a failure leaves the store exactly as it was.
    ``what`` says what failed in the error; ``rows_hint`` sizes the chunks of a store made anew.
    """
    try:
        if path.exists():
            image = io.BytesIO(path.read_bytes())
            with h5py.File(image, "r+", rdcc_nbytes=layout.CHUNK_CACHE_BYTES) as file:
                layout.check_format(file, path)
                edit(file)
            data = image.getbuffer()
        else:
            data = _in_memory_image(
                lambda file: (layout.initialise(file, _created_by(), rows_hint=rows_hint), edit(file))
            )
        _write_atomically(path, data)
    except (OSError, RuntimeError) as error:
        if _no_space(error):
            raise store_full(path, error) from error
        raise StoreError(f"{path}: {what}, the store is unchanged ({error})") from error


def checkpoint(path: Path) -> int:
    """Merge every complete journal shard into the store; returns the number merged.

    The caller must hold the store's lock. The store is replaced only by a complete, fsynced
    copy; when the copy cannot be made (a full disk, a damaged store) the store and the journal
    are left exactly as they were.
    """
    shards = pending_shards(path)
    if not shards:
        return 0
    needed = (path.stat().st_size if path.exists() else 0) + 2 * sum(s.stat().st_size for s in shards)
    if shutil.disk_usage(path.parent).free < needed + MERGE_HEADROOM_BYTES:
        raise store_full(path)
    rewrite(path, lambda file: merge_shards(file, shards), "the journal cannot be merged into the store")
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
        self._sequence += 1
        name = f"{time.time_ns():020d}-{os.getpid()}-{self._sequence:06d}.h5"

        def build(file: h5py.File) -> None:
            layout.initialise(file, _created_by(), chunk_bytes=layout.SHARD_CHUNK_BYTES, rows_hint=max(1, len(records)))
            for meta in self._metas.values():
                layout.declare(file, meta)
            layout.write_records(file, records, self._metas)
            if self._run is not None:
                layout.upsert_run(file, self._run)

        try:
            journal.mkdir(exist_ok=True)
            _write_atomically(journal / name, _in_memory_image(build))
        except OSError as error:
            self._buffer = records + self._buffer  # not durable: never reported done
            if _no_space(error):
                raise store_full(self.path, error) from error
            raise StoreError(f"{self.path}: cannot write to its journal {journal} ({error})") from error
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
