"""The ``vocals`` extractor: demucs separates the singing voice from the mix.

Models are found as demucs' own ``get_model(name, repo=...)`` finds them: without a repo in the
HuggingFace hub cache, then the torch hub cache (downloading when there is network); with a repo
``<name>.yaml`` (a bag of models) or ``<name>.th`` in that folder. They are read as data only, never
unpickled (:mod:`featurize_lyrics.demucs_loading`).
Separation runs without random shifts (``shifts=0``), so results are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from featurize.artifacts import Signal
from featurize.errors import ExtractionError, MissingWeightsError
from featurize.extraction import Result, TrackContext
from featurize_lyrics.demucs_loading import get_model
from featurize_lyrics.lazy import INSTALL_HINT, LazyModel, cause


def _missing(name: str, repo: Path | None, error: BaseException) -> str:
    if repo is not None:
        return (
            f"demucs model {name!r} cannot be loaded from {repo} (--vocals-repo): {cause(error)}. "
            f"The folder needs {name}.yaml (a bag of models listing .th files) or {name}.th"
        )
    return (
        f"demucs model {name!r} is neither in the HuggingFace nor the torch hub cache and cannot be downloaded "
        f"({cause(error)}). Run `python -c \"from demucs.pretrained import get_model; get_model('{name}')\"` once on a "
        "machine with network and copy ~/.cache/huggingface (or ~/.cache/torch/hub) here, or pass "
        "--vocals-repo DIR, a folder holding the model's .yaml and .th files"
    )


def load_demucs(name: str, repo: str | Path | None, device: str) -> Any:
    """A demucs model (or bag of models) with a ``vocals`` source, on ``device``.

    Raises
    ------
    MissingWeightsError
        When the weights are neither cached, nor downloadable, nor in ``repo``.
    ExtractionError
        When demucs is not installed or the model has no vocals source.
    """
    try:
        import demucs  # noqa: F401
    except ImportError as error:
        raise ExtractionError(f"vocal separation needs demucs and torch ({error}); {INSTALL_HINT}") from error
    folder = Path(repo) if repo else None
    if folder is not None and not folder.is_dir():
        raise MissingWeightsError(f"the demucs repo {folder} (--vocals-repo) is not a folder")
    try:
        model = get_model(name, folder)
    except MissingWeightsError:
        raise
    except (OSError, RuntimeError) as error:  # ModelLoadingError is a RuntimeError; URLError an OSError
        raise MissingWeightsError(_missing(name, folder, error)) from error
    except SystemExit as error:  # demucs exits when a quantised model needs the optional diffq package
        raise ExtractionError(
            f"demucs cannot load model {name!r} without an optional package (pip install diffq)"
        ) from error
    if "vocals" not in model.sources:
        raise ExtractionError(f"demucs model {name!r} separates {', '.join(model.sources)}; none is vocals")
    return model.to(device)


def separate_vocals(model: Any, audio: np.ndarray, device: str) -> np.ndarray:
    """The vocals of ``audio`` ``(channels, samples)`` at the model's rate, ``(model channels, samples)``.

    As demucs' own separator does, the mix is standardised before the model and the
    output scaled back; silence and single-sample inputs are kept finite.
    """
    import torch
    from demucs.apply import apply_model
    from demucs.audio import convert_audio_channels

    mix = convert_audio_channels(torch.from_numpy(np.ascontiguousarray(audio)), model.audio_channels)
    reference = mix.mean(0)
    mean = reference.mean()
    std = reference.std() + 1e-8 if reference.numel() > 1 else torch.tensor(1.0)
    with torch.no_grad():
        sources = apply_model(model, ((mix - mean) / std)[None], shifts=0, split=True, overlap=0.25, device=device)
    vocals = sources[0, model.sources.index("vocals")] * std + mean
    return vocals.cpu().numpy().astype(np.float32)


def make_extractor(model: str, repo: str | Path | None, device: str) -> Callable[[TrackContext], Result]:
    """Build the ``vocals`` extractor; the model loads on the first track (see :mod:`featurize_lyrics.lazy`)."""
    separator: LazyModel[Any] = LazyModel(lambda: load_demucs(model, repo, device))

    def extract(track: TrackContext) -> Result:
        demucs = separator.get(track)
        vocals = separate_vocals(demucs, track.audio(demucs.samplerate, mono=False), device)
        return Result(artifacts={"vocals": Signal(samples=vocals, sr=demucs.samplerate)})

    return extract
