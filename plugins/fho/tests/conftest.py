"""Fixtures of the featurize-fho tests: the parsed ontology, chord progressions as artifacts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from featurize.artifacts import Segments
from featurize.extraction import TrackContext
from featurize_fho.catalog import LABELS

D, S, T, MD, AE, MX, M4 = LABELS


@pytest.fixture(scope="session")
def ontology_graph() -> object:
    """The shipped OWL file parsed by rdflib (seconds: once per session)."""
    from featurize_fho.ontology import load_graph

    return load_graph()


@pytest.fixture(scope="session")
def compiled(ontology_graph: object) -> object:
    from featurize_fho.ontology import CompiledOntology

    return CompiledOntology.from_graph(ontology_graph)  # type: ignore[arg-type]


HAND_ANALYSED = {  # FHO functions are local (spec A.5/A.6): each comment cites the table row used.
    # maj+P4 -> Dominant/IonianDominant; maj+M2 maj -> MixolydianSeventhDominant; a chord reached from a
    # ParallelDominant is a LocalTonic.
    "I-IV-V-I": (["C:maj", "F:maj", "G:maj", "C:maj"], [{D, MD}, {D, T, MX}, {D, MD}, {T}]),
    # min+P4 maj -> Dominant (MixolydianDominant, not the default mixolydian label).
    "ii-V-I": (["D:min", "G:maj", "C:maj"], [{D}, {D, T, MD}, {T}]),
    # maj+m7 maj -> RelativeSubdominant; maj+P5 -> Subdominant.
    "I-bVII-IV-I": (["C:maj", "A#:maj", "F:maj", "C:maj"], [{S}, {S}, {S}, set()]),
    # min+P4 min -> AeolianDominant; min+M2 min -> RelativeDominant (not a ParallelDominant: E:min is no tonic).
    "i-iv-v-i": (["A:min", "D:min", "E:min", "A:min"], [{D, AE}, {D, T}, {D, AE}, {T}]),
    # min+m7 maj, maj+m7 maj, maj+M7 maj -> subdominant classes; maj+P4 min -> HarmonicMinorDominant.
    "i-bVII-bVI-V-i": (["C:min", "A#:maj", "G#:maj", "G:maj", "C:min"], [{S}, {S}, {S}, {D, MD}, {T}]),
    # V/V chain: every chord a major dominant of the next and a local tonic of the previous.
    "V/V chain": (["E:maj", "A:maj", "D:maj", "G:maj", "C:maj"], [{D, MD}, {D, T, MD}, {D, T, MD}, {D, T, MD}, {T}]),
    # N is dropped before merging: the same as I-IV-V-I.
    "with N gaps": (["C:maj", "N", "C:maj", "F:maj", "N", "G:maj", "C:maj", "N"], [{D, MD}, {D, T, MX}, {D, MD}, {T}]),
    # min+P4 min -> AeolianDominant; min+P5 maj -> ParallelSubdominant, not Subdominant: the minor fourth.
    "i-iv-I": (["C:min", "F:min", "C:maj"], [{D, AE}, {S, T, M4}, set()]),
    # Sevenths reduce to their triads; a diminished chord has none and is dropped like N.
    "extended labels": (["G:7", "B:dim", "C:maj7"], [{D, MD}, {T}]),
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "hand_analysed_name" in metafunc.fixturenames:
        metafunc.parametrize("hand_analysed_name", list(HAND_ANALYSED))


@pytest.fixture
def hand_analysed() -> dict[str, tuple[list[str], list[set[str]]]]:
    """Progressions with their expected per-chord labels (after N removal and merging)."""
    return HAND_ANALYSED


def chords_of(labels: Sequence[str], seconds: float = 2.0) -> Segments:
    """Back-to-back segments of ``seconds`` each."""
    return Segments.from_rows([(i * seconds, (i + 1) * seconds, label) for i, label in enumerate(labels)])


@pytest.fixture
def chord_context() -> Callable[..., TrackContext]:
    """A track whose ``chords`` artifact is the given progression."""

    def make(labels: Sequence[str], track_id: str = "song") -> TrackContext:
        return TrackContext.from_array(
            np.zeros(16, dtype=np.float32), 8000, track_id=track_id, artifacts={"chords": chords_of(labels)}
        )

    return make
