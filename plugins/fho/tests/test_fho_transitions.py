"""The packaged transition table is exactly what the packaged OWL file yields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from featurize_fho import transitions
from featurize_fho.ontology import CompiledOntology, OntologyError, file_sha256, ontology_path
from featurize_fho.transitions import TransitionTable, build_table, shipped_table


@pytest.fixture(scope="module")
def rebuilt(compiled: CompiledOntology) -> TransitionTable:
    return build_table(compiled, file_sha256(ontology_path()))


def test_shipped_table_equals_the_one_the_owl_file_yields(rebuilt: TransitionTable) -> None:
    assert shipped_table() == rebuilt
    assert shipped_table().ontology_sha256 == file_sha256(ontology_path())


def test_json_round_trip(rebuilt: TransitionTable) -> None:
    assert TransitionTable.from_json(json.loads(json.dumps(rebuilt.to_json()))) == rebuilt


def test_a_table_from_another_ontology_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(transitions.table_path().read_text())
    data["ontology_sha256"] = "0" * 64
    stale = tmp_path / "transitions.json"
    stale.write_text(json.dumps(data))
    monkeypatch.setattr(transitions, "table_path", lambda: stale)
    shipped_table.cache_clear()
    try:
        with pytest.raises(OntologyError, match=r"python -m featurize_fho\.transitions"):
            shipped_table()
    finally:
        shipped_table.cache_clear()


# Rows of the triad transition table derived from the OWL file in the research notes (spec A.6).
SPEC_ROWS = [
    (
        "C:maj",
        "F:maj",
        {"Dominant", "IonianDominant", "LydianDominant", "DominantChordFunction", "LocalDominant", "ParallelDominant"},
        True,
    ),
    (
        "C:maj",
        "F:min",
        {"Dominant", "HarmonicMinorDominant", "MelodicMinorDominant", "LocalDominant", "ParallelDominant"},
        True,
    ),
    (
        "C:maj",
        "D:maj",
        {"DominantChordFunction", "MixolydianSeventhDominant", "ParallelSeventhDominant", "SeventhDominant"},
        False,
    ),
    ("C:maj", "D:min", {"AeolianRelativeDominant", "DorianRelativeDominant", "RelativeDominant"}, False),
    ("C:maj", "G:maj", {"Subdominant", "IonianSubdominant", "MixolydianSubdominant", "ParallelSubdominant"}, False),
    ("C:maj", "A:min", {"IonianRelativeChange", "ParallelRelativeChange", "RelativeChange"}, False),
    ("C:maj", "F#:maj", {"DominantChordFunction", "LocalDominant", "ParallelDominant"}, True),
    ("C:min", "F:min", {"Dominant", "AeolianDominant", "DorianDominant", "LocalDominant"}, True),
    ("C:min", "G:maj", {"ParallelSubdominant", "SubdominantChordFunction"}, False),
    ("C:min", "G:min", {"Subdominant", "AeolianSubdominant", "HarmonicMinorSubdominant", "PhrygianSubdominant"}, False),
    ("C:min", "G#:maj", {"IonianRelativeDominant", "LydianRelativeDominant", "ParallelRelativeDominant"}, False),
]


@pytest.mark.parametrize(("first", "second", "classes", "local_tonic"), SPEC_ROWS)
def test_spec_rows(first: str, second: str, classes: set[str], local_tonic: bool) -> None:
    table = shipped_table()
    a, b = table.index[first], table.index[second]
    assert classes <= table.next[a][b]
    assert ("LocalTonic" in table.previous[a][b]) is local_tonic


def test_pairs_without_function() -> None:
    table = shipped_table()
    for first, second in [("C:maj", "E:maj"), ("C:maj", "D#:maj"), ("C:maj", "G#:maj"), ("C:min", "E:maj")]:
        gained = table.next[table.index[first]][table.index[second]]
        assert not {c for c in gained if "Dominant" in c or "Subdominant" in c or "Change" in c}, (first, second)


def test_the_table_is_transposition_invariant() -> None:
    """The ontology treats all 12 keys alike (a property of the OWL file, checked on the table)."""
    table = shipped_table()
    for a in range(24):
        for b in range(24):
            up = [(a // 12) * 12 + (a + 1) % 12, (b // 12) * 12 + (b + 1) % 12]
            assert table.next[a][b] == table.next[up[0]][up[1]]
            assert table.previous[a][b] == table.previous[up[0]][up[1]]
