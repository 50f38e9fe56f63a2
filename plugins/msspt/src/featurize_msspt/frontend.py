"""Signal front end shared by the three stages: STFT, log compression, mel projection, inverse STFT.

It reproduces the paper's TensorFlow front end so that the numbers mean the same thing:

- 16 kHz mono; STFT with a periodic Hann window of 512 samples, hop 160, FFT 512, **no centring
  or padding** (``T = 1 + (n - 512) // 160`` frames); the Nyquist bin is dropped, leaving 256
  linear magnitude bins. Tensors are time-major: ``(..., T, F)``.
- Log compression ``log10(x + 1e-4)``.
- Mel: 128 HTK-mel triangles between 100 and 7800 Hz with peak 1 and no area normalisation,
  right-multiplied onto the *linear magnitude*, built like
  ``tf.signal.linear_to_mel_weight_matrix(128, 256, 16000, 100, 7800)``: bin ``k`` is taken to
  lie at ``k * 8000 / 255`` Hz (TF spreads the 256 kept bins over 0..Nyquist, a 0.4 % stretch
  of the true ``k * 31.25`` Hz) and the DC row is zero.
- Inverse STFT for separation: frames from an inverse real FFT, multiplied by TF's
  steady-state inverse window ``w[n] / sum_k w[n + 160 k]**2`` and overlap-added. The first and
  last ~352 samples are attenuated, not renormalised, as in the paper. ``torch.istft`` cannot be
  used: with ``center=False`` and a Hann window it fails its NOLA check.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional

SAMPLE_RATE = 16000
N_FFT = 512
HOP = 160
N_BINS = N_FFT // 2
"""Linear bins seen by the networks (the Nyquist bin is dropped)."""
N_MELS = 128
MEL_FMIN = 100.0
MEL_FMAX = 7800.0
LOG_EPS = 1e-4
"""The paper's ``10e-5``."""


def segment_samples(frames: int) -> int:
    """Samples spanned by ``frames`` STFT frames (61,792 for 384 frames, 123,232 for 768)."""
    return (frames - 1) * HOP + N_FFT


def frame_count(samples: int) -> int:
    """STFT frames of a signal of ``samples`` samples (no centring: 0 below one window)."""
    return 0 if samples < N_FFT else 1 + (samples - N_FFT) // HOP


def _window(device: torch.device | str | None = None) -> torch.Tensor:
    return torch.hann_window(N_FFT, periodic=True, dtype=torch.float32, device=device)


def stft(wave: torch.Tensor) -> torch.Tensor:
    """Complex STFT ``(..., T, 257)`` of ``wave`` ``(..., n)``, with ``n >= 512``."""
    flat = wave.reshape(-1, wave.shape[-1])
    spec = torch.stft(flat, N_FFT, HOP, N_FFT, window=_window(wave.device), center=False, return_complex=True)
    return spec.transpose(-1, -2).reshape(*wave.shape[:-1], spec.shape[-1], spec.shape[-2])


def magnitude(spec: torch.Tensor) -> torch.Tensor:
    """Linear magnitude ``(..., T, 256)`` of a complex STFT, without the Nyquist bin."""
    return spec[..., :N_BINS].abs()


def log_compress(x: torch.Tensor) -> torch.Tensor:
    return torch.log10(x + LOG_EPS)


def _hz_to_mel(hz: np.ndarray | float) -> np.ndarray:
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)


def mel_matrix() -> np.ndarray:
    """The ``(256, 128)`` float32 mel weight matrix (definition in the module docstring)."""
    bin_mel = _hz_to_mel(np.linspace(0.0, SAMPLE_RATE / 2, N_BINS)[1:])[:, None]
    edges = np.linspace(_hz_to_mel(MEL_FMIN), _hz_to_mel(MEL_FMAX), N_MELS + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (bin_mel - lower) / (center - lower)
    falling = (upper - bin_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.concatenate([np.zeros((1, N_MELS)), weights]).astype(np.float32)


def inverse_window(device: torch.device | str | None = None) -> torch.Tensor:
    """TF's ``inverse_stft_window_fn(160)``: the Hann window over its steady-state overlap sum."""
    window = _window(device)
    overlaps = -(-N_FFT // HOP)
    squared = functional.pad(window**2, (0, overlaps * HOP - N_FFT)).reshape(overlaps, HOP).sum(0)
    return window / squared.repeat(overlaps)[:N_FFT]


def istft(spec: torch.Tensor) -> torch.Tensor:
    """Overlap-add inverse of :func:`stft`: ``(..., T, 257)`` complex to ``(..., (T - 1) * 160 + 512)``."""
    frames = torch.fft.irfft(spec, n=N_FFT, dim=-1) * inverse_window(spec.device)
    n_frames = frames.shape[-2]
    flat = frames.reshape(-1, n_frames, N_FFT).transpose(1, 2)
    length = segment_samples(n_frames)
    wave = functional.fold(flat, output_size=(1, length), kernel_size=(1, N_FFT), stride=(1, HOP))
    return wave.reshape(*spec.shape[:-2], length)
