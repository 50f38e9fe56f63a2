"""The HDF5 layout of a store, shared by journal shards and the consolidated file.

::

    /                         attrs: format="featurize", format_version, created_by
    /tracks/{id,path,audio_hash,duration}          one row per track; row order of every matrix
    /extractors/<name>/{status,key,error_type,error_message}   attrs: version, params, plugin ...
    /features/<name>/values   float32 (n_tracks, n_features), chunked by rows at full width
    /features/<name>/{names,descriptions,units,sources}
    /artifacts/<name>/<artifact>/index   int64 (n_tracks, 2): [start, stop) into the ragged columns
    /artifacts/<name>/<artifact>/<column>  ragged columns (concatenated) and per-row columns
    /provenance/runs          JSON per run: command line, library versions, times

Rows are upserted by track id, so writing the same record twice is harmless: that is
what makes replaying a journal after a crash safe.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs
import h5py
import numpy as np

from featurize.artifacts import Artifact, Frames, Record, Segments, Signal, Text
from featurize.errors import StoreError
from featurize.plugin.descriptors import NAME_PATTERN, ArtifactKind
from featurize.store.records import ExtractorMeta, ExtractorRecord, Status, TrackRecord

FORMAT = "featurize"
FORMAT_VERSION = 1
STR = h5py.string_dtype()
CHUNK_BYTES = 4 << 20
"""Chunk size of a store's per-track datasets: rows at full width, large enough that a whole-matrix read
costs about what ``numpy.load`` does."""
SHARD_CHUNK_BYTES = 256 << 10
"""Journal shards hold a few hundred rows; small chunks keep them small."""
MAX_CHUNK_ROWS = 65536
"""Rows per chunk at most; fewer when the file says how many rows it expects (``rows_hint``), so that a small store
or journal shard does not allocate megabyte chunks for a few hundred rows."""
CHUNK_CACHE_BYTES = 64 << 20
"""HDF5 chunk cache for the consolidating writer, so row upserts do not re-read chunks."""

_TRACK_COLUMNS: dict[str, Any] = {"id": STR, "path": STR, "audio_hash": STR, "duration": np.float64}
_STATUS_COLUMNS: dict[str, Any] = {"status": np.int8, "key": STR, "error_type": STR, "error_message": STR}


# -- generic helpers ------------------------------------------------------------------------


def _row_dataset(
    group: h5py.Group, name: str, dtype: Any, n: int, width: int | None = None, per_track: bool = True
) -> h5py.Dataset:
    shape: tuple[int, ...] = (n,) if width is None else (n, width)
    row_bytes = np.dtype(np.float32 if dtype is STR else dtype).itemsize * (width or 1)
    chunk_bytes = int(group.file.attrs.get("chunk_bytes", CHUNK_BYTES))
    rows_hint = int(group.file.attrs.get("rows_hint", MAX_CHUNK_ROWS))
    chunk_rows = max(1, min(MAX_CHUNK_ROWS, max(n, rows_hint), chunk_bytes // max(row_bytes, 1)))
    chunks = (chunk_rows,) if width is None else (chunk_rows, width)
    fill: Any = None
    if dtype is not STR:
        fill = np.nan if np.issubdtype(np.dtype(dtype), np.floating) else (-1 if name == "index" else 0)
    dataset = group.create_dataset(
        name,
        shape=shape,
        maxshape=(None, *shape[1:]),
        dtype=dtype,
        chunks=chunks,
        fillvalue=fill,
        fletcher32=dtype is not STR,
    )
    dataset.attrs["per_track"] = per_track
    return dataset


def _strings(dataset: h5py.Dataset, selection: Any = slice(None)) -> list[str]:
    return list(read_strings(dataset, selection)) if len(dataset) else []


def read_strings(dataset: h5py.Dataset, selection: Any = slice(None)) -> Any:
    """Text as written by :func:`encode_strings`: names that were not valid UTF-8 come back unchanged."""
    return dataset.asstr(errors="surrogateescape")[selection]


def encode_strings(values: Sequence[Any]) -> np.ndarray:
    """UTF-8 bytes for a string dataset, lossless for file names that are not valid UTF-8.

    Python represents such names with surrogate escapes (``os.fsdecode``); HDF5 stores their
    original bytes, and :func:`read_strings` restores the same ``str``.
    """
    encoded = np.empty(len(values), dtype=object)
    encoded[:] = [v.encode("utf-8", "surrogateescape") if isinstance(v, str) else v for v in values]
    return encoded


def _write_rows(dataset: h5py.Dataset, rows: np.ndarray, values: Any) -> None:
    """Write ``values`` at ``rows``; one slice when the rows are contiguous."""
    if len(rows) == 0:
        return
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    values = encode_strings(values) if dataset.dtype.kind == "O" else np.asarray(values, dtype=dataset.dtype)
    values = values[order]
    if rows[-1] - rows[0] + 1 == len(rows):
        dataset[rows[0] : rows[-1] + 1] = values
    else:
        dataset[rows] = values


def _append(dataset: h5py.Dataset, values: np.ndarray) -> tuple[int, int]:
    start = dataset.shape[0]
    if len(values):
        dataset.resize(start + len(values), axis=0)
        dataset[start:] = values
    return start, start + len(values)


# -- artifacts: one codec per kind -----------------------------------------------------------


@attrs.frozen
class _Codec:
    per_row: dict[str, Any]
    ragged: dict[str, Any]
    encode: Callable[[Any], tuple[dict[str, Any], dict[str, np.ndarray]]]
    decode: Callable[[dict[str, Any], dict[str, np.ndarray]], Artifact]


def _segments_columns(segments: Segments | None) -> dict[str, np.ndarray]:
    segments = segments or Segments(start=[], end=[], labels=())
    return {"start": segments.start, "end": segments.end, "label": np.array(segments.labels, dtype=object)}


def _segments_from(ragged: dict[str, np.ndarray]) -> Segments:
    return Segments(start=ragged["start"], end=ragged["end"], labels=tuple(str(x) for x in ragged["label"]))


_SEGMENT_COLUMNS = {"start": np.float64, "end": np.float64, "label": STR}

_CODECS: dict[ArtifactKind, _Codec] = {
    ArtifactKind.SEGMENTS: _Codec(
        {}, _SEGMENT_COLUMNS, lambda a: ({}, _segments_columns(a)), lambda row, ragged: _segments_from(ragged)
    ),
    ArtifactKind.TEXT: _Codec(
        {"text": STR, "language": STR, "source": STR, "has_timings": np.int8},
        _SEGMENT_COLUMNS,
        lambda a: (
            {
                "text": a.text,
                "language": a.language or "",
                "source": a.source,
                "has_timings": int(a.timings is not None),
            },
            _segments_columns(a.timings),
        ),
        lambda row, ragged: Text(
            text=row["text"],
            language=row["language"] or None,
            source=row["source"],
            timings=_segments_from(ragged) if row["has_timings"] else None,
        ),
    ),
    ArtifactKind.SIGNAL: _Codec(
        {"sr": np.int64, "channels": np.int64},
        {"samples": np.float32},
        lambda a: ({"sr": a.sr, "channels": a.samples.shape[0]}, {"samples": a.samples.reshape(-1)}),
        lambda row, ragged: Signal(samples=ragged["samples"].reshape(int(row["channels"]), -1), sr=int(row["sr"])),
    ),
    ArtifactKind.FRAMES: _Codec(
        {"hop_seconds": np.float64, "columns": STR},
        {"values": np.float32},
        lambda a: ({"hop_seconds": a.hop_seconds, "columns": json.dumps(list(a.columns))}, {"values": a.values}),
        lambda row, ragged: Frames(
            values=ragged["values"], hop_seconds=float(row["hop_seconds"]), columns=tuple(json.loads(row["columns"]))
        ),
    ),
    ArtifactKind.RECORD: _Codec(
        {"json": STR},
        {},
        lambda a: ({"json": json.dumps(a.data, sort_keys=True)}, {}),
        lambda row, ragged: Record(data=json.loads(row["json"])),
    ),
}


# -- the file -------------------------------------------------------------------------------


def initialise(file: h5py.File, created_by: str, chunk_bytes: int = CHUNK_BYTES, rows_hint: int | None = None) -> None:
    """Create the empty skeleton of a store in a new file; ``rows_hint`` (expected rows) sizes its chunks."""
    if rows_hint is not None:
        file.attrs["rows_hint"] = max(1, int(rows_hint))
    file.attrs["format"] = FORMAT
    file.attrs["format_version"] = FORMAT_VERSION
    file.attrs["created_by"] = created_by
    file.attrs["chunk_bytes"] = chunk_bytes
    tracks = file.create_group("tracks")
    for name, dtype in _TRACK_COLUMNS.items():
        _row_dataset(tracks, name, dtype, 0)
    for name in ("extractors", "features", "artifacts", "provenance"):
        file.create_group(name)
    _row_dataset(file["provenance"], "runs", STR, 0, per_track=False)


def check_format(file: h5py.File, path: object) -> None:
    """Refuse files that are not featurize stores, that a newer featurize wrote, or whose header is damaged."""
    try:
        kind, found = file.attrs.get("format"), file.attrs.get("format_version")
    except (OSError, KeyError, ValueError, TypeError) as error:
        raise StoreError(f"{path}: the store's root attributes are damaged ({error})") from error
    if kind != FORMAT:
        raise StoreError(f"{path}: not a featurize store (an HDF5 file without the featurize format attribute)")
    if not isinstance(found, int | np.integer) or found < 1:
        raise StoreError(f"{path}: damaged store: its format_version attribute is missing or invalid ({found!r})")
    if found > FORMAT_VERSION:
        raise StoreError(
            f"{path}: written by a newer featurize (store format {found}; this version reads up to "
            f"{FORMAT_VERSION}); upgrade featurize to read it"
        )


def n_rows(file: h5py.File) -> int:
    return file["tracks/id"].shape[0]


def track_ids(file: h5py.File) -> list[str]:
    return _strings(file["tracks/id"])


def _text_column(group: h5py.Group, name: str, values: Sequence[str]) -> None:
    """A per-feature text column as fixed-length UTF-8: variable-length strings cost a heap object each, which
    for a few hundred features outweighs a small table's values."""
    encoded = [v.encode() for v in values]
    width = max(1, *(len(v) for v in encoded)) if encoded else 1
    group.create_dataset(name, data=np.array(encoded, dtype=h5py.string_dtype("utf-8", width)))


