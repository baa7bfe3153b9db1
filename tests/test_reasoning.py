"""The build's RL entailments match owlrl's OWL 2 RL closure on the plan's resources."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF

from plankg.build.ids import Ids
from plankg.build.plan import build_plan, default_sources
from plankg.build.reason import NOISE_CLASSES, entailments
from plankg.ontology.model import build_ontology


def test_entailments_equal_owlrl_closure() -> None:
    import owlrl

    plan = build_plan(default_sources()[0], Ids("https://w3id.org/plankg/"))
    onto = build_ontology()
    data = Graph()
    for t in plan.graph:
        if not isinstance(t[2], Literal):  # owlrl needs 28 s with literals, 8 s without
            data.add(t)
    closure = Graph()
    closure += onto
    closure += data
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    subjects = set(data.subjects())
    expected = {t for t in closure - data - onto if t[0] in subjects and not isinstance(t[2], (BNode, Literal))
                and t[1] != OWL.sameAs and not (t[1] == RDF.type and t[2] in NOISE_CLASSES)}
    ours = {t for t in entailments(onto, data) if not isinstance(t[2], Literal)}
    assert ours == expected
    assert len(ours) > 1000
