"""Models that load on first use, once per worker, and remember why they could not.

Loading on first use rather than in the factory means a worker whose tracks all have
lyrics files never loads demucs or whisper; remembering a failure means a worker without
weights fails each track at once, with the same message, instead of retrying a download.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from featurize.errors import ExtractionError
from featurize.extraction import TrackContext

T = TypeVar("T")

INSTALL_HINT = "install them with: pip install 'featurize-lyrics[transcribe]'"
"""What to do when the transcription libraries (torch, demucs, whisper) are missing."""


def cause(error: BaseException) -> str:
    """The first line of an exception's message (library errors can run to many lines)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class LazyModel(Generic[T]):
    """Holds ``load()``'s model; ``load`` raises :class:`ExtractionError` (or a subclass) when it cannot."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._model: T | None = None
        self._failure: ExtractionError | None = None

    def get(self, track: TrackContext) -> T:
        """The model, loading it on the first call; a load failure is raised for every track, naming its file."""
        if self._model is None and self._failure is None:
            try:
                self._model = self._load()
            except ExtractionError as error:
                self._failure = error
        if self._failure is not None:
            raise type(self._failure)(f"{track.path}: {self._failure}") from self._failure
        return self._model  # type: ignore[return-value]
