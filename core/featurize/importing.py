"""Import feature tables (CSV, TSV, Parquet, JSON lines) into a store as namespaces of features.

Column names become feature names by one rule (:func:`feature_name`): lowercase, every run of
characters other than ``a-z0-9`` becomes ``_``, leading and trailing ``_`` are dropped, and a name
that would not start with a letter gets ``f_`` in front. The original header is kept as the
feature's label (``params["labels"]`` of the namespace, and in its description), so displays can
show ``Rhythm Complexity`` for ``rhythm_complexity``.

An import is recorded as a run (table path, size, SHA-256, command line, schema). The namespace's
resume key is the table's hash, so importing the same table again writes nothing and a changed
table replaces the namespace's values.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import sys
import time
import tomllib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import h5py
import numpy as np

from featurize.errors import FeaturizeError
from featurize.plugin.descriptors import NAME_PATTERN, Source
from featurize.store import layout
from featurize.store.records import ExtractorMeta
from featurize.store.writer import StoreLock, checkpoint, rewrite

ID_COLUMNS = ("id", "track", "track_id")
PLUGIN = "import"
OnDuplicate = Literal["first", "last", "error"]


class TableImportError(FeaturizeError):
    """A table, schema or option cannot be imported as asked."""


def feature_name(header: str) -> str:
    """The feature name of a column header (the rule documented in the module docstring)."""
    name = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
    return name if re.match(r"^[a-z]", name) else f"f_{name}".rstrip("_")


@attrs.frozen
class ColumnSchema:
    """What a schema says about the columns one glob matches."""

    glob: str
    namespace: str | None = None
    description: str = ""
    unit: str = ""
    source: Source = Source.IMPORTED


def read_schema(path: Path) -> list[ColumnSchema]:
    """Read ``[columns."GLOB"]`` tables (namespace, description, unit, source) from a TOML file."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TableImportError(f"{path}: not a readable TOML schema ({error})") from error
    entries = []
    for glob, entry in data.get("columns", {}).items():
        if not isinstance(entry, dict) or set(entry) - {"namespace", "description", "unit", "source"}:
            raise TableImportError(f"{path}: columns.{glob!r} must be a table of namespace, description, unit, source")
        try:
            source = Source(entry.get("source", "imported"))
        except ValueError:
            raise TableImportError(
                f"{path}: columns.{glob!r} has source {entry['source']!r}; use one of "
                + ", ".join(repr(s.value) for s in Source)
            ) from None
        entries.append(
            ColumnSchema(glob, entry.get("namespace"), entry.get("description", ""), entry.get("unit", ""), source)
        )
    return entries


def _header(path: Path, kind: str) -> list[str]:
    """The table's header as written (pandas would silently rename duplicates)."""
    import csv

    if kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    if kind == "jsonl":
        import json

        with open(path) as stream:
            first = stream.readline()
        return list(json.loads(first)) if first.strip() else []
    with open(path, newline="") as stream:
        return next(csv.reader(stream, delimiter="\t" if kind == "tsv" else ","), [])


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl"}.get(
        suffix, "jsonl" if suffix == ".ndjson" else "csv"
    )


def read_table(path: Path, id_column: str | None) -> tuple[str, list[str], Any]:
    """Read a table; returns ``(id column, header, DataFrame)`` or raises one clear line."""
    import pandas as pd

    kind = _kind(path)
    try:
        header = _header(path, kind)
    except (OSError, UnicodeDecodeError, ValueError, StopIteration) as error:
        raise TableImportError(f"{path}: not a readable table ({error})") from error
    except Exception as error:  # pyarrow raises its own error types on non-Parquet files
        raise TableImportError(f"{path}: not a readable table ({type(error).__name__}: {error})") from error
    if not header:
        raise TableImportError(f"{path}: empty table (no header)")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise TableImportError(f"{path}: the header names column {column!r} twice")
        seen.add(column)
    if id_column is None:
        id_column = next((c for c in header if c.lower() in ID_COLUMNS), header[0])
    elif id_column not in header:
        raise TableImportError(f"{path}: no id column {id_column!r} (columns: {', '.join(header[:8])}...)")
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
            frame[id_column] = frame[id_column].astype(str)
        elif kind == "jsonl":
            frame = pd.read_json(path, lines=True, dtype={id_column: str})
        else:
            frame = pd.read_csv(path, sep="\t" if kind == "tsv" else ",", dtype={id_column: str}, keep_default_na=True)
    except Exception as error:  # pandas/pyarrow raise many types for malformed files
        raise TableImportError(f"{path}: not a readable table ({type(error).__name__}: {error})") from error
    if len(frame) == 0:
        raise TableImportError(f"{path}: empty table (a header but no rows)")
    return id_column, header, frame


