"""Fixtures of the featurize-omnizart tests: a tiny random chord checkpoint in Omnizart's own format.

The model is Omnizart's Harmony Transformer shrunk to one attention block of width 32 and 20-step
sequences (:func:`featurize_omnizart.random_checkpoint.save_random_checkpoint`). TensorFlow is
slow to import and to save a model (tens of seconds), so this happens once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from featurize_omnizart.random_checkpoint import save_random_checkpoint

    return save_random_checkpoint(tmp_path_factory.mktemp("omnizart") / "chord_tiny", blocks=1, width=32, num_steps=20)


@pytest.fixture(scope="session")
def transcriber(tiny_checkpoint: Path) -> object:
    from featurize_omnizart.transcription import build_extractor

    return build_extractor(tiny_checkpoint)
