"""The shared time-frequency representation: one STFT and one mel spectrogram per track.

Magnitudes are divided by half the window's sum, Essentia's ``Windowing(normalized=True)``
convention, so a full-scale sine peaks at 1 whatever the frame size and the energies are on the
same scale as the ``essentia`` plugin's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from featurize_librosa.catalog import HOP_LENGTH, N_FFT, N_MELS, SAMPLE_RATE

SILENCE_POWER = 1e-10
"""A frame whose mean power is below this (-100 dB) is silent, Essentia's cut-off."""


class Spectrogram(NamedTuple):
    """What every feature module reads; frames along the last axis, as librosa has them."""

    signal: np.ndarray
    magnitude: np.ndarray
    """``(1 + N_FFT // 2, n_frames)``, window-normalised."""
    frequencies: np.ndarray
    mel_db: np.ndarray
    """``(N_MELS, n_frames)`` log-power mel spectrogram (dB, floor -100 dB)."""
    mel_frequencies: np.ndarray
    """Centre frequency of each mel band."""
    sounding: np.ndarray
    """Boolean per frame: mean power at least :data:`SILENCE_POWER` and a non-zero spectrum."""

    @property
    def power(self) -> np.ndarray:
        return np.square(self.magnitude)


def analyse(signal: np.ndarray) -> Spectrogram:
    """The STFT and mel spectrogram of mono ``signal`` at :data:`SAMPLE_RATE`.

    Audio shorter than one frame is zero-padded to one frame (librosa would warn and pad anyway).
    """
    import librosa

    if len(signal) < N_FFT:
        signal = np.pad(signal, (0, N_FFT - len(signal)))
    window_gain = np.sum(librosa.filters.get_window("hann", N_FFT)) / 2.0
    magnitude = np.abs(librosa.stft(signal, n_fft=N_FFT, hop_length=HOP_LENGTH, window="hann")) / window_gain
    mel = librosa.feature.melspectrogram(S=np.square(magnitude), sr=SAMPLE_RATE, n_mels=N_MELS)
    frame_power = np.square(librosa.feature.rms(y=signal, frame_length=N_FFT, hop_length=HOP_LENGTH)[0])
    return Spectrogram(
        signal=signal,
        magnitude=magnitude,
        frequencies=librosa.fft_frequencies(sr=SAMPLE_RATE, n_fft=N_FFT),
        mel_db=librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None),
        mel_frequencies=librosa.mel_frequencies(n_mels=N_MELS + 2, fmax=SAMPLE_RATE / 2)[1:-1],
        sounding=(frame_power >= SILENCE_POWER) & (magnitude.sum(axis=0) > 0),
    )
