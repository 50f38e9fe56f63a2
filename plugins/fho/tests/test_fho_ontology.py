"""Compiling the OWL file into rules, and the ontology module the exact path reasons over."""

from __future__ import annotations

import random

import pytest
import rdflib

from featurize_fho.ontology import FHO, HAS_NEXT, CompiledOntology, OntologyError, local_name
from featurize_fho.reasoning import module_graph
from featurize_fho.vocabulary import VOCABULARY, fho_class


def test_compiled_rules_cover_the_ontology(compiled: CompiledOntology, ontology_graph: rdflib.Graph) -> None:
    assert len(compiled.definitions) == 1624
    assert compiled.offsets == {HAS_NEXT: 1, FHO + "hasPrevious": -1}
    assert compiled.domains[HAS_NEXT] == {FHO + "Progression"}
    declared = set(ontology_graph.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    assert all(rdflib.URIRef(FHO + fho_class(label)) in declared for label in VOCABULARY)


def test_enharmonic_chord_classes_are_equivalent(compiled: CompiledOntology) -> None:
    assert FHO + "Db" in compiled.closure([FHO + "Cs"]) and FHO + "Cs" in compiled.closure([FHO + "Db"])


def test_unsupported_axioms_are_refused() -> None:
    graph = rdflib.Graph()
    union = rdflib.BNode()
    members = rdflib.collection.Collection(graph, rdflib.BNode(), [rdflib.URIRef(FHO + "C"), rdflib.URIRef(FHO + "D")])
    graph.add((union, rdflib.OWL.unionOf, members.uri))
    graph.add((rdflib.URIRef(FHO + "CorD"), rdflib.OWL.equivalentClass, union))
    with pytest.raises(OntologyError, match="CorD"):
        CompiledOntology.from_graph(graph)


def test_the_reasoning_module_loses_nothing(compiled: CompiledOntology, ontology_graph: rdflib.Graph) -> None:
    """The compiled rules entail the same chord classes over the module as over the whole ontology."""
    rng = random.Random(7)
    progressions = [[FHO + fho_class(rng.choice(VOCABULARY)) for _ in range(6)] for _ in range(30)]
    asserted = {iri for progression in progressions for iri in progression}
    module = module_graph(ontology_graph, compiled, asserted)
    assert len(module) < len(ontology_graph) / 2
    reduced = CompiledOntology.from_graph(module)
    for progression in progressions:
        assert reduced.materialise(progression) == compiled.materialise(progression), [
            local_name(c) for c in progression
        ]
