"""Author the plankg OWL ontology with owlready2 from the tables in `vocabulary.py`.

`build_ontology()` returns an rdflib Graph (owlready2 writes RDF/XML; rdflib adds nothing but
serialises Turtle, since owlready2 cannot). `write_ontology()` refreshes the committed files.
"""

from __future__ import annotations

import io
import types
from pathlib import Path

import owlready2 as owl
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from plankg.config import ONTOLOGY_IRI, ONTOLOGY_NS
from plankg.ontology import vocabulary as V

HERE = Path(__file__).resolve().parent
OWL_FILE = HERE / "plankg.owl"
TTL_FILE = HERE / "plankg.ttl"
PLAN = Namespace(ONTOLOGY_NS)

_PYTHON_TYPES = {"xsd:integer": int, "xsd:nonNegativeInteger": int, "xsd:decimal": float, "xsd:string": str}


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return (ONTOLOGY_NS if prefix == "plan" else V.PREFIXES[prefix]) + local


class _Builder:
    """Keeps one owlready2 world and resolves CURIEs to owlready2 entities in it."""

    def __init__(self) -> None:
        self.world = owl.World()
        self.onto = self.world.get_ontology(ONTOLOGY_IRI)
        self.entities: dict[str, object] = {}

    def cls(self, curie: str) -> type:
        """The owlready2 class for a CURIE, declared (in its own namespace) on first use."""
        if curie not in self.entities:
            iri = _expand(curie)
            ns = self.onto.get_namespace(iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/")
            with ns:
                self.entities[curie] = types.new_class(iri.split("#")[-1].split("/")[-1], (owl.Thing,))
        return self.entities[curie]  # type: ignore[return-value]

    def prop(self, curie: str, kind: type) -> type:
        """The owlready2 property for a CURIE, of kind Object/Data/AnnotationProperty."""
        if curie not in self.entities:
            iri = _expand(curie)
            base, _, local = iri.rpartition("#") if "#" in iri else iri.rpartition("/")
            with self.onto.get_namespace(base + ("#" if "#" in iri else "/")):
                self.entities[curie] = types.new_class(local, (kind,))
        return self.entities[curie]  # type: ignore[return-value]


def _declare_annotations(b: _Builder) -> None:
    for curie in ("skos:definition", "skos:prefLabel", "skos:altLabel", "skos:notation",
                  "dcterms:title", "dcterms:description", "dcterms:creator", "dcterms:license"):
        b.prop(curie, owl.AnnotationProperty)


def _add_classes(b: _Builder) -> None:
    for t in V.CLASSES:
        c = b.cls(f"plan:{t.name}")
        for parent in t.parents:
            c.is_a.append(b.cls(parent))
        if owl.Thing in c.is_a and len(c.is_a) > 1:
            c.is_a.remove(owl.Thing)
        _set_annotations(b, c, t.zh, t.en, t.definition)
    for sub, sup in V.EXTERNAL_SUBCLASSES:
        c = b.cls(sub)
        c.is_a.append(b.cls(sup))
        if owl.Thing in c.is_a:
            c.is_a.remove(owl.Thing)
    for group in V.DISJOINT:
        owl.AllDisjoint([b.cls(c) for c in group], ontology=b.onto)


def _set_annotations(b: _Builder, entity: object, zh: str, en: str, definition: str) -> None:
    entity.label = [owl.locstr(zh, "zh"), owl.locstr(en, "en")]  # type: ignore[attr-defined]
    b.entities["skos:definition"][entity] = [owl.locstr(definition, "en")]  # type: ignore[index]


def _add_properties(b: _Builder) -> None:
    kinds = ((V.OBJECT_PROPERTIES, owl.ObjectProperty), (V.DATA_PROPERTIES, owl.DatatypeProperty))
    for table, kind in kinds:
        for t in table:
            p = b.prop(f"plan:{t.name}", kind)
            _set_annotations(b, p, t.zh, t.en, t.definition)
            for parent in t.parents:
                p.is_a.append(b.prop(parent, kind))
            if t.domain:
                p.domain = [b.cls(t.domain)]
            if t.range and kind is owl.ObjectProperty:
                p.range = [b.cls(t.range)]
            elif t.range in _PYTHON_TYPES:  # other datatypes (xsd:gYear) are not in owlready2's map
                p.range = [_PYTHON_TYPES[t.range]]
            for c in t.characteristics:
                p.is_a.append({"transitive": owl.TransitiveProperty, "symmetric": owl.SymmetricProperty,
                               "functional": owl.FunctionalProperty}[c])
    for t in V.OBJECT_PROPERTIES:
        if t.inverse:
            b.prop(f"plan:{t.name}", owl.ObjectProperty).inverse_property = b.prop(t.inverse, owl.ObjectProperty)
    for target, chain in V.CHAINS:
        b.prop(f"plan:{target}", owl.ObjectProperty).property_chain.append(
            owl.PropertyChain([b.prop(f"plan:{p}", owl.ObjectProperty) for p in chain]))


def _schemes_graph() -> Graph:
    """The SKOS concept schemes (individuals, so authored as plain triples)."""
    g = Graph()
    for scheme, (zh, en, definition, concepts) in V.SCHEMES.items():
        s = PLAN[scheme]
        g.add((s, RDF.type, SKOS.ConceptScheme))
        _skos_labels(g, s, zh, en, definition)
        for c in concepts:
            node = PLAN[c.name]
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, RDF.type, OWL.NamedIndividual))
            g.add((node, SKOS.inScheme, s))
            g.add((node, SKOS.topConceptOf, s)) if c.broader is None else g.add((node, SKOS.broader, PLAN[c.broader]))
            _skos_labels(g, node, c.zh, c.en, c.definition)
            for alt in c.alt_zh:
                g.add((node, SKOS.altLabel, Literal(alt, lang="zh")))
            for key, value in c.extra.items():
                g.add((node, PLAN[key], Literal(value)))
    return g


