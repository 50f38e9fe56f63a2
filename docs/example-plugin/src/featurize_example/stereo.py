"""Stereo width and DC offset."""

import numpy as np

from featurize import Result, TrackContext


def measure(track: TrackContext) -> Result:
    audio = track.audio(sr=None, mono=False)
    left, right = audio[0], audio[-1]
    mid, side = (left + right) / 2, (left - right) / 2
    mid_energy = float(np.sum(mid.astype(np.float64) ** 2))
    ratio = float(np.sum(side.astype(np.float64) ** 2)) / mid_energy if mid_energy > 0 else float("nan")
    return Result(features={"side_ratio": ratio, "dc_offset": float(np.mean(audio))})
