"""Matching labels to store tracks, task detection and target preparation."""

from __future__ import annotations

import numpy as np
import pytest

from featurize.learn.labels import LabelError, LabelSet
from featurize.learn.targets import align, detect_task, make_targets, targets_for


def labels(
    ids: list[str],
    indicator: list[list[int]],
    *,
    paths: list[str] | None = None,
    single: bool = False,
    names: tuple[str, ...] | None = None,
) -> LabelSet:
    array = np.array(indicator, dtype=np.uint8)
    return LabelSet(
        "labels.csv",
        "generic",
        ids,
        names or tuple(f"t{i}" for i in range(array.shape[1])),
        array,
        paths or [""] * len(ids),
        [""] * len(ids),
        single_label=single,
    )


def test_matching_by_id_path_tail_and_number() -> None:
    store_ids = ["rock/song1", "14/214", "000/000002", "other"]
    store_paths = ["/music/rock/song1.flac", "/jamendo/14/214.mp3", "/fma/000/000002.mp3", "/x/other.wav"]
    found = labels(
        ["rock/song1", "track_0000214", "2", "ghost"],
        [[1], [0], [1], [1]],
        paths=["", "14/214.low.mp3", "", ""],
    )
    alignment = align(found, store_ids, store_paths)
    assert dict(zip(alignment.label_rows.tolist(), alignment.store_rows.tolist(), strict=True)) == {0: 0, 1: 1, 2: 2}
    assert alignment.unmatched == ("ghost",)
    assert alignment.unlabelled == ("other",)
    notes = " ".join(alignment.notes())
    assert "1 labelled track(s) are not in the store (e.g. ghost)" in notes
    assert "1 store track(s) have no labels" in notes


def test_a_key_that_fits_several_tracks_is_not_used() -> None:
    alignment = align(labels(["song"], [[1]]), ["a/song", "b/song"], ["", ""])
    assert alignment.unmatched == ("song",) and len(alignment.label_rows) == 0
    assert align(labels(["a/song"], [[1]]), ["a/song", "b/song"]).store_rows.tolist() == [0]


def test_task_detection_and_override() -> None:
    one_each = labels(["a", "b", "c"], [[1, 0], [0, 1], [1, 0]])
    rows = np.arange(3)
    assert detect_task(one_each, rows) == "multiclass"
    assert make_targets(one_each, rows).task == "multiclass"
    forced = make_targets(one_each, rows, "multilabel")
    assert forced.task == "multilabel" and forced.y.shape == (3, 2)
    several = labels(["a", "b", "c"], [[1, 1], [0, 1], [1, 0]])
    assert detect_task(several, rows) == "multilabel"
    with pytest.raises(LabelError, match="exactly one tag per track, but 1 track"):
        make_targets(several, rows, "multiclass")


def test_a_tag_without_positives_is_dropped_with_a_note() -> None:
    found = labels(["a", "b", "c", "d"], [[1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1]], names=("x", "y", "z"))
    targets = make_targets(found, np.arange(4))
    assert targets.names == ("x",) and targets.dropped == ("y", "z")
    assert any("tag 'y' dropped: no one of the 4 used tracks has it" in n for n in targets.notes)
    assert any("tag 'z' dropped: every one" in n for n in targets.notes)


def test_no_usable_tag_one_class_and_no_overlap_are_errors() -> None:
    with pytest.raises(LabelError, match="no tag has both positive and negative"):
        make_targets(labels(["a", "b"], [[1, 1], [1, 0]], names=("x", "y")), np.array([0]), "multilabel")
    with pytest.raises(LabelError, match="at least two classes"):
        make_targets(labels(["a", "b"], [[1, 0], [1, 0]], single=True), np.arange(2))
    with pytest.raises(LabelError, match="no labelled track is in the store"):
        make_targets(labels(["a"], [[1]]), np.array([], dtype=np.int64))


def test_multiclass_codes_index_the_class_names() -> None:
    targets = make_targets(labels(["a", "b", "c"], [[0, 1, 0], [0, 0, 1], [0, 1, 0]], single=True), np.arange(3))
    assert targets.names == ("t1", "t2") and targets.y.tolist() == [0, 1, 0]


def test_targets_for_a_trained_model() -> None:
    found = labels(["a", "b", "c"], [[1, 0, 1], [0, 1, 0], [1, 1, 0]], names=("x", "y", "z"))
    targets, kept = targets_for(found, np.arange(3), "multilabel", ("z", "x"))
    assert targets.y.tolist() == [[1, 1], [0, 0], [0, 1]] and kept.tolist() == [0, 1, 2]
    with pytest.raises(LabelError, match="the model's tag\\(s\\) w are not in the labels"):
        targets_for(found, np.arange(3), "multilabel", ("w",))
    classes = labels(["a", "b", "c"], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], names=("x", "y", "z"), single=True)
    targets, kept = targets_for(classes, np.arange(3), "multiclass", ("y", "x"))
    assert targets.y.tolist() == [1, 0] and kept.tolist() == [0, 1]
    assert "1 track(s) have no class the model knows" in targets.notes[0]
