"""Label files: a generic CSV/TSV and the formats of MTG-Jamendo, MagnaTagATune and FMA.

Every loader returns a :class:`LabelSet`: one row per labelled track with its id, its audio
path when the file gives one, its tags as a 0/1 row, and the dataset's own split when the
format has one. Formats (``format="auto"`` detects them from the header):

``generic``
    CSV or TSV with a header. The track id is the column ``id``/``track``/``track_id`` (else the
    first column); optional ``path`` and ``split`` columns. Then either one 0/1 column per tag,
    or one column ``tags``/``labels`` (``;``, ``|`` or ``,`` separated) or ``label``/``genre``/``class``
    (one class per track).
``mtg-jamendo``
    The split TSVs of MTG-Jamendo (``autotagging_moodtheme-train.tsv``...): ``TRACK_ID``, ``PATH``
    and tab-separated tags such as ``mood/theme---happy`` (the category prefix is dropped when
    all tags share it). The split comes from the file name (``-train``, ``-validation``, ``-test``).
``magnatagatune``
    ``annotations_final.csv``: tab-separated, ``clip_id``, 188 0/1 tag columns, ``mp3_path``.
``fma``
    FMA's ``tracks.csv`` (two header rows): the top genre ``track.genre_top`` as one class per
    track and the split ``set.split``; tracks without a top genre are skipped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import attrs
import numpy as np

from featurize.errors import FeaturizeError

LabelFormat = Literal["auto", "generic", "mtg-jamendo", "magnatagatune", "fma"]
FORMATS: tuple[str, ...] = ("auto", "generic", "mtg-jamendo", "magnatagatune", "fma")

ID_COLUMNS = ("id", "track", "track_id", "clip_id")
PATH_COLUMNS = ("path", "audio", "file", "mp3_path")
SPLIT_COLUMNS = ("split", "set")
LIST_COLUMNS = ("tags", "labels")
CLASS_COLUMNS = ("label", "genre", "class")
SPLIT_NAMES = {
    "train": "train",
    "training": "train",
    "val": "validation",
    "valid": "validation",
    "validation": "validation",
    "test": "test",
    "testing": "test",
}
_TRUE = {"1", "1.0", "true", "yes"}
_FALSE = {"0", "0.0", "false", "no", ""}
_LIST_SEPARATOR = re.compile(r"[;|,]")
_JAMENDO_SPLIT = re.compile(r"-(train|validation|test)\.tsv$")


class LabelError(FeaturizeError):
    """A label file cannot be read; the message names the file and, when known, the line and column."""


@attrs.frozen(eq=False)
class LabelSet:
    """Labels of a set of tracks, whatever the file format."""

    source: str
    """The file(s) read, comma-separated."""
    format: str
    ids: tuple[str, ...] = attrs.field(converter=tuple)
    names: tuple[str, ...] = attrs.field(converter=tuple)
    """Tag (or class) names, in column order."""
    indicator: np.ndarray
    """``(n_tracks, n_names)`` uint8: 1 where the track has the tag."""
    paths: tuple[str, ...] = attrs.field(converter=tuple)
    """Audio path per track as the file gives it; empty when it gives none."""
    splits: tuple[str, ...] = attrs.field(converter=tuple)
    """``train``, ``validation`` or ``test`` per track; empty when the file has no split."""
    single_label: bool = False
    """The format has exactly one class per track (FMA's top genre, a generic class column)."""
    notes: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """What the loader skipped, for the report."""

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def has_split(self) -> bool:
        return any(self.splits)

    def top(self, count: int) -> LabelSet:
        """Only the ``count`` most frequent tags (ties broken by name), e.g. MagnaTagATune's top 50."""
        if count >= len(self.names):
            return self
        frequency = self.indicator.sum(axis=0, dtype=np.int64)
        keep = sorted(sorted(range(len(self.names)), key=lambda i: (-frequency[i], self.names[i]))[:count])
        note = f"kept the {count} most frequent of {len(self.names)} tags"
        return attrs.evolve(
            self,
            names=[self.names[i] for i in keep],
            indicator=self.indicator[:, keep],
            notes=(*self.notes, note),
        )


def read_labels(paths: str | Path | Sequence[str | Path], format: LabelFormat = "auto") -> LabelSet:
    """Read one or several label files (several: e.g. the train, validation and test files of a split).

    Raises
    ------
    LabelError
        Unknown format, unreadable file, a malformed row (naming file, line and column), or a
        track id given twice.
    """
    files = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    if not files:
        raise LabelError("no label file given")
    if format not in FORMATS:
        raise LabelError(f"unknown label format {format!r}; choose one of {', '.join(FORMATS)}")
    sets = [_read_one(path, format) for path in files]
    return sets[0] if len(sets) == 1 else _concatenate(sets)


def _read_one(path: Path, format: str) -> LabelSet:
    if not path.is_file():
        raise LabelError(f"{path}: no such label file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise LabelError(f"{path}: cannot read the label file ({error})") from error
    lines = text.splitlines()
    if not lines:
        raise LabelError(f"{path}: the label file is empty")
    chosen = detect_format(lines, path) if format == "auto" else format
    reader = {"generic": _read_generic, "mtg-jamendo": _read_jamendo, "magnatagatune": _read_mtt, "fma": _read_fma}
    return reader[chosen](path, lines)


def detect_format(lines: Sequence[str], path: Path) -> str:
    """The format of a label file from its first lines (see the module docstring)."""
    first = lines[0]
    fields = [f.strip().strip('"') for f in first.split("\t")]
    if fields[0] == "TRACK_ID" and "TAGS" in fields:
        return "mtg-jamendo"
    if fields[0] == "clip_id" and fields[-1] == "mp3_path":
        return "magnatagatune"
    if len(lines) > 2 and "genre_top" in lines[1] and lines[2].startswith("track_id"):
        return "fma"
    return "generic"


# -- generic ------------------------------------------------------------------------------------------


def _dialect(path: Path, lines: Sequence[str]) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def _find(header: Sequence[str], candidates: Iterable[str]) -> int | None:
    folded = [h.strip().lower() for h in header]
    return next((folded.index(c) for c in candidates if c in folded), None)


def _read_generic(path: Path, lines: Sequence[str]) -> LabelSet:
    rows = list(csv.reader(lines, delimiter=_dialect(path, lines)))
    header, body = rows[0], [r for r in rows[1:] if any(cell.strip() for cell in r)]
    id_column = _find(header, ID_COLUMNS)
    id_column = 0 if id_column is None else id_column
    path_column, split_column = _find(header, PATH_COLUMNS), _find(header, SPLIT_COLUMNS)
    special = {c for c in (id_column, path_column, split_column) if c is not None}
    list_column, class_column = _find(header, LIST_COLUMNS), _find(header, CLASS_COLUMNS)
    if len(body) == 0:
        raise LabelError(f"{path}: the label file has a header but no rows")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise LabelError(f"{path}, line {line}: {len(row)} fields where the header has {len(header)}")
    ids = [row[id_column].strip() for row in body]
    paths = [row[path_column].strip() if path_column is not None else "" for row in body]
    splits = [
        _split_name(path, line, row[split_column]) if split_column is not None else ""
        for line, row in enumerate(body, start=2)
    ]
    tag_columns = [c for c in range(len(header)) if c not in special]
    named = list_column if list_column is not None else class_column
    if named is not None and tag_columns == [named]:
        column, single = named, list_column is None
        tag_lists = [[row[column].strip()] if single else _split_list(row[column]) for row in body]
        names, indicator = _from_lists(tag_lists)
        empty = [ids[i] for i, tags in enumerate(tag_lists) if not any(tags)]
        if single and empty:
            raise LabelError(f"{path}: column {header[column]!r} is empty for track(s) {', '.join(empty[:5])}")
        return LabelSet(str(path), "generic", ids, names, indicator, paths, splits, single_label=single)
    if not tag_columns:
        raise LabelError(f"{path}: no tag columns (expected 0/1 columns, or a 'tags' or 'label' column)")
    indicator = np.zeros((len(body), len(tag_columns)), dtype=np.uint8)
    for line, row in enumerate(body, start=2):
        for k, column in enumerate(tag_columns):
            indicator[line - 2, k] = _binary(path, line, header[column], row[column])
    names = [header[c].strip() for c in tag_columns]
    return LabelSet(str(path), "generic", ids, names, indicator, paths, splits)


def _binary(path: Path, line: int, column: str, value: str) -> int:
    folded = value.strip().lower()
    if folded in _TRUE:
        return 1
    if folded in _FALSE:
        return 0
    raise LabelError(f"{path}, line {line}, column {column!r}: {value!r} is not 0 or 1")


def _split_name(path: Path, line: int, value: str) -> str:
    folded = value.strip().lower()
    if not folded:
        return ""
    if folded not in SPLIT_NAMES:
        raise LabelError(f"{path}, line {line}: unknown split {value!r}; expected train, validation or test")
    return SPLIT_NAMES[folded]


def _split_list(value: str) -> list[str]:
    cleaned = value.strip().strip("[]")
    return [tag.strip().strip("'\"").strip() for tag in _LIST_SEPARATOR.split(cleaned) if tag.strip().strip("'\"")]


def _from_lists(tag_lists: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray]:
    names = sorted({tag for tags in tag_lists for tag in tags if tag})
    column = {name: i for i, name in enumerate(names)}
    indicator = np.zeros((len(tag_lists), len(names)), dtype=np.uint8)
    for row, tags in enumerate(tag_lists):
        indicator[row, [column[t] for t in tags if t]] = 1
    return names, indicator


# -- MTG-Jamendo ---------------------------------------------------------------------------------------


def _read_jamendo(path: Path, lines: Sequence[str]) -> LabelSet:
    header = lines[0].split("\t")
    if header[:4] != ["TRACK_ID", "ARTIST_ID", "ALBUM_ID", "PATH"]:
        raise LabelError(f"{path}: not an MTG-Jamendo file (header {header[:6]})")
    match = _JAMENDO_SPLIT.search(path.name)
    split = match.group(1) if match else ""
    ids, paths, tag_lists = [], [], []
    for line, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        fields = text.split("\t")
        if len(fields) < 6:
            raise LabelError(f"{path}, line {line}: expected TRACK_ID, ARTIST_ID, ALBUM_ID, PATH, DURATION and tags")
        ids.append(fields[0].strip())
        paths.append(fields[3].strip())
        tag_lists.append([t.strip() for t in fields[5:] if t.strip()])
    categories = {tag.split("---")[0] for tags in tag_lists for tag in tags if "---" in tag}
    if len(categories) == 1:
        tag_lists = [[tag.split("---", 1)[-1] for tag in tags] for tags in tag_lists]
    names, indicator = _from_lists(tag_lists)
    return LabelSet(str(path), "mtg-jamendo", ids, names, indicator, paths, [split] * len(ids))


# -- MagnaTagATune ----------------------------------------------------------------------------------------


def _read_mtt(path: Path, lines: Sequence[str]) -> LabelSet:
    rows = list(csv.reader(lines, delimiter="\t"))
    header, body = rows[0], [r for r in rows[1:] if r]
    names = header[1:-1]
    indicator = np.zeros((len(body), len(names)), dtype=np.uint8)
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise LabelError(f"{path}, line {line}: {len(row)} fields where the header has {len(header)}")
        for k, name in enumerate(names):
            indicator[line - 2, k] = _binary(path, line, name, row[k + 1])
    ids = [row[0].strip() for row in body]
    paths = [row[-1].strip() for row in body]
    return LabelSet(str(path), "magnatagatune", ids, names, indicator, paths, [""] * len(ids))


# -- FMA ------------------------------------------------------------------------------------------------------


def _read_fma(path: Path, lines: Sequence[str]) -> LabelSet:
    rows = csv.reader(lines)
    top, sub, _ = next(rows), next(rows), next(rows)
    columns = {(a.strip(), b.strip()): i for i, (a, b) in enumerate(zip(top, sub, strict=False))}
    genre = columns.get(("track", "genre_top"))
    if genre is None:
        raise LabelError(f"{path}: no track.genre_top column; is this FMA's tracks.csv?")
    split = columns.get(("set", "split"))
    ids, genres, splits, skipped = [], [], [], 0
    for line, row in enumerate(rows, start=4):
        if not row:
            continue
        if len(row) <= genre:
            raise LabelError(f"{path}, line {line}: the row ends before the track.genre_top column")
        if not row[genre].strip():
            skipped += 1
            continue
        ids.append(row[0].strip())
        genres.append([row[genre].strip()])
        splits.append(_split_name(path, line, row[split]) if split is not None else "")
    names, indicator = _from_lists(genres)
    notes = [f"{path}: skipped {skipped} track(s) without a top genre"] if skipped else []
    return LabelSet(str(path), "fma", ids, names, indicator, [""] * len(ids), splits, single_label=True, notes=notes)


# -- several files ------------------------------------------------------------------------------------------


def _concatenate(sets: Sequence[LabelSet]) -> LabelSet:
    owner: dict[str, str] = {}
    for labels in sets:
        for track in labels.ids:
            if track in owner:
                raise LabelError(f"track {track!r} is labelled in both {owner[track]} and {labels.source}")
            owner[track] = labels.source
    names = sorted({n for labels in sets for n in labels.names})
    column = {name: i for i, name in enumerate(names)}
    blocks = []
    for labels in sets:
        block = np.zeros((len(labels), len(names)), dtype=np.uint8)
        block[:, [column[n] for n in labels.names]] = labels.indicator
        blocks.append(block)
    formats = {labels.format for labels in sets}
    return LabelSet(
        ", ".join(labels.source for labels in sets),
        formats.pop() if len(formats) == 1 else "mixed",
        [t for labels in sets for t in labels.ids],
        names,
        np.concatenate(blocks),
        [p for labels in sets for p in labels.paths],
        [s for labels in sets for s in labels.splits],
        single_label=all(labels.single_label for labels in sets),
        notes=[n for labels in sets for n in labels.notes],
    )
