"""One clip from its factors: four stereo stems (drums, bass, other, vocals) and their sum.

Stems are rendered mono, balanced to fixed RMS levels, placed in the stereo field with a
constant-power pan, then share one gain curve (the mix level and its swell). If the mix
would clip, every stem is scaled down by the same factor, so the stems always add up to
the mixture.
"""

from __future__ import annotations

import attrs
import numpy as np

from featurize.synth.drums import drum_track
from featurize.synth.factors import Factors
from featurize.synth.harmony import ChordEvent, chord_timeline, progression, scale
from featurize.synth.melody import bass_notes, chord_notes, melody_notes
from featurize.synth.timbre import Envelope, Instrument, centre_for
from featurize.synth.voice import vocal_track

STEMS = ("drums", "bass", "other", "vocals")
"""musdb18 stem names; ``other`` holds the chord instrument."""
STEM_RMS = {"drums": 0.16, "bass": 0.11, "other": 0.12, "vocals": 0.07}
"""Balance of the stems before the mix level is applied."""
BEATS_PER_CHORD = 2
PEAK = 0.98
FADE_SECONDS = 0.01


@attrs.frozen(eq=False)
class RenderedClip:
    """The audio of one clip and the ground truth a recogniser should find in it."""

    stems: dict[str, np.ndarray]
    """Stem name -> float32 ``(2, samples)``."""
    sr: int
    chords: tuple[ChordEvent, ...]
    loop: str
    """The progression's name in Roman numerals, e.g. ``I-vi-IV-V``."""

    @property
    def mixture(self) -> np.ndarray:
        return np.sum([self.stems[name] for name in STEMS], axis=0, dtype=np.float32)


def _pan(mono: np.ndarray, position: float) -> np.ndarray:
    angle = (position + 1.0) * np.pi / 4.0
    stereo = np.empty((2, len(mono)), dtype=np.float32)
    np.multiply(mono, np.float32(np.cos(angle)), out=stereo[0])
    np.multiply(mono, np.float32(np.sin(angle)), out=stereo[1])
    return stereo


def _balance(mono: np.ndarray, target: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(mono, dtype=np.float64))))
    return mono * np.float32(target / rms) if rms > 0 else mono


def _gain_curve(factors: Factors, length: int, sr: int) -> np.ndarray:
    """Mix level, a linear-in-dB swell across the clip, and short fades at both ends."""
    db = factors.level_db + np.linspace(-factors.swell_db / 2, factors.swell_db / 2, length)
    curve = 10.0 ** (db / 20.0)
    fade = min(length // 2, round(FADE_SECONDS * sr))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        curve[:fade] *= ramp
        curve[length - fade :] *= ramp[::-1]
    return curve.astype(np.float32)


def pitched_stems(
    factors: Factors, chords: list[ChordEvent], lyrics: str, length: int, sr: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Mono bass, chord instrument and vocals; bass and chords share the brightness (the bass an octave lower)."""
    beat = 60.0 / factors.tempo
    centre = centre_for(factors.brightness)
    attack = factors.attack_seconds
    keys = Instrument(centre, Envelope(attack, decay=0.3, sustain=0.6, release=0.25), sr)
    bass = Instrument(centre / 2, Envelope(attack, decay=0.2, sustain=0.7, release=0.08), sr)
    tonic_scale = scale(factors.tonic, factors.mode, factors.progression)
    melody = melody_notes(chords, beat, tonic_scale, factors.register, rng)
    return {
        "bass": bass.render(bass_notes(chords, beat), length),
        "other": keys.render(chord_notes(chords), length),
        "vocals": vocal_track(melody, lyrics, attack, length, sr, rng),
    }


def render_clip(factors: Factors, lyrics: str, duration: float, sr: int, rng: np.random.Generator) -> RenderedClip:
    """Render a clip of ``duration`` seconds at ``sr`` Hz."""
    length = round(duration * sr)
    loop_name, loop = progression(factors.tonic, factors.mode, factors.progression, factors.variant)
    chords = chord_timeline(loop, BEATS_PER_CHORD * 60.0 / factors.tempo, duration)
    mono = {"drums": drum_track(factors.tempo, factors.drum_density, length, sr, rng)}
    mono.update(pitched_stems(factors, chords, lyrics, length, sr, rng))
    curve = _gain_curve(factors, length, sr)
    positions = {"drums": 0.0, "bass": 0.0, "other": factors.pan, "vocals": 0.0}
    stems = {name: _pan(_balance(mono[name], STEM_RMS[name]) * curve, positions[name]) for name in STEMS}
    peak = float(np.max(np.abs(np.sum(list(stems.values()), axis=0))))
    if peak > PEAK:
        stems = {name: stem * np.float32(PEAK / peak) for name, stem in stems.items()}
    return RenderedClip(stems=stems, sr=sr, chords=tuple(chords), loop=loop_name)
