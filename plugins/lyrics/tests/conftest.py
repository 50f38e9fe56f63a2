"""Shared fixtures: the plugin's extractor specs, tiny model checkpoints, and a provider chain."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from featurize.artifacts import Artifact
from featurize.errors import ConfigurationError, ExtractionError
from featurize.extraction import Result, Track, TrackContext
from featurize.plugin.descriptors import ExtractorSpec
from featurize.testing import build_extractor
from featurize_lyrics.plugin import featurize_extractors


@pytest.fixture(scope="session")
def specs() -> dict[str, ExtractorSpec]:
    return {spec.name: spec for spec in featurize_extractors()}


@pytest.fixture(scope="session")
def lyrics_extractor(specs: dict[str, ExtractorSpec]) -> Callable[[TrackContext], Result]:
    """One ``lyrics`` extractor for the session (spaCy and the CMU dictionary load once)."""
    return build_extractor(specs["lyrics"])


@pytest.fixture(scope="session")
def torch_one_thread() -> Iterator[None]:
    """One torch thread: the tiny models gain nothing from two, and lose much when the cores are shared."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def demucs_repo(tmp_path_factory: pytest.TempPathFactory, torch_one_thread: None) -> Path:
    from featurize_lyrics.testing import save_tiny_demucs

    repo = tmp_path_factory.mktemp("demucs")
    save_tiny_demucs(repo, "tiny_demucs")
    return repo


@pytest.fixture(scope="session")
def whisper_en(tmp_path_factory: pytest.TempPathFactory, torch_one_thread: None) -> Path:
    from featurize_lyrics.testing import save_tiny_whisper

    return save_tiny_whisper(tmp_path_factory.mktemp("whisper") / "tiny_whisper_en.pt")


@pytest.fixture(scope="session")
def whisper_fr(tmp_path_factory: pytest.TempPathFactory, torch_one_thread: None) -> Path:
    from featurize_lyrics.testing import save_tiny_whisper

    path = tmp_path_factory.mktemp("whisper") / "tiny_whisper_fr.pt"
    return save_tiny_whisper(path, phrase=" je chante une chanson", language="fr")


@pytest.fixture
def chained(specs: dict[str, ExtractorSpec]) -> Callable[..., TrackContext]:
    """Build a track context whose artifacts come from providers, as the runner resolves them.

    ``providers`` maps extractor names to their parameters; the providers of an artifact
    are tried by decreasing priority, and the first success is cached for the track.
    """

    def build(
        samples: np.ndarray,
        sr: int,
        providers: Mapping[str, Mapping[str, Any]],
        *,
        lyrics_path: Path | None = None,
        track_id: str = "song",
    ) -> TrackContext:
        built = [(specs[name], build_extractor(specs[name], params)) for name, params in providers.items()]
        cache: dict[str, Artifact] = {}

        def resolve(name: str) -> Artifact:
            if name not in cache:
                candidates = sorted((p for p in built if name in p[0].artifact_names), key=lambda p: -p[0].priority)
                errors: list[ExtractionError] = []
                for _, extract in candidates:
                    try:
                        cache.update(extract(context).artifacts)
                        break
                    except ExtractionError as error:
                        errors.append(error)
                else:
                    raise errors[-1] if errors else ConfigurationError(f"no provider of {name!r}")
            return cache[name]

        track = Track(track_id, Path(f"{track_id}.wav"), lyrics_path)
        context = TrackContext(track, artifacts=resolve, decoded=(np.atleast_2d(samples).astype(np.float32), sr))
        return context

    return build
