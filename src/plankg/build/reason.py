"""OWL 2 RL entailments of the ontology over the data, computed once at build time.

owlrl computes the full OWL 2 RL closure but took 28 s on the 1x plan (8.5 s without literals);
this module applies only the RL rules whose axioms the plankg ontology uses, to a fixpoint, in well
under a second: cax-sco, prp-spo1, prp-inv1/2, prp-trp, prp-symp, prp-spo2 (property chains),
prp-dom and prp-rng. tests/test_reasoning.py checks the result against owlrl's closure.

A corpus is reasoned over plan by plan (each plan's entailments are cached with its graph), then
once across plans (:func:`cross_plan_entailments`). Only the transitive properties need the second
pass: every other rule reads one triple, and the property chains join on a responsibility or a
participation, which belong to one plan (their IRIs carry the plan's key). Places and groups are
shared by plans, so a withinPlace or subGroupOf path may run through two plans' triples.
tests/test_reasoning.py checks that the two passes give the entailments of the whole union.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

Triple = tuple[URIRef, URIRef, object]
# Types every resource has under OWL; they say nothing a user asks about.
NOISE_CLASSES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


class _Schema:
    """The TBox axioms the rules need, with super-class/-property closures precomputed."""

    def __init__(self, onto: Graph) -> None:
        self.superclasses = _closure(onto, RDFS.subClassOf)
        self.superprops = _closure(onto, RDFS.subPropertyOf)
        self.inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
        for p, q in onto.subject_objects(OWL.inverseOf):
            self.inverse[p].add(q)
            self.inverse[q].add(p)
        self.transitive = set(onto.subjects(RDF.type, OWL.TransitiveProperty))
        self.symmetric = set(onto.subjects(RDF.type, OWL.SymmetricProperty))
        self.domain = {p: set(onto.objects(p, RDFS.domain)) for p in set(onto.subjects(RDFS.domain))}
        self.range = {p: set(onto.objects(p, RDFS.range)) for p in set(onto.subjects(RDFS.range))}
        self.chains: list[tuple[URIRef, list[URIRef]]] = [
            (p, list(Collection(onto, lst))) for p, lst in onto.subject_objects(OWL.propertyChainAxiom)]


def _closure(onto: Graph, pred: URIRef) -> dict[URIRef, set[URIRef]]:
    """Reflexive-free transitive closure of a hierarchy property (scm-sco / scm-spo)."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for a, b in onto.subject_objects(pred):
        if a != b:
            direct[a].add(b)
    out: dict[URIRef, set[URIRef]] = {}
    for a in list(direct):
        seen, todo = set(), list(direct[a])
        while todo:
            x = todo.pop()
            if x not in seen and x != a:
                seen.add(x)
                todo += direct.get(x, ())
        out[a] = seen
    return out


def _step(t: Triple, s: _Schema) -> list[Triple]:
    """The triples one rule application derives from one triple (except chains and transitivity)."""
    subj, p, o = t
    out: list[Triple] = []
    if p == RDF.type:
        out += [(subj, RDF.type, c) for c in s.superclasses.get(o, ())]  # cax-sco
        return out
    out += [(subj, q, o) for q in s.superprops.get(p, ())]  # prp-spo1
    if isinstance(o, Literal):
        out += [(subj, RDF.type, c) for c in s.domain.get(p, ())]
        return out
    out += [(o, q, subj) for q in s.inverse.get(p, ())]  # prp-inv
    if p in s.symmetric:
        out.append((o, p, subj))  # prp-symp
    out += [(subj, RDF.type, c) for c in s.domain.get(p, ())]  # prp-dom
    out += [(o, RDF.type, c) for c in s.range.get(p, ()) if c != RDFS.Literal]  # prp-rng
    return out


def _transitive_and_chains(g: Graph, s: _Schema) -> list[Triple]:
    """prp-trp and prp-spo2 over the current graph."""
    out: list[Triple] = []
    for p in s.transitive:
        pairs = defaultdict(set)
        for a, b in g.subject_objects(p):
            pairs[a].add(b)
        for a, bs in pairs.items():
            for b in list(bs):
                out += [(a, p, c) for c in pairs.get(b, ()) if (a, p, c) not in g]
    for target, chain in s.chains:
        frontier = {(a, b) for a, b in g.subject_objects(chain[0])}
        for link in chain[1:]:
            frontier = {(a, c) for a, b in frontier for c in g.objects(b, link)}
        out += [(a, target, c) for a, c in frontier if (a, target, c) not in g]
    return out


def entailments(ontology: Graph, data: Graph) -> Graph:
    """The triples the RL rules add to `data` under `ontology` (the asserted ones excluded)."""
    schema = _Schema(ontology)
    g = Graph()
    g += data
    todo: list[Triple] = list(data)
    while todo:
        while todo:
            for new in _step(todo.pop(), schema):
                if isinstance(new[0], (BNode, Literal)) or new in g or (new[1] == RDF.type and new[2] in NOISE_CLASSES):
                    continue
                g.add(new)
                todo.append(new)
        todo = _transitive_and_chains(g, schema)
        for t in todo:
            g.add(t)
    return g - data - ontology


def transitive_properties(ontology: Graph) -> set[URIRef]:
    """The properties whose paths may cross plans (see the module's docstring)."""
    return set(ontology.subjects(RDF.type, OWL.TransitiveProperty))


def cross_plan_entailments(ontology: Graph, links: Iterable[tuple[str, Triple]]) -> Graph:
    """What the union of plans may entail beyond each plan's own entailments, given every plan's
    asserted and entailed triples of the transitive properties, as (plan, triple). Only paths that
    touch two plans can give anything new, so only their links are reasoned over. The result may
    repeat what a plan holds; the caller drops those."""
    parent: dict[object, object] = {}

    def root(x: object) -> object:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = list(links)
    for _plan, (s, _p, o) in kept:
        parent[root(s)] = root(o)
    plans: dict[object, set[str]] = defaultdict(set)
    for plan, (s, _p, _o) in kept:
        plans[root(s)].add(plan)
    data = Graph()
    for plan, t in kept:
        if len(plans[root(t[0])]) > 1:
            data.add(t)
    return entailments(ontology, data)
