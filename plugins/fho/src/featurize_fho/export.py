"""A stored track's harmony as an RDF graph (``featurize harmony export-rdf``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from featurize.artifacts import Segments
from featurize.errors import StoreError
from featurize_fho.catalog import HARMONY_ARTIFACT
from featurize_fho.extractor import parse_harmony_label
from featurize_fho.functions import progression_classes
from featurize_fho.rdf import chord_iri, progression_graph
from featurize_fho.transitions import shipped_table
from featurize_fho.vocabulary import fho_class

if TYPE_CHECKING:
    import rdflib


def stored_harmony(store_path: Path, track_id: str) -> Segments:
    """The ``harmony`` artifact the fho extractor stored for a track."""
    from featurize.store import FeatureStore

    with FeatureStore(store_path) as store:
        store.row(track_id)  # raises StoreError naming the track when it is unknown
        harmony = store.artifact(track_id, HARMONY_ARTIFACT, extractor="fho")
    if not isinstance(harmony, Segments):
        raise StoreError(f"{store_path}: track {track_id!r} has no harmony; run `featurize extract` with fho on it")
    return harmony


def track_graph(store_path: Path, track_id: str, *, reason: bool = False) -> rdflib.Graph:
    """The graph of a stored track: chords, hasNext links, labels and their generic FHO classes.

    With ``reason``, owlrl adds everything the ontology entails for the chords (minutes).
    """
    harmony = stored_harmony(store_path, track_id)
    parsed = [parse_harmony_label(label) for label in harmony.labels]
    chords = [chord for chord, _ in parsed]
    table = shipped_table()
    index = table.index
    graph = progression_graph(
        track_id,
        [fho_class(chord) for chord in chords],
        harte=chords,
        times=list(zip(harmony.start.tolist(), harmony.end.tolist(), strict=True)),
        functions=[functions for _, functions in parsed],
        inferred=[sorted(c) for c in progression_classes(table, [index[chord] for chord in chords])],
    )
    return _add_entailed(graph, track_id, len(chords)) if reason else graph


def _add_entailed(graph: rdflib.Graph, track_id: str, n: int) -> rdflib.Graph:
    from rdflib import RDF, URIRef

    from featurize_fho.ontology import CompiledOntology, load_graph
    from featurize_fho.reasoning import reasoned_classes

    ontology = load_graph()
    nodes = [URIRef(chord_iri(track_id, i)) for i in range(n)]
    entailed = reasoned_classes(ontology, CompiledOntology.from_graph(ontology), graph, nodes)
    for node, classes in zip(nodes, entailed, strict=True):
        for iri in classes:
            graph.add((node, RDF.type, URIRef(iri)))
    return graph
