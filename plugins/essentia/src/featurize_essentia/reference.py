"""Which MusicExtractor descriptor each feature reproduces, and MusicExtractor's values for a file.

Used by the tests and the benchmark to check our values against Essentia's own extractor. Features
absent here have no MusicExtractor counterpart: the band-wise flux, flatness, entropy clarity and
attack families, chroma, meter, ``spectral_energyband_middle``, and pulse clarity (MusicExtractor's
``rhythm.beats_loudness_band_ratio`` uses six other bands: its streaming ``BeatsLoudness`` default).
"""

from __future__ import annotations

from pathlib import Path

_SINGLE = {
    "danceability": "rhythm.danceability",
    "loudness": "lowlevel.average_loudness",
    "chords_changes_rate": "tonal.chords_changes_rate",
    "chords_number_rate": "tonal.chords_number_rate",
    "dynamic_complexity": "lowlevel.dynamic_complexity",
    "onset_rate": "rhythm.onset_rate",
    "bpm": "rhythm.bpm",
    "key_strength": "tonal.key_temperley.strength",
    "zero_crossing_rate": "lowlevel.zerocrossingrate.mean",
    "pitch_salience": "lowlevel.pitch_salience.mean",
    "chords_strength": "tonal.chords_strength.mean",
    "spectral_flux": "lowlevel.spectral_flux.mean",
    "spectral_energy": "lowlevel.spectral_energy.mean",
}
_SPECTRAL = ("centroid", "complexity", "decrease", "entropy", "kurtosis", "rolloff", "spread", "rms", "skewness")
_ENERGY_BANDS = ("low", "middle_low", "middle_high", "high")

MUSIC_EXTRACTOR: dict[str, tuple[str, int | None]] = {
    **{name: (key, None) for name, key in _SINGLE.items()},
    **{f"spectral_{name}": (f"lowlevel.spectral_{name}.mean", None) for name in _SPECTRAL},
    **{f"spectral_energyband_{band}": (f"lowlevel.spectral_energyband_{band}.mean", None) for band in _ENERGY_BANDS},
    **{f"mfcc_{k}": ("lowlevel.mfcc.mean", k - 1) for k in range(1, 14)},
}
"""Local feature name -> (MusicExtractor pool key, index into a vector descriptor or None)."""


def music_extractor_values(path: Path) -> dict[str, float]:
    """Run Essentia's MusicExtractor (mean statistics) on ``path``; its values under our feature names."""
    import essentia.standard as es

    pool, _ = es.MusicExtractor(lowlevelStats=["mean"], rhythmStats=["mean"], tonalStats=["mean"])(str(path))
    return {
        name: float(pool[key] if index is None else pool[key][index]) for name, (key, index) in MUSIC_EXTRACTOR.items()
    }
