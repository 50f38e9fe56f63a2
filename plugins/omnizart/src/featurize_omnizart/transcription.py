"""Omnizart's chord transcription on decoded audio, with the model loaded once per worker.

``ChordTranscription.transcribe`` reads a file, loads the model on every call and writes MIDI and
CSV files. We run the same steps on the audio featurize already decoded: Omnizart's NNLS-Chroma
("bothchroma", 24 dimensions, through the Vamp plugin bundled with omnizart and omnizart's default
parameters), its framing into 21-frame segments and 100-step sequences, the model's prediction, and
Omnizart's own ``inference`` that turns frame labels into chord segments (dropping N/X, merging
chords shorter than ``MinDura`` into the previous one). Spans between Omnizart's segments become N,
so the artifact covers the whole track like every other chord provider's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from featurize.artifacts import Segments
from featurize.extraction import Result, TrackContext
from featurize_omnizart.checkpoint import load_checkpoint
from featurize_omnizart.plugin import SAMPLE_RATE

NO_CHORD = "N"
MIN_SEQUENCES = 2
"""The Harmony Transformer's graph fails on a batch of one sequence (a cumsum over the batch axis)."""


def nnls_chroma(audio: np.ndarray, sr: int) -> tuple[float, np.ndarray]:
    """Omnizart's chord input: the frame period in seconds and ``(n_frames, 24)`` bass+treble chroma."""
    import omnizart  # noqa: F401 - sets VAMP_PATH to the nnls-chroma plugin bundled with omnizart
    import vamp
    from omnizart.feature.chroma import CHROMA_NORM, TUNING_MODE

    parameters = {  # omnizart.feature.chroma.extract_chroma's defaults
        "useNNLS": 0,
        "rollon": 1,
        "tuningmode": TUNING_MODE["global"],
        "whitening": 1,
        "s": 0.7,
        "chromanormalize": CHROMA_NORM["none"],
    }
    step, chroma = vamp.collect(audio, sr, "nnls-chroma:nnls-chroma", output="bothchroma", parameters=parameters)[
        "matrix"
    ]
    return step.to_float(), np.asarray(chroma, dtype=np.float32).reshape(-1, 24)


def sequences(chroma: np.ndarray, segment_width: int, num_steps: int) -> np.ndarray:
    """``(n_sequences, num_steps, segment_width * 24)``: each frame with its context, zero-padded."""
    pad = segment_width // 2
    padded = np.pad(chroma, ((pad, pad), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (segment_width, chroma.shape[1]))[:, 0]
    segments = windows.reshape(len(chroma), segment_width * chroma.shape[1])
    n_sequences = max(MIN_SEQUENCES, -(-len(segments) // num_steps))
    segments = np.pad(segments, ((0, n_sequences * num_steps - len(segments)), (0, 0)))
    return segments.reshape(n_sequences, num_steps, -1)


def fill_gaps(rows: list[tuple[float, float, str]], duration: float) -> list[tuple[float, float, str]]:
    """Omnizart's segments with N spans inserted wherever no chord was reported, up to ``duration``."""
    filled: list[tuple[float, float, str]] = []
    cursor = 0.0
    for start, end, label in rows:
        if start > cursor:
            filled.append((cursor, start, NO_CHORD))
        filled.append((start, end, label))
        cursor = max(cursor, end)
    if duration > cursor:
        filled.append((cursor, duration, NO_CHORD))
    return filled


class ChordTranscriber:
    """A loaded chord model; built once per worker."""

    def __init__(self, model: Any, settings: Any) -> None:
        self.model = model
        self.settings = settings

    def transcribe(self, audio: np.ndarray, sr: int = SAMPLE_RATE) -> Segments:
        """Chord segments of mono audio."""
        from omnizart.chord.inference import inference

        duration = len(audio) / sr
        frame_seconds, chroma = nnls_chroma(audio, sr)
        if len(chroma) == 0:
            return Segments.from_rows(fill_gaps([], duration))
        feature = self.settings.feature
        batch = sequences(chroma, feature.segment_width, feature.num_steps)
        predicted = np.asarray(self.model.predict(batch, verbose=0)[0]).reshape(-1)[: len(chroma)]
        _, info = inference(predicted, frame_seconds, min_dura=self.settings.inference.min_dura)
        rows = [(float(c["start"]), min(float(c["end"]), duration), c["chord"]) for c in info]
        return Segments.from_rows(fill_gaps([r for r in rows if r[1] > r[0]], duration))

    def __call__(self, track: TrackContext) -> Result:
        return Result(artifacts={"chords": self.transcribe(track.audio(sr=SAMPLE_RATE, mono=True))})


def build_extractor(checkpoint: str | Path | None) -> ChordTranscriber:
    """The factory behind the ``omnizart`` descriptor: loads the checkpoint once per worker."""
    return ChordTranscriber(*load_checkpoint(checkpoint))
