"""Training on the mid-level dataset: MSE with Adam, early stopping on the validation mean Pearson r.

The recipe follows Chowdhury et al. (2019): standardised targets, Adam (betas 0.75/0.9,
weight decay 1e-5), batch size 8, up to 200 epochs with patience 13 on the mean Pearson r
over the seven features on a seeded validation split; the test split is artist-disjoint.
Each epoch sees one random window per training clip (for the VGG model, whose
representation is a single window, always the same one). Validation and test go through
:meth:`MidlevelModel.predict`, the path extraction uses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import torch
from torch.nn import functional
from tqdm import tqdm

from featurize.errors import ExtractionError
from featurize.extraction import Track, TrackContext
from featurize_midlevel.catalog import ARCHITECTURES, DEFAULT_WIDTHS, FEATURE_NAMES
from featurize_midlevel.config import ModelConfig
from featurize_midlevel.dataset import Clip, Split, read_dataset, split_dataset
from featurize_midlevel.frontend import DEFAULT_FRONT_ENDS, SAMPLE_RATE, FrontEnd, random_window
from featurize_midlevel.model import MidlevelModel
from featurize_midlevel.networks import build_network
from featurize_midlevel.weights import save_model


@attrs.frozen
class TrainingOptions:
    """The knobs of ``featurize midlevel train``; defaults are the published recipe."""

    architecture: str = attrs.field(default="vgg", validator=attrs.validators.in_(tuple(ARCHITECTURES)))
    width: int | None = None
    """Base channel count; ``None``: the published width of the architecture."""
    epochs: int = 200
    batch_size: int = 8
    learning_rate: float = 1e-3
    weight_decay: float = 1e-5
    patience: int = 13
    test_fraction: float = 0.1
    validation_fraction: float = 0.2
    seed: int = 42
    threads: int = 0
    """torch CPU threads while training; 0: torch's default (all cores)."""


@attrs.frozen
class Prepared:
    """The clips whose audio decoded, their representations, and why the others were skipped."""

    clips: list[Clip]
    representations: list[np.ndarray]
    skipped: list[str]

    @property
    def ratings(self) -> np.ndarray:
        return np.array([c.ratings for c in self.clips], dtype=np.float64)


@attrs.frozen
class TrainingReport:
    """Per-feature Pearson r on validation and test, and the test MSE against a constant predictor."""

    validation_r: dict[str, float]
    test_r: dict[str, float]
    test_mse: float
    constant_mse: float
    """MSE of predicting the training mean for every test clip: the bar to beat."""
    best_epoch: int
    epochs_run: int
    clips: dict[str, int]
    skipped: tuple[str, ...]
    seconds: float

    def lines(self) -> list[str]:
        """The report as printed by the CLI."""
        rows = [f"{'feature':<22}{'validation r':>14}{'test r':>10}"]
        for name in FEATURE_NAMES:
            rows.append(f"{name:<22}{self.validation_r[name]:>14.3f}{self.test_r[name]:>10.3f}")
        rows.append(f"{'mean':<22}{_mean(self.validation_r):>14.3f}{_mean(self.test_r):>10.3f}")
        rows.append(f"test MSE {self.test_mse:.4f} (constant predictor: {self.constant_mse:.4f})")
        rows.append(f"best epoch {self.best_epoch} of {self.epochs_run}; clips {self.clips}; {self.seconds:.1f} s")
        return rows


def train(dataset_dir: Path, output: Path, options: TrainingOptions, *, progress: bool = True) -> TrainingReport:
    """Train on ``dataset_dir`` and save the best model (weights + JSON config) to ``output``."""
    started = time.perf_counter()
    frontend = DEFAULT_FRONT_ENDS[options.architecture]()
    prepared = prepare(read_dataset(dataset_dir), frontend, progress=progress)
    split = split_dataset(prepared.clips, options.test_fraction, options.validation_fraction, options.seed)
    ratings, representations = prepared.ratings, prepared.representations
    train_clips = list(split.train)
    with deterministic(options.seed, options.threads):
        model = new_model(options, frontend, [representations[i] for i in train_clips], ratings[train_clips])
        best_epoch, epochs_run = fit(model, representations, ratings, split, options, progress=progress)
    report = evaluate(model, prepared, split, best_epoch, epochs_run, time.perf_counter() - started)
    training = {
        "dataset": str(dataset_dir),
        "options": attrs.asdict(options),
        "test_ids": [prepared.clips[i].id for i in split.test],
        "report": attrs.asdict(report),
    }
    save_model(MidlevelModel(model.network, attrs.evolve(model.config, training=training)), output)
    return report


def new_model(
    options: TrainingOptions, frontend: FrontEnd, representations: Sequence[np.ndarray], ratings: np.ndarray
) -> MidlevelModel:
    """An untrained model normalised by the training clips' ``representations`` and ``ratings``.

    Seed torch first (see :func:`deterministic`): the initial weights are random.
    """
    width = options.width or DEFAULT_WIDTHS[options.architecture]
    input_mean, input_std = input_statistics(representations, frontend)
    config = ModelConfig(
        architecture=options.architecture,
        width=width,
        frontend=frontend.to_dict(),
        input_mean=input_mean,
        input_std=input_std,
        target_mean=ratings.mean(axis=0),
        target_std=_nonzero(ratings.std(axis=0)),
    )
    return MidlevelModel(build_network(options.architecture, width, len(FEATURE_NAMES)), config)


