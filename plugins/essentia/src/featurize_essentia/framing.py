"""Frame cutting exactly as Essentia's ``FrameCutter``, vectorised, with silent frames made deterministic.

Cutting frames through Essentia's Python generator costs about 0.15 s per 30 s of audio and pass;
this numpy version produces the same frames (a test compares them with ``FrameGenerator``) at a
fraction of that. MusicExtractor cuts with ``silentFrames="noise"``: a frame whose mean power is
below Essentia's silence cut-off gets white noise at -100 dB power, so that no spectral descriptor
divides by zero. Essentia draws that noise from an unseeded generator, which would make values differ
between runs on silent passages; here it comes from a generator seeded per call.
"""

from __future__ import annotations

import numpy as np

SILENCE_POWER = 1e-10
"""Essentia's ``SILENCE_CUTOFF``: a frame whose mean power is below it is silent."""

NOISE_AMPLITUDE = 1e-10
"""The amplitude of ``NoiseAdder(level=-100)`` (``db2pow(-100)``), uniform in ``[-a, a]``."""

NOISE_SEED = 0


def frame_starts(n_samples: int, frame_size: int, hop_size: int, *, start_from_zero: bool) -> np.ndarray:
    """First sample of each frame ``FrameCutter`` emits (negative: zero-padded on the left).

    Frames start every hop while the start is inside the signal; ``FrameCutter`` stops after the
    first frame that reaches the end (``start_from_zero``) or whose centre is past it (otherwise).
    """
    first = 0 if start_from_zero else -((frame_size + 1) // 2)
    starts = np.arange(first, n_samples, hop_size)
    if start_from_zero:
        last = starts + frame_size >= n_samples
    else:
        last = (starts + frame_size > n_samples) & (starts + frame_size // 2 >= n_samples)
    return starts[: int(np.argmax(last)) + 1] if last.any() else starts


def cut_frames(signal: np.ndarray, frame_size: int, hop_size: int, *, start_from_zero: bool = False) -> np.ndarray:
    """Frames of ``signal`` as float32 ``(n_frames, frame_size)``, silent frames carrying -100 dB noise.

    Parameters
    ----------
    signal
        Mono audio.
    frame_size, hop_size
        In samples.
    start_from_zero
        ``False`` centres the first frame on the first sample (Essentia's default, zero-padded on the
        left); ``True`` starts it there.
    """
    starts = frame_starts(len(signal), frame_size, hop_size, start_from_zero=start_from_zero)
    offset = max(0, -int(starts[0])) if len(starts) else 0
    padded = np.zeros(offset + len(signal) + frame_size, dtype=np.float32)
    padded[offset : offset + len(signal)] = signal
    frames = np.lib.stride_tricks.sliding_window_view(padded, frame_size)[starts + offset]
    silent = np.mean(np.square(frames, dtype=np.float64), axis=1) < SILENCE_POWER
    if silent.any():
        noise = np.random.default_rng(NOISE_SEED).uniform(-1.0, 1.0, size=(int(silent.sum()), frame_size))
        frames[silent] += (NOISE_AMPLITUDE * noise).astype(np.float32)
    return frames
