"""Reading every chunk of a store to find silent corruption (``featurize info --verify``).

Feature matrices, status codes, track durations and numeric artifact columns carry HDF5's
per-chunk Fletcher-32 checksum, so a flipped byte makes the read of its chunk fail instead of
returning a wrong number. Verification reads each chunk once and reports the damage by
extractor and track range; it never writes, so a damaged store is never made worse. Stores
written before checksums existed can only be checked for what HDF5 itself detects.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import h5py
import numpy as np

from featurize.errors import StoreError
from featurize.store import layout
from featurize.store.records import Status


@attrs.frozen
class Damage:
    """A part of a store that cannot be read back as written."""

    dataset: str
    """HDF5 path of the damaged dataset, e.g. ``/features/essentia/values``."""
    rows: tuple[int, int] | None
    """``[start, stop)`` of the track rows affected, or ``None`` when not per track."""
    problem: str

    @property
    def extractor(self) -> str | None:
        """The extractor whose data is damaged (``None`` for the track table and provenance)."""
        parts = self.dataset.strip("/").split("/")
        return parts[1] if parts[0] in ("features", "extractors", "artifacts") and len(parts) > 1 else None

    def describe(self) -> str:
        where = f"extractor {self.extractor!r}" if self.extractor else self.dataset
        rows = f", track rows {self.rows[0]}-{self.rows[1] - 1}" if self.rows else ""
        return f"{where} ({self.dataset}{rows}): {self.problem}"


@attrs.frozen
class Verification:
    """What :func:`verify` read, and what it found."""

    path: Path
    datasets: int
    checksummed: int
    damage: tuple[Damage, ...]

    @property
    def ok(self) -> bool:
        return not self.damage


def verify(path: str | os.PathLike[str]) -> Verification:
    """Read every chunk of every dataset of the store at ``path``.

    Raises
    ------
    StoreError
        The file cannot be opened as a featurize store at all (damaged HDF5 metadata, bad header).
    """
    path = Path(path)
    try:
        file = h5py.File(path, "r")
    except OSError as error:
        raise StoreError(f"{path}: cannot be opened as HDF5: its metadata is damaged ({error})") from error
    damage: list[Damage] = []
    datasets: list[h5py.Dataset] = []
    with file:
        layout.check_format(file, path)

        def collect(name: str, item: object) -> None:
            if isinstance(item, h5py.Dataset):
                datasets.append(item)

        try:
            file.visititems(collect)
        except (OSError, RuntimeError, KeyError) as error:
            damage.append(Damage("/", None, f"the group structure cannot be read ({error})"))
        for dataset in datasets:
            damage += _read_every_chunk(dataset)
        damage += _check_status_codes(file, {d.dataset for d in damage})
        checksummed = sum(bool(d.fletcher32) for d in datasets)
    return Verification(path, len(datasets), checksummed, tuple(damage))


def _read_every_chunk(dataset: h5py.Dataset) -> list[Damage]:
    per_track = bool(dataset.attrs.get("per_track", False)) if _attrs_readable(dataset) else False
    if dataset.chunks is None:
        try:
            dataset[()]
        except (OSError, RuntimeError, ValueError) as error:
            return [Damage(dataset.name, None, f"unreadable ({error})")]
        return []
    found = []
    reader = layout.read_strings(dataset) if dataset.dtype.kind == "O" else dataset
    for selection in dataset.iter_chunks() if dataset.size else ():
        try:
            reader[selection]
        except (OSError, RuntimeError, ValueError, UnicodeDecodeError) as error:
            rows = (selection[0].start, selection[0].stop) if per_track else None
            found.append(Damage(dataset.name, rows, f"checksum or read error ({_first_line(error)})"))
    return found


def _check_status_codes(file: h5py.File, already: set[str]) -> list[Damage]:
    """Status codes outside :class:`Status` mean a byte changed in a store written without checksums."""
    found = []
    valid = np.array([s.value for s in Status])
    for name in file.get("extractors", {}):
        status = file["extractors"][name].get("status")
        if status is None or status.name in already:
            continue
        bad = np.flatnonzero(~np.isin(status[:], valid))
        if bad.size:
            rows = (int(bad[0]), int(bad[-1]) + 1)
            found.append(Damage(status.name, rows, f"{bad.size} invalid status code(s), e.g. {int(status[bad[0]])}"))
    return found


def _attrs_readable(dataset: h5py.Dataset) -> bool:
    try:
        dict(dataset.attrs)
    except (OSError, RuntimeError, KeyError, ValueError, TypeError):
        return False
    return True


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