def _values(path: Path, frame: Any, columns: Sequence[str]) -> np.ndarray:
    """The chosen columns as float32; non-numeric and infinite cells are refused by row and column."""
    import pandas as pd

    values = np.empty((len(frame), len(columns)), dtype=np.float32)
    for j, column in enumerate(columns):
        series = frame[column]
        if series.dtype.kind not in "fiub":
            numeric = pd.to_numeric(series, errors="coerce")
            bad = np.flatnonzero(numeric.isna().to_numpy() & series.notna().to_numpy())
            if len(bad):
                cells = ", ".join(f"row {r + 2} {series.iloc[r]!r}" for r in bad[:3])
                raise TableImportError(
                    f"{path}: column {column!r} has {len(bad)} non-numeric cell(s): {cells}"
                    + (" ..." if len(bad) > 3 else "")
                )
            series = numeric
        column_values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        infinite = np.flatnonzero(np.isinf(column_values))
        if len(infinite):
            raise TableImportError(f"{path}: column {column!r} row {infinite[0] + 2} is infinite")
        values[:, j] = column_values
    return values


@attrs.frozen
class ImportPlan:
    """What one table becomes: per namespace, its features and their values."""

    path: Path
    sha256: str
    size: int
    ids: list[str]
    namespaces: dict[str, tuple[ExtractorMeta, np.ndarray]]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def plan_import(
    path: Path,
    *,
    name: str | None = None,
    id_column: str | None = None,
    columns: Sequence[str] = (),
    exclude: Sequence[str] = (),
    schema: Sequence[ColumnSchema] = (),
    schema_path: Path | None = None,
    on_duplicate: OnDuplicate = "error",
    reserved: Sequence[str] = (),
) -> ImportPlan:
    """Read and check one table; nothing is written."""
    id_column, header, frame = read_table(path, id_column)
    ids = frame[id_column].astype(str)
    duplicated = ids.duplicated(keep=False).to_numpy()
    if duplicated.any():
        if on_duplicate == "error":
            first = int(np.flatnonzero(duplicated)[0])
            raise TableImportError(
                f"{path}: duplicate id {ids.iloc[first]!r} (row {first + 2}; {int(duplicated.sum())} rows share ids); "
                "use --on-duplicate first|last"
            )
        keep = ~ids.duplicated(keep=on_duplicate).to_numpy()
        frame, ids = frame[keep], ids[keep]
    chosen = [c for c in header if c != id_column]
    if columns:
        chosen = [c for c in chosen if any(fnmatch.fnmatchcase(c, g) for g in columns)]
    chosen = [c for c in chosen if not any(fnmatch.fnmatchcase(c, g) for g in exclude)]
    if not chosen:
        raise TableImportError(f"{path}: no feature columns left to import (check --columns/--exclude)")
    for entry in schema:
        if not any(fnmatch.fnmatchcase(c, entry.glob) for c in chosen):
            raise TableImportError(f"{schema_path}: schema entry {entry.glob!r} matches no imported column of {path}")
    default_namespace = name or feature_name(path.stem)
    values = _values(path, frame, chosen)
    sha, size = _sha256(path), path.stat().st_size
    grouped: dict[str, list[tuple[int, str, str, str, str, str]]] = {}
    for j, column in enumerate(chosen):
        entry = next((e for e in schema if fnmatch.fnmatchcase(column, e.glob)), ColumnSchema("*"))
        namespace = entry.namespace or default_namespace
        description = entry.description or f"imported from {path.name}, column {column!r}"
        grouped.setdefault(namespace, []).append(
            (j, feature_name(column), column, description, entry.unit, str(entry.source))
        )
    namespaces = {}
    for namespace, features in grouped.items():
        if not NAME_PATTERN.match(namespace):
            raise TableImportError(
                f"{path}: namespace {namespace!r} is not a valid name (lowercase letters, digits, '_')"
            )
        if namespace in reserved:
            raise TableImportError(f"{path}: namespace {namespace!r} collides with an installed extractor; use --name")
        names: dict[str, str] = {}
        for _, feature, column, *_ in features:
            if feature in names:
                raise TableImportError(
                    f"{path}: columns {names[feature]!r} and {column!r} both become {namespace}.{feature}"
                )
            names[feature] = column
        params = {"table": path.name, "sha256": sha, "labels": {f[1]: f[2] for f in features}}
        meta = ExtractorMeta(
            name=namespace,
            version=sha[:16],
            params=params,
            params_hash=hashlib.sha256(repr(sorted(params["labels"].items())).encode()).hexdigest()[:16],
            plugin=PLUGIN,
            distribution=f"imported from {path.name}",
            description=f"features imported from {path}",
            features=tuple((f[1], f[3], f[4], f[5]) for f in features),
            artifacts=(),
        )
        namespaces[namespace] = (meta, values[:, [f[0] for f in features]])
    return ImportPlan(path, sha, size, list(ids), namespaces)


