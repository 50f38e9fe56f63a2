"""The 85 declared features of the ``essentia`` extractor and its artifacts: plain data, no Essentia import.

Names follow the project's canonical list; each description says how the value is computed,
which MusicExtractor descriptor it reproduces (when there is one) and when it is NaN.
"""

from __future__ import annotations

from featurize.conventions import PITCH_CLASSES
from featurize.plugin.descriptors import ArtifactKind, ArtifactSpec, Feature, Source
from featurize_essentia.bands import ATTACK_SLOPE_BANDS, BANDS, ENERGY_BANDS

N_MFCC = 13

_LOWLEVEL = "2048-sample frames, hop 1024, Blackman-Harris 62"
_EQLOUD = f"equal-loudness-filtered signal, {_LOWLEVEL}"


def _feature(name: str, description: str, unit: str = "") -> Feature:
    return Feature(name=name, description=description, source=Source.SIGNAL, unit=unit)


SINGLE_VALUES: tuple[Feature, ...] = (
    _feature(
        "danceability",
        "Detrended fluctuation analysis of the signal's loudness (Essentia Danceability, as MusicExtractor's "
        "rhythm.danceability); higher is more danceable, roughly 0-3.",
    ),
    _feature(
        "loudness",
        "Average loudness (MusicExtractor's lowlevel.average_loudness): Stevens loudness of 2 s frames (hop 1 s) "
        "relative to the loudest frame, averaged in dB and squeezed into [0, 1]; 1 means little dynamic range. "
        "Computed on at least one (zero-padded) frame, so defined for any length.",
    ),
    _feature(
        "chords_changes_rate",
        "Fraction of tonal frames (4096/2048) whose ChordsDetection triad differs from the previous frame's "
        "(tonal.chords_changes_rate).",
    ),
    _feature(
        "chords_number_rate",
        "Number of distinct triads holding more than 1% of the tonal frames, divided by the number of frames "
        "(tonal.chords_number_rate).",
    ),
    _feature(
        "dynamic_complexity",
        "Mean absolute deviation of the 0.2 s loudness from the track's overall loudness (Essentia "
        "DynamicComplexity, as lowlevel.dynamic_complexity).",
        "dB",
    ),
    _feature(
        "zero_crossing_rate",
        "Mean fraction of sign changes between consecutive samples in 2048-sample frames (hop 1024), as "
        "lowlevel.zerocrossingrate.",
    ),
    _feature(
        "pitch_salience",
        f"Mean Essentia PitchSalience ({_LOWLEVEL}; lowlevel.pitch_salience): the highest peak of the "
        "spectrum's autocorrelation between lags of 100 and 5000 Hz, relative to its value at lag 0.",
    ),
    _feature(
        "spectral_centroid",
        f"Mean centroid of the power spectrum of the {_EQLOUD} (lowlevel.spectral_centroid).",
        "Hz",
    ),
    _feature(
        "spectral_complexity",
        f"Mean number of spectral peaks above magnitude 0.005 ({_LOWLEVEL}; lowlevel.spectral_complexity).",
        "peaks",
    ),
    _feature(
        "spectral_decrease",
        f"Mean Essentia Decrease of the power spectrum ({_LOWLEVEL}; lowlevel.spectral_decrease): the "
        "average slope of the spectrum, negative when energy falls with frequency.",
    ),
    _feature(
        "spectral_entropy",
        f"Mean Shannon entropy of the normalised magnitude spectrum of the {_EQLOUD} (lowlevel.spectral_entropy).",
        "bits",
    ),
    _feature(
        "spectral_kurtosis",
        f"Mean excess kurtosis of the magnitude spectrum seen as a distribution over frequency, {_EQLOUD} "
        "(lowlevel.spectral_kurtosis).",
    ),
    _feature(
        "spectral_rolloff",
        f"Mean frequency below which 85% of the spectral energy lies ({_LOWLEVEL}; lowlevel.spectral_rolloff).",
        "Hz",
    ),
    _feature(
        "spectral_spread",
        f"Mean variance of the magnitude spectrum seen as a distribution over frequency, {_EQLOUD} "
        "(lowlevel.spectral_spread).",
        "Hz²",
    ),
    _feature(
        "onset_rate",
        "Onsets per second found by Essentia OnsetRate (HFC and complex-domain detection, as rhythm.onset_rate); "
        "0 when there are none.",
        "1/s",
    ),
    _feature(
        "spectral_rms",
        f"Mean root mean square of the magnitude spectrum's bins ({_LOWLEVEL}; lowlevel.spectral_rms).",
    ),
    _feature(
        "spectral_skewness",
        f"Mean skewness of the magnitude spectrum seen as a distribution over frequency, {_EQLOUD} "
        "(lowlevel.spectral_skewness).",
    ),
    _feature(
        "bpm",
        "Tempo from RhythmExtractor2013 (method 'degara', 40-208 BPM, as rhythm.bpm). NaN when the signal is "
        "silent or fewer than two beats are found: a tempo needs beats.",
        "BPM",
    ),
    _feature(
        "key_strength",
        "Strength of the key estimated from the mean 36-bin HPCP with the Temperley profile "
        "(tonal.key_temperley.strength); 0 without pitched content.",
    ),
    _feature(
        "chords_strength",
        "Mean strength of the frame-wise ChordsDetection triads, 2 s context (tonal.chords_strength).",
    ),
    _feature(
        "meter",
        "Beats per bar from Essentia's experimental Meter on the Beatogram of the beats' band loudness (as in the "
        "SAMAT lab's code). NaN with fewer than 3 beats: the meter is an autocorrelation lag of at least 2 beats.",
        "beats",
    ),
)


