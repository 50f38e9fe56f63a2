"""Labelled audio lists for ``featurize msspt backbone`` (stage 2 trains outside a feature store).

A CSV (or TSV, by the ``.tsv`` suffix) with a header. The first column holds audio paths,
relative to the manifest's folder unless absolute. Then either one column named ``label``
(multi-class: any string per track) or one 0/1 column per tag (multi-label).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def read_manifest(path: Path) -> tuple[list[Path], np.ndarray, list[str]]:
    """Audio paths, targets (``(n, n_tags)`` 0/1 or ``(n,)`` labels) and the tag (or label) column names."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    if len(rows) < 2 or len(rows[0]) < 2:
        raise ValueError(f"{path}: needs a header (audio column, then 'label' or tag columns) and at least one row")
    header, body = rows[0], [row for row in rows[1:] if row]
    ragged = [number for number, row in enumerate(body, start=2) if len(row) != len(header)]
    if ragged:
        raise ValueError(f"{path}: line {ragged[0]} has a different number of columns than the header")
    paths = [path.parent / row[0] for row in body]
    values = [row[1:] for row in body]
    if header[1:] == ["label"]:
        return paths, np.array([row[0] for row in values]), ["label"]
    try:
        targets = np.array(values, dtype=np.float32)
    except ValueError as error:
        raise ValueError(f"{path}: tag columns must hold 0 or 1 ({error})") from error
    return paths, targets, header[1:]
