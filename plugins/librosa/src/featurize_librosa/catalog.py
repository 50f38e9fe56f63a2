"""The declared features of the ``librosa`` extractor: plain data, no librosa import.

Local names are the ``essentia`` extractor's where the family exists, so both can live in one
store (``librosa.spectral_centroid`` beside ``essentia.spectral_centroid``) and be compared; each
description says where the librosa definition differs. Bands are the ``essentia`` plugin's.
"""

from __future__ import annotations

from featurize.conventions import BANDS, ENERGY_BANDS, PITCH_CLASSES, Band
from featurize.plugin.descriptors import Feature, Source

__all__ = ["BANDS", "ENERGY_BANDS", "FEATURES", "PITCH_CLASSES", "SAMPLE_RATE", "Band"]

SAMPLE_RATE = 22050
N_FFT = 2048
HOP_LENGTH = 512
N_MELS = 128
N_MFCC = 13
MIN_TEMPO, MAX_TEMPO = 40.0, 208.0


_FRAMES = f"{N_FFT}-sample Hann frames, hop {HOP_LENGTH}, at {SAMPLE_RATE} Hz"
_SILENT = "Silent frames (mean power below 1e-10) are left out; NaN when every frame is silent."


def _feature(name: str, description: str, unit: str = "") -> Feature:
    return Feature(name=name, description=description, source=Source.SIGNAL, unit=unit)


def _per_band(stem: str, description: str, unit: str = "", bands: tuple[Band, ...] = BANDS) -> tuple[Feature, ...]:
    """The five features ``<stem>_<band>``; ``{band}`` in the description becomes the band's range."""
    return tuple(_feature(f"{stem}_{b.name}", description.format(band=f"{b.low:g}-{b.high:g} Hz"), unit) for b in bands)


SINGLE_VALUES: tuple[Feature, ...] = (
    _feature(
        "spectral_centroid",
        f"Mean centroid of the power spectrum (librosa.feature.spectral_centroid on power, {_FRAMES}); no "
        f"equal-loudness filter, unlike essentia's. {_SILENT}",
        "Hz",
    ),
    _feature(
        "spectral_spread",
        f"Mean variance of the magnitude spectrum as a distribution over frequency (librosa spectral_bandwidth "
        f"squared, {_FRAMES}). {_SILENT}",
        "Hz²",
    ),
    _feature(
        "spectral_skewness",
        f"Mean skewness of the magnitude spectrum as a distribution over frequency ({_FRAMES}). {_SILENT}",
    ),
    _feature(
        "spectral_kurtosis",
        f"Mean excess kurtosis of the magnitude spectrum as a distribution over frequency ({_FRAMES}). {_SILENT}",
    ),
    _feature(
        "spectral_rolloff",
        f"Mean frequency below which 85% of the spectral energy lies (librosa.feature.spectral_rolloff on power, "
        f"{_FRAMES}). {_SILENT}",
        "Hz",
    ),
    _feature(
        "zero_crossing_rate",
        f"Mean fraction of sign changes between consecutive samples (librosa.feature.zero_crossing_rate, {_FRAMES}).",
    ),
    _feature(
        "onset_rate",
        "Onsets per second found by librosa.onset.onset_detect on the onset strength envelope; 0 when there are none.",
        "1/s",
    ),
    _feature(
        "bpm",
        f"Tempo from librosa.feature.tempo (onset autocorrelation, at most {MAX_TEMPO:g} BPM). NaN with fewer than "
        "two onsets: there is no pulse to measure.",
        "BPM",
    ),
    _feature(
        "rms",
        f"Mean root mean square of the signal (librosa.feature.rms, {_FRAMES}); not normalised for gain.",
    ),
    _feature(
        "loudness",
        "Average loudness as essentia's (MusicExtractor's average_loudness) with librosa framing: Stevens "
        "loudness (energy^0.67) of 2 s frames (hop 1 s) relative to the loudest, averaged in dB and squeezed into "
        "[0, 1]; 1 means little dynamic range.",
    ),
    _feature(
        "dynamic_complexity",
        "Mean absolute deviation of the level of 0.2 s frames (dB) from their mean, over frames above -90 dB; "
        "0 for silence. A librosa analogue of Essentia's DynamicComplexity.",
        "dB",
    ),
)

SPECTRAL_FLUX = (
    *_per_band(
        "spectral_flux",
        "Mean onset strength of the mel bands within {band} (librosa.onset.onset_strength_multi).",
        "dB",
    ),
    _feature(
        "spectral_flux",
        "Mean onset strength (librosa.onset.onset_strength): half-wave rectified increase of the log-power mel "
        f"spectrum ({N_MELS} bands) between frames, averaged over bands; unlike essentia's L2 flux of magnitudes.",
        "dB",
    ),
)

SPECTRAL_FLATNESS = (
    *_per_band(
        "spectral_flatness",
        f"Mean flatness (geometric / arithmetic mean) of the power spectrum in {{band}} ({_FRAMES}). {_SILENT}",
    ),
    _feature(
        "spectral_flatness",
        "Mean flatness (geometric / arithmetic mean) of the whole power spectrum (librosa.feature.spectral_flatness, "
        f"{_FRAMES}). {_SILENT}",
    ),
)

_ENERGY = f"Mean energy (sum of squared magnitudes, window-normalised as Essentia's) of {{where}} ({_FRAMES})."

SPECTRAL_ENERGY = (
    *_per_band("spectral_energyband", _ENERGY.format(where="the spectrum in {band}"), bands=ENERGY_BANDS),
    _feature("spectral_energy", _ENERGY.format(where="the whole spectrum")),
)

_PULSE = (
    "Highest normalised autocorrelation of {what} at lags of {low:g}-{high:g} BPM: near 1 for a clear periodic "
    "pulse, near 0 for none. NaN when the envelope is constant (silence)."
)

PULSE_CLARITY = (
    *_per_band(
        "pulse_clarity",
        _PULSE.format(
            what="the mean-removed onset strength of the mel bands within {band}", low=MIN_TEMPO, high=MAX_TEMPO
        ),
    ),
    _feature(
        "pulse_clarity",
        _PULSE.format(what="the mean-removed onset strength envelope", low=MIN_TEMPO, high=MAX_TEMPO),
    ),
)

CHROMA = tuple(
    _feature(
        f"chroma_{pitch}",
        f"Mean chroma of pitch class {pitch.replace('_sharp', '#').upper()} (librosa.feature.chroma_stft, tuning "
        f"estimated, each frame scaled to a maximum of 1, {_FRAMES}).",
    )
    for pitch in PITCH_CLASSES
)

MFCC = tuple(
    _feature(
        f"mfcc_{k}",
        f"Mean of MFCC coefficient {k} (librosa.feature.mfcc on the {N_MELS}-band log-power mel spectrum, DCT-II "
        f"orthonormal, {_FRAMES}); scaled differently from essentia's.",
    )
    for k in range(1, N_MFCC + 1)
)

FEATURES: tuple[Feature, ...] = (
    *SINGLE_VALUES,
    *SPECTRAL_FLUX,
    *SPECTRAL_FLATNESS,
    *SPECTRAL_ENERGY,
    *PULSE_CLARITY,
    *CHROMA,
    *MFCC,
)
