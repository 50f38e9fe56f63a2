"""The scikit-learn style estimator behind the ``msspt-cnn`` and ``msspt-ast`` models.

It learns from audio files, not from a feature matrix: ``fit(paths, Y)`` with ``Y`` either
``(n, n_tags)`` 0/1 (multi-label, sigmoid outputs, binary cross-entropy) or ``(n,)`` labels
(multi-class, softmax outputs, cross-entropy). Stage 3 of the paper is ``fit`` with a stage-1
separator (``pretrained``) and optionally a stage-2 back-bone (``backbone_weights``); with
``separation=False`` it trains the back-bone alone, which is stage 2 (and the paper's tail-only
baseline). It follows the core's estimator conventions (:class:`featurize.learn.base.Estimator`);
fitted models save to safetensors plus JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import torch

from featurize.learn.base import Estimator, encode_targets, not_fitted
from featurize_msspt.checkpoint import read_config, read_weights, save_checkpoint
from featurize_msspt.config import (
    DEFAULT_BATCH,
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    Backbone,
    Size,
    TaggerConfig,
    tagger_preset,
    unet_preset,
)
from featurize_msspt.finetune import LabelledTracks, Task, predict_tracks, train_tagger
from featurize_msspt.initialise import load_backbone, load_separator, separator_config
from featurize_msspt.schedules import HalvingSchedule, PlateauSchedule
from featurize_msspt.tagger import Tagger
from featurize_msspt.vit import load_vit


def training_targets(y: Any, n_tracks: int) -> tuple[Task, np.ndarray, np.ndarray | None]:
    """The task, the network's targets and (multi-class) the sorted classes of ``y``.

    Multi-label: the ``(n, n_tags)`` 0/1 matrix (sigmoid outputs). Multi-class: class indices
    for one softmax output per class, two classes included.
    """
    encoding = encode_targets(y, n_tracks)
    if encoding.multilabel:
        return "multilabel", encoding.indicator.astype(np.float32), None
    indicator = encoding.indicator
    codes = indicator[:, 0] if len(encoding.classes) == 2 else indicator.argmax(axis=1)
    return "multiclass", codes.astype(np.int64), encoding.classes


class MssptTagger(Estimator):
    """U-Net (pre-trained by source separation) + Short-chunk CNN or AST tagger, on audio files.

    Parameters
    ----------
    backbone
        ``"cnn"`` (3.86 s segments) or ``"ast"`` (7.70 s segments).
    size
        ``"full"`` (the paper's widths) or ``"tiny"`` (same topology, a few thousand weights).
    pretrained
        Stage-1 separator checkpoint directory (``featurize msspt pretrain``); random U-Net if unset.
    backbone_weights
        Stage-2 checkpoint directory (``featurize msspt backbone``); random back-bone if unset.
    vit_weights
        AST only: Google's ViT-B/16 ImageNet ``.npz`` to initialise the AST and adapters G1..G4.
    sources
        Masks of a random U-Net (1, or 4 for multi-source); a pre-trained one brings its own.
    separation
        ``False`` trains the back-bone alone on the mixture's log-mel (stage 2).
    adaptation
        Use the feature adaptation module (v2); ``False`` joins U-Net and back-bone only through the masks.
    skips
        CNN only: number of adapter injections kept (blocks 1..skips).
    epochs, lr, batch_size, patience
        Training length and schedule; ``None`` takes the paper's value for the back-bone
        (CNN: 200 epochs, Adam 1e-4, batch 16, patience 11; AST: 17 epochs, Adam 5e-5, batch 4).
    validation_fraction
        Share of the tracks held out to pick the best epoch; 0 keeps the last epoch.
    overlap
        ``"half"`` (windows every half segment, the paper's) or ``"none"`` at prediction.
    scaling
        AST only: input min-max scaling per ``"example"`` or over the ``"batch"`` (paper).
    threshold
        Multi-label ``predict`` threshold on the averaged sigmoid scores.
    seed, device
        Random seed (weights, splits, crops) and torch device (``"cpu"``, ``"cuda"``).
    """

    estimator_kind: ClassVar[Literal["classifier"]] = "classifier"

    def __init__(
        self,
        backbone: Backbone = "cnn",
        size: Size = "full",
        pretrained: str | Path | None = None,
        backbone_weights: str | Path | None = None,
        vit_weights: str | Path | None = None,
        sources: int = 1,
        separation: bool = True,
        adaptation: bool = True,
        skips: int = 5,
        epochs: int | None = None,
        lr: float | None = None,
        batch_size: int | None = None,
        patience: int = 11,
        validation_fraction: float = 0.1,
        overlap: Literal["half", "none"] = "half",
        scaling: Literal["example", "batch"] = "example",
        threshold: float = 0.5,
        seed: int = 0,
        device: str = "cpu",
    ) -> None:
        self.backbone = backbone
        self.size = size
        self.pretrained = pretrained
        self.backbone_weights = backbone_weights
        self.vit_weights = vit_weights
        self.sources = sources
        self.separation = separation
        self.adaptation = adaptation
        self.skips = skips
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.overlap = overlap
        self.scaling = scaling
        self.threshold = threshold
        self.seed = seed
        self.device = device

    # -- configuration -------------------------------------------------------------------

    def _setting(self, name: str, defaults: dict[str, Any]) -> Any:
        value = getattr(self, name)
        return defaults[self.backbone] if value is None else value

    def _tagger_config(self, n_outputs: int) -> TaggerConfig:
        if self.separation and self.pretrained:
            unet = separator_config(self.pretrained)
        else:
            unet = unet_preset(self.size, n_sources=self.sources)
        return tagger_preset(
            self.backbone,
            self.size,
            n_outputs,
            unet=unet,
            separation=self.separation,
            adaptation=self.adaptation,
            skips=self.skips,
            scaling=self.scaling,
        )

    def _initialise(self, model: Tagger) -> None:
        """Load the requested checkpoints: ViT first, so a stage-2 back-bone overrides it."""
        if self.vit_weights:
            if self.backbone != "ast":
                raise ValueError("vit_weights initialises the AST back-bone; this model uses the CNN")
            load_vit(self.vit_weights, model.backbone, model.adapter)  # type: ignore[arg-type]
        if self.separation and self.pretrained:
            load_separator(model, self.pretrained)
        if self.backbone_weights:
            load_backbone(model, self.backbone_weights)

    def _schedule(self) -> PlateauSchedule | HalvingSchedule:
        lr = self._setting("lr", DEFAULT_LR)
        return PlateauSchedule(lr, self.patience) if self.backbone == "cnn" else HalvingSchedule(lr)

    def _hop_frames(self) -> int:
        if self.overlap not in ("half", "none"):
            raise ValueError(f"overlap must be 'half' or 'none', not {self.overlap!r}")
        frames = self.model_.config.segment_frames
        return frames // 2 if self.overlap == "half" else frames

    # -- scikit-learn API ----------------------------------------------------------------

    def fit(self, paths: Sequence[str | Path], y: Any) -> MssptTagger:
        """Fine-tune on the audio files ``paths`` with targets ``y``; returns ``self``."""
        if self.pretrained and not self.separation:
            raise ValueError("pretrained (a stage-1 separator) needs separation=True")
        paths = [Path(p) for p in paths]
        task, targets, classes = training_targets(y, len(paths))
        if len(paths) < 2:
            raise ValueError("fitting needs at least two tracks")
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        model = Tagger(self._tagger_config(targets.shape[1] if task == "multilabel" else len(classes)))
        self._initialise(model)
        model.to(self.device)
        data = LabelledTracks(paths, targets)
        order = rng.permutation(len(data))
        held_out = int(len(data) * self.validation_fraction)
        if held_out and len(data) - held_out >= 2:
            train, valid = data.subset(order[held_out:]), data.subset(order[:held_out])
        else:
            train, valid = data, None
        self.history_ = train_tagger(
            model,
            train,
            valid,
            task=task,
            schedule=self._schedule(),
            epochs=self._setting("epochs", DEFAULT_EPOCHS),
            batch_size=self._setting("batch_size", DEFAULT_BATCH),
            rng=rng,
        )
        self._set_fitted(model, task, classes)
        return self

    def _set_fitted(self, model: Tagger, task: Task, classes: np.ndarray | None) -> None:
        self.model_ = model
        self.task_ = task
        self.n_outputs_ = model.config.n_outputs
        if classes is not None:
            self.classes_ = classes

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise not_fitted(self)

    def decision_function(self, paths: Sequence[str | Path]) -> np.ndarray:
        """``(n_tracks, n_outputs)`` scores: mean sigmoid (multi-label) or softmax (multi-class) over windows."""
        self._check_fitted()
        return predict_tracks(
            self.model_.to(self.device),
            [Path(p) for p in paths],
            self.task_,
            hop_frames=self._hop_frames(),
            batch_size=self._setting("batch_size", DEFAULT_BATCH),
        )

    def predict(self, paths: Sequence[str | Path]) -> np.ndarray:
        """0/1 tags (scores above ``threshold``) or the most probable class label per track."""
        scores = self.decision_function(paths)
        if self.task_ == "multilabel":
            return (scores >= self.threshold).astype(np.int64)
        return self.classes_[scores.argmax(axis=1)]

    # -- persistence ---------------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        """Write ``model.safetensors`` and ``config.json`` (architecture, task, classes, params, history)."""
        self._check_fitted()
        params = {k: str(v) if isinstance(v, Path) else v for k, v in self.get_params().items()}
        config = {
            "tagger": self.model_.config.to_dict(),
            "task": self.task_,
            "classes": self.classes_.tolist() if self.task_ == "multiclass" else None,
            "params": params,
            "history": self.history_,
        }
        return save_checkpoint(directory, "tagger", self.model_.state_dict(), config)

    @classmethod
    def load(cls, directory: str | Path) -> MssptTagger:
        """Restore a tagger written by :meth:`save` (on the CPU until it predicts on its ``device``)."""
        config = read_config(directory, "tagger")
        estimator = cls(**config["params"])
        model = Tagger(TaggerConfig.from_dict(config["tagger"]))
        model.load_state_dict(read_weights(directory))
        model.eval()
        classes = None if config["classes"] is None else np.asarray(config["classes"])
        estimator._set_fitted(model, config["task"], classes)
        estimator.history_ = config["history"]
        return estimator
