"""Attack time and attack slope, over the whole signal and five band-passed copies of it.

Follows the SAMAT lab's attack-time code in its inputs (``BandPass`` bank, onsets from
``OnsetDetectionGlobal`` + ``Onsets`` on each signal, an amplitude ``Envelope``) but not in its
measure: the time to the first local maximum of the raw envelope measures the waveform's first
half-period, not the attack. Here an attack is the rise of the envelope to its peak after an onset:

1. each onset's peak is the envelope maximum up to the next onset (at most 1 s later);
2. a peak reached from the previous one without the envelope dipping below 90% of it belongs to the
   same attack (onset detectors often fire twice on a slow rise);
3. the attack starts at the envelope's lowest point since the previous attack's peak (at most 1 s
   back); a rise smaller than half the peak (6 dB) is not an attack (a detection in a decay);
4. Essentia's ``LogAttackTime`` on the rise above that valley gives the attack time, from 20% to
   90% of the rise (the usual MPEG-7 / Peeters definition), and the slope is
   ``0.7 × rise / attack time`` in full-scale amplitude per second.

A rise that crosses 20% and 90% within one sample has an attack time of 0: it counts in the mean
attack time, but its slope would be infinite and is left out of the mean slope.
"""

from __future__ import annotations

import math

import numpy as np

from featurize_essentia.bands import ATTACK_SLOPE_BANDS, BANDS

DETECTION_FRAME = 2048
DETECTION_HOP = 512
ENVELOPE_ATTACK_MS = 1.0
ENVELOPE_RELEASE_MS = 100.0
MAX_GAP_SECONDS = 1.0
"""How far after an onset its peak, and before a peak its valley, are searched."""
SAME_ATTACK_DIP = 0.9
MIN_RISE = 0.5
START_THRESHOLD, STOP_THRESHOLD = 0.2, 0.9


def attack_spans(envelope: np.ndarray, onsets: np.ndarray, max_gap: int) -> list[tuple[int, int]]:
    """``(valley, peak)`` sample indices of each attack found after ``onsets`` (sorted sample indices)."""
    stops = np.minimum(np.append(onsets[1:], len(envelope)), onsets + max_gap)
    peaks: list[int] = []
    for onset, stop in zip(onsets, stops, strict=True):
        peak = int(onset + np.argmax(envelope[onset:stop]))
        if peaks and _continues(envelope, peaks[-1], peak):
            peaks[-1] = peak
        else:
            peaks.append(peak)
    spans, previous = [], 0
    for peak in peaks:
        low = max(previous, peak - max_gap)
        valley = int(low + np.argmin(envelope[low : peak + 1]))
        previous = peak
        if envelope[peak] - envelope[valley] >= MIN_RISE * envelope[peak] > 0:
            spans.append((valley, peak))
    return spans


def _continues(envelope: np.ndarray, previous: int, peak: int) -> bool:
    """Whether ``peak`` is higher and reached from ``previous`` without dipping below 90% of it."""
    level = envelope[previous]
    return bool(envelope[peak] > level and envelope[previous : peak + 1].min() >= SAME_ATTACK_DIP * level)


class AttackAnalyzer:
    """Attack features of the full band and of each band; built once per worker."""

    def __init__(self, sr: int) -> None:
        import essentia.standard as es

        self.sr = sr
        self._filters = {
            band.name: es.BandPass(
                cutoffFrequency=(band.low + band.high) / 2, bandwidth=band.high - band.low, sampleRate=sr
            )
            for band in BANDS
        }
        self._detection = es.OnsetDetectionGlobal(
            method="infogain", frameSize=DETECTION_FRAME, hopSize=DETECTION_HOP, sampleRate=sr
        )
        self._onsets = es.Onsets(frameRate=sr / DETECTION_HOP)
        self._envelope = es.Envelope(sampleRate=sr, attackTime=ENVELOPE_ATTACK_MS, releaseTime=ENVELOPE_RELEASE_MS)
        self._log_attack_time = es.LogAttackTime(
            sampleRate=sr, startAttackThreshold=START_THRESHOLD, stopAttackThreshold=STOP_THRESHOLD
        )

    def describe(self, signal: np.ndarray) -> dict[str, float]:
        """``attack_time``, ``attack_time_<band>`` and the three ``attack_slope_<band>`` SAMAT kept."""
        time, _ = self.measure(signal)
        features = {"attack_time": time}
        for name, band_pass in self._filters.items():
            band_pass.reset()
            time, slope = self.measure(band_pass(signal))
            features[f"attack_time_{name}"] = time
            if name in ATTACK_SLOPE_BANDS:
                features[f"attack_slope_{name}"] = slope
        return features

    def measure(self, signal: np.ndarray) -> tuple[float, float]:
        """Mean attack time (s) and mean finite attack slope (1/s) of ``signal``; NaN without attacks."""
        envelope = self._envelope(signal)
        times, slopes = [], []
        for valley, peak in attack_spans(envelope, self._onset_samples(signal), int(MAX_GAP_SECONDS * self.sr)):
            rise = envelope[valley : peak + 1] - envelope[valley]
            _, attack_start, attack_stop = self._log_attack_time(rise)
            time = float(attack_stop - attack_start)
            times.append(time)
            if time > 0:
                slopes.append((STOP_THRESHOLD - START_THRESHOLD) * float(rise[-1]) / time)
        mean_time = float(np.mean(times)) if times else math.nan
        return mean_time, (float(np.mean(slopes)) if slopes else math.nan)

    def _onset_samples(self, signal: np.ndarray) -> np.ndarray:
        for algorithm in (self._detection, self._onsets):
            algorithm.reset()  # OnsetDetectionGlobal keeps state between calls
        detection = self._detection(signal)
        onsets = self._onsets(np.atleast_2d(detection).astype(np.float32), np.ones(1, dtype=np.float32))
        samples = np.unique(np.round(np.asarray(onsets) * self.sr).astype(np.int64))
        return samples[samples < len(signal)]
