"""The pieces we re-implemented for speed or determinism agree with the Essentia algorithms they replace."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from featurize.extraction import Result, TrackContext
from featurize.testing.signals import clicks, tone, triad
from featurize_essentia import vectorised
from featurize_essentia.attack import attack_spans
from featurize_essentia.chords import harte
from featurize_essentia.framing import NOISE_AMPLITUDE, cut_frames

SR = 44100


@pytest.fixture(scope="module")
def es():  # type: ignore[no-untyped-def]
    import essentia

    essentia.log.infoActive = False
    essentia.log.warningActive = False
    import essentia.standard

    return essentia.standard


@pytest.mark.parametrize(
    ("frame", "hop", "from_zero"),
    [(2048, 1024, False), (4096, 2048, False), (1024, 512, False), (2205, 2205, True), (88200, 44100, True)],
)
@pytest.mark.parametrize("length", [1, 511, 1024, 1025, 4097, 44100, 100001])
def test_frames_are_those_of_essentia_frame_cutter(es, frame: int, hop: int, from_zero: bool, length: int) -> None:  # type: ignore[no-untyped-def]
    signal = (0.1 * np.random.default_rng(length).standard_normal(length)).astype(np.float32)
    expected = np.array(list(es.FrameGenerator(signal, frameSize=frame, hopSize=hop, startFromZero=from_zero)))
    assert np.array_equal(cut_frames(signal, frame, hop, start_from_zero=from_zero), expected.reshape(-1, frame))


def test_silent_frames_get_the_same_tiny_noise_every_time() -> None:
    signal = np.concatenate([np.zeros(8192), np.full(8192, 0.3)]).astype(np.float32)
    first, second = cut_frames(signal, 2048, 1024), cut_frames(signal, 2048, 1024)
    assert np.array_equal(first, second)
    assert 0 < np.abs(first[0]).max() <= NOISE_AMPLITUDE
    assert np.all(first[-3] == 0.3)


def test_vectorised_spectra_and_sums_match_essentia(es, extractor) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2)
    frames = (0.2 * rng.standard_normal((5, 2048))).astype(np.float32)
    frames[1] = 0.0  # a silent frame: no crossings, zero spectrum
    window, spectrum = es.Windowing(type="blackmanharris62"), es.Spectrum()
    expected = np.array([spectrum(window(frame)) for frame in frames])
    spectra = vectorised.magnitude_spectra(frames, extractor.spectral.window)
    assert np.allclose(spectra, expected, rtol=1e-4, atol=1e-6)
    zcr, energy, rms = es.ZeroCrossingRate(), es.Energy(), es.RMS()
    assert np.allclose(vectorised.zero_crossing_rate(frames), [zcr(frame) for frame in frames])
    assert np.allclose(vectorised.energy(spectra), [energy(s) for s in spectra], rtol=1e-5)
    assert np.allclose(vectorised.rms(spectra), [rms(s) for s in spectra], rtol=1e-5)
    for low, high in [(20.0, 150.0), (150.0, 800.0), (800.0, 4000.0), (4000.0, 20000.0)]:
        band = es.EnergyBand(startCutoffFrequency=low, stopCutoffFrequency=high, sampleRate=SR)
        assert np.allclose(vectorised.energy_band(spectra, low, high, SR), [band(s) for s in spectra], rtol=1e-5)


def test_vectorised_centroid_shape_and_decrease_match_essentia(es) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4)
    arrays = rng.random((5, 1025)).astype(np.float32) ** 4
    arrays[1] = 0.0  # all zero: centroid 0, spread 0, skewness 0, kurtosis -3
    arrays[2] = 0.0
    arrays[2, 300] = 1.0  # one bin: no spread
    arrays[3, :500] = 0.0
    centroid, moments, shape = es.Centroid(range=SR / 2), es.CentralMoments(range=SR / 2), es.DistributionShape()
    decrease = es.Decrease(range=SR / 2)
    assert np.allclose(vectorised.centroid(arrays, SR / 2), [centroid(a) for a in arrays], rtol=1e-5)
    expected = np.array([shape(moments(a)) for a in arrays])
    assert np.allclose(np.array(vectorised.distribution_shape(arrays, SR / 2)).T, expected, rtol=1e-4, atol=1e-6)
    assert np.allclose(vectorised.decrease(arrays, SR / 2), [decrease(a) for a in arrays], rtol=1e-4, atol=1e-12)


def test_vectorised_rolloff_and_mfcc_match_essentia(es) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    spectra = (0.01 * np.abs(rng.standard_normal((8, 1025))) ** 3).astype(np.float32)
    spectra[1] = 0.0  # silence: rolloff 0, MFCC at the -200 dB floor
    rolloff, mfcc = es.RollOff(), es.MFCC(numberBands=40)
    assert np.allclose(vectorised.rolloff(spectra, SR), [rolloff(s) for s in spectra])
    expected = np.array([mfcc(s)[1] for s in spectra])
    assert np.allclose(vectorised.Mfcc(1025, SR, 40, 13)(spectra), expected, rtol=1e-4, atol=2e-3)


def test_vectorised_flux_flatness_entropy_match_essentia(es) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    spectra = rng.random((6, 40)).astype(np.float32)
    spectra[2, 5] = 0.0  # a zero bin: Essentia's flatness is then 0
    spectra[4] = 0.0  # an all-zero frame: entropy 0
    flux = es.Flux()
    assert np.allclose(vectorised.flux(spectra), [flux(s) for s in spectra], rtol=1e-5)
    assert np.allclose(vectorised.flatness(spectra), [es.Flatness()(s) for s in spectra], rtol=1e-5)
    assert np.allclose(vectorised.entropy(spectra), [es.Entropy()(s) for s in spectra], rtol=1e-5, atol=1e-6)
    assert vectorised.entropy_clarity(np.eye(8)[:1]) == pytest.approx([1.0])
    assert vectorised.entropy_clarity(np.ones((1, 8))) == pytest.approx([0.0])


def test_replay_gain_matches_the_streaming_algorithm_music_extractor_uses(es, extractor) -> None:  # type: ignore[no-untyped-def]
    import essentia
    import essentia.streaming as ess

    signal = (tone(triad("G"), 1.0, SR) + clicks(120, 1.0, SR)).astype(np.float32)
    source, equal_loudness = ess.VectorInput(signal), ess.EqualLoudness(sampleRate=SR)
    replay_gain, pool = ess.ReplayGain(sampleRate=SR, applyEqloud=False), essentia.Pool()
    source.data >> equal_loudness.signal
    equal_loudness.signal >> replay_gain.signal
    replay_gain.replayGain >> (pool, "gain")
    essentia.run(source)
    assert extractor.level.replay_gain(es.EqualLoudness(sampleRate=SR)(signal)) == pytest.approx(pool["gain"], abs=1e-4)


@pytest.mark.parametrize("seconds", [0.3, 4.0])
def test_onsets_are_those_of_the_streaming_onset_rate(extractor, progression, seconds: float) -> None:  # type: ignore[no-untyped-def]
    import essentia
    import essentia.streaming as ess

    signal = progression([("C", "maj"), ("F", "maj")], seconds / 2, bpm=137)
    source, onset_rate, pool = ess.VectorInput(signal), ess.OnsetRate(), essentia.Pool()
    source.data >> onset_rate.signal
    onset_rate.onsetTimes >> (pool, "times")
    onset_rate.onsetRate >> (pool, "rate")
    essentia.run(source)
    expected = pool["times"] if "times" in pool.descriptorNames() else np.zeros(0)
    assert np.array_equal(extractor.rhythm.onsets(signal), expected)
    assert len(expected) > 0


def test_attack_spans_join_a_split_rise_and_skip_decays() -> None:
    rise = np.linspace(0.0, 1.0, 100)
    envelope = np.concatenate([rise, np.linspace(1.0, 0.5, 100), 0.5 + 0.5 * rise, np.linspace(1.0, 0.0, 100)])
    onsets = np.array([10, 60, 150, 200])  # 60 splits the first rise, 150 fires in a decay
    assert attack_spans(envelope, onsets, max_gap=1000) == [(0, 99), (199, 299)]
    assert attack_spans(np.zeros(50), np.array([5]), max_gap=100) == []


@pytest.mark.parametrize(
    ("label", "strength", "expected"),
    [("C", 0.9, "C:maj"), ("Am", 0.8, "A:min"), ("Bbm", 0.5, "Bb:min"), ("F#", 0.4, "F#:maj"), ("Am", 0.0, "N")],
)
def test_harte_labels(label: str, strength: float, expected: str) -> None:
    assert harte(label, strength) == expected


def test_chords_fall_back_to_frames_without_beats(extractor, run: Callable[..., Result]) -> None:  # type: ignore[no-untyped-def]
    signal = tone(triad("D", "min"), 1.5, SR)
    tonal = extractor.tonal.describe(TrackContext.from_array(signal, SR).audio(SR))
    segments = extractor.chords.segments(tonal, np.zeros(0, dtype=np.float32), 1.5)
    assert segments.labels == ("D:min",)
    assert (segments.start[0], segments.end[-1]) == (0.0, 1.5)