def write_import(
    store: Path, plans: Sequence[ImportPlan], *, argv: Sequence[str] | None = None, schema_text: str = ""
) -> list[str]:
    """Write planned imports into ``store`` atomically; returns one message per namespace."""
    lock = StoreLock(store)
    if not lock.acquire():
        raise TableImportError(f"{store}: another featurize process is writing this store")
    try:
        checkpoint(store)
        return _write_locked(store, plans, argv, schema_text)
    finally:
        lock.release()


def _write_locked(store: Path, plans: Sequence[ImportPlan], argv: Sequence[str] | None, schema_text: str) -> list[str]:
    sources: dict[str, Path] = {}
    for plan in plans:
        for namespace in plan.namespaces:
            if namespace in sources:
                raise TableImportError(
                    f"{plan.path}: namespace {namespace!r} also comes from {sources[namespace]}; one table per "
                    "namespace (use --name, or join the tables first)"
                )
            sources[namespace] = plan.path
    messages, changes = [], []
    existing: dict[str, ExtractorMeta] = {}
    if store.exists():
        with h5py.File(store, "r") as file:
            layout.check_format(file, store)
            existing = {n: layout.read_meta(file, n) for n in file["extractors"]}
    for plan in plans:
        for namespace, (meta, _) in plan.namespaces.items():
            old = existing.get(namespace)
            if old is not None and old.plugin != PLUGIN:
                raise TableImportError(f"{plan.path}: namespace {namespace!r} is an extractor in {store}; use --name")
            if old is not None and old.key == meta.key:
                messages.append(f"{namespace}: unchanged ({plan.path} already imported), nothing written")
                continue
            verb = "replaced (table changed)" if old is not None else "imported"
            messages.append(
                f"{namespace}: {verb}, {len(meta.features)} features x {len(plan.ids)} tracks from {plan.path}"
            )
            changes.append((plan, namespace, old is not None))
    if not changes:
        return messages

    def edit(file: h5py.File) -> None:
        for plan, namespace, replace in changes:
            meta, values = plan.namespaces[namespace]
            if replace:
                layout.remove(file, namespace)
            layout.write_block(file, meta, plan.ids, values)
        for plan in {id(p): p for p, _, _ in changes}.values():
            layout.upsert_run(
                file,
                {
                    "run_id": uuid.uuid4().hex,
                    "kind": "import",
                    "argv": list(argv if argv is not None else sys.argv),
                    "table": {"path": str(plan.path.resolve()), "size": plan.size, "sha256": plan.sha256},
                    "namespaces": sorted(plan.namespaces),
                    "schema": schema_text,
                    "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
            )

    rewrite(store, edit, "the import cannot be written", rows_hint=max(len(p.ids) for p in plans))
    return messages
