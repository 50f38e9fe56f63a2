"""Every feature MusicExtractor also outputs has MusicExtractor's value on the same file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from featurize.extraction import Result, Track, TrackContext
from featurize_essentia.reference import MUSIC_EXTRACTOR, music_extractor_values


@pytest.mark.parametrize("channels", [1, 2])
def test_values_agree_with_music_extractor(
    tmp_path: Path,
    extractor: Callable[[TrackContext], Result],
    progression: Callable[..., np.ndarray],
    channels: int,
) -> None:
    song = progression([("C", "maj"), ("A", "min"), ("F", "maj"), ("G", "maj")], 1.5, bpm=126)
    samples = np.stack([song, 0.5 * song], axis=1) if channels == 2 else song
    path = tmp_path / "song.wav"
    soundfile.write(path, samples, 44100, subtype="FLOAT")
    ours = extractor(TrackContext(Track("song", path))).features
    reference = music_extractor_values(path)
    assert set(reference) == set(MUSIC_EXTRACTOR)
    for name, expected in reference.items():
        assert ours[name] == pytest.approx(expected, rel=1e-3, abs=1e-9), name
