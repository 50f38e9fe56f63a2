"""From a label file to model targets: matching labels to store tracks, and the task type.

Label files and stores name tracks differently (MTG-Jamendo ``track_0000214`` with path
``14/214.mp3``; a store built from the audio folder names it ``14/214``), so a label is
matched to a track by, in order: the same id; its path (without extensions) as the trailing
part of a track's id or audio path; the same number (FMA's ``2`` and ``000/000002``). A key
that fits several tracks is never used. Labels without a track and tracks without labels are
reported, not fatal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

import attrs
import numpy as np

from featurize.learn.labels import LabelError, LabelSet

Task = Literal["multilabel", "multiclass"]
TASKS: tuple[str, ...] = ("multilabel", "multiclass")
EXAMPLES = 5
"""How many ids a report lists per problem."""


@attrs.frozen(eq=False)
class Alignment:
    """Which labelled track is which store row."""

    label_rows: np.ndarray
    """Indices into the :class:`LabelSet` of the matched labels."""
    store_rows: np.ndarray
    """The store row of each matched label."""
    unmatched: tuple[str, ...]
    """Label ids with no track in the store."""
    unlabelled: tuple[str, ...]
    """Store track ids without labels."""

    def summary(self) -> dict[str, object]:
        return {
            "matched": len(self.label_rows),
            "labels_not_in_store": {"count": len(self.unmatched), "examples": list(self.unmatched[:EXAMPLES])},
            "tracks_without_labels": {"count": len(self.unlabelled), "examples": list(self.unlabelled[:EXAMPLES])},
        }

    def notes(self) -> list[str]:
        found = []
        if self.unmatched:
            found.append(
                f"{len(self.unmatched)} labelled track(s) are not in the store (e.g. {_examples(self.unmatched)})"
            )
        if self.unlabelled:
            found.append(
                f"{len(self.unlabelled)} store track(s) have no labels and are not used "
                f"(e.g. {_examples(self.unlabelled)})"
            )
        return found


def _examples(ids: Sequence[str]) -> str:
    return ", ".join(ids[:EXAMPLES]) + (", ..." if len(ids) > EXAMPLES else "")


def _bare(path: str) -> str:
    """A path without extensions (``14/214.low.mp3`` -> ``14/214``), with forward slashes."""
    parts = path.replace("\\", "/").strip("/").split("/")
    parts[-1] = parts[-1].split(".")[0]
    return "/".join(p for p in parts if p)


def _tails(path: str) -> Iterator[str]:
    parts = _bare(path).split("/")
    for start in range(len(parts)):
        yield "/".join(parts[start:])


def _number(text: str) -> str | None:
    tail = _bare(text).split("/")[-1]
    return str(int(tail)) if tail.isdigit() else None


def _unique_index(entries: Sequence[tuple[str, int]]) -> dict[str, int]:
    owners: dict[str, set[int]] = {}
    for key, row in entries:
        if key:
            owners.setdefault(key, set()).add(row)
    return {key: rows.pop() for key, rows in owners.items() if len(rows) == 1}


def _nothing_matched(labels: LabelSet, track_ids: Sequence[str], paths: Sequence[str]) -> str:
    """Say what was compared with what, with a few keys of each side, when no label found its track."""
    label_keys = [f"{t} ({p})" if p and p != t else t for t, p in zip(labels.ids, labels.paths, strict=True)]
    store_keys = [f"{t} ({p})" if p and p != t else t for t, p in zip(track_ids, paths, strict=True)]
    return (
        f"{labels.source}: no labelled track is in the store. Compared label ids and paths with the store's "
        "track ids and audio paths (also without folders and extensions, and as numbers); "
        f"labels have {_examples(label_keys)}; the store has {_examples(store_keys) or 'no tracks'}"
    )


def align(
    labels: LabelSet, track_ids: Sequence[str], track_paths: Sequence[str] = (), *, require_match: bool = False
) -> Alignment:
    """Match every labelled track to a store row (see the module docstring for the rules).

    With ``require_match``, no match at all is a :class:`LabelError` showing what was compared.
    """
    paths = list(track_paths) or [""] * len(track_ids)
    by_id = {track: row for row, track in enumerate(track_ids)}
    by_path = _unique_index(
        [
            (tail, row)
            for row, (t, p) in enumerate(zip(track_ids, paths, strict=True))
            for tail in {*_tails(t), *(_tails(p) if p else ())}
        ]
    )
    by_number = _unique_index([(_number(t) or "", row) for row, t in enumerate(track_ids)])
    taken: set[int] = set()
    label_rows, store_rows, unmatched = [], [], []
    for i, (track, path) in enumerate(zip(labels.ids, labels.paths, strict=True)):
        candidates = [by_id.get(track), by_path.get(_bare(path)) if path else None, by_path.get(_bare(track))]
        if track.isdigit():
            candidates.append(by_number.get(str(int(track))))
        row = next((c for c in candidates if c is not None), None)
        if row is None or row in taken:
            unmatched.append(track)
            continue
        taken.add(row)
        label_rows.append(i)
        store_rows.append(row)
    if require_match and labels.ids and not label_rows:
        raise LabelError(_nothing_matched(labels, track_ids, paths))
    unlabelled = tuple(track for row, track in enumerate(track_ids) if row not in taken)
    return Alignment(
        np.array(label_rows, dtype=np.int64), np.array(store_rows, dtype=np.int64), tuple(unmatched), unlabelled
    )


@attrs.frozen(eq=False)
class Targets:
    """What a model learns: the task, the target names and the labels of the used tracks."""

    task: Task
    names: tuple[str, ...] = attrs.field(converter=tuple)
    """Tags (multi-label) or classes (multi-class)."""
    y: np.ndarray
    """``(n, n_tags)`` 0/1 (multi-label) or ``(n,)`` indices into ``names`` (multi-class)."""
    dropped: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Tags left out because no used track has them (or every one has)."""
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)