def _band_family(stem: str, full_description: str, band_description: str, unit: str = "") -> tuple[Feature, ...]:
    """Five band-wise features ``<stem>_<band>`` then the full-band ``<stem>``."""
    per_band = tuple(_feature(f"{stem}_{band.name}", band_description.format(band=band.label), unit) for band in BANDS)
    return (*per_band, _feature(stem, full_description, unit))


_ATTACK = (
    "An attack is the rise of the Envelope (1 ms attack, 100 ms release) of the {where} to its peak after an "
    "onset (OnsetDetectionGlobal + Onsets on that signal), from the lowest point since the previous attack, if "
    "it rises by at least 6 dB; Essentia LogAttackTime times it from 20% to 90% of the rise."
)

SPECTRAL_FLUX = _band_family(
    "spectral_flux",
    f"Mean L2 norm of the frame-to-frame change of the whole magnitude spectrum ({_LOWLEVEL}; Essentia Flux, as "
    "lowlevel.spectral_flux).",
    f"Mean L2 norm of the frame-to-frame change of the magnitude spectrum's bins in {{band}} ({_LOWLEVEL}).",
)

SPECTRAL_ENERGY = (
    *(
        _feature(
            f"spectral_energyband_{band.name}",
            f"Mean energy (sum of squared magnitudes, Essentia EnergyBand) of the spectrum in {band.label} "
            + (
                "(MusicExtractor has no middle band: this is the middle of the shared 5-band split and overlaps "
                "its neighbours)."
                if band.name == "middle"
                else f"(lowlevel.spectral_energyband_{band.name})."
            ),
        )
        for band in ENERGY_BANDS
    ),
    _feature(
        "spectral_energy",
        f"Mean energy of the whole magnitude spectrum ({_LOWLEVEL}; Essentia Energy, as lowlevel.spectral_energy).",
    ),
)

PULSE_CLARITY = _band_family(
    "pulse_clarity",
    "Mean over beats and the five bands of the beat loudness band ratio (SAMAT's definition; since the bands "
    "cover 20 Hz-22 kHz it stays near 0.2). NaN without beats.",
    "Mean share of the beats' energy that lies in {band} (standard-mode BeatsLoudness loudnessBandRatio at the "
    "RhythmExtractor2013 beats, as SAMAT's lab; MusicExtractor's rhythm.beats_loudness_band_ratio uses six other "
    "bands). NaN without beats.",
)

ATTACK_SLOPE = tuple(
    _feature(
        f"attack_slope_{band.name}",
        f"Mean attack slope, 0.7 × rise / attack time, in full-scale amplitude per second of the replay-gain-"
        f"normalised signal. {_ATTACK.format(where=f'{band.label} band-passed signal')} Attacks with a zero time "
        "are left out (their slope is infinite); NaN when none remains.",
        "1/s",
    )
    for band in BANDS
    if band.name in ATTACK_SLOPE_BANDS
)

ATTACK_TIME = _band_family(
    "attack_time",
    f"Mean attack time. {_ATTACK.format(where='whole signal')} NaN without attacks.",
    f"Mean attack time. {_ATTACK.format(where='{band} band-passed signal (Essentia BandPass)')} NaN without attacks.",
    "s",
)

SPECTRAL_FLATNESS = _band_family(
    "spectral_flatness",
    f"Mean flatness (geometric / arithmetic mean, Essentia Flatness) of the whole power spectrum ({_LOWLEVEL}); "
    "near 1 for noise, near 0 for a few strong partials.",
    f"Mean flatness (geometric / arithmetic mean, Essentia Flatness) of the power spectrum in {{band}} ({_LOWLEVEL}).",
)

ENTROPY_CLARITY = _band_family(
    "entropy_clarity",
    f"Mean of 1 - H/log2(n), H the Shannon entropy (Essentia Entropy) of the n bins of the whole power spectrum "
    f"({_LOWLEVEL}): 1 when one bin holds all energy, 0 when it is spread evenly.",
    f"Mean of 1 - H/log2(n), H the Shannon entropy (Essentia Entropy) of the power spectrum's n bins in {{band}} "
    f"({_LOWLEVEL}).",
)

CHROMA = tuple(
    _feature(
        f"chroma_{pitch}",
        f"Mean of the 12-bin HPCP bin of pitch class {pitch.replace('_sharp', '#').upper()} (4096/2048 frames, "
        "peaks 20-3500 Hz, tuning-corrected, each frame scaled to a maximum of 1).",
    )
    for pitch in PITCH_CLASSES
)

MFCC = tuple(
    _feature(
        f"mfcc_{k}",
        f"Mean of MFCC coefficient {k} (40 mel bands, dB, DCT-II; {_LOWLEVEL}; lowlevel.mfcc[{k - 1}])"
        + ("; it tracks the overall level." if k == 1 else "."),
    )
    for k in range(1, N_MFCC + 1)
)

FEATURES: tuple[Feature, ...] = (
    *SINGLE_VALUES,
    *SPECTRAL_FLUX,
    *SPECTRAL_ENERGY,
    *PULSE_CLARITY,
    *ATTACK_SLOPE,
    *ATTACK_TIME,
    *SPECTRAL_FLATNESS,
    *ENTROPY_CLARITY,
    *CHROMA,
    *MFCC,
)

ARTIFACTS: tuple[ArtifactSpec, ...] = (
    ArtifactSpec(
        name="chords",
        kind=ArtifactKind.SEGMENTS,
        description="Beat-synchronous triads in Harte notation (C:maj, Bb:min; N where there is no pitched "
        "content) from ChordsDetectionBeats over the chord HPCP of MusicExtractor.",
    ),
    ArtifactSpec(
        name="key",
        kind=ArtifactKind.RECORD,
        description="Essentia's key estimate {key, scale, strength} (Temperley profile; key and scale are null "
        "without pitched content).",
    ),
)
