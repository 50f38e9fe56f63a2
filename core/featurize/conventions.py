"""Conventions shared by extractors so their features line up across plugins.

The SAMAT band split and the pitch-class names are used by every signal-processing extractor
(``essentia``, ``librosa``, third-party ones): ``librosa.spectral_flux_low`` and
``essentia.spectral_flux_low`` cover the same range because both read it from here.
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
"""The split of every band-wise family but the energy bands: Essentia ``BeatsLoudness``'s default bands,
which the SAMAT lab's attack-time band-pass bank covers exactly. Features are named ``<family>_<band>``;
the full-band value has the bare family name."""

ENERGY_BANDS: tuple[Band, ...] = (
    Band("low", 20.0, 150.0),
    Band("middle_low", 150.0, 800.0),
    Band("middle", 400.0, 3200.0),
    Band("middle_high", 800.0, 4000.0),
    Band("high", 4000.0, 20000.0),
)
"""Essentia MusicExtractor's ``spectral_energyband_*`` edges, plus ``middle`` from :data:`BANDS` (MusicExtractor
has none; it overlaps its neighbours)."""

PITCH_CLASSES: tuple[str, ...] = (
    *("c", "c_sharp", "d", "d_sharp", "e", "f"),
    *("f_sharp", "g", "g_sharp", "a", "a_sharp", "b"),
)
"""Pitch-class suffixes of chroma features (``chroma_c`` ... ``chroma_b``), starting at C."""
