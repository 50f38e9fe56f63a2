"""Architecture configurations: full size (the paper's, exact parameter counts) and a tiny one for tests and CPUs.

Only widths, depths and the segment length vary between sizes; the topology (six U-Net levels
with post-pool skips, seven tail blocks, the adapters, the 16x16 AST patches, 256 linear bins
and 128 mel bands) is fixed, so a tiny model exercises exactly the code path of the full one.
The configurations are frozen dataclasses that round-trip through JSON (checkpoint configs).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Backbone = Literal["cnn", "ast"]
Size = Literal["full", "tiny"]
SIZES: tuple[str, ...] = ("full", "tiny")
BACKBONES: tuple[str, ...] = ("cnn", "ast")
SOURCES: tuple[str, ...] = ("vocals", "bass", "drums", "other")
MULTI = "multi"
"""The multi-source separator (four masks)."""

UNET_LEVELS = 6
CNN_BLOCKS = 7
TIME_MULTIPLE = 2**UNET_LEVELS
"""Six 2x poolings: the segment length in frames must be a multiple of 64."""
CNN_MIN_FRAMES = 192
"""The CNN tail pools time by 2**6 then 3; shorter segments would flatten to nothing."""
DEFAULT_LR = {"cnn": 1e-4, "ast": 5e-5}
DEFAULT_BATCH = {"cnn": 16, "ast": 4}
DEFAULT_EPOCHS = {"cnn": 200, "ast": 17}
"""The paper's fine-tuning settings per back-bone (the AST's 17 epochs end its fixed schedule)."""
KERAS_BN_MOMENTUM = 0.01
"""Keras' BatchNorm momentum 0.99 in torch's convention (weight of the new batch statistics)."""
TINY_BN_MOMENTUM = 0.1
"""Short CPU runs of the tiny models take tens of steps, too few for running statistics that
move by 1 % a step; torch's default 0.1 lets them settle."""


@dataclass(frozen=True)
class UNetConfig:
    """The separator: encoder/decoder widths, head width, number of masks and encoder pooling.

    ``pool`` is ``"max"`` for single-source separators and ``"avg"`` for the multi-source one,
    as in the paper's stage 1.
    """

    widths: tuple[int, ...] = (16, 32, 64, 128, 192, 192)
    head_width: int = 32
    n_sources: int = 1
    pool: Literal["max", "avg"] = "max"
    bn_momentum: float = KERAS_BN_MOMENTUM

    def __post_init__(self) -> None:
        if len(self.widths) != UNET_LEVELS:
            raise ValueError(f"the U-Net has {UNET_LEVELS} levels; got widths {self.widths}")
        if self.n_sources not in (1, 4):
            raise ValueError(f"n_sources must be 1 or 4, not {self.n_sources}")
        if self.pool not in ("max", "avg"):
            raise ValueError(f"pool must be 'max' or 'avg', not {self.pool!r}")


@dataclass(frozen=True)
class CNNConfig:
    """The Short-chunk CNN tail ("half filters, two convolutions per block", v2 widths).

    ``skips`` keeps the first ``skips`` adapter injections (blocks 1..skips, the finest ones).
    """

    widths: tuple[int, ...] = (64, 64, 128, 128, 128, 128, 256)
    dense: int = 512
    dropout: float = 0.5
    skips: int = 5
    bn_momentum: float = KERAS_BN_MOMENTUM

    def __post_init__(self) -> None:
        if len(self.widths) != CNN_BLOCKS:
            raise ValueError(f"the CNN tail has {CNN_BLOCKS} blocks; got widths {self.widths}")
        if not 0 <= self.skips <= UNET_LEVELS - 1:
            raise ValueError(f"skips must be between 0 and {UNET_LEVELS - 1}, not {self.skips}")


@dataclass(frozen=True)
class ASTConfig:
    """The ViT-B/16 style Audio Spectrogram Transformer tail.

    ``scaling`` is the min-max scaling of the input: ``"example"`` (per example, the default,
    so a track's scores do not depend on the other tracks of a batch) or ``"batch"`` (over the
    whole batch tensor, as the paper's code does).
    """

    dim: int = 768
    heads: int = 12
    mlp: int = 3072
    depth: int = 12
    dropout: float = 0.1
    layer_norm_eps: float = 1e-3
    scaling: Literal["example", "batch"] = "example"

    def __post_init__(self) -> None:
        if self.dim % self.heads:
            raise ValueError(f"dim {self.dim} is not divisible by heads {self.heads}")
        if self.depth < 11:
            raise ValueError(f"depth must be at least 11 (adapters feed blocks 2..10), not {self.depth}")
        if self.scaling not in ("example", "batch"):
            raise ValueError(f"scaling must be 'example' or 'batch', not {self.scaling!r}")


