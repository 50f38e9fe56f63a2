"""Pitched instruments: band-limited wavetable oscillators, harmonic roll-off and ADSR envelopes.

A note is one period of a waveform (its harmonic amplitudes, built by an inverse FFT and
kept below Nyquist) read at the note's frequency, shaped by an ADSR envelope. Brightness
shapes the harmonic amplitudes: a ``1/k`` roll-off times a resonance (a log-Gaussian
bump, half an octave wide, over a floor) whose centre rises from 500 Hz (dull) to 8 kHz
(bright). Moving a resonance moves the spectral centroid and roll-off more than a steeper
or flatter roll-off would, which changes the spectral entropy and the number of peaks
first; the floor keeps the low harmonics strong, so chord recognisers still read the
chords of bright timbres (with a weak fundamental they hear the chord a fifth up). The
attack time of the envelope is a separate factor. Reading a table costs one interpolation
per sample whatever the number of harmonics, which keeps a 10 s clip far under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs
import numpy as np

TABLE_SIZE = 4096
MAX_HARMONICS = 96
CENTRE_RANGE = (500.0, 8000.0)
"""Resonance centre in Hz of the dullest (brightness 0) and brightest (brightness 1) timbres."""
WIDTH_OCTAVES = 0.5
FLOOR = 0.3
"""Level of the harmonics far from the resonance, relative to its peak."""


@attrs.frozen
class Note:
    """A note event: onset and duration in seconds, MIDI pitch (may be fractional), velocity 0..1."""

    start: float
    duration: float
    pitch: float
    velocity: float = 1.0


@attrs.frozen
class Envelope:
    """ADSR envelope: attack, decay and release in seconds, sustain level 0..1."""

    attack: float
    decay: float
    sustain: float
    release: float

    def render(self, held: int, sr: int) -> np.ndarray:
        """The envelope of a note held for ``held`` samples, followed by its release."""
        attack = max(1, round(self.attack * sr))
        decay = max(1, round(self.decay * sr))
        release = max(1, round(self.release * sr))
        shape = np.concatenate(
            [
                np.linspace(0.0, 1.0, attack, endpoint=False),
                self.sustain + (1.0 - self.sustain) * np.exp(-5.0 * np.arange(decay) / decay),
                np.full(max(0, held - attack - decay), self.sustain),
            ]
        )[:held]
        last = shape[-1] if len(shape) else 0.0
        tail = last * np.exp(-6.0 * np.arange(release) / release)
        return np.concatenate([shape, tail]).astype(np.float32)


def midi_to_hz(pitch: float | np.ndarray) -> float | np.ndarray:
    return 440.0 * 2.0 ** ((np.asarray(pitch) - 69.0) / 12.0)


def centre_for(brightness: float) -> float:
    """Resonance centre in Hz for a brightness in 0..1, on a log scale."""
    low, high = CENTRE_RANGE
    return float(low * (high / low) ** np.clip(brightness, 0.0, 1.0))


def harmonic_amplitudes(frequency: float, sr: int, centre: float) -> np.ndarray:
    """Amplitudes of the harmonics below 0.45 ``sr`` (band-limited: no aliasing) for a resonance at ``centre`` Hz."""
    count = int(min(MAX_HARMONICS, max(1, 0.45 * sr // max(frequency, 1.0))))
    k = np.arange(1, count + 1, dtype=np.float64)
    bump = np.exp(-0.5 * (np.log2(k * frequency / centre) / WIDTH_OCTAVES) ** 2)
    return (FLOOR + bump) / k


def wavetable(amplitudes: np.ndarray) -> np.ndarray:
    """One period of a sum of sine harmonics, peak-normalised: ``TABLE_SIZE`` samples plus a wrap-around one."""
    spectrum = np.zeros(TABLE_SIZE // 2 + 1, dtype=np.complex128)
    spectrum[1 : len(amplitudes) + 1] = -1j * amplitudes * (TABLE_SIZE / 2)
    table = np.fft.irfft(spectrum, n=TABLE_SIZE)
    peak = np.max(np.abs(table)) or 1.0
    return (np.append(table, table[0]) / peak).astype(np.float32)


def read_table(table: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """``table`` read at ``phase`` (in cycles), linearly interpolated."""
    position = ((phase % 1.0) * TABLE_SIZE).astype(np.float32)
    index = np.minimum(position.astype(np.int32), TABLE_SIZE - 1)  # float32 rounding may reach TABLE_SIZE
    low = table[index]
    return low + (table[index + 1] - low) * (position - index)


TableFor = Callable[[Note], np.ndarray]
"""Returns the wavetable to use for a note."""


def render_notes(
    notes: Iterable[Note],
    table_for: TableFor,
    envelope: Envelope,
    sr: int,
    length: int,
    *,
    vibrato: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Mix ``notes`` into a mono float32 buffer of ``length`` samples.

    ``vibrato`` is (rate in Hz, depth in semitones); tails running past the end are cut.
    """
    out = np.zeros(length, dtype=np.float32)
    rate, depth = vibrato
    for note in notes:
        begin = round(note.start * sr)
        if begin >= length:
            continue
        held = max(1, round(note.duration * sr))
        shape = envelope.render(held, sr)[: length - begin]
        t = np.arange(len(shape)) / sr
        frequency = float(midi_to_hz(note.pitch))
        table = table_for(note)
        if depth:
            # Vibrato starts after a short delay, as singers do.
            bend = depth * np.sin(2 * np.pi * rate * t) * np.clip(t / 0.25, 0.0, 1.0)
            phase = np.cumsum(frequency * 2.0 ** (bend / 12.0)) / sr
        else:
            phase = frequency * t
        out[begin : begin + len(shape)] += note.velocity * shape * read_table(table, phase)
    return out


class Instrument:
    """A pitched instrument with a fixed resonance and envelope; wavetables cached per pitch."""

    def __init__(self, centre: float, envelope: Envelope, sr: int) -> None:
        self.centre, self.envelope, self.sr = centre, envelope, sr
        self._tables: dict[float, np.ndarray] = {}

    def table(self, note: Note) -> np.ndarray:
        if note.pitch not in self._tables:
            frequency = float(midi_to_hz(note.pitch))
            self._tables[note.pitch] = wavetable(harmonic_amplitudes(frequency, self.sr, self.centre))
        return self._tables[note.pitch]

    def render(self, notes: Iterable[Note], length: int) -> np.ndarray:
        return render_notes(notes, self.table, self.envelope, self.sr, length)
