"""The hidden factors of a clip and how they are drawn, reproducibly per (seed, clip index).

Each clip draws its factors from its own random streams, seeded by (corpus seed, clip
index, purpose), so clip ``i`` is the same whatever the corpus size, and changing how
audio is rendered never changes which factors (or tags) a clip gets.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from featurize.synth.drums import DENSITIES
from featurize.synth.harmony import MODES, PROGRESSION_TYPES, TEMPLATES, key_name
from featurize.synth.lyrics import LyricStyle
from featurize.synth.melody import REGISTERS

TEMPO_RANGE = (90.0, 150.0)
"""BPM; inside the range beat trackers report without octave errors."""
ATTACK_RANGE = (0.003, 0.15)
"""Attack times in seconds of the sharpest and softest instruments (log-uniform in between)."""
LEVEL_RANGE = (-20.0, -8.0)
"""Mix level in dB relative to the loudest level."""
SWELL_RANGE = (-6.0, 6.0)
"""Level change in dB from the start to the end of the clip (crescendo > 0)."""
WORD_RATE_RANGE = (1.0, 3.0)
"""Words per second of the lyrics."""
P_RHYME = P_ALLITERATION = 0.3
P_REPETITIVE = 0.5

STREAMS = ("factors", "lyrics", "render", "labels")
"""Independent random streams of a clip, one per purpose."""


def stream(seed: int, index: int, purpose: str) -> np.random.Generator:
    """The random generator of clip ``index`` of the corpus ``seed`` for one purpose of :data:`STREAMS`."""
    return np.random.default_rng(np.random.SeedSequence([seed, index, STREAMS.index(purpose)]))


@attrs.frozen
class Factors:
    """Everything that decides how a clip sounds and which tags it gets."""

    tonic: int
    """Pitch class of the key's tonic, 0 = C."""
    mode: str
    """``major`` or ``minor``."""
    progression: str
    """``functional`` (dominant V -> I cadences) or ``modal`` (Mixolydian/Aeolian, no V -> I)."""
    variant: int
    """Which loop of the (mode, progression) family (:data:`featurize.synth.harmony.TEMPLATES`)."""
    tempo: float
    """Beats per minute."""
    drum_density: int
    """Hi-hat strokes per beat (1, 2 or 4)."""
    brightness: float
    """0..1: spectral resonance of the bass and chord instruments, from 500 Hz (0) to 8 kHz (1)."""
    attack: float
    """0..1: attack time of the pitched instruments on a log scale, 1 = softest."""
    register: str
    """``low``, ``mid`` or ``high``: octave of the sung melody (a nuisance factor: no tag reads it)."""
    level_db: float
    swell_db: float
    rhyme: bool
    alliteration: bool
    repetitive: bool
    word_rate: float
    pan: float
    """-1..1: stereo position of the chord instrument (nuisance)."""

    @property
    def attack_seconds(self) -> float:
        low, high = ATTACK_RANGE
        return float(low * (high / low) ** self.attack)

    @property
    def key(self) -> str:
        return key_name(self.tonic, self.mode)

    @property
    def onsets_per_second(self) -> float:
        """Hi-hat strokes per second: the drum event rate."""
        return self.tempo / 60.0 * self.drum_density

    @property
    def lyric_style(self) -> LyricStyle:
        return LyricStyle(self.rhyme, self.alliteration, self.repetitive, self.word_rate)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able values, plus the derived key name and attack time."""
        values = attrs.asdict(self)
        values.update(key=self.key, attack_seconds=self.attack_seconds, onsets_per_second=self.onsets_per_second)
        return values


def draw_factors(seed: int, index: int) -> Factors:
    """The factors of clip ``index``, independent of every other clip."""
    rng = stream(seed, index, "factors")
    mode = str(rng.choice(MODES))
    progression = str(rng.choice(PROGRESSION_TYPES))
    return Factors(
        tonic=int(rng.integers(12)),
        mode=mode,
        progression=progression,
        variant=int(rng.integers(len(TEMPLATES[(mode, progression)]))),
        tempo=float(np.round(rng.uniform(*TEMPO_RANGE), 2)),
        drum_density=int(rng.choice(DENSITIES)),
        brightness=float(rng.uniform()),
        attack=float(rng.uniform()),
        register=str(rng.choice(list(REGISTERS))),
        level_db=float(rng.uniform(*LEVEL_RANGE)),
        swell_db=float(rng.uniform(*SWELL_RANGE)),
        rhyme=bool(rng.random() < P_RHYME),
        alliteration=bool(rng.random() < P_ALLITERATION),
        repetitive=bool(rng.random() < P_REPETITIVE),
        word_rate=float(rng.uniform(*WORD_RATE_RANGE)),
        pan=float(rng.uniform(-0.6, 0.6)),
    )
