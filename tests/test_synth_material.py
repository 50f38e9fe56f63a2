"""The musical material of the generator: progressions, lyrics styles and what the audio contains."""

from __future__ import annotations

import itertools
import re

import attrs
import numpy as np
import pytest

from featurize.synth import draw_factors
from featurize.synth.harmony import TEMPLATES, Chord, chord_timeline, progression
from featurize.synth.lyrics import PLAIN_ENDINGS, RHYME_FAMILIES, SOUND_GROUPS, LyricStyle, count_words, write_lyrics
from featurize.synth.render import render_clip
from featurize.synth.timbre import centre_for, harmonic_amplitudes, wavetable

ALL_LOOPS = [(mode, kind, name, degrees) for (mode, kind), loops in TEMPLATES.items() for name, degrees in loops]


def _moves(degrees: tuple[tuple[int, str], ...]) -> list[tuple[str, int, str]]:
    """(quality, root interval up, next quality) of each chord change, wrapping around the loop."""
    pairs = zip(degrees, degrees[1:] + degrees[:1], strict=True)
    return [(q1, (r2 - r1) % 12, q2) for (r1, q1), (r2, q2) in pairs]


@pytest.mark.parametrize(("mode", "kind", "name", "degrees"), ALL_LOOPS, ids=[loop[2] for loop in ALL_LOOPS])
def test_progression_families_carry_their_functions(mode: str, kind: str, name: str, degrees: tuple) -> None:
    moves = _moves(degrees)
    assert all(move[1] != 0 or move[0] != move[2] for move in moves), "consecutive chords must differ"
    dominant_cadence = any(q1 == "maj" and step == 5 for q1, step, _ in moves)
    assert dominant_cadence == (kind == "functional")
    aeolian = any(q1 == "min" and step == 5 and q2 == "min" for q1, step, q2 in moves)
    assert aeolian == (mode == "minor")
    assert degrees[0] == (0, "maj" if mode == "major" else "min")


def test_progression_in_a_key_and_timeline() -> None:
    name, loop = progression(9, "minor", "functional", 0)
    assert name == "i-iv-bVI-V" and [c.label for c in loop] == ["A:min", "D:min", "F:maj", "E:maj"]
    assert Chord(1, "maj").pitch_classes == (1, 5, 8)
    events = chord_timeline(loop, 0.75, 2.0)
    assert [(e.start, e.end, e.chord.label) for e in events] == [
        (0.0, 0.75, "A:min"),
        (0.75, 1.5, "D:min"),
        (1.5, 2.0, "F:maj"),
    ]


def _lines(style: LyricStyle, seed: int = 0, duration: float = 12.0) -> list[list[str]]:
    text = write_lyrics(style, duration, np.random.default_rng(seed))
    assert re.fullmatch(r"([a-z]+( [a-z]+)*\n)+", text)
    return [line.split() for line in text.splitlines()]


GROUP_OF = {w: g for g, kinds in SOUND_GROUPS.items() for words in kinds.values() for w in words}


@pytest.mark.parametrize("seed", range(5))
def test_alliterative_and_plain_lines(seed: int) -> None:
    for line in _lines(LyricStyle(False, True, False, 2.0), seed):
        content = [w for w in line[:-1] if w in GROUP_OF]
        assert len(content) >= 3 and len({GROUP_OF[w] for w in content}) == 1
    for line in _lines(LyricStyle(False, False, False, 2.0), seed):
        content = [w for w in line[:-1] if w in GROUP_OF]
        assert all(GROUP_OF[a] != GROUP_OF[b] for a, b in itertools.pairwise(line) if a in GROUP_OF and b in GROUP_OF)
        assert len(content) >= 3


@pytest.mark.parametrize("seed", range(5))
def test_rhyming_couplets_and_plain_endings(seed: int) -> None:
    family_of = {w: i for i, family in enumerate(RHYME_FAMILIES) for w in family}
    endings = [line[-1] for line in _lines(LyricStyle(True, False, False, 2.5), seed)]
    for first, second in zip(endings[0::2], endings[1::2], strict=False):
        assert first != second and family_of[first] == family_of[second]
    plain = [line[-1] for line in _lines(LyricStyle(False, False, False, 2.5), seed)]
    assert set(plain) <= set(PLAIN_ENDINGS) and len(set(plain)) == len(plain)
    assert len({w[-2:] for w in plain}) == len(plain)


def test_repetitive_lyrics_repeat_a_chorus_and_varied_ones_do_not() -> None:
    lines = _lines(LyricStyle(False, False, True, 3.0))
    assert len(lines) >= 4 and lines[2:4] == lines[0:2] and lines[0] != lines[1]
    varied = [w for line in _lines(LyricStyle(False, False, False, 3.0)) for w in line if w in GROUP_OF]
    assert len(varied) == len(set(varied))


