"""Stage 1: pre-training the U-Net as a source separator on musdb18-HQ stems.

The recipe is the paper's: random-remix examples of 384 frames (61,792 samples), batch 8, Adam
(Keras epsilon) at a per-source rate, multiplied by 0.9 every 15k steps, 300k steps, time-domain
L1 loss. Single-source separators use max pooling, the multi-source one average pooling. A
checkpoint (safetensors + JSON) is written at every decay step and at the end; the validation
L1 on real mixtures of ``ROOT/valid`` (when that folder exists) is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from featurize_msspt.checkpoint import save_checkpoint
from featurize_msspt.config import MULTI, Size, UNetConfig, check_segment_frames, unet_preset
from featurize_msspt.frontend import segment_samples
from featurize_msspt.musdb import RemixSampler, load_split, real_examples, target_sources
from featurize_msspt.schedules import ADAM_EPS
from featurize_msspt.separator import Separator, separation_loss

DEFAULT_LR = {"vocals": 1e-3, "bass": 1e-4, "drums": 2e-4, "other": 3e-4, MULTI: 3e-4}
VALIDATION_CROPS = 32


@dataclass(frozen=True)
class PretrainSettings:
    """Stage-1 settings; ``lr=None`` takes the paper's rate for the source."""

    source: str = "vocals"
    size: Size = "full"
    steps: int = 300_000
    batch_size: int = 8
    lr: float | None = None
    decay_every: int = 15_000
    decay: float = 0.9
    validate_every: int = 1_000
    segment_frames: int = 384
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        target_sources(self.source)
        check_segment_frames(self.segment_frames)

    def unet(self) -> UNetConfig:
        multi = self.source == MULTI
        return unet_preset(self.size, n_sources=4 if multi else 1, pool="avg" if multi else "max")


def _tensors(batch: tuple[np.ndarray, np.ndarray], device: str) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.from_numpy(batch[0]).to(device), torch.from_numpy(batch[1]).to(device)


def train_step(
    separator: Separator, optimizer: torch.optim.Optimizer, mixture: torch.Tensor, targets: torch.Tensor
) -> float:
    """One optimiser step on the time-domain L1 loss; returns the loss."""
    separator.train()
    loss = separation_loss(separator, mixture, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def evaluate(separator: Separator, mixture: torch.Tensor, targets: torch.Tensor) -> float:
    separator.eval()
    return separation_loss(separator, mixture, targets).item()


def pretrain(
    root: Path, output: Path, settings: PretrainSettings, *, cache: Path, echo: Callable[[str], None] = print
) -> Path:
    """Train a separator on ``root/train`` and save it to ``output``; returns ``output``."""
    sources = target_sources(settings.source)
    train = load_split(root, "train", cache)
    valid = load_split(root, "valid", cache) if (root / "valid").is_dir() else []
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    length = segment_samples(settings.segment_frames)
    sampler = RemixSampler(train, settings.source, length, rng)
    validation = None
    if valid:
        held_out = real_examples(valid, settings.source, length, VALIDATION_CROPS, np.random.default_rng(settings.seed))
        validation = _tensors(held_out, settings.device)
    config = settings.unet()
    separator = Separator(config).to(settings.device)
    lr = DEFAULT_LR[settings.source] if settings.lr is None else settings.lr
    optimizer = torch.optim.Adam(separator.parameters(), lr=lr, eps=ADAM_EPS)
    decay = torch.optim.lr_scheduler.StepLR(optimizer, settings.decay_every, settings.decay)
    echo(f"stage 1: {settings.source} separator, {len(train)} training tracks, {len(valid)} validation tracks")
    losses: list[float] = []
    record: dict[str, float | int] = {}
    for step in range(1, settings.steps + 1):
        losses.append(train_step(separator, optimizer, *_tensors(sampler.batch(settings.batch_size), settings.device)))
        decay.step()
        last = step == settings.steps
        if step % settings.validate_every == 0 or last:
            record = {"step": step, "train_loss": float(np.mean(losses)), "lr": decay.get_last_lr()[0]}
            if validation is not None:
                record["validation_loss"] = evaluate(separator, *validation)
            echo(", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))
            losses = []
        if step % settings.decay_every == 0 or last:
            training = {**asdict(settings), "lr": lr, "step": step, "last_log": record}
            meta = {"unet": asdict(config), "sources": list(sources), "training": training}
            save_checkpoint(output, "separator", separator.state_dict(), meta)
    return output
