"""Rhythm: onset strength envelopes (our flux), onset rate, tempo and pulse clarity.

One log-power mel spectrogram gives the full-band onset strength envelope and one per band of
:data:`~featurize_librosa.catalog.BANDS` (mel bands whose centre lies in the band). Their means are the
flux family; their autocorrelation at tempo lags is the pulse clarity family. Tempo uses
``librosa.feature.tempo`` on the full envelope (autocorrelation tempogram), which is far cheaper than
``beat_track``.
"""

from __future__ import annotations

import math

import numpy as np

from featurize_librosa.catalog import BANDS, HOP_LENGTH, MAX_TEMPO, MIN_TEMPO, SAMPLE_RATE
from featurize_librosa.representation import Spectrogram

FRAME_RATE = SAMPLE_RATE / HOP_LENGTH


def pulse_clarity(envelope: np.ndarray) -> float:
    """Highest autocorrelation of the mean-removed envelope at lags of 40-208 BPM, relative to lag 0.

    NaN when the envelope is constant (nothing to correlate) or too short to hold the shortest lag.
    """
    import librosa

    shortest, longest = round(60.0 / MAX_TEMPO * FRAME_RATE), round(60.0 / MIN_TEMPO * FRAME_RATE)
    centred = envelope.astype(np.float64) - envelope.mean()
    correlation = librosa.autocorrelate(centred, max_size=longest + 1)
    if correlation[0] <= 0 or len(correlation) <= shortest:
        return math.nan
    return float(correlation[shortest:].max() / correlation[0])


def describe(spectrogram: Spectrogram, duration: float) -> dict[str, float]:
    """Flux, pulse clarity per band and full band, onset rate and tempo; ``duration`` in seconds."""
    import librosa

    full = librosa.onset.onset_strength(S=spectrogram.mel_db, sr=SAMPLE_RATE, hop_length=HOP_LENGTH)
    channels = [slice(*np.searchsorted(spectrogram.mel_frequencies, (band.low, band.high))) for band in BANDS]
    bands = librosa.onset.onset_strength_multi(
        S=spectrogram.mel_db, sr=SAMPLE_RATE, hop_length=HOP_LENGTH, channels=channels
    )
    onsets = librosa.onset.onset_detect(onset_envelope=full, sr=SAMPLE_RATE, hop_length=HOP_LENGTH, units="time")
    bpm = math.nan
    if len(onsets) >= 2:
        bpm = float(
            librosa.feature.tempo(onset_envelope=full, sr=SAMPLE_RATE, hop_length=HOP_LENGTH, max_tempo=MAX_TEMPO)[0]
        )
    values = {"onset_rate": len(onsets) / duration, "bpm": bpm}
    for suffix, envelope in [*((f"_{b.name}", e) for b, e in zip(BANDS, bands, strict=True)), ("", full)]:
        values[f"spectral_flux{suffix}"] = float(np.mean(envelope))
        values[f"pulse_clarity{suffix}"] = pulse_clarity(envelope)
    return values
