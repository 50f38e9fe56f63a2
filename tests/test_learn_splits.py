"""Splits and standardisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize.learn.scaling import Standardiser
from featurize.learn.splits import SplitError, make_splits, own_split, random_split


def test_own_split_trains_on_train_and_validation() -> None:
    split = own_split(["train", "test", "validation", "train", "test"], seed=3)
    assert split.kind == "own" and split.train.tolist() == [0, 2, 3] and split.test.tolist() == [1, 4]
    with pytest.raises(SplitError, match="0 test tracks"):
        own_split(["train", "validation"], seed=0)


def test_random_splits_are_seeded_and_disjoint() -> None:
    first, again, other = random_split(100, 7), random_split(100, 7), random_split(100, 8)
    assert np.array_equal(first.test, again.test) and not np.array_equal(first.test, other.test)
    assert len(first.test) == 20 and not set(first.train) & set(first.test)
    assert sorted([*first.train, *first.test]) == list(range(100))


def test_multiclass_random_splits_are_stratified() -> None:
    classes = np.repeat([0, 1, 2], [50, 30, 2])
    split = random_split(len(classes), 0, 0.2, classes)
    assert np.bincount(classes[split.test]).tolist() == [10, 6, 1]
    assert np.bincount(classes[split.train]).tolist() == [40, 24, 1]


def test_make_splits_repeats_with_consecutive_seeds_and_prefers_the_own_split() -> None:
    random = make_splits([""] * 50, repeats=3, seed=10)
    assert [s.seed for s in random] == [10, 11, 12] and all(s.kind == "random" for s in random)
    own = make_splits(["train"] * 4 + ["test"] * 2, repeats=2)
    assert all(s.kind == "own" for s in own) and np.array_equal(own[0].test, own[1].test)
    forced = make_splits(["train"] * 8 + ["test"] * 2, choice="random", test_size=0.5)
    assert forced[0].kind == "random" and len(forced[0].test) == 5
    with pytest.raises(SplitError, match="too few"):
        make_splits(["", ""], test_size=0.2)
    with pytest.raises(SplitError, match="repeats"):
        make_splits([""] * 10, repeats=0)


def test_standardiser_uses_training_rows_only_and_imputes_missing_values(tmp_path: Path) -> None:
    train = np.array([[1.0, 5.0, np.nan, 2.0], [3.0, 5.0, np.nan, np.nan], [5.0, 5.0, np.nan, 4.0]])
    scaler = Standardiser.fit(train, ["a", "b", "c", "d"])
    np.testing.assert_allclose(scaler.mean, [3.0, 5.0, 0.0, 3.0])
    np.testing.assert_allclose(scaler.scale, [np.sqrt(8 / 3), 1.0, 1.0, 1.0])
    test = np.array([[3.0, 7.0, 1.0, np.nan]])
    np.testing.assert_allclose(scaler.transform(test), [[0.0, 2.0, 1.0, 0.0]])
    scaler.save(tmp_path / "s.npz")
    loaded = Standardiser.load(tmp_path / "s.npz")
    assert loaded.names == ("a", "b", "c", "d")
    np.testing.assert_array_equal(loaded.transform(test), scaler.transform(test))
