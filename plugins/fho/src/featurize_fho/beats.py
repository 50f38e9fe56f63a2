"""A small beat tracker (onset envelope, tempo by autocorrelation, Ellis' dynamic programming).

Chords change on beats, so the chord matcher decides one chord per beat. This follows Ellis
(2007), "Beat tracking by dynamic programming", as librosa's ``beat_track`` does, in numpy:

1. onset strength: half-wave rectified increase of log-magnitude, summed over frequency;
2. tempo: the autocorrelation lag of the onset envelope with the most weight under a log-normal
   prior around 120 BPM;
3. beats: the sequence maximising onset strength at the beats minus a penalty on deviations of
   each inter-beat interval from the tempo's period.

A track without onsets (silence, a sustained drone) gets no beats; the caller then uses a fixed grid.
"""

from __future__ import annotations

import numpy as np

from featurize_fho.chroma import power_blocks

ONSET_FFT = 512
ONSET_HOP = 128
TEMPO_PRIOR_BPM = 120.0
TEMPO_RANGE_BPM = (40.0, 240.0)
TIGHTNESS = 100.0
"""Weight of the squared log-ratio between an inter-beat interval and the period (librosa's default)."""


def onset_envelope(audio: np.ndarray) -> np.ndarray:
    """Spectral-flux onset strength, one value per ``ONSET_HOP`` samples, local mean removed, >= 0."""
    parts, previous = [], None
    for power in power_blocks(audio, ONSET_FFT, ONSET_HOP):
        log_magnitude = np.log1p(1000.0 * np.sqrt(power))
        before = log_magnitude[:1] if previous is None else previous
        parts.append(np.maximum(np.diff(log_magnitude, axis=0, prepend=before), 0.0).sum(axis=1))
        previous = log_magnitude[-1:]
    flux = np.concatenate(parts).astype(np.float64)
    smooth = np.convolve(flux, np.ones(16) / 16, mode="same")
    return np.maximum(flux - smooth, 0.0)


def estimate_period(envelope: np.ndarray, frame_rate: float) -> float | None:
    """The beat period in frames, or ``None`` when the envelope has no periodicity to speak of."""
    envelope = envelope - envelope.mean()
    if len(envelope) < 4 or not np.any(envelope):
        return None
    n = len(envelope)
    spectrum = np.fft.rfft(envelope, 2 * n)
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    lags = np.arange(n)
    bpm = 60.0 * frame_rate / np.maximum(lags, 1)
    valid = (bpm >= TEMPO_RANGE_BPM[0]) & (bpm <= TEMPO_RANGE_BPM[1]) & (lags > 0)
    if not np.any(valid) or autocorrelation[0] <= 0:
        return None
    prior = np.exp(-0.5 * np.log2(bpm / TEMPO_PRIOR_BPM) ** 2)
    weighted = np.where(valid, np.maximum(autocorrelation, 0.0) * prior, -np.inf)
    best = int(np.argmax(weighted))
    return float(best) if weighted[best] > 0 else None


def track_beats(envelope: np.ndarray, period: float) -> np.ndarray:
    """Beat frames by dynamic programming over the onset envelope (Ellis 2007)."""
    n = len(envelope)
    normalised = envelope / (envelope.std() or 1.0)
    width = max(1, round(period / 16))
    kernel = np.exp(-0.5 * (np.arange(-2 * width, 2 * width + 1) / width) ** 2)
    local = np.convolve(normalised, kernel, mode="same")
    offsets = np.arange(-round(2 * period), -round(period / 2) + 1)
    penalty = -TIGHTNESS * np.log(-offsets / period) ** 2
    score = local.copy()
    backlink = np.full(n, -1)
    for t in range(n):
        candidates = t + offsets
        usable = candidates >= 0
        if not np.any(usable):
            continue
        totals = score[candidates[usable]] + penalty[usable]
        best = int(np.argmax(totals))
        if totals[best] > 0:
            score[t] = local[t] + totals[best]
            backlink[t] = candidates[usable][best]
    # The last beat: the best-scoring frame within the final period.
    tail = max(0, n - round(period))
    beat = tail + int(np.argmax(score[tail:]))
    beats = [beat]
    while backlink[beats[-1]] >= 0:
        beats.append(int(backlink[beats[-1]]))
    return np.array(beats[::-1], dtype=np.int64)


def beat_times(audio: np.ndarray, sr: int) -> np.ndarray:
    """Beat times in seconds; empty when the audio has no pulse."""
    envelope = onset_envelope(audio)
    frame_rate = sr / ONSET_HOP
    period = estimate_period(envelope, frame_rate)
    if period is None:
        return np.zeros(0)
    return track_beats(envelope, period) / frame_rate
