"""Cutting tracks into model-sized segments: random crops for training, regular windows otherwise.

Cropping a waveform at a multiple of the hop and taking its STFT equals cropping the whole
track's STFT (there is no centring), so both work in the frame domain like the paper's code.
A track shorter than one segment is zero-padded at the end to one segment.
"""

from __future__ import annotations

import numpy as np
import torch

from featurize_msspt.frontend import HOP, frame_count, magnitude, segment_samples, stft


def _padded(wave: np.ndarray, frames: int) -> np.ndarray:
    length = segment_samples(frames)
    return wave if len(wave) >= length else np.pad(wave, (0, length - len(wave)))


def random_crop(wave: np.ndarray, frames: int, rng: np.random.Generator) -> np.ndarray:
    """A waveform segment of ``frames`` frames starting at a uniformly random frame."""
    wave = _padded(wave, frames)
    start = int(rng.integers(frame_count(len(wave)) - frames + 1)) * HOP
    return np.asarray(wave[start : start + segment_samples(frames)], dtype=np.float32)


def segment_magnitudes(segments: np.ndarray) -> torch.Tensor:
    """``(B, n)`` waveform segments to ``(B, T, 256)`` linear magnitudes."""
    return magnitude(stft(torch.from_numpy(np.ascontiguousarray(segments, dtype=np.float32))))


def track_windows(wave: np.ndarray, frames: int, hop_frames: int) -> torch.Tensor:
    """``(W, frames, 256)`` magnitudes of windows every ``hop_frames`` frames (the tail is dropped)."""
    spec = segment_magnitudes(_padded(wave, frames)[None])[0]
    return spec.unfold(0, frames, hop_frames).transpose(1, 2)
