"""Shared fixtures: two CPU threads, fixed seeds, synthesized labelled clips and a tiny musdb18-HQ tree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
import torch

from featurize.testing.signals import clicks, tone, white_noise

CLIP_SR = 22050
CLIP_SECONDS = 2.2

torch.set_num_threads(1)
"""One thread: these tiny models are overhead-bound, and on a shared or busy 2-core machine two
OpenMP threads made the suite over ten times slower (268 s against 21 s for the separation test)."""


@pytest.fixture(autouse=True)
def _seed() -> None:
    torch.manual_seed(0)


def bass_like(seconds: float, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A low harmonic tone at a random pitch (a stand-in for a pitched source)."""
    return tone(float(rng.uniform(80, 160)), seconds, sr, harmonics=4, amplitude=0.3)


def drums_like(seconds: float, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Random-tempo clicks (a stand-in for a percussive source)."""
    return clicks(float(rng.uniform(200, 300)), seconds, sr)


def write(path: Path, samples: np.ndarray, sr: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(path, samples.T if samples.ndim == 2 else samples, sr)
    return path


def labelled_clips(folder: Path, count: int, seed: int) -> tuple[list[Path], np.ndarray]:
    """Clips whose two tags are known causes: a low tone ("tonal") and clicks ("percussive").

    Every clip has a little noise; tag combinations are balanced. Stereo at 22.05 kHz, so the
    models' downmix and resampling run too.
    """
    rng = np.random.default_rng(seed)
    paths, tags = [], []
    for index in range(count):
        tonal, percussive = index % 2, (index // 2) % 2
        signal = white_noise(CLIP_SECONDS, CLIP_SR, seed=seed * 1000 + index, amplitude=0.02)
        if tonal:
            signal = signal + bass_like(CLIP_SECONDS, CLIP_SR, rng)
        if percussive:
            signal = signal + drums_like(CLIP_SECONDS, CLIP_SR, rng)
        stereo = np.stack([signal, 0.8 * signal])
        paths.append(write(folder / f"clip{index:03d}.wav", stereo, CLIP_SR))
        tags.append([tonal, percussive])
    return paths, np.array(tags)


@pytest.fixture(scope="session")
def training_clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], np.ndarray]:
    return labelled_clips(tmp_path_factory.mktemp("train"), 24, seed=1)


@pytest.fixture(scope="session")
def test_clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], np.ndarray]:
    return labelled_clips(tmp_path_factory.mktemp("test"), 16, seed=2)


@pytest.fixture(scope="session")
def musdb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``train/`` (3 tracks) and ``valid/`` (1 track) with stereo 44.1 kHz stems summing to the mixture."""
    root = tmp_path_factory.mktemp("musdb")
    rng = np.random.default_rng(3)
    sr, seconds = 44100, 3.0
    for split, count in (("train", 3), ("valid", 1)):
        for index in range(count):
            stems = {
                "vocals": tone(float(rng.uniform(300, 600)), seconds, sr, amplitude=0.2),
                "bass": bass_like(seconds, sr, rng),
                "drums": drums_like(seconds, sr, rng),
                "other": white_noise(seconds, sr, seed=index, amplitude=0.03),
            }
            for name, mono in stems.items():
                write(root / split / f"track{index}" / f"{name}.wav", np.stack([mono, mono]), sr)
            mixture = sum(stems.values())
            write(root / split / f"track{index}" / "mixture.wav", np.stack([mixture, mixture]), sr)
    return root
