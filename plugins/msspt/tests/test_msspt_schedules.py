"""The paper's fine-tuning schedules and best-epoch selection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from featurize_msspt.config import tagger_preset
from featurize_msspt.finetune import LabelledTracks, minibatches, train_tagger, validation_loss
from featurize_msspt.schedules import STOP, HalvingSchedule, Phase, PlateauSchedule
from featurize_msspt.tagger import Tagger


def test_cnn_schedule_switches_after_patience_then_stops() -> None:
    schedule = PlateauSchedule(1e-4, patience=2)
    assert schedule.first == Phase("adam", 1e-4)
    decisions = [schedule.update(epoch, improved) for epoch, improved in enumerate([True, False, True, False], 1)]
    assert decisions == [None, None, None, None], "an improvement resets the patience"
    assert schedule.update(5, False) == Phase("sgd", 1e-3)
    assert [schedule.update(e, False) for e in range(6, 10)] == [None, Phase("sgd", 1e-4), None, Phase("sgd", 1e-5)]
    assert [schedule.update(e, False) for e in (10, 11)] == [None, STOP]


def test_ast_schedule_halves_five_times_then_sgd_then_stops_at_17() -> None:
    schedule = HalvingSchedule(5e-5)
    decisions = {epoch: schedule.update(epoch, True) for epoch in range(1, 18)}
    switches = {epoch: d for epoch, d in decisions.items() if d is not None}
    assert list(switches) == [5, 7, 9, 11, 13, 15, 17]
    assert [d.lr for d in list(switches.values())[:5]] == [2.5e-5, 1.25e-5, 6.25e-6, 3.125e-6, 1.5625e-6]
    assert switches[15] == Phase("sgd", 1e-3) and switches[17] == STOP


def test_minibatches_never_leave_a_single_example() -> None:
    assert [len(b) for b in minibatches(np.arange(9), 4)] == [4, 5]
    assert [len(b) for b in minibatches(np.arange(8), 4)] == [4, 4]
    assert [len(b) for b in minibatches(np.arange(2), 4)] == [2]


def test_training_keeps_the_weights_of_the_best_validation_loss(training_clips: tuple[list[Path], np.ndarray]) -> None:
    paths, tags = training_clips
    targets = tags.astype(np.float32)
    train, valid = LabelledTracks(paths[:8], targets[:8]), LabelledTracks(paths[8:12], targets[8:12])
    model = Tagger(tagger_preset("cnn", "tiny", 2))
    initial = validation_loss(model, valid, "multilabel", 4)
    history = train_tagger(
        model,
        train,
        valid,
        task="multilabel",
        schedule=PlateauSchedule(3e-2, patience=1),
        epochs=3,
        batch_size=4,
        rng=np.random.default_rng(0),
    )
    best = min(initial, *(record["validation_loss"] for record in history))
    assert validation_loss(model, valid, "multilabel", 4) == pytest.approx(best, rel=1e-5)