def check_names(meta: ExtractorMeta, where: object) -> None:
    """Refuse extractor and feature names that groupings and models could not address later."""
    if not NAME_PATTERN.match(meta.name):
        raise StoreError(
            f"{where}: extractor name {meta.name!r} is not valid (lowercase letters, digits and '_', starting with "
            "a letter)"
        )
    for feature in meta.features:
        if not NAME_PATTERN.match(feature[0]):
            raise StoreError(
                f"{where}: feature name {meta.name}.{feature[0]} is not valid (lowercase letters, digits and '_', "
                "starting with a letter)"
            )


def declare(file: h5py.File, meta: ExtractorMeta) -> None:
    """Create (or check) the groups of an extractor before its first rows are written."""
    check_names(meta, file.filename)
    n = n_rows(file)
    if meta.name in file["extractors"]:
        group = file["extractors"][meta.name]
        if meta.features:
            stored = _strings(file["features"][meta.name]["names"])
            declared = [f[0] for f in meta.features]
            if stored != declared:
                raise StoreError(
                    f"{file.filename}: extractor {meta.name!r} now declares different features than the store "
                    f"holds ({len(declared)} vs {len(stored)}); write to a new store"
                )
    else:
        group = file["extractors"].create_group(meta.name)
        for name, dtype in _STATUS_COLUMNS.items():
            _row_dataset(group, name, dtype, n)
        if meta.features:
            features = file["features"].create_group(meta.name)
            _row_dataset(features, "values", np.float32, n, width=len(meta.features))
            for i, column in enumerate(("names", "descriptions", "units", "sources")):
                _text_column(features, column, [f[i] for f in meta.features])
    group.attrs.update(
        {
            "version": meta.version,
            "params": meta.params_json,
            "params_hash": meta.params_hash,
            "plugin": meta.plugin,
            "distribution": meta.distribution,
            "description": meta.description,
        }
    )
    artifacts = file["artifacts"].require_group(meta.name)
    for name, kind in meta.artifacts:
        if name in artifacts:
            continue
        codec = _CODECS[ArtifactKind(kind)]
        group = artifacts.create_group(name)
        group.attrs["kind"] = kind
        _row_dataset(group, "index", np.int64, n, width=2)
        for column, dtype in codec.per_row.items():
            _row_dataset(group, column, dtype, n)


