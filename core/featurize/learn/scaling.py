"""Standardisation fitted on the training split only, with missing values imputed.

Each feature is centred on its training mean and divided by its training standard deviation.
Missing values (NaN: a failed or undefined extraction) are ignored when fitting and become 0
after standardising, i.e. the training mean. A feature that is constant or entirely missing
in training keeps a scale of 1 (it then carries no information, by design, instead of
dividing by zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import numpy as np

from featurize.learn.base import ModelFileError, read_arrays


@attrs.frozen(eq=False)
class Standardiser:
    """Per-feature training mean and scale."""

    names: tuple[str, ...] = attrs.field(converter=tuple)
    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray, names: Sequence[str]) -> Standardiser:
        """Fit on the training rows ``X``; NaN are ignored."""
        values = np.asarray(X, dtype=np.float64)
        observed = ~np.isnan(values)
        count = observed.sum(axis=0)
        safe = np.where(observed, values, 0.0)
        mean = np.divide(safe.sum(axis=0), count, out=np.zeros(values.shape[1]), where=count > 0)
        deviation = np.where(observed, values - mean, 0.0)
        std = np.sqrt(np.divide((deviation**2).sum(axis=0), count, out=np.zeros(values.shape[1]), where=count > 0))
        scale = np.where(std > 0, std, 1.0)
        return cls(names, mean, scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardised float64 copy of ``X`` with NaN replaced by 0 (the training mean)."""
        standardised = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        return np.where(np.isnan(standardised), 0.0, standardised)

    def save(self, path: str | Path) -> None:
        np.savez(path, names=np.asarray(self.names, dtype=str), mean=self.mean, scale=self.scale)

    @classmethod
    def load(cls, path: str | Path) -> Standardiser:
        """Read what :meth:`save` wrote; anything else is a one-line error naming the file."""
        arrays = read_arrays(Path(path))
        names, mean, scale = (arrays.get(key) for key in ("names", "mean", "scale"))
        if (
            names is None
            or mean is None
            or scale is None
            or names.dtype.kind != "U"
            or mean.dtype.kind != "f"
            or scale.dtype.kind != "f"
            or not names.shape == mean.shape == scale.shape
            or names.ndim != 1
        ):
            raise ModelFileError(f"{path}: not a standardiser (names, mean and scale of one length expected)")
        return cls(tuple(names.tolist()), mean, scale)
