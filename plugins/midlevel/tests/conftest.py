"""Fixtures of the featurize-midlevel tests: synthesized clips with known ratings, tiny saved models.

The synthetic dataset has two hidden properties per clip, ``noise`` (the share of white
noise mixed into a harmonic tone) and ``register`` (the tone's pitch, 110 to 880 Hz);
every rating is a fixed linear function of them, so a model that hears the audio can
predict the ratings and a constant predictor cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.testing.signals import tone, white_noise

SR = 22050


def ratings_of(noise: float, register: float) -> list[float]:
    """The seven ratings, in feature order, as a known function of the two properties."""
    return [
        1 + 6 * (1 - noise) + register,
        2 + 4 * register,
        3 + 3 * (1 - noise),
        2 + 5 * noise,
        1 + 7 * noise,
        2 + 4 * (1 - noise) + 2 * register,
        5 - 3 * register,
    ]


def synth_clip(noise: float, register: float, seed: int, duration: float = 3.0) -> np.ndarray:
    harmonic = tone(110 * 2 ** (3 * register), duration, SR, amplitude=0.5)
    return ((1 - noise) * harmonic + noise * white_noise(duration, SR, seed=seed, amplitude=0.25)).astype(np.float32)


def write_dataset(root: Path, n_clips: int = 36, seed: int = 0) -> Path:
    """A dataset in the published layout: 12 artists with two clips, the rest with one; MP3 audio."""
    (root / "audio").mkdir(parents=True)
    (root / "metadata_annotations").mkdir()
    rng = np.random.default_rng(seed)
    metadata = ["song id;Artist;Source"]
    annotations = [
        "song_id, melodiousness, articulation, rhythm_stability, rhythm_complexity, dissonance, "
        "tonal_stability, minorness"
    ]
    for i in range(n_clips):
        noise, register = rng.uniform(0, 1, 2)
        song = str(i + 1)
        artist = f"band {i // 2}" if i < 24 else f"solo {i}"
        audio = synth_clip(noise, register, seed=i, duration=3.0 + (i % 3) * 0.5)
        soundfile.write(root / "audio" / f"{song}.mp3", audio, SR, format="MP3")
        metadata.append(f"{song};{artist};synthetic")
        annotations.append(",".join([song, *(f"{r:.4f}" for r in ratings_of(noise, register))]))
    (root / "metadata_annotations" / "metadata.csv").write_text("\n".join(metadata) + "\n")
    (root / "metadata_annotations" / "annotations.csv").write_text("\n".join(annotations) + "\n")
    return root


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Tiny test models gain nothing from threads, and spinning threads slow a busy CI machine."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def synthetic_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """36 clips of 3-4 s in the published layout (session-wide: tests only read it)."""
    return write_dataset(tmp_path_factory.mktemp("midlevel") / "dataset")


@pytest.fixture(scope="session")
def new_clips(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, list[float]]]:
    """12 MP3 clips the model never saw, with their true ratings."""
    folder = tmp_path_factory.mktemp("new_clips")
    rng = np.random.default_rng(1234)
    clips = []
    for i in range(12):
        noise, register = rng.uniform(0, 1, 2)
        path = folder / f"new_{i}.mp3"
        soundfile.write(path, synth_clip(noise, register, seed=100 + i, duration=3.5), SR, format="MP3")
        clips.append((path, ratings_of(noise, register)))
    return clips


@pytest.fixture
def tiny_model() -> Callable[..., object]:
    """Build a seeded, untrained tiny model of an architecture: ``tiny_model("vgg", width=4)``."""

    def build(architecture: str, width: int = 4) -> object:
        import torch

        from featurize_midlevel.catalog import FEATURE_NAMES
        from featurize_midlevel.config import ModelConfig
        from featurize_midlevel.frontend import DEFAULT_FRONT_ENDS
        from featurize_midlevel.model import MidlevelModel
        from featurize_midlevel.networks import build_network

        frontend = DEFAULT_FRONT_ENDS[architecture]()
        n_stats = frontend.n_bins if frontend.per_bin_normalisation else 1
        torch.manual_seed(0)
        network = build_network(architecture, width, len(FEATURE_NAMES))
        config = ModelConfig(
            architecture=architecture,
            width=width,
            frontend=frontend.to_dict(),
            input_mean=[0.0] * n_stats,
            input_std=[10.0] * n_stats,
            target_mean=[5.0] * len(FEATURE_NAMES),
            target_std=[2.0] * len(FEATURE_NAMES),
        )
        return MidlevelModel(network, config)

    return build


@pytest.fixture
def tiny_weights(tmp_path: Path, tiny_model: Callable[..., object]) -> Callable[..., Path]:
    """Save a tiny model through the plugin's own writer; returns the .safetensors path."""
    from featurize_midlevel.weights import save_model

    def save(architecture: str, width: int = 4, folder: Path = tmp_path) -> Path:
        path = folder / f"{architecture}.safetensors"
        save_model(tiny_model(architecture, width), path)
        return path

    return save
