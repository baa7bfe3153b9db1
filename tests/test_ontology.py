"""The OWL ontology: committed files in step with the source, every term documented, HermiT consistency."""

from __future__ import annotations

import tempfile
from pathlib import Path

import owlready2
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from plankg.config import ONTOLOGY_NS
from plankg.build.ids import PLAN
from plankg.ontology.model import OWL_FILE, TTL_FILE, build_ontology

OWN_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.Concept, SKOS.ConceptScheme)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return build_ontology()


@pytest.mark.parametrize(("path", "fmt"), [(TTL_FILE, "turtle"), (OWL_FILE, "xml")])
def test_committed_ontology_matches_its_source(ontology: Graph, path: Path, fmt: str) -> None:
    committed = Graph().parse(path, format=fmt)
    assert isomorphic(committed, ontology), f"{path.name} is stale: run `python -m plankg.ontology.model`"


def test_every_own_term_has_zh_and_en_labels_and_a_definition(ontology: Graph) -> None:
    terms = {s for kind in OWN_KINDS for s in ontology.subjects(RDF.type, kind) if str(s).startswith(ONTOLOGY_NS)}
    assert len(terms) > 150
    for term in terms:
        langs = {lit.language for lit in ontology.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs, term
        assert ontology.value(term, SKOS.definition) is not None, term


def test_standard_vocabularies_are_reused(ontology: Graph) -> None:
    assert (PLAN.Responsibility, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Association")) in ontology
    assert (PLAN.Department, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#OrganizationalUnit")) in ontology
    assert (PLAN.TextSpan, RDFS.subClassOf, URIRef("http://www.w3.org/ns/oa#SpecificResource")) in ontology
    assert (PLAN.DirectManagementResponsibility, SKOS.inScheme, PLAN.ResponsibilityTypes) in ontology
    assert (PLAN.DirectManagementResponsibility, SKOS.broader, PLAN.DualDutySafetyResponsibility) in ontology
    assert (PLAN.GuidanceInspectionResponsibility, SKOS.broader, PLAN.DualDutySafetyResponsibility) in ontology
    ranks = {c: int(ontology.value(c, PLAN.chainRank))
             for c in (PLAN.FirstResponsibility, PLAN.DirectLeadershipResponsibility,
                       PLAN.SpecificWorkResponsibility)}
    assert sorted(ranks.values()) == [1, 2, 3]


def test_property_chains_and_inverses_are_declared(ontology: Graph) -> None:
    assert (PLAN.hasTask, OWL.inverseOf, PLAN.taskOf) in ontology
    assert (PLAN.answersToTransitively, RDF.type, OWL.TransitiveProperty) in ontology
    assert len(list(ontology.objects(PLAN.responsibleAgent, OWL.propertyChainAxiom))) == 2


def hermit_consistent(graph: Graph) -> bool:
    """Run HermiT (owlready2, Java) over `graph`; False when it finds the ontology inconsistent."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        try:
            # xsd:date / gYear are outside the OWL 2 datatype map that HermiT implements
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError:
            return False
    return True


@pytest.fixture(scope="module")
def ontology_and_data(build_dir: Path) -> Graph:
    ds = Dataset()
    ds.parse(build_dir / "plankg.nq", format="nquads")
    g = Graph()
    for s, p, o, _ in ds.quads():
        g.add((s, p, o))
    return g


def test_hermit_finds_ontology_and_data_consistent(ontology_and_data: Graph) -> None:
    assert hermit_consistent(ontology_and_data)


def test_hermit_catches_a_place_holding_a_duty(ontology_and_data: Graph) -> None:
    """A county as holder of a responsibility: holder's range is prov:Agent, and Place ⊥ prov:Agent."""
    g = Graph()
    g += ontology_and_data
    r = URIRef("https://w3id.org/plankg/id/plan/luzhou-2014/item/1/responsibility/1")
    g.add((r, PLAN.holder, URIRef("https://w3id.org/plankg/id/place/510525")))
    g.add((r, RDFS.comment, Literal("planted error")))
    assert not hermit_consistent(g)


def test_every_quantity_the_plan_commits_to_is_a_commitment(kb) -> None:  # noqa: ANN001
    """Targets and recurring duties share a parent class a researcher can ask for (issue 9)."""
    q = ("PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { "
         "{ ?x a plan:Target } UNION { ?x a plan:Recurrence } }")
    both = kb.select(q).rows[0][0].value
    commitments = kb.select("PREFIX plan: <https://w3id.org/plankg/ontology#> "
                            "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a plan:Commitment }").rows[0][0].value
    assert int(both) == int(commitments) > 0
