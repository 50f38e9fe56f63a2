"""Stage 1: the remix augmentation, the musdb18-HQ reader, and a tiny U-Net learning to separate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from featurize.testing.signals import tone, white_noise
from featurize_msspt.config import unet_preset
from featurize_msspt.frontend import SAMPLE_RATE, istft, segment_samples, stft
from featurize_msspt.musdb import MULTI_ORDER, RemixSampler, StemTrack, load_split, real_examples
from featurize_msspt.pretrain import evaluate, train_step
from featurize_msspt.schedules import ADAM_EPS
from featurize_msspt.separator import Separator


def synthetic_track(index: int, rng: np.random.Generator, seconds: float = 3.0) -> StemTrack:
    """A low harmonic 'bass' at a random pitch over a noise 'drums' stem; vocals and other are silent."""
    bass = tone(float(rng.uniform(80, 160)), seconds, SAMPLE_RATE, harmonics=4, amplitude=0.3)
    drums = white_noise(seconds, SAMPLE_RATE, seed=500 + index, amplitude=0.1)
    silent = np.zeros_like(bass)
    stems = {"mixture": bass + drums, "bass": bass, "drums": drums, "vocals": silent, "other": silent}
    return StemTrack(f"track{index}", stems)


def test_remix_examples_add_up() -> None:
    rng = np.random.default_rng(0)
    tracks = [synthetic_track(i, rng) for i in range(4)]
    length = segment_samples(64)
    mixture, targets = RemixSampler(tracks, "bass", length, np.random.default_rng(1)).batch(3)
    assert mixture.shape == (3, length) and targets.shape == (3, 1, length)
    accompaniment = mixture - targets[:, 0]
    assert np.abs(accompaniment).mean() > 0.05, "two noise accompaniments are mixed in"
    mixture, targets = RemixSampler(tracks, "multi", length, np.random.default_rng(1)).batch(2)
    assert targets.shape == (2, len(MULTI_ORDER), length)
    np.testing.assert_allclose(mixture, targets.sum(axis=1), atol=1e-6)
    assert MULTI_ORDER == ("vocals", "other", "drums", "bass")


def test_remix_pads_tracks_shorter_than_a_segment() -> None:
    short = synthetic_track(0, np.random.default_rng(0), seconds=0.2)
    mixture, targets = RemixSampler([short], "bass", segment_samples(64), np.random.default_rng(0)).example()
    assert len(mixture) == segment_samples(64) and targets.shape == (1, segment_samples(64))
    assert not mixture[len(short.stems["mixture"]) :].any()


def test_tiny_unet_separates_better_than_the_identity_mask() -> None:
    rng = np.random.default_rng(0)
    train = [synthetic_track(i, rng) for i in range(8)]
    held_out = [synthetic_track(100 + i, rng) for i in range(4)]
    length = segment_samples(64)
    sampler = RemixSampler(train, "bass", length, np.random.default_rng(1))
    mixture, target = (
        torch.from_numpy(a) for a in real_examples(held_out, "bass", length, 16, np.random.default_rng(2))
    )
    separator = Separator(unet_preset("tiny"))
    optimizer = torch.optim.Adam(separator.parameters(), lr=5e-3, eps=ADAM_EPS)
    for _ in range(120):
        train_step(separator, optimizer, *(torch.from_numpy(a) for a in sampler.batch(4)))
    identity = (istft(stft(mixture))[:, None] - target).abs().mean().item()
    assert evaluate(separator, mixture, target) < 0.6 * identity


def test_musdb_layout_is_decoded_once_and_cached(musdb_root: Path, tmp_path: Path) -> None:
    tracks = load_split(musdb_root, "train", tmp_path / "cache")
    assert [t.name for t in tracks] == ["track0", "track1", "track2"]
    assert tracks[0].length == 3 * SAMPLE_RATE
    assert isinstance(tracks[0].stems["bass"], np.memmap)
    cached = sorted((tmp_path / "cache" / "train").glob("*.npy"))
    assert len(cached) == 15
    before = [p.stat().st_mtime_ns for p in cached]
    load_split(musdb_root, "train", tmp_path / "cache")
    assert [p.stat().st_mtime_ns for p in cached] == before
    others = sum(tracks[0].crop(stem, 0, 1000) for stem in ("vocals", "drums", "other"))
    np.testing.assert_allclose(tracks[0].accompaniment("bass", 0, 1000), others, atol=1e-4)


def test_missing_layout_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"train.*mixture,vocals,bass,drums,other"):
        load_split(tmp_path, "train", tmp_path / "cache")
    (tmp_path / "train" / "song").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="missing stem 'mixture'"):
        load_split(tmp_path, "train", tmp_path / "cache")
