"""The JSON config that accompanies every weights file: what the tensors mean and how to feed them.

It names the architecture and width (to rebuild the network), the output order, the
front end (to rebuild the exact input representation), the normalisation statistics
computed on the training split, and what training produced (split sizes, Pearson r).
Everything is plain JSON, so a config can be read and checked without torch.
"""

from __future__ import annotations

import json
import math
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import attrs

from featurize_midlevel.catalog import ARCHITECTURES, FEATURE_NAMES

FORMAT = "featurize-midlevel"
FORMAT_VERSION = 1


def plugin_version() -> str:
    try:
        return version("featurize-midlevel")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _floats(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _positive_finite(_: Any, attribute: attrs.Attribute, values: tuple[float, ...]) -> None:
    if not values or not all(math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"{attribute.name} must be a non-empty list of positive finite numbers")


def _finite(_: Any, attribute: attrs.Attribute, values: tuple[float, ...]) -> None:
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError(f"{attribute.name} must be a non-empty list of finite numbers")


@attrs.frozen
class ModelConfig:
    """Everything but the tensors. Inputs are normalised as ``(x - input_mean) / input_std`` per
    frequency bin (one value: the same for every bin); outputs are ``y * target_std + target_mean``.
    """

    architecture: str = attrs.field(validator=attrs.validators.in_(tuple(ARCHITECTURES)))
    width: int = attrs.field(validator=[attrs.validators.instance_of(int), attrs.validators.gt(0)])
    frontend: dict[str, Any] = attrs.field(validator=attrs.validators.instance_of(dict))
    input_mean: tuple[float, ...] = attrs.field(converter=_floats, validator=_finite)
    input_std: tuple[float, ...] = attrs.field(converter=_floats, validator=_positive_finite)
    target_mean: tuple[float, ...] = attrs.field(converter=_floats, validator=_finite)
    target_std: tuple[float, ...] = attrs.field(converter=_floats, validator=_positive_finite)
    features: tuple[str, ...] = attrs.field(default=FEATURE_NAMES, converter=tuple)
    training: dict[str, Any] = attrs.field(factory=dict)
    version: str = attrs.field(factory=plugin_version)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def __attrs_post_init__(self) -> None:
        if self.format != FORMAT:
            raise ValueError(f"format is {self.format!r}, not {FORMAT!r}")
        if self.format_version > FORMAT_VERSION:
            raise ValueError(
                f"format_version {self.format_version} is newer than this plugin reads ({FORMAT_VERSION}); "
                "upgrade featurize-midlevel"
            )
        if self.features != FEATURE_NAMES:
            raise ValueError(f"features must be {list(FEATURE_NAMES)} in this order, got {list(self.features)}")
        if len(self.target_mean) != len(self.features) or len(self.target_std) != len(self.features):
            raise ValueError(f"target statistics need {len(self.features)} values each")
        if len(self.input_mean) != len(self.input_std):
            raise ValueError("input_mean and input_std differ in length")

    def to_json(self) -> str:
        return json.dumps(_json_safe(attrs.asdict(self)), indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        """Parse and validate; raises ``ValueError``/``TypeError`` with the reason."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("the config is not a JSON object")
        return cls(**data)


def _json_safe(value: Any) -> Any:
    """NaN (an undefined Pearson r) becomes ``null``: strict JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value