def _skos_labels(g: Graph, node: URIRef, zh: str, en: str, definition: str) -> None:
    for pred in (SKOS.prefLabel, RDFS.label):
        g.add((node, pred, Literal(zh, lang="zh")))
        g.add((node, pred, Literal(en, lang="en")))
    g.add((node, SKOS.definition, Literal(definition, lang="en")))


def _header(g: Graph) -> None:
    o = URIRef(ONTOLOGY_IRI)
    g.add((o, RDF.type, OWL.Ontology))
    g.add((o, DCTERMS.title, Literal("plankg 工作计划本体", lang="zh")))
    g.add((o, DCTERMS.title, Literal("plankg work-plan ontology", lang="en")))
    g.add((o, DCTERMS.description, Literal(
        "Vocabulary for government work plans as knowledge graphs: the text (plan, pillars, items, tasks, "
        "spans), the agents (W3C ORG), responsibilities as PROV-O qualified associations with types from a "
        "SKOS scheme, the 一岗双责 rule, targets, milestones, cadences, programmes and cited documents.",
        lang="en")))
    g.add((o, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((o, OWL.versionInfo, Literal("0.1.0")))
    g.add((o, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), Literal("plan")))
    g.add((o, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"), Literal(ONTOLOGY_NS)))


def build_ontology() -> Graph:
    """The ontology (TBox + SKOS schemes) as an rdflib Graph."""
    b = _Builder()
    _declare_annotations(b)
    with b.onto:
        _add_classes(b)
        _add_properties(b)
    buf = io.BytesIO()
    b.onto.save(buf, format="rdfxml")
    g = Graph(bind_namespaces="core")
    g.parse(data=buf.getvalue(), format="xml")
    g += _schemes_graph()
    _header(g)
    bind_prefixes(g)
    return g


def bind_prefixes(g: Graph) -> Graph:
    """Bind the project's prefixes (and only those) on a graph."""
    g.bind("plan", PLAN)
    for prefix, ns in V.PREFIXES.items():
        g.bind(prefix, Namespace(ns))
    return g


def serialise(g: Graph) -> tuple[str, bytes]:
    """Turtle (sorted, diff-friendly) and RDF/XML renderings of the ontology."""
    return g.serialize(format="longturtle"), g.serialize(format="xml", encoding="utf-8")


def write_ontology(directory: Path = HERE) -> None:
    """Regenerate ontology/plankg.ttl and plankg.owl from the source tables."""
    ttl, xml = serialise(build_ontology())
    (directory / TTL_FILE.name).write_text(ttl, encoding="utf-8")
    (directory / OWL_FILE.name).write_bytes(xml)


if __name__ == "__main__":
    write_ontology()
