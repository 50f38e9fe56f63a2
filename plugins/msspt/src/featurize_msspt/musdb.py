"""Stems in the musdb18-HQ folder layout, and the random-remix augmentation of stage 1.

Layout: ``ROOT/<split>/<track>/{mixture,vocals,bass,drums,other}.wav`` (any format the core
decodes). Stems are decoded once to 16 kHz mono float32 and cached as ``.npy`` files (no
pickle), keyed by the source file's size and modification time, then memory-mapped, so a
100-track training split does not have to fit in RAM.

Random remixing (the paper's augmentation): a single-source example mixes two crops of the
target source with the accompaniments (mixture minus that source) of two other crops, and the
target is the sum of the two source crops; a multi-source example mixes two crops each of
vocals, other and drums and one of bass, with targets ``[vocals, other, drums, bass]``. Every
crop comes from a random track at a random offset.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from featurize_msspt.audio import crop, load_audio
from featurize_msspt.config import MULTI, SOURCES

STEMS: tuple[str, ...] = ("mixture", *SOURCES)
MULTI_ORDER: tuple[str, ...] = ("vocals", "other", "drums", "bass")
"""Mask order of the multi-source separator."""
MULTI_COUNTS = {"vocals": 2, "other": 2, "drums": 2, "bass": 1}
AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg", ".aiff", ".aif")


def target_sources(source: str) -> tuple[str, ...]:
    """The separated sources, in mask order, of a separator trained for ``source``."""
    if source == MULTI:
        return MULTI_ORDER
    if source not in SOURCES:
        raise ValueError(f"source must be one of {(*SOURCES, MULTI)}, not {source!r}")
    return (source,)


@dataclass(frozen=True)
class StemTrack:
    """One track's stems, 16 kHz mono, all of the same length."""

    name: str
    stems: dict[str, np.ndarray]

    @property
    def length(self) -> int:
        return len(self.stems["mixture"])

    def crop(self, stem: str, start: int, length: int) -> np.ndarray:
        return crop(self.stems[stem], start, length)

    def accompaniment(self, source: str, start: int, length: int) -> np.ndarray:
        return self.crop("mixture", start, length) - self.crop(source, start, length)


def track_folders(root: Path, split: str) -> list[Path]:
    """Track folders of ``root/split``; an error naming the folder and the layout when absent."""
    folder = Path(root) / split
    tracks = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if not tracks:
        raise FileNotFoundError(
            f"{folder}: no track folders; expected the musdb18-HQ layout "
            f"{Path(root) / split / '<track>'}/{{{','.join(STEMS)}}}.wav"
        )
    return tracks


def _stem_file(folder: Path, stem: str) -> Path:
    for suffix in AUDIO_SUFFIXES:
        if (folder / f"{stem}{suffix}").is_file():
            return folder / f"{stem}{suffix}"
    raise FileNotFoundError(f"{folder}: missing stem {stem!r} (expected {stem}.wav)")


def _cached_stem(path: Path, cache: Path) -> np.ndarray:
    """The 16 kHz mono stem of ``path``, decoded once into ``cache`` and memory-mapped."""
    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    target = cache / f"{path.parent.name}-{path.stem}-{key}.npy"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.save(handle, load_audio(path), allow_pickle=False)
        partial.replace(target)
    return np.load(target, mmap_mode="r", allow_pickle=False)


def load_split(root: Path, split: str, cache: Path) -> list[StemTrack]:
    """Every track of ``root/split`` with its five stems (cut to the shortest stem)."""
    tracks = []
    for folder in track_folders(root, split):
        stems = {stem: _cached_stem(_stem_file(folder, stem), cache / split) for stem in STEMS}
        length = min(len(s) for s in stems.values())
        tracks.append(StemTrack(folder.name, {name: s[:length] for name, s in stems.items()}))
    return tracks


class RemixSampler:
    """Random-remix training examples of ``length`` samples for a separator of ``source``."""

    def __init__(self, tracks: Sequence[StemTrack], source: str, length: int, rng: np.random.Generator) -> None:
        self.tracks = list(tracks)
        self.sources = target_sources(source)
        self.length = length
        self.rng = rng

    def _pick(self) -> tuple[StemTrack, int]:
        track = self.tracks[self.rng.integers(len(self.tracks))]
        return track, int(self.rng.integers(max(track.length - self.length, 0) + 1))

    def _crops(self, source: str, count: int) -> np.ndarray:
        """The sum of ``count`` crops of ``source``, each from a random track and offset."""
        picks = [self._pick() for _ in range(count)]
        return np.sum([track.crop(source, start, self.length) for track, start in picks], axis=0)

    def example(self) -> tuple[np.ndarray, np.ndarray]:
        """A ``(length,)`` mixture and its ``(n_sources, length)`` targets."""
        if self.sources == MULTI_ORDER:
            targets = np.stack([self._crops(source, MULTI_COUNTS[source]) for source in self.sources])
            return targets.sum(axis=0), targets
        (source,) = self.sources
        target = self._crops(source, 2)
        picks = [self._pick() for _ in range(2)]
        accompaniment = np.sum([track.accompaniment(source, start, self.length) for track, start in picks], axis=0)
        return target + accompaniment, target[None]

    def batch(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``(size, length)`` mixtures and ``(size, n_sources, length)`` targets."""
        mixtures, targets = zip(*(self.example() for _ in range(size)), strict=True)
        return np.stack(mixtures), np.stack(targets)


def real_examples(
    tracks: Sequence[StemTrack], source: str, length: int, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` crops of real (not remixed) mixtures and their sources, for validation."""
    sources = target_sources(source)
    mixtures, targets = [], []
    for _ in range(count):
        track = tracks[rng.integers(len(tracks))]
        start = int(rng.integers(max(track.length - length, 0) + 1))
        mixtures.append(track.crop("mixture", start, length))
        targets.append(np.stack([track.crop(s, start, length) for s in sources]))
    return np.stack(mixtures), np.stack(targets)
