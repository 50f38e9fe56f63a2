"""Front ends: mono audio at 22,050 Hz -> a time-frequency matrix, and its cutting into windows.

Training and extraction build the same front end from the weights' JSON config, so a
model always sees at extraction exactly the representation it was trained on. Both are
numpy with torch's FFT (no torchaudio, no librosa import or numba warm-up in a worker):

- :class:`MfccFrontEnd` reproduces ``librosa.feature.mfcc`` with its defaults (Slaney mel
  filterbank, power in dB with an 80 dB floor, orthonormal DCT-II) for the VGG-style model.
- :class:`LogFrequencyFrontEnd` reproduces madmom's ``LogarithmicFilteredSpectrogram`` as
  the mid-level ResNet of Chowdhury et al. (2019) used it: 24 bands per octave from 20 Hz
  to 16 kHz, which gives 149 bins at 22,050 Hz with 2048-sample frames.

A representation shorter than one window is looped (wrapped) to the window length, as the
reference implementation does, so silence and very short clips still give a window.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any, ClassVar, Protocol

import attrs
import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

SAMPLE_RATE = 22050
"""Every front end reads mono audio at this rate (the extractor's declared input)."""


class FrontEnd(Protocol):
    """What the model code needs from a front end."""

    kind: ClassVar[str]
    per_bin_normalisation: ClassVar[bool]

    @property
    def n_bins(self) -> int: ...

    @property
    def window_frames(self) -> int: ...

    @property
    def hop_frames(self) -> int: ...

    @property
    def hop_seconds(self) -> float: ...

    def representation(self, audio: np.ndarray) -> np.ndarray: ...

    def to_dict(self) -> dict[str, Any]: ...


def _positive(_: Any, attribute: attrs.Attribute, value: float) -> None:
    if not value > 0:
        raise ValueError(f"front end: {attribute.name} must be positive, got {value!r}")


@attrs.frozen
class MfccFrontEnd:
    """40 MFCCs of the first ``window_seconds`` of the track (one window per track).

    Parameters follow the SAMAT/Lyberatos recipe (window and FFT 2048 at 22,050 Hz) with
    librosa's defaults for the rest (hop 512, 128 Slaney mel bands, ``top_db=80``).
    """

    kind: ClassVar[str] = "mfcc"
    per_bin_normalisation: ClassVar[bool] = True
    """MFCC coefficients differ in scale by orders of magnitude: normalise each one."""

    n_fft: int = attrs.field(default=2048, validator=_positive)
    hop_length: int = attrs.field(default=512, validator=_positive)
    n_mels: int = attrs.field(default=128, validator=_positive)
    n_mfcc: int = attrs.field(default=40, validator=_positive)
    top_db: float = attrs.field(default=80.0, validator=_positive)
    window_seconds: float = attrs.field(default=15.0, validator=_positive)

    @property
    def n_bins(self) -> int:
        return self.n_mfcc

    @property
    def window_frames(self) -> int:
        return 1 + self._window_samples // self.hop_length

    @property
    def hop_frames(self) -> int:
        return self.window_frames

    @property
    def hop_seconds(self) -> float:
        return self.window_seconds

    @property
    def _window_samples(self) -> int:
        return round(self.window_seconds * SAMPLE_RATE)

    def representation(self, audio: np.ndarray) -> np.ndarray:
        """MFCCs ``(n_mfcc, window_frames)`` of the first window, the audio looped if shorter."""
        excerpt = loop_to(_as_signal(audio)[None], self._window_samples)[0, : self._window_samples]
        padded = np.pad(excerpt, self.n_fft // 2)  # librosa's centred frames, zero padding
        frames = sliding_window_view(padded, self.n_fft)[:: self.hop_length]
        mel = _power_spectrum(frames, _periodic_hann(self.n_fft)) @ mel_filterbank(self.n_fft, self.n_mels)
        decibels = 10.0 * np.log10(np.maximum(mel, 1e-10))
        decibels = np.maximum(decibels, decibels.max() - self.top_db)
        return np.ascontiguousarray((decibels @ dct_matrix(self.n_mels, self.n_mfcc)).T)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **attrs.asdict(self)}


@attrs.frozen
class LogFrequencyFrontEnd:
    """madmom's log-filtered spectrogram ``log10(1 + |STFT| @ filterbank)``, 15 s windows at a 5 s hop.

    The signal is peak-normalised and its leading and trailing digital silence trimmed,
    as the reference code does; frames of 2048 samples start every ``hop_length`` samples
    (704, i.e. 31.3 frames per second) and the magnitude spectrum uses a symmetric Hann
    window.
    """

    kind: ClassVar[str] = "logfreq"
    per_bin_normalisation: ClassVar[bool] = False
    """One dataset mean and standard deviation for all bins ("single" mode of the reference)."""

    frame_size: int = attrs.field(default=2048, validator=_positive)
    hop_length: int = attrs.field(default=704, validator=_positive)
    bands_per_octave: int = attrs.field(default=24, validator=_positive)
    fmin: float = attrs.field(default=20.0, validator=_positive)
    fmax: float = attrs.field(default=16000.0, validator=_positive)
    window_seconds: float = attrs.field(default=15.0, validator=_positive)
    window_hop_seconds: float = attrs.field(default=5.0, validator=_positive)

    @property
    def n_bins(self) -> int:
        return self._filterbank.shape[1]

    @property
    def window_frames(self) -> int:
        return math.floor(self.window_seconds * SAMPLE_RATE / self.hop_length)

    @property
    def hop_frames(self) -> int:
        return max(1, math.floor(self.window_hop_seconds * SAMPLE_RATE / self.hop_length))

    @property
    def hop_seconds(self) -> float:
        return self.hop_frames * self.hop_length / SAMPLE_RATE

    @property
    def _filterbank(self) -> np.ndarray:
        return log_filterbank(self.frame_size, self.bands_per_octave, self.fmin, self.fmax)

    def representation(self, audio: np.ndarray) -> np.ndarray:
        """The whole track's log-filtered spectrogram ``(n_bins, frames)``."""
        signal = _trim_and_normalise(_as_signal(audio))
        n_frames = math.ceil(len(signal) / self.hop_length)
        padded = np.pad(signal, (0, (n_frames - 1) * self.hop_length + self.frame_size - len(signal)))
        frames = sliding_window_view(padded, self.frame_size)[:: self.hop_length][:n_frames]
        power = _power_spectrum(frames, np.hanning(self.frame_size).astype(np.float32))
        magnitude = np.sqrt(power[:, : self.frame_size // 2])
        return np.ascontiguousarray(np.log10(1.0 + magnitude @ self._filterbank).T)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **attrs.asdict(self)}


FRONT_ENDS: dict[str, type[MfccFrontEnd] | type[LogFrequencyFrontEnd]] = {
    MfccFrontEnd.kind: MfccFrontEnd,
    LogFrequencyFrontEnd.kind: LogFrequencyFrontEnd,
}


DEFAULT_FRONT_ENDS: dict[str, type[MfccFrontEnd] | type[LogFrequencyFrontEnd]] = {
    "vgg": MfccFrontEnd,
    "resnet": LogFrequencyFrontEnd,
}
"""The front end each architecture is trained with."""


def frontend_from_dict(config: dict[str, Any]) -> FrontEnd:
    """Rebuild a front end from :meth:`to_dict` output; ``ValueError``/``TypeError`` if malformed."""
    options = dict(config)
    kind = options.pop("kind", None)
    if kind not in FRONT_ENDS:
        raise ValueError(f"unknown front end kind {kind!r}; known: {', '.join(FRONT_ENDS)}")
    return FRONT_ENDS[kind](**options)


# -- windows -------------------------------------------------------------------------------------


def loop_to(matrix: np.ndarray, length: int) -> np.ndarray:
    """Repeat ``(rows, n)`` along its last axis until it is at least ``length`` long."""
    if matrix.shape[1] >= length:
        return matrix
    return np.tile(matrix, (1, math.ceil(length / matrix.shape[1])))[:, :length]


def windows(representation: np.ndarray, frames: int, hop: int) -> np.ndarray:
    """Windows ``(n_windows, n_bins, frames)`` every ``hop`` frames; the tail shorter than a window is dropped."""
    looped = loop_to(representation, frames)
    return np.ascontiguousarray(sliding_window_view(looped, frames, axis=1)[:, ::hop].transpose(1, 0, 2))


def random_window(representation: np.ndarray, frames: int, rng: np.random.Generator) -> np.ndarray:
    """One window ``(n_bins, frames)`` at a random position (training excerpts)."""
    looped = loop_to(representation, frames)
    start = int(rng.integers(0, looped.shape[1] - frames + 1))
    return looped[:, start : start + frames]


# -- signal helpers -------------------------------------------------------------------------------


def _as_signal(audio: np.ndarray) -> np.ndarray:
    """Mono float32 samples (all the arithmetic is float32, like librosa's); an empty input becomes one
    zero sample so every step stays defined."""
    signal = np.asarray(audio, dtype=np.float32).reshape(-1)
    return signal if signal.size else np.zeros(1, dtype=np.float32)


def _trim_and_normalise(signal: np.ndarray) -> np.ndarray:
    nonzero = np.flatnonzero(signal)
    if nonzero.size == 0:
        return signal
    trimmed = signal[nonzero[0] : nonzero[-1] + 1]
    return trimmed / np.max(np.abs(trimmed))


def _power_spectrum(frames: np.ndarray, window: np.ndarray) -> np.ndarray:
    """``|rfft(frames * window)|**2`` per row, float32; torch's FFT is about ten times numpy's here."""
    spectrum = torch.fft.rfft(torch.from_numpy(frames * window), dim=1)
    return (spectrum.real.square() + spectrum.imag.square()).numpy()


def _periodic_hann(n: int) -> np.ndarray:
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n)).astype(np.float32)


