"""The frequency bands of the band-wise feature families; light (no Essentia), shared with the catalog.

The split itself lives in :mod:`featurize.conventions`, shared by every signal extractor.
One split serves every band-wise family except the energy bands: it is the band set of
Essentia's ``BeatsLoudness`` (20/150/400/3200/7000/22000 Hz), and the ``BandPass`` bank of the
SAMAT lab's attack-time code (centres/bandwidths 85/130, 275/250, 1800/2800, 5100/3800,
14500/15000 Hz) covers exactly the same ranges. So ``low`` means the same range in the
flux, flatness, entropy clarity, pulse clarity and attack families.

The energy bands keep MusicExtractor's own edges for the four bands it defines, so
``spectral_energyband_low`` ... ``_high`` can be checked against ``lowlevel.spectral_energyband_*``;
MusicExtractor has no ``middle`` energy band, so ours is the middle band of the split above.
"""

from __future__ import annotations

from featurize.conventions import BANDS, ENERGY_BANDS, Band

__all__ = ["ATTACK_SLOPE_BANDS", "BANDS", "BEATS_LOUDNESS_EDGES", "ENERGY_BANDS", "Band"]

BEATS_LOUDNESS_EDGES: tuple[float, ...] = (*(band.low for band in BANDS), BANDS[-1].high)
"""``BeatsLoudness(frequencyBands=...)``: its default, written out so the bands cannot drift."""

ATTACK_SLOPE_BANDS: tuple[str, ...] = ("middle", "middle_high", "high")
"""The attack slopes SAMAT kept; the others were dropped there for being infinite."""
