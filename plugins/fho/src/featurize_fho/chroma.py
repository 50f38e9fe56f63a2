"""Spectrogram, tuning estimate and chromagram in plain numpy, for the built-in chord matcher.

No librosa (its numba warm-up costs seconds per process) and no essentia, so ``featurize-fho``
works out of the box. The chroma is the usual one for template chord recognition: the power
spectrum summed into semitone bands between G2 and C7 (centred on the track's estimated tuning),
log-compressed, folded onto the 12 pitch classes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

LOWEST_MIDI = 43  # G2, 98 Hz: below it a 4096-point window at 11 kHz cannot separate semitones
HIGHEST_MIDI = 96  # C7, 2093 Hz
COMPRESSION = 100.0
"""Gain inside ``log(1 + gain * power)``: evens out loud and soft partials, as in Müller's CLP chroma."""


def frames(audio: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """``(n_frames, n_fft)`` windows of ``audio``, zero-padded by half a window at both ends (frame ``t``
    is centred on sample ``t * hop``)."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), (n_fft // 2, n_fft // 2))
    n_frames = 1 + max(0, len(padded) - n_fft) // hop
    if len(padded) < n_fft:
        padded = np.pad(padded, (0, n_fft - len(padded)))
    return np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop][:n_frames]


def power_blocks(audio: np.ndarray, n_fft: int, hop: int, block: int = 256) -> Iterator[np.ndarray]:
    """The power of the Hann-windowed STFT, ``block`` frames at a time (``(n, n_fft // 2 + 1)`` each),
    scaled so that a sinusoid of amplitude ``a`` peaks at ``a**2``. Blocks bound the memory of the
    windowed copies and complex spectra to a few MB whatever the track's length."""
    import scipy.fft

    window = np.hanning(n_fft).astype(np.float32)
    scale = np.float32((window.sum() / 2) ** 2)
    windows = frames(audio, n_fft, hop)
    for start in range(0, len(windows), block):
        spectrum = scipy.fft.rfft(windows[start : start + block] * window, axis=1)  # complex64
        yield (np.square(spectrum.real) + np.square(spectrum.imag)) / scale


def power_spectrogram(audio: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """``(n_frames, n_fft // 2 + 1)``: all of :func:`power_blocks`."""
    return np.concatenate(list(power_blocks(audio, n_fft, hop)))


def midi_of(frequency: np.ndarray, reference: float = 440.0) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return 69.0 + 12.0 * np.log2(np.asarray(frequency, dtype=np.float64) / reference)


def estimate_tuning(power: np.ndarray, sr: int, n_fft: int) -> float:
    """Deviation of the track's tuning from A440 in semitones, in [-0.5, 0.5).

    Spectral peaks between G2 and C7 are located to a fraction of a bin (parabolic interpolation
    on log power); their deviations from the nearest equal-tempered pitch are averaged on the
    circle, weighted by peak power. Without peaks (silence, noise-like input) the answer is 0.
    """
    if power.shape[0] == 0 or not np.any(power > 0):
        return 0.0
    log_power = np.log(power + 1e-12)
    left, centre, right = log_power[:, :-2], log_power[:, 1:-1], log_power[:, 2:]
    loud = centre > np.log(power.max() + 1e-12) - np.log(1e4)  # within 40 dB of the loudest bin
    peaks = (centre > left) & (centre >= right) & loud
    rows, bins = np.nonzero(peaks)
    if len(bins) == 0:
        return 0.0
    a, b, c = left[rows, bins], centre[rows, bins], right[rows, bins]
    offset = 0.5 * (a - c) / np.where(a - 2 * b + c == 0, -1e-12, a - 2 * b + c)
    frequency = (bins + 1 + offset) * sr / n_fft
    midi = midi_of(frequency)
    keep = (midi >= LOWEST_MIDI) & (midi <= HIGHEST_MIDI)
    if not np.any(keep):
        return 0.0
    angle = 2 * np.pi * (midi[keep] - np.round(midi[keep]))
    weight = power[rows, bins + 1][keep]
    mean = np.angle(np.sum(weight * np.exp(1j * angle)))
    return float((mean / (2 * np.pi) + 0.5) % 1.0 - 0.5)


def semitone_filterbank(sr: int, n_fft: int, tuning: float = 0.0) -> np.ndarray:
    """``(n_bins, 12)`` weights summing each FFT bin into its pitch class, triangular across semitones."""
    frequency = np.arange(n_fft // 2 + 1) * sr / n_fft
    midi = midi_of(frequency) - tuning
    weights = np.zeros((len(frequency), 12), dtype=np.float32)
    for note in range(LOWEST_MIDI, HIGHEST_MIDI + 1):
        triangle = np.clip(1.0 - np.abs(midi - note), 0.0, None)
        weights[:, note % 12] += triangle.astype(np.float32)
    return weights


def chromagram(power: np.ndarray, sr: int, n_fft: int, tuning: float) -> np.ndarray:
    """``(n_frames, 12)`` log-compressed chroma, not normalised (its norm carries the loudness)."""
    pitch_power = power @ semitone_filterbank(sr, n_fft, tuning)
    return np.log1p(COMPRESSION * pitch_power).astype(np.float32)
