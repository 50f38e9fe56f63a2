"""The built-in chord provider on synthesized progressions with known chords.

Accuracy (:func:`~featurize_fho.evaluation.chord_accuracy`) is the share of time where the
recognised chord equals the played one: weighted chord symbol recall.
"""

from __future__ import annotations

import numpy as np
import pytest

from featurize.artifacts import Segments
from featurize.extraction import TrackContext
from featurize.testing.signals import tone, triad, white_noise
from featurize_fho.beats import beat_times
from featurize_fho.chroma import estimate_tuning, power_spectrogram
from featurize_fho.chroma_chords import HOP, N_FFT, SAMPLE_RATE, ChromaChords
from featurize_fho.evaluation import PROGRESSIONS, RENDERINGS, chord_accuracy, render_progression
from featurize_fho.plugin import CHROMA_CHORDS

SR = SAMPLE_RATE


def render(chords: list[str], **options: float) -> tuple[np.ndarray, Segments]:
    return render_progression(chords, SR, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def recogniser() -> ChromaChords:
    return ChromaChords()


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_known_progressions_are_recognised(recogniser: ChromaChords, rendering: str) -> None:
    scores = {}
    for name, chords in PROGRESSIONS.items():
        audio, truth = render(chords, **RENDERINGS[rendering])
        found = recogniser.recognise(audio)
        scores[name] = chord_accuracy(found, truth)
        assert list(found.labels) == [c for i, c in enumerate(chords) if i == 0 or c != chords[i - 1]], name
    assert min(scores.values()) > 0.95, scores


def test_silence_and_noise_are_no_chord(recogniser: ChromaChords) -> None:
    audio, _ = render(["C:maj", "G:maj"], drums=False)
    gap = np.zeros(2 * SR, dtype=np.float32)
    found = recogniser.recognise(np.concatenate([audio, gap, white_noise(2.0, SR)]))
    assert found.labels == ("C:maj", "G:maj", "N")
    assert found.start[2] == pytest.approx(4.0, abs=0.3) and found.end[-1] == pytest.approx(8.0)


def test_tuning_estimate() -> None:
    for cents in (-40, 0, 25):
        audio, _ = render(["A:min"], cents=cents, drums=False)
        tuning = estimate_tuning(power_spectrogram(audio, N_FFT, HOP), SR, N_FFT)
        assert tuning == pytest.approx(cents / 100, abs=0.05)


def test_beats_follow_the_pulse() -> None:
    for bpm in (90, 120, 150):
        audio, _ = render(["C:maj"] * 4, bpm=bpm)
        intervals = np.diff(beat_times(audio, SR))
        assert np.median(intervals) == pytest.approx(60 / bpm, rel=0.03), bpm
    assert len(beat_times(np.zeros(SR * 2, dtype=np.float32), SR)) == 0


def test_accuracy_measure() -> None:
    truth = Segments.from_rows([(0.0, 1.0, "C:maj"), (1.0, 2.0, "G:maj")])
    assert chord_accuracy(truth, truth) == 1.0
    late = Segments.from_rows([(0.0, 1.5, "C:maj"), (1.5, 2.0, "G:maj")])
    assert chord_accuracy(late, truth) == pytest.approx(0.75)
    assert chord_accuracy(Segments.from_rows([(0.5, 2.0, "G:maj")]), truth) == pytest.approx(0.5)


def test_conformance(check_extractor: object) -> None:
    results = check_extractor(CHROMA_CHORDS)  # type: ignore[operator]
    assert results["music"].artifacts["chords"].labels == ("C:maj",)
    assert results["silence"].artifacts["chords"].labels == ("N",)
    for result in results.values():
        chords = result.artifacts["chords"]
        assert chords.start[0] == 0.0 and np.all(chords.end[:-1] == chords.start[1:])


@pytest.mark.parametrize("rate", [8000, 44100, 48000])
def test_any_rate_and_channel_layout_through_the_context(recogniser: ChromaChords, rate: int) -> None:
    audio = np.concatenate([tone(triad("D"), 2.0, rate), tone(triad("B", "min"), 2.0, rate)])
    stereo = np.stack([audio, 0.5 * audio])
    found = recogniser(TrackContext.from_array(stereo, rate)).artifacts["chords"]
    assert found.labels == ("D:maj", "B:min") and found.end[-1] == pytest.approx(4.0)
