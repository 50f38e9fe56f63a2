"""The runtime extractor: built once per worker with its model loaded, then called per track."""

from __future__ import annotations

from pathlib import Path

from featurize.artifacts import Frames
from featurize.errors import ConfigurationError
from featurize.extraction import Result, TrackContext
from featurize_midlevel.catalog import ARCHITECTURES, WINDOWS_ARTIFACT
from featurize_midlevel.frontend import SAMPLE_RATE
from featurize_midlevel.model import MidlevelModel
from featurize_midlevel.weights import default_weights_path, load_model


class MidlevelExtractor:
    """Predicts the seven ratings per window and reports their mean over the track's windows."""

    def __init__(self, model: MidlevelModel) -> None:
        self.model = model

    def __call__(self, track: TrackContext) -> Result:
        audio = track.audio(sr=SAMPLE_RATE, mono=True)
        per_window = self.model.predict_windows([self.model.frontend.representation(audio)])[0]
        names = self.model.config.features
        frames = Frames(per_window, hop_seconds=self.model.frontend.hop_seconds, columns=names)
        return Result(
            features={name: float(value) for name, value in zip(names, per_window.mean(axis=0), strict=True)},
            artifacts={WINDOWS_ARTIFACT: frames},
        )


def build_extractor(weights: str | Path | None, architecture: str) -> MidlevelExtractor:
    """Load the weights once (``weights``, else the default location for ``architecture``).

    torch's CPU threads follow ``OMP_NUM_THREADS``, which the runner's worker pool sets to
    each worker's share of the cores.
    """
    if architecture not in ARCHITECTURES:
        raise ConfigurationError(
            f"midlevel: unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}"
        )
    path = Path(weights).expanduser() if weights else default_weights_path(architecture)
    return MidlevelExtractor(load_model(path, architecture))
