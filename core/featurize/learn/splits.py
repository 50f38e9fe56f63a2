"""Train/test splits: the dataset's own split when the labels carry one, else seeded random splits.

The dataset's split puts ``train`` and ``validation`` tracks in training (as SAMAT did for
MTG-Jamendo) and ``test`` tracks in the test set. A random split draws ``test_size`` of the
tracks with ``numpy.random.default_rng(seed)``; for a multi-class task it is stratified, so
every class with at least two tracks is on both sides. ``--repeats N`` uses seeds
``seed, seed + 1, ...``; with the dataset's own split every repeat has the same split and
only the model's seed changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import attrs
import numpy as np

from featurize.errors import FeaturizeError

SplitChoice = Literal["auto", "own", "random"]


class SplitError(FeaturizeError):
    """A split cannot be made as asked."""


@attrs.frozen(eq=False)
class Split:
    """Row indices (into the used tracks) of one train/test split."""

    train: np.ndarray
    test: np.ndarray
    kind: Literal["own", "random"]
    seed: int

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "seed": self.seed, "train": len(self.train), "test": len(self.test)}


def own_split(splits: Sequence[str], seed: int) -> Split:
    """The dataset's split: train + validation for training, test for testing."""
    names = np.asarray(splits)
    train = np.flatnonzero(np.isin(names, ("train", "validation")))
    test = np.flatnonzero(names == "test")
    if not len(train) or not len(test):
        raise SplitError(
            f"the labels' own split has {len(train)} training and {len(test)} test tracks among those in the store; "
            "give the test file too, or use --split random"
        )
    return Split(train, test, "own", seed)


def random_split(n: int, seed: int, test_size: float = 0.2, classes: np.ndarray | None = None) -> Split:
    """A seeded random split; stratified by ``classes`` (multi-class codes) when given."""
    if not 0 < test_size < 1:
        raise SplitError(f"test size must be between 0 and 1, got {test_size}")
    rng = np.random.default_rng(seed)
    strata = [np.arange(n)] if classes is None else [np.flatnonzero(classes == c) for c in np.unique(classes)]
    test_parts = []
    for members in strata:
        shuffled = rng.permutation(members)
        count = round(test_size * len(shuffled))
        count = min(max(count, 1 if len(shuffled) > 1 else 0), len(shuffled) - 1) if classes is not None else count
        test_parts.append(shuffled[:count])
    test = np.sort(np.concatenate(test_parts)).astype(np.int64)
    train = np.setdiff1d(np.arange(n), test)
    if not len(train) or not len(test):
        raise SplitError(f"{n} track(s) are too few for a split with test size {test_size}")
    return Split(train, test, "random", seed)


def make_splits(
    splits: Sequence[str],
    *,
    repeats: int = 1,
    seed: int = 0,
    test_size: float = 0.2,
    choice: SplitChoice = "auto",
    classes: np.ndarray | None = None,
) -> list[Split]:
    """One split per repeat: the labels' own split (``auto`` when they have one) or random ones."""
    if repeats < 1:
        raise SplitError(f"repeats must be at least 1, got {repeats}")
    use_own = choice == "own" or (choice == "auto" and any(splits))
    if use_own:
        return [own_split(splits, seed + r) for r in range(repeats)]
    return [random_split(len(splits), seed + r, test_size, classes) for r in range(repeats)]
