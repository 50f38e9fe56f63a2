"""The exact (slow) classification path: OWL 2 RL materialisation with ``owlrl``.

``owlrl`` forward-chains the OWL 2 RL rules over the ontology plus a track's graph until nothing
new follows, then the chords' ``rdf:type`` triples are their classes. Over the whole 43k-triple
ontology this takes many minutes, because every rule pass visits every axiom, also those about
seventh chords and keys no chord can reach. So the reasoner runs on the ontology's *module* for the
asserted chord classes: the axioms of every class an individual typed with one of them could
possibly get (:meth:`~featurize_fho.ontology.CompiledOntology.derivable`, an over-approximation),
plus the property axioms. A rule whose premises mention a class outside the module can never fire,
so the module entails the same types for the individuals as the full ontology (the tests check it
on the compiled rules; the full-ontology run is in the docs).

The rule set is owlrl's OWL 2 RL implementation without the ``scm-*`` rules (OWL 2 RL table 9,
"semantics of schema vocabulary"): those derive new class axioms (transitive subclass links,
equivalences) and never type an individual that the instance rules (``cax-*``, ``cls-*``,
``prp-*``) would not type anyway, while they multiply the triples every pass visits (4x slower).

This path is for checking the fast one and for ``export-rdf --reason``; it is never run per track
during extraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from featurize_fho.ontology import FHO, CompiledOntology

if TYPE_CHECKING:
    import rdflib


def module_graph(ontology: rdflib.Graph, compiled: CompiledOntology, asserted: Iterable[str]) -> rdflib.Graph:
    """The axioms relevant to individuals typed with ``asserted`` (FHO class IRIs)."""
    import rdflib
    from rdflib import RDF, URIRef

    keep = compiled.derivable(asserted)
    module = rdflib.Graph()
    properties = {s for s in ontology.subjects(RDF.type, rdflib.OWL.ObjectProperty)}
    for subject in (*properties, *(URIRef(name) for name in keep)):
        _copy_description(ontology, subject, module)
    return module


def _copy_description(source: rdflib.Graph, subject: rdflib.term.Node, target: rdflib.Graph) -> None:
    """Copy the triples of ``subject`` and, recursively, of the anonymous nodes they point to."""
    from rdflib import BNode

    for predicate, obj in source.predicate_objects(subject):
        target.add((subject, predicate, obj))
        if isinstance(obj, BNode):
            _copy_description(source, obj, target)


def materialise(graph: rdflib.Graph) -> rdflib.Graph:
    """Expand ``graph`` in place with owlrl's OWL 2 RL instance rules and return it."""
    import owlrl
    from owlrl.OWLRL import OWLRL_Semantics

    class InstanceRules(OWLRL_Semantics):
        def _schema_vocabulary(self, triple: object, cycle_num: int) -> None:
            """The scm-* rules: class-level consequences only (see the module docstring)."""

    owlrl.DeductiveClosure(InstanceRules, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False).expand(
        graph
    )
    return graph


def reasoned_classes(
    ontology: rdflib.Graph, compiled: CompiledOntology, data: rdflib.Graph, individuals: Sequence[rdflib.URIRef]
) -> list[frozenset[str]]:
    """The FHO classes (IRIs) owlrl derives for each individual of ``data`` over the ontology's module."""
    from rdflib import RDF

    asserted = {str(t) for node in individuals for t in data.objects(node, RDF.type) if str(t).startswith(FHO)}
    closed = materialise(module_graph(ontology, compiled, asserted) + data)
    return [frozenset(str(t) for t in closed.objects(node, RDF.type) if str(t).startswith(FHO)) for node in individuals]
