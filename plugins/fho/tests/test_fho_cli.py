"""End to end: audio -> chroma_chords -> fho through ``featurize extract``, then ``harmony export-rdf``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rdflib
import soundfile
from click.testing import CliRunner

from featurize.cli import cli
from featurize.store import FeatureStore
from featurize.testing.signals import clicks, tone, triad

SR = 22050
QUERY_DOMINANTS = """
PREFIX fho: <http://purl.org/ontology/fho/>
PREFIX harmony: <urn:featurize:harmony#>
SELECT ?harte WHERE { ?chord a fho:DominantChordFunction ; harmony:harte ?harte ; harmony:index ?i } ORDER BY ?i
"""


def write_song(path: Path, chords: list[tuple[str, str]]) -> None:
    audio = np.concatenate([tone(triad(root, quality), 2.0, SR) for root, quality in chords])
    audio = audio + clicks(120, len(audio) / SR, SR)[: len(audio)]
    soundfile.write(path, audio, SR)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("harmony")
    songs = folder / "songs"
    songs.mkdir()
    write_song(songs / "cadence.wav", [("C", "maj"), ("F", "maj"), ("G", "maj"), ("C", "maj")])
    write_song(songs / "short.wav", [("G", "maj"), ("C", "maj")])
    soundfile.write(songs / "silent.wav", np.zeros(SR, dtype=np.float32), SR)
    path = folder / "features.h5"
    args = ["--plugins", "fho", "extract", str(songs), "-o", str(path), "--executor", "serial", "--no-progress"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return path


def test_extract_stores_chords_harmony_and_features(store: Path) -> None:
    with FeatureStore(store) as opened:
        chords = opened.artifact("cadence", "chords", extractor="chroma_chords")
        harmony = opened.artifact("cadence", "harmony", extractor="fho")
        matrix, names = opened.matrix(["fho.dominant", "fho.tonic", "fho.bigram_dominant__tonic"])
        rows = {track: opened.row(track) for track in ("cadence", "silent")}
    assert chords.labels == ("C:maj", "F:maj", "G:maj", "C:maj")
    assert harmony.labels[-1] == "C:maj|tonic"
    assert matrix[rows["cadence"]].tolist() == pytest.approx([0.75, 0.5, 2 / 3])
    assert np.isnan(matrix[rows["silent"]]).all()
    assert len(names) == 3


def test_export_rdf_answers_sparql(store: Path, tmp_path: Path) -> None:
    output = tmp_path / "cadence.ttl"
    result = CliRunner().invoke(cli, ["harmony", "export-rdf", str(store), "cadence", "-o", str(output)])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(output, format="turtle")
    assert [str(row.harte) for row in graph.query(QUERY_DOMINANTS)] == ["C:maj", "F:maj", "G:maj"]
    functions = {str(o) for o in graph.objects(None, rdflib.URIRef("urn:featurize:harmony#function"))}
    assert functions == {"dominant", "tonic", "major_dominant", "mixolydian"}
    next_links = list(graph.subject_objects(rdflib.URIRef("http://purl.org/ontology/fho/hasNext")))
    assert len(next_links) == 3


def test_export_rdf_with_the_reasoner_adds_key_specific_classes(store: Path) -> None:
    result = CliRunner().invoke(cli, ["harmony", "export-rdf", str(store), "short", "--reason"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    first = rdflib.URIRef("urn:featurize:track:short/chord/0")
    types = {str(t).rsplit("/", 1)[-1] for t in graph.objects(first, rdflib.RDF.type)}
    assert {"C_IonianDominant", "C_IonianFifth", "G", "DominantChordFunction"} <= types


@pytest.mark.parametrize(("track", "message"), [("nope", "no track 'nope'"), ("silent", None)])
def test_export_rdf_of_unknown_or_empty_tracks(store: Path, track: str, message: str | None) -> None:
    result = CliRunner().invoke(cli, ["harmony", "export-rdf", str(store), track])
    if message is None:  # no chord: a graph with the track only
        assert result.exit_code == 0 and "hasNext" not in result.output
    else:
        assert result.exit_code != 0 and message in result.output
