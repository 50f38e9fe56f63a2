"""Shared fixtures of the core tests: synthesized audio files and the toy plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from featurize.testing.signals import clicks, tone, triad

HERE = Path(__file__).parent


@pytest.fixture
def toy_path(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """Make ``toy_extractors`` importable here and in spawned workers; returns extra_modules."""
    monkeypatch.syspath_prepend(str(HERE))
    return ("toy_extractors",)


@pytest.fixture
def runner(toy_path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose plugin manager also sees the toy extractors (the process-wide manager is rebuilt)."""
    from featurize.cli import context

    monkeypatch.setenv("FEATURIZE_PLUGIN_MODULES", ",".join(toy_path))
    context.plugin_manager.cache_clear()
    yield CliRunner()
    context.plugin_manager.cache_clear()


def write_audio(path: Path, seconds: float = 1.0, sr: int = 22050, channels: int = 1, seed: int = 0) -> Path:
    signal = tone(triad("C"), seconds, sr) + 0.1 * clicks(120, seconds, sr) * (1 + seed)
    data = np.stack([signal] * channels, axis=1) if channels > 1 else signal
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, data, sr)
    return path


@pytest.fixture
def audio_file() -> Callable[..., Path]:
    """Write a short synthesized track: ``audio_file(path, seconds=1.0, sr=22050, channels=1, seed=0)``."""
    return write_audio


@pytest.fixture
def songs(tmp_path: Path) -> Path:
    """A folder of short synthesized tracks in several formats and layouts."""
    folder = tmp_path / "songs"
    write_audio(folder / "a.wav")
    write_audio(folder / "rock" / "b.flac", seconds=1.5, sr=44100, channels=2, seed=1)
    write_audio(folder / "rock" / "c.ogg", seconds=0.7, sr=16000, seed=2)
    return folder
