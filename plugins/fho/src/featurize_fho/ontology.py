"""The Functional Harmony Ontology compiled into rules, and a materialiser for chord progressions.

FHO classifies a chord occurrence through OWL axioms of three shapes only (checked when
compiling; anything else is an :class:`OntologyError`):

* named class links: ``A rdfs:subClassOf B`` and ``A owl:equivalentClass B``;
* definitions ``D owl:equivalentClass (A1 and ... and (p some B))`` over named classes, with ``p``
  one of ``hasNext``, its inverse ``hasPrevious``, ``hasTonality`` or ``hasSongTonality``;
* superclass restrictions (``A rdfs:subClassOf (hasTonality some T)``), which say something exists
  but classify nothing, and property domains (``hasNext`` has domain ``Progression``).

Applied as OWL 2 RL rules (``cax-sco``, ``cax-eqc``, ``cls-int1``/``cls-int2``, ``cls-svf1``,
``prp-dom``, ``prp-inv``) to a chain of chord individuals linked by ``hasNext``, they give every
class each chord belongs to. :meth:`CompiledOntology.materialise` does exactly that in memory;
it is what the transition table is built with (:mod:`featurize_fho.transitions`), and the tests
prove it agrees with the ``owlrl`` reasoner (:mod:`featurize_fho.reasoning`).

Parsing the 2 MB OWL file with rdflib takes seconds, so this module never runs per track.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import rdflib

FHO = "http://purl.org/ontology/fho/"
HAS_NEXT = FHO + "hasNext"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_STRUCTURAL = {RDF + "type", RDF + "first", RDF + "rest", RDFS + "comment", RDFS + "label"}
_DECLARATIONS = {
    OWL + "Ontology",
    OWL + "Class",
    OWL + "Restriction",
    OWL + "ObjectProperty",
    OWL + "FunctionalProperty",  # prp-fp only merges individuals with two successors; chains have one
}


class OntologyError(ValueError):
    """The OWL file uses a construct the compiler does not handle, so its results would be incomplete."""


def ontology_path() -> Path:
    """The FHO file shipped with the plugin (Apache-2.0, see ``data/LICENSE-functionalharm.txt``)."""
    return Path(str(files("featurize_fho") / "data" / "functionalharm.owl"))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_graph(path: Path | None = None) -> rdflib.Graph:
    """Parse the ontology with rdflib (seconds: call once per process at most)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(path or ontology_path()), format="xml")
    return graph


def local_name(iri: str) -> str:
    """``http://purl.org/ontology/fho/IonianDominant`` -> ``IonianDominant``."""
    return iri[len(FHO) :] if iri.startswith(FHO) else iri


@attrs.frozen
class Definition:
    """``defined`` is equivalent to the conjunction of ``named`` classes and ``(property some filler)``."""

    defined: str
    named: tuple[str, ...]
    restrictions: tuple[tuple[str, str], ...]