def remove(file: h5py.File, name: str) -> None:
    """Delete an extractor's status, features and artifacts (an imported namespace being replaced)."""
    for group in ("extractors", "features", "artifacts"):
        if name in file[group]:
            del file[group][name]


def read_meta(file: h5py.File, name: str) -> ExtractorMeta:
    group = file["extractors"][name]
    features: tuple[tuple[str, str, str, str], ...] = ()
    if name in file["features"]:
        columns = [_strings(file["features"][name][c]) for c in ("names", "descriptions", "units", "sources")]
        features = tuple(zip(*columns, strict=True))
    artifacts = file["artifacts"].get(name, {})
    return ExtractorMeta(
        name=name,
        version=str(group.attrs["version"]),
        params=json.loads(group.attrs["params"]),
        params_hash=str(group.attrs["params_hash"]),
        plugin=str(group.attrs["plugin"]),
        distribution=str(group.attrs["distribution"]),
        description=str(group.attrs["description"]),
        features=features,
        artifacts=tuple((a, str(artifacts[a].attrs["kind"])) for a in artifacts),
    )


def _grow(file: h5py.File, n: int) -> None:
    """Resize every per-row dataset to ``n`` rows."""

    def visit(_: str, item: object) -> None:
        if isinstance(item, h5py.Dataset) and item.attrs.get("per_track", False):
            item.resize(n, axis=0)

    file.visititems(visit)


