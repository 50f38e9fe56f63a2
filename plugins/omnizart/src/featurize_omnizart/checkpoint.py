"""Finding and loading an Omnizart chord checkpoint, with errors that say how to provide one.

The omnizart wheel ships each checkpoint's graph (``saved_model.pb``, ``variables.index``,
``configurations.yaml``) but not its weights (``variables/variables.data-*``), which only
``omnizart download-checkpoints`` fetches from GitHub. Without them TensorFlow would fail deep
inside the loader; we check first and raise :class:`~featurize.errors.MissingWeightsError`.

Omnizart reads ``configurations.yaml`` with PyYAML's full ``yaml.Loader``, which runs the Python
a ``!!python/object/apply`` tag names, and Keras rebuilds ``Lambda`` layers from the Python
bytecode stored in ``keras_metadata.pb``: both are checked as data before Omnizart sees the folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from featurize.errors import MissingWeightsError, UnsafeWeightsError

REQUIRED = ("saved_model.pb", "configurations.yaml", "variables/variables.index")
LAMBDA_MARKS = (b'"class_name": "Lambda"', b'"function_type": "lambda"')
"""How Keras' SavedModel metadata declares a layer holding Python bytecode."""
PREFIX = "chord"
"""Omnizart's loader only accepts a checkpoint folder whose name starts with this (its save prefix)."""
HOW_TO = (
    "Provide the weights with `omnizart download-checkpoints` (needs network; it completes the package's "
    "checkpoints/chord/chord_v1), or pass --omnizart-checkpoint DIR pointing at a chord checkpoint folder "
    "holding saved_model.pb, variables/variables.index, variables/variables.data-* and configurations.yaml."
)


def default_checkpoint() -> Path:
    """The package's chord checkpoint folder, as Omnizart's chord settings name it."""
    import omnizart
    from omnizart.setting_loaders import ChordSettings

    settings = ChordSettings()
    return Path(omnizart.MODULE_PATH) / settings.checkpoint_path[settings.transcription_mode]


def check_data_only(folder: Path) -> None:
    """Refuse a checkpoint whose settings or model description would run Python when loaded."""
    import yaml

    settings = folder / "configurations.yaml"
    try:
        yaml.safe_load(settings.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0]
        raise UnsafeWeightsError(
            f"{settings}: not plain YAML data ({reason}); Omnizart's loader would run it"
        ) from error
    metadata = folder / "keras_metadata.pb"
    if metadata.is_file() and any(mark in metadata.read_bytes() for mark in LAMBDA_MARKS):
        raise UnsafeWeightsError(f"{metadata}: the model has Lambda layers, whose Python code Keras would run")


def check_checkpoint(folder: Path) -> Path:
    """The complete chord checkpoint at or directly under ``folder``, else a :class:`MissingWeightsError`.

    As Omnizart's loader, a folder whose name does not start with ``chord`` may hold one ``chord*``
    checkpoint folder (``--omnizart-checkpoint ~/checkpoints`` holding ``chord_v1``).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingWeightsError(f"omnizart chord checkpoint {folder} is not a folder. {HOW_TO}")
    if not folder.name.lower().startswith(PREFIX):
        inner = sorted(p for p in folder.iterdir() if p.is_dir() and p.name.lower().startswith(PREFIX))
        if len(inner) != 1:
            raise MissingWeightsError(
                f"omnizart chord checkpoint {folder}: Omnizart loads a folder named chord* (e.g. chord_v1), or a "
                f"folder holding exactly one such folder; found {len(inner)}. {HOW_TO}"
            )
        folder = inner[0]
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if not any((folder / "variables").glob("variables.data-*")):
        missing.append("variables/variables.data-00000-of-00001")
    if missing:
        raise MissingWeightsError(f"omnizart chord checkpoint {folder} lacks {', '.join(missing)}. {HOW_TO}")
    check_data_only(folder)
    return folder


def load_checkpoint(folder: str | Path | None) -> tuple[Any, Any]:
    """The Keras chord model and its settings, loaded by Omnizart's own loader (seconds; TensorFlow)."""
    folder = check_checkpoint(Path(folder) if folder is not None else default_checkpoint())
    from omnizart.chord.app import ChordTranscription

    app = ChordTranscription()
    try:
        return app._load_model(str(folder), custom_objects=app.custom_objects)
    except (OSError, ValueError) as error:
        raise MissingWeightsError(f"omnizart chord checkpoint {folder} cannot be loaded ({error}). {HOW_TO}") from error