def prepare(clips: Sequence[Clip], frontend: FrontEnd, *, progress: bool = True) -> Prepared:
    """Decode every clip as extraction does (mono, 22,050 Hz) and compute its representation once."""
    kept, representations, skipped = [], [], []
    for clip in tqdm(clips, desc="analysing audio", unit="clip", disable=not progress):
        try:
            audio = TrackContext(Track(clip.id, clip.path)).audio(sr=SAMPLE_RATE, mono=True)
        except ExtractionError as error:
            skipped.append(str(error))
            continue
        kept.append(clip)
        representations.append(frontend.representation(audio))
    return Prepared(kept, representations, skipped)


def input_statistics(representations: Sequence[np.ndarray], frontend: FrontEnd) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over all training frames, per bin or single (see the front end)."""
    total = sum(r.sum(axis=1, dtype=np.float64) for r in representations)
    squares = sum(np.square(r, dtype=np.float64).sum(axis=1) for r in representations)
    count = sum(r.shape[1] for r in representations)
    if not frontend.per_bin_normalisation:
        total, squares = np.atleast_1d(np.sum(total)), np.atleast_1d(np.sum(squares))
        count *= frontend.n_bins
    mean = total / count
    return mean, _nonzero(np.sqrt(np.maximum(squares / count - mean**2, 0.0)))


def fit(
    model: MidlevelModel,
    representations: Sequence[np.ndarray],
    ratings: np.ndarray,
    split: Split,
    options: TrainingOptions,
    *,
    progress: bool = True,
) -> tuple[int, int]:
    """Train ``model.network`` in place, keep the weights of the best validation epoch.

    Returns the best epoch and the number of epochs run.
    """
    network = model.network
    optimiser = torch.optim.Adam(
        network.parameters(), lr=options.learning_rate, betas=(0.75, 0.9), weight_decay=options.weight_decay
    )
    targets = model.standardise(ratings).astype(np.float32)
    validation = [representations[i] for i in split.validation]
    rng = np.random.default_rng(options.seed)
    best_score, best_epoch, best_state, waited = -np.inf, 0, _copy_state(network), 0
    bar = tqdm(range(1, options.epochs + 1), desc="training", unit="epoch", disable=not progress)
    epoch = 0
    for epoch in bar:
        loss = _train_epoch(model, optimiser, representations, targets, split.train, options.batch_size, rng, progress)
        score = _mean_r(pearson(model.predict(validation), ratings[list(split.validation)]))
        if score > best_score:
            best_score, best_epoch, best_state, waited = score, epoch, _copy_state(network), 0
        else:
            waited += 1
        bar.set_postfix(loss=f"{loss:.3f}", val_r=f"{score:.3f}", best=best_epoch)
        if waited >= options.patience:
            break
    network.load_state_dict(best_state)
    return best_epoch, epoch


def evaluate(
    model: MidlevelModel, prepared: Prepared, split: Split, best_epoch: int, epochs_run: int, seconds: float
) -> TrainingReport:
    """Pearson r per feature on validation and test; test MSE against the training-mean predictor."""
    ratings, representations = prepared.ratings, prepared.representations
    validation, test = list(split.validation), list(split.test)
    predicted_test = model.predict([representations[i] for i in test])
    constant = ratings[list(split.train)].mean(axis=0)
    return TrainingReport(
        validation_r=_by_name(pearson(model.predict([representations[i] for i in validation]), ratings[validation])),
        test_r=_by_name(pearson(predicted_test, ratings[test])),
        test_mse=float(np.mean((predicted_test - ratings[test]) ** 2)),
        constant_mse=float(np.mean((constant - ratings[test]) ** 2)),
        best_epoch=best_epoch,
        epochs_run=epochs_run,
        clips={"train": len(split.train), "validation": len(validation), "test": len(test)},
        skipped=tuple(prepared.skipped),
        seconds=seconds,
    )


def pearson(predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Pearson r per column of ``(n, k)`` arrays; NaN where either column is constant."""
    p = predicted - predicted.mean(axis=0)
    a = actual - actual.mean(axis=0)
    denominator = np.sqrt((p**2).sum(axis=0) * (a**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, (p * a).sum(axis=0) / denominator, np.nan)


@contextmanager
def deterministic(seed: int, threads: int = 0) -> Iterator[None]:
    """Seed torch, require deterministic kernels and fix the thread count (> 0) for the duration."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    if threads > 0:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous[0])
        torch.set_num_threads(previous[1])


def _train_epoch(
    model: MidlevelModel,
    optimiser: torch.optim.Optimizer,
    representations: Sequence[np.ndarray],
    targets: np.ndarray,
    train: Sequence[int],
    batch_size: int,
    rng: np.random.Generator,
    progress: bool,
) -> float:
    """One pass over the training clips in random order, one random window each; returns the mean loss."""
    model.network.train()
    frames = model.frontend.window_frames
    order = rng.permutation(np.asarray(train))
    total = 0.0
    starts = range(0, len(order), batch_size)
    for start in tqdm(starts, desc="batches", unit="batch", leave=False, disable=not progress):
        batch = order[start : start + batch_size]
        inputs = model.inputs(np.stack([random_window(representations[i], frames, rng) for i in batch]))
        loss = functional.mse_loss(model.network(inputs), torch.from_numpy(targets[batch]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        total += loss.item() * len(batch)
    return total / len(order)


def _nonzero(std: np.ndarray) -> np.ndarray:
    """A zero spread (constant data) would divide by zero: use 1 instead."""
    return np.where(std > 0, std, 1.0)


def _copy_state(network: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in network.state_dict().items()}


def _mean_r(r: np.ndarray) -> float:
    """Mean Pearson r for early stopping; an undefined r (constant prediction) counts as 0."""
    return float(np.nan_to_num(r, nan=0.0).mean())


def _by_name(values: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(FEATURE_NAMES, values, strict=True)}


def _mean(values: dict[str, Any]) -> float:
    return _mean_r(np.array(list(values.values()), dtype=np.float64))