@dataclass(frozen=True)
class TaggerConfig:
    """A whole tagger: optional U-Net (``None``: the back-bone alone, stage 2), adapters, back-bone."""

    backbone: Backbone
    n_outputs: int
    segment_frames: int
    unet: UNetConfig | None = field(default_factory=UNetConfig)
    adaptation: bool = True
    cnn: CNNConfig = field(default_factory=CNNConfig)
    ast: ASTConfig = field(default_factory=ASTConfig)

    def __post_init__(self) -> None:
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone must be one of {BACKBONES}, not {self.backbone!r}")
        if self.n_outputs < 1:
            raise ValueError(f"n_outputs must be positive, not {self.n_outputs}")
        check_segment_frames(self.segment_frames)
        if self.backbone == "cnn" and self.segment_frames < CNN_MIN_FRAMES:
            raise ValueError(f"the CNN tail needs segment_frames >= {CNN_MIN_FRAMES}, not {self.segment_frames}")

    @property
    def in_channels(self) -> int:
        """Back-bone input channels: the log-mel of each separated source plus the mixture's."""
        return 1 if self.unet is None else self.unet.n_sources + 1

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaggerConfig:
        """Rebuild from :meth:`to_dict` output (JSON turns tuples into lists)."""
        unet = data.get("unet")
        return cls(
            backbone=data["backbone"],
            n_outputs=int(data["n_outputs"]),
            segment_frames=int(data["segment_frames"]),
            unet=None if unet is None else unet_from_dict(unet),
            adaptation=bool(data.get("adaptation", True)),
            cnn=CNNConfig(**{**data["cnn"], "widths": tuple(data["cnn"]["widths"])}),
            ast=ASTConfig(**data["ast"]),
        )


def check_segment_frames(frames: int) -> None:
    """Segments must survive the U-Net's six 2x poolings and align with its skips."""
    if frames <= 0 or frames % TIME_MULTIPLE:
        raise ValueError(f"segment_frames must be a positive multiple of {TIME_MULTIPLE}, not {frames}")


def unet_from_dict(data: dict[str, Any]) -> UNetConfig:
    return UNetConfig(**{**data, "widths": tuple(data["widths"])})


_UNET = {
    "full": UNetConfig(),
    "tiny": UNetConfig(widths=(4, 4, 8, 8, 8, 8), head_width=4, bn_momentum=TINY_BN_MOMENTUM),
}
_CNN = {
    "full": CNNConfig(),
    "tiny": CNNConfig(widths=(4, 4, 8, 8, 8, 8, 8), dense=16, bn_momentum=TINY_BN_MOMENTUM),
}
_AST = {"full": ASTConfig(), "tiny": ASTConfig(dim=32, heads=2, mlp=64)}
_FRAMES = {("cnn", "full"): 384, ("ast", "full"): 768, ("cnn", "tiny"): 192, ("ast", "tiny"): 256}
"""Segment lengths: 3.86 s (CNN) and 7.70 s (AST) at full size; 1.94 s and 2.58 s tiny."""


def unet_preset(size: Size, n_sources: int = 1, pool: Literal["max", "avg"] = "max") -> UNetConfig:
    """The U-Net of a size preset with ``n_sources`` masks."""
    _check_size(size)
    return dataclasses.replace(_UNET[size], n_sources=n_sources, pool=pool)


def tagger_preset(
    backbone: Backbone,
    size: Size,
    n_outputs: int,
    *,
    unet: UNetConfig | None = None,
    separation: bool = True,
    adaptation: bool = True,
    skips: int = 5,
    scaling: Literal["example", "batch"] = "example",
) -> TaggerConfig:
    """The tagger of a size preset.

    Parameters
    ----------
    unet
        The U-Net configuration (taken from a stage-1 checkpoint); the preset's single-source
        U-Net when ``None``.
    separation
        ``False`` builds the back-bone alone (stage 2, the paper's tail-only baseline).
    """
    _check_size(size)
    if backbone not in BACKBONES:
        raise ValueError(f"backbone must be one of {BACKBONES}, not {backbone!r}")
    return TaggerConfig(
        backbone=backbone,
        n_outputs=n_outputs,
        segment_frames=_FRAMES[backbone, size],
        unet=(unet or _UNET[size]) if separation else None,
        adaptation=adaptation,
        cnn=dataclasses.replace(_CNN[size], skips=skips),
        ast=dataclasses.replace(_AST[size], scaling=scaling),
    )


def _check_size(size: str) -> None:
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, not {size!r}")
