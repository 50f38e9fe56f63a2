"""The front end: frame arithmetic, STFT layout, the TF-style mel matrix, the overlap-add inverse STFT."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from featurize_msspt import frontend
from featurize_msspt.windows import random_crop, track_windows


@pytest.mark.parametrize(("frames", "samples"), [(384, 61_792), (768, 123_232), (192, 31_072)])
def test_segment_lengths_match_the_paper(frames: int, samples: int) -> None:
    assert frontend.segment_samples(frames) == samples
    assert frontend.frame_count(samples) == frames
    assert frontend.frame_count(samples + 159) == frames
    assert frontend.frame_count(511) == 0


def test_stft_is_uncentred_time_major_and_drops_nyquist() -> None:
    wave = torch.randn(2, 3, frontend.segment_samples(10))
    spec = frontend.stft(wave)
    assert spec.shape == (2, 3, 10, 257)
    # Frame 4 is the windowed FFT of samples [640, 1152), with no padding in front.
    expected = torch.fft.rfft(wave[0, 0, 640:1152] * torch.hann_window(512, periodic=True))
    torch.testing.assert_close(spec[0, 0, 4], expected, rtol=1e-4, atol=1e-4)
    assert frontend.magnitude(spec).shape == (2, 3, 10, 256)


def test_mel_matrix_follows_tensorflow_construction() -> None:
    matrix = frontend.mel_matrix()
    assert matrix.shape == (256, 128) and matrix.dtype == np.float32
    assert not matrix[0].any(), "the DC row is zero"
    assert matrix.min() >= 0 and matrix.max() <= 1
    # TF places bin k at k * 8000 / 255 Hz; each band peaks at the bin closest to its HTK-mel centre.
    mel = 1127.0 * np.log1p(np.linspace(0, 8000, 256) / 700)
    centres = np.linspace(1127.0 * np.log1p(100 / 700), 1127.0 * np.log1p(7800 / 700), 130)[1:-1]
    for band in (0, 40, 127):
        nearest = np.argmin(np.abs(mel - centres[band]))
        assert abs(int(np.argmax(matrix[:, band])) - nearest) <= 1
    assert matrix[256 * 7600 // 8000 :, 0].sum() == 0, "a low band has no weight at high bins"
    # Triangles with peak 1: adjacent bands cross where their weights sum to about one.
    assert np.all(matrix[20:240].sum(axis=1) > 0.3)


def test_inverse_stft_reconstructs_with_an_all_ones_mask() -> None:
    rng = np.random.default_rng(0)
    wave = torch.from_numpy(rng.standard_normal((2, frontend.segment_samples(200))).astype(np.float32))
    spec = frontend.stft(wave)
    mask = torch.ones((*spec.shape[:-1], 256))
    masked = torch.cat([mask * spec[..., :256], spec[..., 256:]], dim=-1)
    rebuilt = frontend.istft(masked)
    assert rebuilt.shape == wave.shape
    torch.testing.assert_close(rebuilt[:, 352:-352], wave[:, 352:-352], rtol=1e-4, atol=1e-4)
    # TF's steady-state window attenuates the first and last samples instead of renormalising them.
    assert rebuilt[:, :100].abs().mean() < 0.5 * wave[:, :100].abs().mean()


def test_windows_and_crops_cover_short_and_long_tracks() -> None:
    rng = np.random.default_rng(0)
    long_wave = rng.standard_normal(frontend.segment_samples(1000)).astype(np.float32)
    windows = track_windows(long_wave, 384, 192)
    assert windows.shape == (1 + (1000 - 384) // 192, 384, 256)
    torch.testing.assert_close(windows[1], track_windows(long_wave[192 * 160 :], 384, 384)[0])
    short = track_windows(np.zeros(300, dtype=np.float32), 192, 96)
    assert short.shape == (1, 192, 256)
    assert torch.isfinite(frontend.log_compress(short)).all()
    crop = random_crop(long_wave, 192, rng)
    assert len(crop) == frontend.segment_samples(192)
    assert len(random_crop(long_wave[:1000], 192, rng)) == frontend.segment_samples(192)