def detect_task(labels: LabelSet, rows: np.ndarray) -> Task:
    """Multi-class when the format says so or every track has exactly one tag; else multi-label."""
    if labels.single_label:
        return "multiclass"
    counts = labels.indicator[rows].sum(axis=1)
    return "multiclass" if len(counts) and np.all(counts == 1) else "multilabel"


def make_targets(labels: LabelSet, rows: np.ndarray, task: Task | Literal["auto"] = "auto") -> Targets:
    """Targets of the labelled tracks ``rows`` (indices into ``labels``).

    Raises
    ------
    LabelError
        Multi-class asked for tracks without exactly one tag; fewer than two classes; no tag
        with both positive and negative tracks.
    """
    if task not in (*TASKS, "auto"):
        raise LabelError(f"unknown task {task!r}; choose multilabel, multiclass or auto")
    if len(rows) == 0:
        raise LabelError(f"{labels.source}: no labelled track is in the store")
    chosen: Task = detect_task(labels, rows) if task == "auto" else task
    indicator = labels.indicator[rows]
    return _multiclass(labels, indicator) if chosen == "multiclass" else _multilabel(labels, indicator)


def _multilabel(labels: LabelSet, indicator: np.ndarray) -> Targets:
    positives = indicator.sum(axis=0)
    usable = (positives > 0) & (positives < len(indicator))
    dropped = [name for name, ok in zip(labels.names, usable, strict=True) if not ok]
    notes = [
        f"tag {name!r} dropped: {'no' if positives[i] == 0 else 'every'} one of the {len(indicator)} used tracks has it"
        for i, name in enumerate(labels.names)
        if not usable[i]
    ]
    if not usable.any():
        raise LabelError(f"{labels.source}: no tag has both positive and negative tracks among those in the store")
    names = [name for name, ok in zip(labels.names, usable, strict=True) if ok]
    return Targets("multilabel", names, indicator[:, usable].astype(np.uint8), dropped, notes)


def _multiclass(labels: LabelSet, indicator: np.ndarray) -> Targets:
    counts = indicator.sum(axis=1)
    wrong = np.flatnonzero(counts != 1)
    if wrong.size:
        raise LabelError(
            f"{labels.source}: a multi-class task needs exactly one tag per track, but {wrong.size} track(s) "
            f"have {sorted(set(counts[wrong].tolist()))} tags; use --task multilabel"
        )
    present = indicator.sum(axis=0) > 0
    names = [name for name, ok in zip(labels.names, present, strict=True) if ok]
    if len(names) < 2:
        raise LabelError(f"{labels.source}: a classifier needs at least two classes; the used tracks have only {names}")
    codes = np.argmax(indicator[:, present], axis=1).astype(np.int64)
    return Targets("multiclass", names, codes)


def targets_for(labels: LabelSet, rows: np.ndarray, task: Task, names: Sequence[str]) -> tuple[Targets, np.ndarray]:
    """Targets over a trained model's ``names``, for evaluation; also the rows kept.

    Multi-label: every trained tag must be in the labels (extra tags are ignored).
    Multi-class: tracks of a class the model never saw are left out, with a note.

    Raises
    ------
    LabelError
        A trained tag is missing from the labels, or no track is left.
    """
    column = {name: i for i, name in enumerate(labels.names)}
    if task == "multilabel":
        absent = [name for name in names if name not in column]
        if absent:
            raise LabelError(f"{labels.source}: the model's tag(s) {', '.join(absent)} are not in the labels")
        y = labels.indicator[np.ix_(rows, [column[n] for n in names])]
        return Targets("multilabel", names, y.astype(np.uint8)), rows
    indicator = labels.indicator[rows]
    known = [column[n] for n in names if n in column]
    inside = indicator[:, known].sum(axis=1) == 1
    outside = int((~inside).sum())
    notes = [f"{outside} track(s) have no class the model knows (or several) and are left out"] if outside else []
    if not inside.any():
        raise LabelError(f"{labels.source}: no track has one of the model's classes ({', '.join(names)})")
    code = {column[n]: i for i, n in enumerate(names) if n in column}
    positions = np.argmax(indicator[inside][:, known], axis=1)
    codes = np.array([code[known[k]] for k in positions], dtype=np.int64)
    return Targets("multiclass", names, codes, notes=notes), rows[inside]
