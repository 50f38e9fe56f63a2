"""Where weights live, and saving/loading them: safetensors for tensors, JSON for the config.

A model is two files side by side, ``<name>.safetensors`` and ``<name>.json``. Nothing
here unpickles: a pickle (a ``torch.save`` checkpoint, say) passed as weights is refused
as not being a safetensors file.

Default location: ``$FEATURIZE_MIDLEVEL_DIR/<architecture>.safetensors``, else
``${XDG_CACHE_HOME:-~/.cache}/featurize/midlevel/<architecture>.safetensors``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from featurize.errors import ExtractionError, MissingWeightsError
from featurize_midlevel.config import FORMAT, ModelConfig
from featurize_midlevel.model import MidlevelModel
from featurize_midlevel.networks import build_network

DIR_ENV = "FEATURIZE_MIDLEVEL_DIR"
DATASET_URL = "https://osf.io/5aupt"


class WeightsError(ExtractionError):
    """Weights files exist but cannot be used: corrupt, not ours, or not matching their config."""


def default_weights_dir() -> Path:
    """``$FEATURIZE_MIDLEVEL_DIR``, else ``${XDG_CACHE_HOME:-~/.cache}/featurize/midlevel``."""
    if os.environ.get(DIR_ENV):
        return Path(os.environ[DIR_ENV]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
    return cache / "featurize" / "midlevel"


def default_weights_path(architecture: str) -> Path:
    return default_weights_dir() / f"{architecture}.safetensors"


def config_path(weights: Path) -> Path:
    """The JSON config that belongs to a weights file."""
    return weights.with_suffix(".json")


def save_model(model: MidlevelModel, weights: Path) -> None:
    """Write ``weights`` (safetensors) and its JSON config, each atomically."""
    weights.parent.mkdir(parents=True, exist_ok=True)
    tensors = {name: t.detach().contiguous().cpu() for name, t in model.network.state_dict().items()}
    metadata = {"format": FORMAT, "architecture": model.config.architecture}
    _atomic_write(weights, lambda path: save_file(tensors, str(path), metadata=metadata))
    _atomic_write(config_path(weights), lambda path: path.write_text(model.config.to_json(), encoding="utf-8"))


def load_model(weights: Path, architecture: str) -> MidlevelModel:
    """Load a model saved by :func:`save_model`, in eval mode.

    Raises
    ------
    MissingWeightsError
        Either file is absent; the message says how to train or where to put them.
    WeightsError
        A file is corrupt, not a featurize-midlevel model, for another architecture, or
        its tensors do not fit the network its config describes.
    """
    weights = Path(weights).expanduser()
    config_file = config_path(weights)
    missing = [p for p in (weights, config_file) if not p.is_file()]
    if missing:
        raise MissingWeightsError(missing_weights_message(weights, architecture, missing))
    config = _read_config(config_file)
    if config.architecture != architecture:
        raise WeightsError(
            f"{weights}: holds a {config.architecture!r} model (see {config_file.name}) but the architecture "
            f"asked for is {architecture!r}; pass --midlevel-architecture {config.architecture}"
        )
    network = build_network(config.architecture, config.width, len(config.features))
    try:
        network.load_state_dict(_read_tensors(weights), strict=True)
    except RuntimeError as error:
        reason = str(error).splitlines()[0]
        raise WeightsError(
            f"{weights}: its tensors do not fit the {config.architecture} network of width {config.width} "
            f"described in {config_file.name} ({reason})"
        ) from error
    network.eval()
    try:
        return MidlevelModel(network, config)
    except (ValueError, TypeError) as error:
        raise WeightsError(f"{config_file}: not a valid featurize-midlevel config: {error}") from error


def missing_weights_message(weights: Path, architecture: str, missing: list[Path]) -> str:
    absent = " and ".join(str(p) for p in missing)
    return (
        f"midlevel: no {architecture} model weights: {absent} not found. No pretrained mid-level weights can be "
        f"redistributed, so train them once on the Aljanaki & Soleymani mid-level dataset ({DATASET_URL}):\n"
        f"  featurize midlevel train DATASET_DIR --architecture {architecture} -o {weights}\n"
        f"or pass --midlevel-weights PATH (a .safetensors file with its .json config beside it), or set "
        f"{DIR_ENV} to a directory holding {architecture}.safetensors and {architecture}.json."
    )


def _read_config(path: Path) -> ModelConfig:
    try:
        return ModelConfig.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as error:
        raise WeightsError(f"{path}: not a valid featurize-midlevel config: {error}") from error


def _read_tensors(path: Path) -> dict[str, torch.Tensor]:
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
            if metadata.get("format") != FORMAT:
                raise WeightsError(f"{path}: a safetensors file, but not a {FORMAT} model (metadata {metadata})")
            return {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118 - not a dict
    except (SafetensorError, OSError) as error:
        raise WeightsError(f"{path}: not a readable safetensors file ({error}); retrain or copy it again") from error


def _atomic_write(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same directory, then rename over ``target``."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        write(temporary)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