@attrs.frozen(eq=False)
class CompiledOntology:
    """The ontology's classification rules over named classes (IRIs as strings)."""

    superclasses: dict[str, frozenset[str]]
    """Direct named superclasses: told subclass links, both directions of named equivalences and the
    named conjuncts of a definition (``cls-int2``)."""
    definitions: tuple[Definition, ...]
    domains: dict[str, frozenset[str]]
    """``property -> classes`` its subjects belong to (``rdfs:domain``)."""
    ranges: dict[str, frozenset[str]]
    """``property -> classes`` its objects belong to (``rdfs:range``)."""
    offsets: dict[str, int]
    """How each chain property moves along the progression: ``hasNext`` +1, ``hasPrevious`` -1."""

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> CompiledOntology:
        """Compile ``graph``; raises :class:`OntologyError` on an axiom the rules cannot express."""
        return _Compiler(graph).compile()

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        """The classes plus all their named superclasses and equivalents."""
        result: set[str] = set()
        for name in classes:
            result |= _ancestors(self, name)
        return frozenset(result)

    def materialise(self, chain: Sequence[str]) -> list[frozenset[str]]:
        """All named classes of each individual of a ``hasNext`` chain typed with ``chain`` (class IRIs)."""
        n = len(chain)
        types = [set(self.closure([asserted])) for asserted in chain]
        for i in range(n):
            for prop, offset in self.offsets.items():
                if 0 <= i + offset < n:
                    types[i] |= self.closure(self.domains.get(prop, ()))
                    types[i + offset] |= self.closure(self.ranges.get(prop, ()))
        by_conjunct = _definitions_by_conjunct(self)
        changed = True
        while changed:
            changed = False
            for i in range(n):
                for name in list(types[i]):
                    for definition in by_conjunct.get(name, ()):
                        if definition.defined not in types[i] and self._holds(definition, i, types):
                            types[i] |= self.closure([definition.defined])
                            changed = True
        return [frozenset(t) for t in types]

    def _holds(self, definition: Definition, i: int, types: list[set[str]]) -> bool:
        if not all(name in types[i] for name in definition.named):
            return False
        for prop, filler in definition.restrictions:
            j = i + self.offsets.get(prop, len(types))  # properties without assertions never hold
            if not (0 <= j < len(types) and filler in types[j]):
                return False
        return True

    def derivable(self, asserted: Iterable[str]) -> frozenset[str]:
        """An over-approximation of the classes any individual of a chain over ``asserted`` can get."""
        reachable = set(self.closure(asserted))
        for classes in (*self.domains.values(), *self.ranges.values()):
            reachable |= self.closure(classes)
        changed = True
        while changed:
            changed = False
            for definition in self.definitions:
                if definition.defined in reachable:
                    continue
                needed = (*definition.named, *(f for _, f in definition.restrictions))
                if all(name in reachable for name in needed):
                    reachable |= self.closure([definition.defined])
                    changed = True
        return frozenset(reachable)


@cache
def _definitions_by_conjunct(ontology: CompiledOntology) -> dict[str, tuple[Definition, ...]]:
    """Definitions indexed by their first named conjunct (every FHO definition has one)."""
    index: dict[str, list[Definition]] = {}
    for definition in ontology.definitions:
        index.setdefault(definition.named[0], []).append(definition)
    return {name: tuple(found) for name, found in index.items()}


@cache
def _ancestors(ontology: CompiledOntology, name: str) -> frozenset[str]:
    seen = {name}
    stack = [name]
    while stack:
        for parent in ontology.superclasses.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return frozenset(seen)