# -- filterbanks (cached per process) -----------------------------------------------------------


def _hz_to_mel(frequencies: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above (librosa's default)."""
    frequencies = np.asarray(frequencies, dtype=np.float64)
    linear = frequencies / (200.0 / 3)
    logarithmic = 15.0 + np.log(np.maximum(frequencies, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(frequencies >= 1000.0, logarithmic, linear)


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    mels = np.asarray(mels, dtype=np.float64)
    linear = mels * (200.0 / 3)
    logarithmic = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mels - 15.0))
    return np.where(mels >= 15.0, logarithmic, linear)


@cache
def mel_filterbank(n_fft: int, n_mels: int) -> np.ndarray:
    """Slaney-normalised triangular mel filters ``(1 + n_fft // 2, n_mels)`` from 0 Hz to Nyquist, float32."""
    fft_frequencies = np.linspace(0.0, SAMPLE_RATE / 2, 1 + n_fft // 2)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), n_mels + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_frequencies[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling)) * (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return np.ascontiguousarray(weights.T, dtype=np.float32)


@cache
def dct_matrix(n_inputs: int, n_outputs: int) -> np.ndarray:
    """The orthonormal DCT-II of length ``n_inputs``, first ``n_outputs`` coefficients: ``(n_inputs, n_outputs)``."""
    k = np.arange(n_outputs)[:, None]
    n = np.arange(n_inputs)[None, :]
    basis = np.cos(np.pi * k * (2 * n + 1) / (2 * n_inputs)) * np.sqrt(2.0 / n_inputs)
    basis[0] /= np.sqrt(2.0)
    return np.ascontiguousarray(basis.T, dtype=np.float32)


@cache
def log_filterbank(frame_size: int, bands_per_octave: int, fmin: float, fmax: float) -> np.ndarray:
    """madmom's ``LogarithmicFilterbank`` ``(frame_size // 2, n_bands)`` float32: area-normalised, unique triangles.

    Centre frequencies are ``440 * 2**(k / bands_per_octave)`` within ``[fmin, fmax]``,
    mapped to the nearest FFT bin; duplicate bins (low frequencies) are merged, and each
    triple of consecutive bins makes one triangle.
    """
    bin_frequencies = np.arange(frame_size // 2) * SAMPLE_RATE / frame_size
    left = np.floor(np.log2(fmin / 440.0) * bands_per_octave)
    right = np.ceil(np.log2(fmax / 440.0) * bands_per_octave)
    centres = 440.0 * 2.0 ** (np.arange(left, right) / bands_per_octave)
    centres = centres[(centres >= fmin) & (centres <= fmax)]
    indices = np.clip(np.searchsorted(bin_frequencies, centres), 1, len(bin_frequencies) - 1)
    closer_left = centres - bin_frequencies[indices - 1] < bin_frequencies[indices] - centres
    bins = np.unique(indices - closer_left)
    if len(bins) < 3:
        raise ValueError(f"{fmin}-{fmax} Hz at {bands_per_octave} bands per octave gives fewer than 3 FFT bins")
    filterbank = np.zeros((len(bin_frequencies), len(bins) - 2))
    for band, (start, centre, stop) in enumerate(zip(bins[:-2], bins[1:-1], bins[2:], strict=True)):
        if stop - start < 2:
            centre, stop = start, start + 1
        triangle = np.concatenate(
            [np.linspace(0, 1, centre - start, endpoint=False), np.linspace(1, 0, stop - centre, endpoint=False)]
        )
        filterbank[start:stop, band] = triangle / triangle.sum()
    return filterbank.astype(np.float32)
