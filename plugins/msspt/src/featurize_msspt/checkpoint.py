"""Checkpoints: a directory with ``model.safetensors`` (weights, never a pickle) and ``config.json``.

``config.json`` carries the format name and version, the checkpoint *kind* and everything needed
to rebuild the network. Kinds:

- ``separator``: a stage-1 U-Net (``featurize msspt pretrain``);
- ``tagger``: a fitted :class:`~featurize_msspt.estimator.MssptTagger`; one without U-Net is a
  stage-2 back-bone (``featurize msspt backbone``).
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import torch

from featurize.errors import FeaturizeError, MissingWeightsError

FORMAT = "featurize-msspt"
FORMAT_VERSION = 1
WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
HINTS = {
    "separator": "train one with `featurize msspt pretrain MUSDB18HQ_DIR -o DIR` (stage 1) and pass that DIR",
    "tagger": "train one with `featurize msspt backbone` (stage 2) or `featurize train --model msspt-cnn|msspt-ast`",
}


class CheckpointError(FeaturizeError):
    """A checkpoint directory exists but is not what was asked for (format, kind, shapes)."""


def plugin_version() -> str:
    try:
        return version("featurize-msspt")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def save_checkpoint(directory: Path | str, kind: str, state: dict[str, torch.Tensor], config: dict[str, Any]) -> Path:
    """Write ``state`` and ``config`` (JSON-serialisable) into ``directory``; returns it."""
    from safetensors.torch import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {name: tensor.detach().cpu().contiguous() for name, tensor in state.items()}
    save_file(tensors, directory / WEIGHTS_FILE, metadata={"format": FORMAT, "kind": kind})
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "versions": {"featurize-msspt": plugin_version(), "torch": torch.__version__},
        **config,
    }
    (directory / CONFIG_FILE).write_text(json.dumps(header, indent=2, sort_keys=True) + "\n")
    return directory


def read_config(directory: Path | str, kind: str) -> dict[str, Any]:
    """The ``config.json`` of a ``kind`` checkpoint; a clear error when absent or of another kind."""
    directory = Path(directory)
    missing = [name for name in (WEIGHTS_FILE, CONFIG_FILE) if not (directory / name).is_file()]
    if missing:
        raise MissingWeightsError(
            f"{directory}: no msspt {kind} checkpoint there ({' and '.join(missing)} missing); {HINTS[kind]}"
        )
    try:
        config = json.loads((directory / CONFIG_FILE).read_text())
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{directory / CONFIG_FILE}: not valid JSON ({error})") from error
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(f"{directory / CONFIG_FILE}: not a {FORMAT} checkpoint")
    if config.get("format_version", 0) > FORMAT_VERSION:
        raise CheckpointError(
            f"{directory}: checkpoint format {config['format_version']} is newer than this plugin's "
            f"({FORMAT_VERSION}); upgrade featurize-msspt"
        )
    if config.get("kind") != kind:
        raise CheckpointError(f"{directory}: a {config.get('kind')} checkpoint, where a {kind} checkpoint is needed")
    return config


def read_weights(directory: Path | str) -> dict[str, torch.Tensor]:
    """The tensors of ``model.safetensors``; anything else (a pickle, say) is refused unread."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(directory) / WEIGHTS_FILE
    try:
        return load_file(path)
    except (SafetensorError, OSError) as error:
        raise CheckpointError(f"{path}: not a readable safetensors file ({error})") from error