@pytest.mark.parametrize("rate", [1.0, 2.0, 3.0])
def test_word_rate_sets_the_number_of_words(rate: float) -> None:
    text = write_lyrics(LyricStyle(False, False, False, rate), 10.0, np.random.default_rng(1))
    assert abs(count_words(text) - rate * 10.0) <= 3


def _spectrum(signal: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    magnitude = np.abs(np.fft.rfft(signal * np.hanning(len(signal))))
    return np.fft.rfftfreq(len(signal), 1 / sr), magnitude


def test_wavetable_is_band_limited_and_brightness_raises_the_centroid() -> None:
    sr = 22050
    table = wavetable(harmonic_amplitudes(1000.0, sr, centre_for(1.0)))[:-1]
    freqs, magnitude = _spectrum(np.tile(table, 4), 4096)  # one period = 4096 samples: bin k = harmonic k / 4
    harmonics = magnitude[4::4][:30]
    assert np.count_nonzero(harmonics > 1e-3 * harmonics[0]) == int(0.45 * sr // 1000)
    centroids = []
    for brightness in (0.0, 0.5, 1.0):
        factors = attrs.evolve(draw_factors(0, 0), brightness=brightness)
        other = render_clip(factors, "la la", 2.0, sr, np.random.default_rng(0)).stems["other"][0]
        freqs, magnitude = _spectrum(other, sr)
        centroids.append(float(np.sum(freqs * magnitude) / np.sum(magnitude)))
    assert centroids[0] < centroids[1] < centroids[2]


def _chroma(signal: np.ndarray, sr: int) -> np.ndarray:
    freqs, magnitude = _spectrum(signal, sr)
    keep = (freqs > 60) & (freqs < 2000)
    pitch_class = np.round(12 * np.log2(freqs[keep] / 440.0) + 69).astype(int) % 12
    return np.bincount(pitch_class, weights=magnitude[keep] ** 2, minlength=12)


def test_chord_instrument_plays_the_ground_truth_chords() -> None:
    factors = attrs.evolve(draw_factors(0, 5), tempo=120.0)
    sr = 22050
    clip = render_clip(factors, "la", 4.0, sr, np.random.default_rng(0))
    other = clip.stems["other"][0] + clip.stems["other"][1]
    for event in clip.chords:
        segment = other[round((event.start + 0.2) * sr) : round((event.end - 0.05) * sr)]
        top = set(np.argsort(_chroma(segment, sr))[-3:])
        assert top == set(event.chord.pitch_classes), event.chord.label


def _onset_strength(signal: np.ndarray, hop: int) -> np.ndarray:
    energy = np.sqrt(np.mean(signal[: len(signal) // hop * hop].reshape(-1, hop) ** 2, axis=1))
    return np.maximum(np.diff(energy), 0)


def test_drums_put_a_beat_at_the_tempo_and_density_adds_onsets() -> None:
    sr, hop = 22050, 256
    counts = []
    for density in (1, 4):
        factors = attrs.evolve(draw_factors(0, 1), tempo=100.0, drum_density=density)
        drums = render_clip(factors, "la", 6.0, sr, np.random.default_rng(0)).stems["drums"][0]
        flux = _onset_strength(drums, hop)
        lags = np.arange(1, len(flux) // 2)
        autocorr = np.array([np.dot(flux[:-lag], flux[lag:]) for lag in lags])
        beat_lag = 60.0 / 100.0 * sr / hop
        window = (lags > 0.8 * beat_lag) & (lags < 1.2 * beat_lag)
        assert abs(lags[window][np.argmax(autocorr[window])] - beat_lag) <= 1.0
        hats = _onset_strength(np.diff(drums, n=2), hop)  # the second difference keeps the hi-hats
        peaks = (hats > 0.05 * hats.max()) & (hats >= np.roll(hats, 1)) & (hats >= np.roll(hats, -1))
        counts.append(np.count_nonzero(peaks))
    assert counts[1] >= 3 * counts[0]


def test_attack_factor_slows_the_onsets_of_pitched_instruments() -> None:
    sr, window = 22050, 110  # 5 ms RMS windows
    rise = []
    for attack in (0.0, 1.0):
        factors = attrs.evolve(draw_factors(0, 2), attack=attack)
        bass = render_clip(factors, "la", 1.0, sr, np.random.default_rng(0)).stems["bass"][0][: sr // 2]
        envelope = np.sqrt(np.mean(bass[: len(bass) // window * window].reshape(-1, window) ** 2, axis=1))
        rise.append(np.argmax(envelope > 0.5 * envelope.max()) * window / sr)
    assert rise[0] < 0.015 and rise[1] > 0.05
