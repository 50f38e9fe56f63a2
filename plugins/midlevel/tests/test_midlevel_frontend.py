"""The numpy front ends: MFCCs equal librosa's, the log-frequency filterbank follows madmom's rule."""

from __future__ import annotations

import numpy as np
import pytest

from featurize.testing.signals import clicks, tone, triad
from featurize_midlevel.frontend import (
    LogFrequencyFrontEnd,
    MfccFrontEnd,
    frontend_from_dict,
    log_filterbank,
    loop_to,
    random_window,
    windows,
)

SR = 22050


def music(seconds: float) -> np.ndarray:
    return tone(triad("A", "min"), seconds, SR) + clicks(100, seconds, SR)


def test_mfcc_matches_librosa() -> None:
    librosa = pytest.importorskip("librosa")
    audio = music(15.0)
    ours = MfccFrontEnd().representation(audio)
    reference = librosa.feature.mfcc(y=audio, sr=SR, n_mfcc=40, n_fft=2048, win_length=2048, hop_length=512)
    assert ours.shape == reference.shape == (40, 646)
    np.testing.assert_allclose(ours, reference, atol=1e-4 * np.abs(reference).max())


def test_mfcc_reads_only_the_first_window_and_loops_short_audio() -> None:
    frontend = MfccFrontEnd()
    first = music(15.0)
    changed_tail = np.concatenate([first, np.ones(SR * 5, dtype=np.float32)])
    np.testing.assert_array_equal(frontend.representation(first), frontend.representation(changed_tail))
    short = music(5.0)
    np.testing.assert_allclose(
        frontend.representation(short), frontend.representation(np.tile(short, 3)), rtol=1e-5, atol=1e-3
    )


def test_log_filterbank_has_149_area_normalised_bands() -> None:
    bank = log_filterbank(2048, 24, 20.0, 16000.0)
    assert bank.shape == (1024, 149)
    np.testing.assert_allclose(bank.sum(axis=0), 1.0, rtol=1e-6)
    peaks = bank.argmax(axis=0)
    assert np.all(np.diff(peaks) > 0), "band centres must rise with the band index"


def test_log_frequency_band_of_a_sine_is_at_its_frequency() -> None:
    frontend = LogFrequencyFrontEnd()
    spectrogram = frontend.representation(np.sin(2 * np.pi * 1000.0 * np.arange(SR * 3) / SR))
    loudest_band = int(spectrogram.mean(axis=1).argmax())
    centre_hz = log_filterbank(2048, 24, 20.0, 16000.0)[:, loudest_band].argmax() * SR / 2048
    assert abs(np.log2(centre_hz / 1000.0)) < 1 / 24


def test_log_frequency_windows_are_15_s_every_5_s() -> None:
    frontend = LogFrequencyFrontEnd()
    assert (frontend.n_bins, frontend.window_frames, frontend.hop_frames) == (149, 469, 156)
    spectrogram = frontend.representation(music(30.0))
    assert spectrogram.shape == (149, 940)
    cut = windows(spectrogram, frontend.window_frames, frontend.hop_frames)
    assert cut.shape == (4, 149, 469)
    np.testing.assert_array_equal(cut[1], spectrogram[:, 156 : 156 + 469])


def test_short_representations_are_looped_to_one_window() -> None:
    matrix = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(loop_to(matrix, 7), [[0, 1, 2, 0, 1, 2, 0], [3, 4, 5, 3, 4, 5, 3]])
    assert windows(matrix, 7, 2).shape == (1, 2, 7)
    window = random_window(matrix, 7, np.random.default_rng(0))
    np.testing.assert_array_equal(window, loop_to(matrix, 7))


@pytest.mark.parametrize("frontend", [MfccFrontEnd(), LogFrequencyFrontEnd()], ids=["mfcc", "logfreq"])
@pytest.mark.parametrize(
    "audio",
    [np.zeros(SR * 2), np.zeros(0), music(4.0)[:100], np.clip(music(4.0) * 8, -1, 1)],
    ids=["silence", "empty", "under_one_frame", "clipped"],
)
def test_degenerate_audio_gives_finite_windows(
    frontend: MfccFrontEnd | LogFrequencyFrontEnd, audio: np.ndarray
) -> None:
    representation = frontend.representation(audio)
    assert representation.dtype == np.float32 and np.all(np.isfinite(representation))
    cut = windows(representation, frontend.window_frames, frontend.hop_frames)
    assert cut.shape == (1, frontend.n_bins, frontend.window_frames)


def test_front_ends_round_trip_through_their_config() -> None:
    for frontend in (MfccFrontEnd(n_mfcc=20), LogFrequencyFrontEnd(window_hop_seconds=2.5)):
        assert frontend_from_dict(frontend.to_dict()) == frontend
    with pytest.raises(ValueError, match="unknown front end kind"):
        frontend_from_dict({"kind": "cqt"})
    with pytest.raises(ValueError, match="must be positive"):
        frontend_from_dict({"kind": "mfcc", "n_fft": 0})
