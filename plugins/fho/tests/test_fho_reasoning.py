"""The fast path equals the exact path: owlrl's OWL 2 RL materialisation of the ontology.

One reasoner run classifies many progressions at once (each its own chain of individuals in one
graph). owlrl needs tens of seconds even on the ontology's module, so the set is chosen for
coverage rather than size: the hand-analysed progressions of ``test_fho_functions`` and random
progressions over the chords of C major and C minor with their common chromatic neighbours.
"""

from __future__ import annotations

import random

import rdflib

from featurize.artifacts import Segments
from featurize_fho.features import merge_chords
from featurize_fho.functions import progression_classes
from featurize_fho.ontology import CompiledOntology, local_name
from featurize_fho.rdf import chord_iri, progression_graph
from featurize_fho.reasoning import reasoned_classes
from featurize_fho.transitions import is_generic, shipped_table
from featurize_fho.vocabulary import fho_class

NEIGHBOURHOOD = [
    "C:maj",
    "D:min",
    "E:min",
    "F:maj",
    "G:maj",
    "A:min",
    "A#:maj",
    "D:maj",
    "E:maj",
    "C:min",
    "F:min",
    "G:min",
    "G#:maj",
    "D#:maj",
]


def progressions(hand_analysed: dict) -> list[list[str]]:
    rng = random.Random(3)
    hand = [
        list(merge_chords(Segments.from_rows([(i, i + 1, c) for i, c in enumerate(chords)])).labels)
        for chords, _ in hand_analysed.values()
    ]
    return hand + [[rng.choice(NEIGHBOURHOOD) for _ in range(8)] for _ in range(12)]


def test_fast_path_equals_owlrl(ontology_graph: rdflib.Graph, compiled: CompiledOntology, hand_analysed: dict) -> None:
    table = shipped_table()
    data, nodes, fast = rdflib.Graph(), [], []
    for k, chords in enumerate(progressions(hand_analysed)):
        data += progression_graph(f"p{k}", [fho_class(c) for c in chords])
        nodes += [rdflib.URIRef(chord_iri(f"p{k}", i)) for i in range(len(chords))]
        fast += progression_classes(table, [table.index[c] for c in chords])
    exact = reasoned_classes(ontology_graph, compiled, data, nodes)
    assert len(exact) == len(fast) > 100
    for node, by_owlrl, by_table in zip(nodes, exact, fast, strict=True):
        assert {local_name(c) for c in by_owlrl if is_generic(c)} == by_table, node
    # The reasoner also gives the key-specific classes the table leaves out: G -> C in I-IV-V-I.
    assert "http://purl.org/ontology/fho/C_IonianDominant" in exact[2]
