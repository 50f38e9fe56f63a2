"""Reading a store: tracks, feature metadata, matrices by name or glob, artifacts, exports."""

from __future__ import annotations

import fnmatch
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import h5py
import numpy as np

from featurize.artifacts import Artifact
from featurize.catalog import FeatureInfo
from featurize.errors import StoreError
from featurize.store import layout, writer
from featurize.store.records import ExtractorMeta, Status

if TYPE_CHECKING:
    import pandas as pd


@attrs.frozen
class Failure:
    """A (track, extractor) pair that failed, with the error as the worker reported it."""

    track: str
    extractor: str
    error_type: str
    message: str


class FeatureStore:
    """A read-only view of a featurize store.

    A reader never modifies anything, so it works on read-only media and on a full disk. When
    the journal holds shards (a run is going on, or was interrupted) the reader merges them into
    an in-memory copy of the store, so it sees every finished track; the next writer merges
    them into the file itself.

    >>> with FeatureStore("features.h5") as store:          # doctest: +SKIP
    ...     X, names = store.matrix(["essentia.spectral_*", "midlevel.*"])
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        shards = writer.pending_shards(self.path)
        if not self.path.exists() and not shards:
            raise StoreError(f"{self.path}: no such store")
        try:
            self._file = self._open(shards)
        except OSError as error:
            raise StoreError(f"{self.path}: not an HDF5 file or unreadable ({error})") from error
        try:
            layout.check_format(self._file, self.path)
            self._metas = {name: layout.read_meta(self._file, name) for name in self._file["extractors"]}
        except StoreError:
            self._file.close()
            raise
        except (OSError, KeyError, ValueError, TypeError, RuntimeError) as error:
            self._file.close()
            raise StoreError(f"{self.path}: damaged store: its metadata cannot be read ({error})") from error

    def _open(self, shards: Sequence[Path]) -> h5py.File:
        """The store file, or an in-memory copy of it with the journal ``shards`` merged in."""
        if not shards:
            return h5py.File(self.path, "r")
        if self.path.exists():
            file = h5py.File(io.BytesIO(self.path.read_bytes()), "r+")
            layout.check_format(file, self.path)
        else:
            file = h5py.File(io.BytesIO(), "w")
            layout.initialise(file, "featurize journal view")
        try:
            writer.merge_shards(file, [s for s in shards if s.exists()])
        except BaseException:
            file.close()
            raise
        return file

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> FeatureStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tracks and metadata ---------------------------------------------------------------------

    @property
    def track_ids(self) -> list[str]:
        return layout.track_ids(self._file)

    def __len__(self) -> int:
        return layout.n_rows(self._file)

    def tracks(self) -> dict[str, np.ndarray]:
        """The track table as columns: ``id``, ``path``, ``audio_hash``, ``duration``."""
        group = self._file["tracks"]
        return {
            name: np.array(layout.read_strings(group[name]) if group[name].dtype.kind == "O" else group[name][:])
            for name in ("id", "path", "audio_hash", "duration")
        }

    def track_path(self, track_id: str) -> Path:
        """The audio file of a track; relative paths are relative to the store's folder."""
        path = Path(layout.read_strings(self._file["tracks/path"], self.row(track_id)))
        return path if path.is_absolute() else self.path.parent / path

    def row(self, track_id: str) -> int:
        try:
            return self.track_ids.index(track_id)
        except ValueError:
            raise StoreError(f"{self.path}: no track {track_id!r}") from None

    @property
    def extractors(self) -> dict[str, ExtractorMeta]:
        return dict(self._metas)

    def features(self) -> list[FeatureInfo]:
        """Every stored feature column, extractor by extractor, in column order."""
        return [
            FeatureInfo(f"{meta.name}.{name}", meta.name, description, unit, source)
            for meta in self._metas.values()
            for name, description, unit, source in meta.features
        ]

    @property
    def feature_names(self) -> list[str]:
        return [f.name for f in self.features()]

    def expand(self, patterns: Iterable[str]) -> list[str]:
        """Feature names matching ``patterns`` (exact names or globs), in pattern order, unique.

        A pattern that matches nothing raises :class:`StoreError` naming it.
        """
        available = self.feature_names
        selected: dict[str, None] = {}
        for pattern in patterns:
            matches = (
                fnmatch.filter(available, pattern)
                if any(c in pattern for c in "*?[")
                else ([pattern] if pattern in available else [])
            )
            if not matches:
                raise StoreError(f"{self.path}: no feature matches {pattern!r}")
            selected.update(dict.fromkeys(matches))
        return list(selected)

    # -- values -----------------------------------------------------------------------------

    def _read(self, dataset: h5py.Dataset) -> np.ndarray:
        """A whole dataset; a chunk whose checksum fails is reported, never returned as numbers."""
        try:
            return dataset[:]
        except OSError as error:
            raise StoreError(
                f"{self.path}: {dataset.name} is damaged ({str(error).splitlines()[0]}); "
                f"run 'featurize info --verify {self.path}' to locate the damage"
            ) from error

    def status(self, extractor: str) -> np.ndarray:
        """Per-track :class:`~featurize.store.records.Status` codes of one extractor."""
        return self._read(self._file["extractors"][extractor]["status"])

    def matrix(self, patterns: Sequence[str] | None = None) -> tuple[np.ndarray, list[str]]:
        """The float32 matrix ``(n_tracks, n_selected)`` and its column names.

        Each extractor's block is read in one contiguous read. Missing or failed rows are NaN.
        """
        names = self.feature_names if patterns is None else self.expand(patterns)
        wanted: dict[str, list[int]] = {}
        positions = {
            f"{meta.name}.{feature[0]}": (meta.name, column)
            for meta in self._metas.values()
            for column, feature in enumerate(meta.features)
        }
        for name in names:
            extractor, column = positions[name]
            wanted.setdefault(extractor, []).append(column)
        blocks = {extractor: self.values(extractor) for extractor in wanted}
        matrix = np.empty((len(self), len(names)), dtype=np.float32)
        for j, name in enumerate(names):
            extractor, column = positions[name]
            matrix[:, j] = blocks[extractor][:, column]
        return matrix, names

    def values(self, extractor: str) -> np.ndarray:
        """The whole feature matrix of one extractor, without a copy through column selection."""
        return self._read(self._file["features"][extractor]["values"])

    def failures(self) -> list[Failure]:
        ids = self.track_ids
        found = []
        for name in self._metas:
            group = self._file["extractors"][name]
            for row in np.flatnonzero(self.status(name) == Status.FAILED):
                found.append(
                    Failure(
                        ids[row],
                        name,
                        layout.read_strings(group["error_type"], row),
                        layout.read_strings(group["error_message"], row),
                    )
                )
        return found

    def completed(self) -> dict[str, dict[str, tuple[int, str]]]:
        """``{extractor: {track_id: (status, key)}}`` for rows that were attempted; used to resume."""
        ids = self.track_ids
        done: dict[str, dict[str, tuple[int, str]]] = {}
        for name in self._metas:
            group = self._file["extractors"][name]
            status = self.status(name)
            keys = layout.read_strings(group["key"]) if len(status) else []
            done[name] = {ids[r]: (int(status[r]), keys[r]) for r in np.flatnonzero(status != Status.MISSING)}
        return done

    # -- artifacts ----------------------------------------------------------------------------

    def artifact_names(self) -> dict[str, list[str]]:
        """``{extractor: [artifact, ...]}`` of stored artifacts."""
        return {name: [a for a, _ in meta.artifacts] for name, meta in self._metas.items() if meta.artifacts}

    def artifact(self, track_id: str, name: str, extractor: str | None = None) -> Artifact | None:
        """The artifact ``name`` of a track (from ``extractor``, or the only provider that has it)."""
        providers = [e for e, names in self.artifact_names().items() if name in names]
        if extractor is not None:
            providers = [extractor] if extractor in providers else []
        if not providers:
            raise StoreError(
                f"{self.path}: no stored artifact {name!r}" + (f" from {extractor!r}" if extractor else "")
            )
        row = self.row(track_id)
        for provider in providers:
            value = layout.read_artifact(self._file["artifacts"][provider][name], row)
            if value is not None:
                return value
        return None

    # -- provenance and exports ------------------------------------------------------------------

    def runs(self) -> list[dict[str, Any]]:
        return layout.read_runs(self._file)

    def to_dataframe(self, patterns: Sequence[str] | None = None) -> pd.DataFrame:
        """Features as a DataFrame indexed by track id (needs pandas: ``featurize[export]``).

        Ids of files whose names are not valid UTF-8 show their undecodable bytes as ``\\xNN``.
        """
        import pandas as pd

        from featurize.display import readable

        matrix, names = self.matrix(patterns)
        ids = [readable(track_id) for track_id in self.track_ids]
        return pd.DataFrame(matrix, index=pd.Index(ids, name="track"), columns=names)

    def export(self, path: str | os.PathLike[str], patterns: Sequence[str] | None = None) -> Path:
        """Write features to ``.csv`` or ``.parquet``, chosen by the file's extension."""
        path = Path(path)
        frame = self.to_dataframe(patterns)
        if path.suffix == ".csv":
            frame.to_csv(path)
        elif path.suffix == ".parquet":
            frame.to_parquet(path)
        else:
            raise StoreError(f"{path}: unknown export format {path.suffix!r}; use .csv or .parquet")
        return path
