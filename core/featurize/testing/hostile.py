"""Hostile files for the tests of loaders: a loader that unpickles runs the payload, a safe one never does."""

from __future__ import annotations

import os
import pickle
from pathlib import Path


class _CreatesFile:
    """Unpickling this object creates ``marker``: a stand-in for any code a crafted pickle can run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, int]]:
        return os.open, (str(self.marker), os.O_CREAT | os.O_WRONLY)


def code_running_object(marker: str | Path) -> object:
    """An object whose unpickling creates ``marker`` (to hide in an ``.npz`` object array, say)."""
    return _CreatesFile(Path(marker))


def write_code_running_pickle(path: str | Path, marker: str | Path) -> Path:
    """Write a pickle at ``path`` whose loading creates ``marker``; assert afterwards that it does not exist.

    The payload sits where a checkpoint keeps its data (a dict's value), as a crafted
    ``torch.save`` file would hold it; ``torch.load(weights_only=False)`` and ``pickle.load`` run it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"state": code_running_object(marker)}, protocol=2))
    return path
