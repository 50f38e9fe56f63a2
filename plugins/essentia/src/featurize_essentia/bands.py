"""The frequency bands of the band-wise feature families; light (no Essentia), shared with the catalog.

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

from typing import NamedTuple


class Band(NamedTuple):
    """A named frequency range ``[low, high)`` in Hz."""

    name: str
    low: float
    high: float

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g} Hz"


BANDS: tuple[Band, ...] = (
    Band("low", 20.0, 150.0),
    Band("middle_low", 150.0, 400.0),
    Band("middle", 400.0, 3200.0),
    Band("middle_high", 3200.0, 7000.0),
    Band("high", 7000.0, 22000.0),
)
"""The split of every band-wise family but the energy bands, in Essentia ``BeatsLoudness`` order."""

BEATS_LOUDNESS_EDGES: tuple[float, ...] = (*(band.low for band in BANDS), BANDS[-1].high)
"""``BeatsLoudness(frequencyBands=...)``: its default, written out so the bands cannot drift."""

ENERGY_BANDS: tuple[Band, ...] = (
    Band("low", 20.0, 150.0),
    Band("middle_low", 150.0, 800.0),
    Band("middle", 400.0, 3200.0),
    Band("middle_high", 800.0, 4000.0),
    Band("high", 4000.0, 20000.0),
)
"""MusicExtractor's ``spectral_energyband_*`` edges, plus ``middle`` from :data:`BANDS` (it overlaps its neighbours)."""

ATTACK_SLOPE_BANDS: tuple[str, ...] = ("middle", "middle_high", "high")
"""The attack slopes SAMAT kept; the others were dropped there for being infinite."""
