"""Training and inference of taggers on labelled audio files (stages 2 and 3).

Training follows the paper's loop: every epoch visits the training tracks in a new random order,
takes **one random crop per track** and steps the optimiser on minibatches; the validation loss
is computed on non-overlapping segments with the track's labels repeated, and the weights with
the lowest validation loss (the initial weights included) are kept. Unlike the paper's code,
no track is dropped at the end of an epoch. A minibatch of one is merged into the previous one,
because the CNN head's BatchNorm cannot train on a single example.

Inference averages the sigmoid (multi-label) or softmax (multi-class) outputs of the windows of
each track, half-overlapping by default (the paper's protocol).
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch import nn

from featurize_msspt.audio import load_audio
from featurize_msspt.schedules import STOP, HalvingSchedule, PlateauSchedule
from featurize_msspt.tagger import Tagger
from featurize_msspt.windows import random_crop, segment_magnitudes, track_windows

Task = Literal["multilabel", "multiclass"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelledTracks:
    """Audio files and their targets: ``(n, n_tags)`` 0/1 floats or ``(n,)`` class indices."""

    paths: Sequence[Path]
    targets: np.ndarray

    def __len__(self) -> int:
        return len(self.paths)

    def subset(self, indices: np.ndarray) -> LabelledTracks:
        return LabelledTracks([self.paths[i] for i in indices], self.targets[indices])


def loss_function(task: Task) -> nn.Module:
    return nn.BCEWithLogitsLoss() if task == "multilabel" else nn.CrossEntropyLoss()


def target_tensor(targets: np.ndarray, task: Task) -> torch.Tensor:
    return torch.as_tensor(targets, dtype=torch.float32 if task == "multilabel" else torch.long)


def activation(logits: torch.Tensor, task: Task) -> torch.Tensor:
    return torch.sigmoid(logits) if task == "multilabel" else torch.softmax(logits, dim=-1)


def minibatches(order: np.ndarray, size: int) -> list[np.ndarray]:
    """Consecutive slices of ``order``; a trailing single item joins the previous batch."""
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    if len(batches) > 1 and len(batches[-1]) == 1:
        batches[-2:] = [np.concatenate(batches[-2:])]
    return batches


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def train_epoch(
    model: Tagger,
    data: LabelledTracks,
    task: Task,
    optimizer: torch.optim.Optimizer,
    batch_size: int,
    rng: np.random.Generator,
) -> float:
    """One pass with one random crop per track; returns the mean training loss."""
    model.train()
    criterion, device, frames = loss_function(task), _device(model), model.config.segment_frames
    total = 0.0
    for batch in minibatches(rng.permutation(len(data)), batch_size):
        crops = np.stack([random_crop(load_audio(data.paths[i]), frames, rng) for i in batch])
        loss = criterion(
            model(segment_magnitudes(crops).to(device)), target_tensor(data.targets[batch], task).to(device)
        )
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    return total / len(data)


@torch.no_grad()
def validation_loss(model: Tagger, data: LabelledTracks, task: Task, batch_size: int) -> float:
    """Mean segment loss over non-overlapping windows, each with its track's labels."""
    model.eval()
    criterion, device, frames = loss_function(task), _device(model), model.config.segment_frames
    total, count = 0.0, 0
    for path, target in zip(data.paths, data.targets, strict=True):
        windows = track_windows(load_audio(path), frames, frames)
        for start in range(0, len(windows), batch_size):
            batch = windows[start : start + batch_size].to(device)
            targets = target_tensor(np.repeat(target[None], len(batch), axis=0), task).to(device)
            total += criterion(model(batch), targets).item() * len(batch)
            count += len(batch)
    return total / count


def train_tagger(
    model: Tagger,
    train: LabelledTracks,
    valid: LabelledTracks | None,
    *,
    task: Task,
    schedule: PlateauSchedule | HalvingSchedule,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
) -> list[dict[str, float | int | str]]:
    """Fit ``model`` in place; returns one record per epoch (losses, optimiser, learning rate).

    Without validation tracks the selection and the schedule use the training loss, and the
    final weights are kept.
    """
    phase = schedule.first
    optimizer = phase.build(model.parameters())
    best_loss, best_state = math.inf, None
    if valid is not None:
        best_loss = validation_loss(model, valid, task, batch_size)
        best_state = copy.deepcopy(model.state_dict())
    history: list[dict[str, float | int | str]] = []
    for epoch in range(1, epochs + 1):
        record: dict[str, float | int | str] = {"epoch": epoch, "optimizer": phase.optimizer, "lr": phase.lr}
        record["train_loss"] = train_epoch(model, train, task, optimizer, batch_size, rng)
        current = record["train_loss"]
        if valid is not None:
            current = record["validation_loss"] = validation_loss(model, valid, task, batch_size)
        improved = current < best_loss
        if improved:
            best_loss = current
            best_state = copy.deepcopy(model.state_dict()) if valid is not None else None
        history.append(record)
        log.info("epoch %d: %s", epoch, ", ".join(f"{k}={v:.4g}" for k, v in record.items() if isinstance(v, float)))
        decision = schedule.update(epoch, improved)
        if decision == STOP:
            break
        if decision is not None:
            if best_state is not None:
                model.load_state_dict(best_state)
            phase = decision
            optimizer = phase.build(model.parameters())
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


@torch.no_grad()
def predict_tracks(model: Tagger, paths: Sequence[Path], task: Task, *, hop_frames: int, batch_size: int) -> np.ndarray:
    """``(n_tracks, n_outputs)`` track scores: the mean activation over each track's windows."""
    model.eval()
    device, frames = _device(model), model.config.segment_frames
    scores = np.empty((len(paths), model.config.n_outputs), dtype=np.float32)
    for row, path in enumerate(paths):
        windows = track_windows(load_audio(path), frames, hop_frames)
        outputs = [
            activation(model(windows[i : i + batch_size].to(device)), task) for i in range(0, len(windows), batch_size)
        ]
        scores[row] = torch.cat(outputs).mean(dim=0).cpu().numpy()
    return scores
