"""The Aljanaki & Soleymani mid-level dataset in its published layout, and its splits.

Layout (as the official CP-JKU code reads it)::

    DATASET_DIR/metadata_annotations/metadata.csv     ';'-separated, columns "song id", "Artist", ...
    DATASET_DIR/metadata_annotations/annotations.csv  ','-separated, "song_id" + 7 rating columns
    DATASET_DIR/audio/<song id>.mp3

Column names are matched ignoring case, spaces and punctuation, and the rating columns
by the aliases in :data:`RATING_COLUMNS` (``rhythm_stability`` -> ``rhythmic_stability``,
``modality`` -> ``minorness``...). Clips are joined on the song id, not on row order.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from pathlib import Path

import attrs
import numpy as np

from featurize.errors import FeaturizeError
from featurize_midlevel.catalog import FEATURE_NAMES

RATING_COLUMNS: dict[str, tuple[str, ...]] = {
    "melodiousness": ("melodiousness", "melody", "melodious"),
    "articulation": ("articulation",),
    "rhythmic_stability": ("rhythmstability", "rhythmicstability"),
    "rhythmic_complexity": ("rhythmcomplexity", "rhythmiccomplexity"),
    "dissonance": ("dissonance",),
    "tonal_stability": ("tonalstability",),
    "minorness": ("minorness", "modality", "mode"),
}
"""Feature name -> accepted column names, normalised by :func:`_key`."""


class DatasetError(FeaturizeError):
    """The dataset directory is not in the published layout; the message names the file."""


@attrs.frozen
class Clip:
    """One annotated excerpt: its id, artist, audio file and the seven ratings in feature order."""

    id: str
    artist: str
    path: Path
    ratings: tuple[float, ...]


@attrs.frozen
class Split:
    """Indices into the clip list; the test set is artist-disjoint from the rest."""

    train: tuple[int, ...]
    validation: tuple[int, ...]
    test: tuple[int, ...]


def read_dataset(root: Path) -> list[Clip]:
    """The annotated clips of ``root``, in annotation order."""
    metadata_file = root / "metadata_annotations" / "metadata.csv"
    annotations_file = root / "metadata_annotations" / "annotations.csv"
    _, metadata = _read_csv(metadata_file, ";")
    artists = {row["songid"]: row.get("artist", "") for row in metadata}
    header, rows = _read_csv(annotations_file, ",")
    columns = _rating_columns(annotations_file, header)
    clips = []
    for line, row in enumerate(rows, start=2):
        song = row["songid"]
        if song not in artists:
            raise DatasetError(f"{annotations_file}, line {line}: song id {song!r} is not in {metadata_file.name}")
        ratings = _ratings(annotations_file, line, row, columns)
        clips.append(Clip(song, artists[song] or f"unknown:{song}", root / "audio" / f"{song}.mp3", ratings))
    duplicates = sorted(k for k, n in Counter(c.id for c in clips).items() if n > 1)
    if duplicates:
        raise DatasetError(f"{annotations_file}: duplicate song ids {duplicates[:5]}")
    if not clips:
        raise DatasetError(f"{annotations_file}: no annotated clips")
    return clips


def split_dataset(clips: list[Clip], test_fraction: float, validation_fraction: float, seed: int) -> Split:
    """Artist-disjoint test split, then a seeded random validation split of the rest.

    The test set takes whole artists until it holds ``test_fraction`` of the clips,
    artists with a single clip first (in seeded random order), as Chowdhury et al. do;
    at least two clips go to test and to validation so that Pearson r is defined.
    """
    rng = np.random.default_rng(seed)
    counts = Counter(c.artist for c in clips)
    artists = sorted(counts)
    rank = dict(zip(artists, rng.permutation(len(artists)), strict=True))
    wanted = max(2, math.ceil(test_fraction * len(clips)))
    test_artists: set[str] = set()
    taken = 0
    for artist in sorted(artists, key=lambda a: (counts[a], rank[a])):
        if taken >= wanted:
            break
        test_artists.add(artist)
        taken += counts[artist]
    test = [i for i, c in enumerate(clips) if c.artist in test_artists]
    rest = [i for i, c in enumerate(clips) if c.artist not in test_artists]
    n_validation = max(2, math.ceil(validation_fraction * len(rest)))
    validation = sorted(int(i) for i in rng.choice(rest, size=min(n_validation, len(rest)), replace=False))
    train = sorted(set(rest) - set(validation))
    if len(train) < 2 or len(validation) < 2:
        raise DatasetError(
            f"{len(clips)} usable clips are too few for train, validation and test splits of at least 2 clips each"
        )
    return Split(tuple(train), tuple(validation), tuple(test))


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _read_csv(path: Path, delimiter: str) -> tuple[list[str], list[dict[str, str]]]:
    """The normalised header and the rows (stripped values) of a CSV file with a song id column."""
    if not path.is_file():
        raise DatasetError(f"{path}: not found; expected the published layout (metadata_annotations/, audio/)")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = [_key(h) for h in next(reader, [])]
        rows = [dict(zip(header, (v.strip() for v in values), strict=False)) for values in reader if any(values)]
    if "songid" not in header:
        raise DatasetError(f"{path}: no song id column (columns: {header}); is the delimiter {delimiter!r}?")
    return header, rows


def _rating_columns(path: Path, header: list[str]) -> list[str]:
    """The annotation column of each feature, in feature order."""
    columns = []
    for feature in FEATURE_NAMES:
        found = [alias for alias in RATING_COLUMNS[feature] if alias in header]
        if not found:
            raise DatasetError(f"{path}: no rating column for {feature} (accepted: {RATING_COLUMNS[feature]})")
        columns.append(found[0])
    return columns


def _ratings(path: Path, line: int, row: dict[str, str], columns: list[str]) -> tuple[float, ...]:
    try:
        values = tuple(float(row[column]) for column in columns)
    except (KeyError, ValueError) as error:
        raise DatasetError(f"{path}, line {line}: a rating is missing or not a number ({error})") from error
    if not all(math.isfinite(v) for v in values):
        raise DatasetError(f"{path}, line {line}: ratings must be finite")
    return values