def _ragged_dataset(group: h5py.Group, name: str, dtype: Any, example: np.ndarray) -> h5py.Dataset:
    if name in group:
        return group[name]
    tail = tuple(np.shape(example)[1:])
    return group.create_dataset(
        name,
        shape=(0, *tail),
        maxshape=(None, *tail),
        dtype=dtype,
        chunks=(max(1, 65536 // max(1, *tail, 1)), *tail),
        fletcher32=dtype is not STR,
    )


def write_records(file: h5py.File, records: Sequence[TrackRecord], metas: dict[str, ExtractorMeta]) -> None:
    """Upsert track records: new ids get new rows, known ids are overwritten per extractor."""
    if not records:
        return
    known = {track_id: row for row, track_id in enumerate(track_ids(file))}
    start = len(known)
    rows = np.empty(len(records), dtype=np.int64)
    for i, record in enumerate(records):
        if record.id not in known:
            known[record.id] = len(known)
        rows[i] = known[record.id]
    if len(known) > start:
        _grow(file, len(known))
    tracks = file["tracks"]
    _write_rows(tracks["id"], rows, [r.id for r in records])
    _write_rows(tracks["path"], rows, [r.path for r in records])
    _write_rows(tracks["audio_hash"], rows, [r.audio_hash for r in records])
    _write_rows(tracks["duration"], rows, [r.duration for r in records])

    by_extractor: dict[str, list[tuple[int, ExtractorRecord]]] = {}
    for row, record in zip(rows, records, strict=True):
        for outcome in record.extractors:
            by_extractor.setdefault(outcome.extractor, []).append((int(row), outcome))
    for name, outcomes in by_extractor.items():
        meta = metas[name]
        declare(file, meta)
        target = np.array([row for row, _ in outcomes], dtype=np.int64)
        group = file["extractors"][name]
        _write_rows(group["status"], target, [int(o.status) for _, o in outcomes])
        _write_rows(group["key"], target, [o.key for _, o in outcomes])
        _write_rows(group["error_type"], target, [o.error_type for _, o in outcomes])
        _write_rows(group["error_message"], target, [o.message for _, o in outcomes])
        if meta.features:
            width = len(meta.features)
            values = np.full((len(outcomes), width), np.nan, dtype=np.float32)
            for i, (_, outcome) in enumerate(outcomes):
                if outcome.values is not None:
                    values[i] = outcome.values
            _write_rows(file["features"][name]["values"], target, values)
        for artifact, _kind in meta.artifacts:
            _write_artifacts(
                file["artifacts"][name][artifact], [(row, o.artifacts.get(artifact)) for row, o in outcomes]
            )


def write_block(file: h5py.File, meta: ExtractorMeta, ids: Sequence[str], values: np.ndarray) -> None:
    """Upsert one extractor's values for many tracks at once (an imported table); known tracks keep their audio
    columns, new ones get rows with empty ones."""
    known = {track_id: row for row, track_id in enumerate(track_ids(file))}
    start = len(known)
    new = [track_id for track_id in ids if track_id not in known]
    known.update({track_id: start + i for i, track_id in enumerate(new)})
    if new:
        _grow(file, len(known))
        tracks = file["tracks"]
        tracks["id"][start:] = np.array(new, dtype=object)
        for column in ("path", "audio_hash"):
            tracks[column][start:] = np.full(len(new), "", dtype=object)
    declare(file, meta)
    rows = np.fromiter((known[track_id] for track_id in ids), dtype=np.int64, count=len(ids))
    group = file["extractors"][meta.name]
    _write_rows(group["status"], rows, np.full(len(rows), int(Status.OK), dtype=np.int8))
    for column, text in (("key", meta.key), ("error_type", ""), ("error_message", "")):
        _write_rows(group[column], rows, np.full(len(rows), text, dtype=object))
    _write_rows(file["features"][meta.name]["values"], rows, values)


def _write_artifacts(group: h5py.Group, items: Iterable[tuple[int, Artifact | None]]) -> None:
    codec = _CODECS[ArtifactKind(group.attrs["kind"])]
    for row, artifact in items:
        if artifact is None:
            group["index"][row] = (-1, -1)
            continue
        per_row, ragged = codec.encode(artifact)
        for column, value in per_row.items():
            group[column][row] = value
        bounds = (0, 0)
        for column, values in ragged.items():
            dataset = _ragged_dataset(group, column, codec.ragged[column], values)
            bounds = _append(dataset, values)
        if not ragged:
            bounds = (0, 0)
        group["index"][row] = bounds


def read_artifact(group: h5py.Group, row: int) -> Artifact | None:
    start, stop = (int(x) for x in group["index"][row])
    if start < 0:
        return None
    codec = _CODECS[ArtifactKind(group.attrs["kind"])]
    per_row = {}
    for column in codec.per_row:
        value = group[column][row]
        per_row[column] = value.decode() if isinstance(value, bytes) else value
    ragged = {}
    for column, dtype in codec.ragged.items():
        if column not in group:
            ragged[column] = np.zeros(0, dtype=np.float32 if dtype is not STR else object)
            continue
        dataset = group[column]
        ragged[column] = (dataset.asstr() if dtype is STR else dataset)[start:stop]
    return codec.decode(per_row, ragged)


def read_records(file: h5py.File) -> tuple[list[TrackRecord], dict[str, ExtractorMeta]]:
    """Every row of a (small) file as records; used to replay journal shards."""
    ids = track_ids(file)
    tracks = file["tracks"]
    paths, hashes = _strings(tracks["path"]), _strings(tracks["audio_hash"])
    durations = tracks["duration"][:]
    metas = {name: read_meta(file, name) for name in file["extractors"]}
    outcomes: list[list[ExtractorRecord]] = [[] for _ in ids]
    for name, meta in metas.items():
        group = file["extractors"][name]
        status = group["status"][:]
        keys, types, messages = (_strings(group[c]) for c in ("key", "error_type", "error_message"))
        values = file["features"][name]["values"][:] if meta.features else None
        for row in np.flatnonzero(status != Status.MISSING):
            artifacts = {}
            for artifact, _ in meta.artifacts:
                value = read_artifact(file["artifacts"][name][artifact], int(row))
                if value is not None:
                    artifacts[artifact] = value
            outcomes[row].append(
                ExtractorRecord(
                    extractor=name,
                    key=keys[row],
                    status=Status(int(status[row])),
                    values=None if values is None else values[row],
                    artifacts=artifacts,
                    error_type=types[row],
                    message=messages[row],
                )
            )
    records = [
        TrackRecord(id=i, path=p, audio_hash=h, duration=float(d), extractors=tuple(o))
        for i, p, h, d, o in zip(ids, paths, hashes, durations, outcomes, strict=True)
    ]
    return records, metas


def upsert_run(file: h5py.File, run: dict[str, Any]) -> None:
    """Add a run's provenance, replacing an earlier entry with the same ``run_id``."""
    runs = file["provenance/runs"]
    existing = [json.loads(s).get("run_id") for s in _strings(runs)]
    payload = json.dumps(run, sort_keys=True, default=str)
    if run.get("run_id") in existing:
        runs[existing.index(run["run_id"])] = payload
        return
    runs.resize(runs.shape[0] + 1, axis=0)
    runs[-1] = payload


def read_runs(file: h5py.File) -> list[dict[str, Any]]:
    return [json.loads(s) for s in _strings(file["provenance/runs"])]