class _Compiler:
    """Reads the axioms out of an rdflib graph, refusing constructs outside the supported shapes."""

    def __init__(self, graph: rdflib.Graph) -> None:
        from rdflib import BNode, URIRef

        self.graph = graph
        self.BNode, self.URIRef = BNode, URIRef
        self.superclasses: dict[str, set[str]] = {}
        self.definitions: list[Definition] = []
        self.unsupported: list[str] = []

    def compile(self) -> CompiledOntology:
        from rdflib import OWL as O
        from rdflib import RDFS as S

        for subject, obj in self.graph.subject_objects(S.subClassOf):
            if isinstance(obj, self.URIRef):
                self._link(subject, obj)
            elif not self._is_restriction(obj):
                self.unsupported.append(f"{subject} rdfs:subClassOf {self._describe(obj)}")
        for subject, obj in self.graph.subject_objects(O.equivalentClass):
            if isinstance(obj, self.URIRef):
                self._link(subject, obj)
                self._link(obj, subject)
            else:
                self._definition(subject, obj)
        offsets = self._chain_properties()
        self._check_remaining_predicates()
        if self.unsupported:
            listing = "\n  ".join(self.unsupported[:10])
            raise OntologyError(f"{len(self.unsupported)} axioms outside the supported OWL shapes:\n  {listing}")
        return CompiledOntology(
            superclasses={name: frozenset(parents) for name, parents in self.superclasses.items()},
            definitions=tuple(sorted(self.definitions, key=lambda d: (d.defined, d.named, d.restrictions))),
            domains=self._by_property(S.domain),
            ranges=self._by_property(S.range),
            offsets=offsets,
        )

    def _by_property(self, predicate: object) -> dict[str, frozenset[str]]:
        found: dict[str, set[str]] = {}
        for prop, cls in self.graph.subject_objects(predicate):
            found.setdefault(str(prop), set()).add(str(cls))
        return {prop: frozenset(classes) for prop, classes in found.items()}

    def _link(self, child: object, parent: object) -> None:
        if not isinstance(child, self.URIRef):
            self.unsupported.append(f"anonymous class {self._describe(child)} with a named superclass")
            return
        if child != parent:
            self.superclasses.setdefault(str(child), set()).add(str(parent))

    def _is_restriction(self, node: object) -> bool:
        from rdflib import OWL as O

        return (
            isinstance(node, self.BNode)
            and self.graph.value(node, O.onProperty) is not None
            and isinstance(self.graph.value(node, O.someValuesFrom), self.URIRef)
        )

    def _definition(self, defined: object, expression: object) -> None:
        from rdflib import OWL as O
        from rdflib.collection import Collection

        members = self.graph.value(expression, O.intersectionOf)
        if not isinstance(defined, self.URIRef) or members is None:
            self.unsupported.append(f"{defined} owl:equivalentClass {self._describe(expression)}")
            return
        named, restrictions = [], []
        for member in Collection(self.graph, members):
            if isinstance(member, self.URIRef):
                named.append(str(member))
            elif self._is_restriction(member):
                prop = self.graph.value(member, O.onProperty)
                restrictions.append((str(prop), str(self.graph.value(member, O.someValuesFrom))))
            else:
                self.unsupported.append(f"{defined}: conjunct {self._describe(member)}")
        if not named:
            self.unsupported.append(f"{defined}: a definition without a named conjunct")
            return
        self.definitions.append(Definition(str(defined), tuple(named), tuple(restrictions)))
        for name in named:
            self._link(defined, self.URIRef(name))

    def _chain_properties(self) -> dict[str, int]:
        """``hasNext`` moves +1; a property equivalent to its inverse (``hasPrevious``) moves -1."""
        from rdflib import OWL as O

        offsets = {HAS_NEXT: 1}
        for prop, equivalent in self.graph.subject_objects(O.equivalentProperty):
            if str(self.graph.value(equivalent, O.inverseOf)) == HAS_NEXT:
                offsets[str(prop)] = -1
            else:
                self.unsupported.append(f"{prop} owl:equivalentProperty {self._describe(equivalent)}")
        return offsets

    def _check_remaining_predicates(self) -> None:
        from rdflib import OWL as O
        from rdflib import RDF as R
        from rdflib import RDFS as S

        handled = {
            *_STRUCTURAL,
            str(S.subClassOf),
            str(O.equivalentClass),
            str(O.intersectionOf),
            str(O.onProperty),
            str(O.someValuesFrom),
            str(O.inverseOf),
            str(O.equivalentProperty),
            str(S.domain),
            str(S.range),
        }
        for predicate in set(self.graph.predicates()):
            if str(predicate) not in handled:
                self.unsupported.append(f"predicate {predicate}")
        for subject, kind in self.graph.subject_objects(R.type):
            if str(kind) not in _DECLARATIONS:
                self.unsupported.append(f"{self._describe(subject)} rdf:type {kind}")

    def _describe(self, node: object) -> str:
        if isinstance(node, self.URIRef):
            return str(node)
        return "[" + ", ".join(f"{p.split('#')[-1]} {o}" for p, o in self.graph.predicate_objects(node)) + "]"
