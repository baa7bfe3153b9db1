"""The ontology at its IRI (/ontology): an HTML page of its terms, and its RDF serialisations.

The page lists the classes, properties and each SKOS concept scheme (with its concepts) of the
``plan:`` namespace, with Chinese and English labels, definitions and axioms. Anchors are the
terms' local names, so a term's hash IRI (``.../ontology#WorkItem``) lands on its entry. The
content is the ontology named graph of the served build (``queries/ontology-terms.rq``), read once
per app and cached with its renderings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from plankg.config import ONTOLOGY_IRI, ONTOLOGY_NS
from plankg.web import state
from plankg.web.resources import (
    ONTOLOGY_SUFFIXES,
    Term,
    alternates,
    base_iri,
    construct,
    curie,
    literal_term,
    prefixes,
)

PLAN = ONTOLOGY_NS


@dataclass
class OntologyTerm:
    """A class, property or concept on the ontology page."""

    anchor: str
    iri: str
    curie: str
    zh: str
    en: str
    definition: str
    facts: list[tuple[str, list[Term]]] = field(default_factory=list)


def ontology_graph() -> Graph:
    """The ontology named graph as served (cached per app)."""
    cache = state().cache
    if "ontology-graph" not in cache:
        body = construct("ontology-terms", "nt", graph=base_iri() + "graph/ontology")
        g = Graph(bind_namespaces="none")
        g.parse(data=body.decode("utf-8"), format="nt")
        for prefix, ns in prefixes().items():
            g.bind(prefix, ns)
        cache["ontology-graph"] = g
    return cache["ontology-graph"]


def lang_value(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    """A literal of ``s p`` in one language ('' when none)."""
    for o in g.objects(s, p):
        if isinstance(o, Literal) and (o.language or "").lower().startswith(lang):
            return str(o)
    return ""


def term_link(g: Graph, node: Any) -> Term:
    """A term of the ontology page: linked to its anchor (ours) or to its IRI (reused)."""
    if isinstance(node, Literal):
        return literal_term(node)
    if isinstance(node, BNode):
        items = list(g.items(node)) if (node, RDF.first, None) in g else []
        if items:
            return Term(" ∘ ".join(curie(str(i)) for i in items))
        return Term("(anonymous)")
    iri = str(node)
    zh = lang_value(g, node, RDFS.label, "zh")
    href = "#" + iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else iri
    return Term(curie(iri), iri, href, zh)


FACTS: tuple[tuple[str, URIRef], ...] = (
    ("subclass of", RDFS.subClassOf), ("subproperty of", RDFS.subPropertyOf),
    ("domain", RDFS.domain), ("range", RDFS.range), ("inverse of", OWL.inverseOf),
    ("property chain", OWL.propertyChainAxiom), ("equivalent to", OWL.equivalentClass),
    ("type", RDF.type), ("in scheme", SKOS.inScheme), ("broader", SKOS.broader),
    ("also called", SKOS.altLabel), ("chain rank", URIRef(PLAN + "chainRank")),
    ("duration", URIRef(PLAN + "duration")),
)
HIDDEN_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                OWL.NamedIndividual, SKOS.Concept, SKOS.ConceptScheme}


def ontology_term(g: Graph, s: URIRef) -> OntologyTerm:
    """One term with its labels, definition and axioms."""
    iri = str(s)
    facts = []
    for name, p in FACTS:
        values = [term_link(g, o) for o in g.objects(s, p)
                  if not (p == RDF.type and o in HIDDEN_TYPES)]
        if values:
            facts.append((name, sorted(values, key=lambda t: t.text)))
    definition = (lang_value(g, s, SKOS.definition, "en") or lang_value(g, s, SKOS.definition, "zh")
                  or lang_value(g, s, RDFS.comment, "en"))
    zh = lang_value(g, s, RDFS.label, "zh") or lang_value(g, s, SKOS.prefLabel, "zh")
    en = lang_value(g, s, RDFS.label, "en") or lang_value(g, s, SKOS.prefLabel, "en")
    return OntologyTerm(iri[len(ONTOLOGY_NS):], iri, curie(iri), zh, en, definition, facts)


def ours(g: Graph, kind: URIRef) -> list[URIRef]:
    """Subjects of one rdf:type in the plan: namespace, by local name."""
    return sorted((s for s in set(g.subjects(RDF.type, kind))
                   if isinstance(s, URIRef) and str(s).startswith(ONTOLOGY_NS)), key=str)


def ontology_sections(g: Graph) -> list[tuple[str, str, list[OntologyTerm]]]:
    """(anchor, heading, terms): classes, properties, then each concept scheme's concepts."""
    sections = [("classes", "Classes 类", [ontology_term(g, s) for s in ours(g, OWL.Class)]),
                ("object-properties", "Object properties 对象属性",
                 [ontology_term(g, s) for s in ours(g, OWL.ObjectProperty)]),
                ("datatype-properties", "Datatype properties 数据属性",
                 [ontology_term(g, s) for s in ours(g, OWL.DatatypeProperty)]),
                ("annotation-properties", "Annotation properties 注释属性",
                 [ontology_term(g, s) for s in ours(g, OWL.AnnotationProperty)])]
    concepts = set(ours(g, SKOS.Concept))
    for scheme in ours(g, SKOS.ConceptScheme):
        members = sorted((c for c in concepts if (c, SKOS.inScheme, scheme) in g), key=str)
        head = ontology_term(g, scheme)
        title = f"{head.en or head.anchor} {head.zh}".strip()
        sections.append((head.anchor, f"Concept scheme: {title}",
                         [head] + [ontology_term(g, c) for c in members]))
        concepts -= set(members)
    others = [s for s in ours(g, OWL.NamedIndividual) if s not in set(ours(g, SKOS.Concept))]
    others += sorted(concepts, key=str)
    if others:
        sections.append(("individuals", "Other individuals 其他个体",
                         [ontology_term(g, s) for s in others]))
    return [s for s in sections if s[2]]


def render_ontology() -> str:
    """The ontology's HTML documentation (cached per app)."""
    cache = state().cache
    if "ontology-html" not in cache:
        g = ontology_graph()
        onto = URIRef(ONTOLOGY_IRI)
        header = ontology_term(g, onto)
        meta = {
            "title_zh": lang_value(g, onto, DCTERMS.title, "zh"),
            "title_en": lang_value(g, onto, DCTERMS.title, "en"),
            "description": lang_value(g, onto, DCTERMS.description, "en"),
            "version": str(g.value(onto, OWL.versionInfo) or ""),
            "license": str(g.value(onto, DCTERMS.license) or ""),
        }
        cache["ontology-html"] = render_template(
            "ontology.html", iri=ONTOLOGY_IRI, ns=ONTOLOGY_NS, meta=meta, header=header,
            sections=ontology_sections(g), triples=len(g),
            alternates=alternates("/ontology", ONTOLOGY_SUFFIXES))
    return cache["ontology-html"]


def ontology_rdf(key: str) -> bytes:
    """The ontology serialised (Turtle sorted for diffs; cached per app and format)."""
    cache = state().cache.setdefault("ontology-rdf", {})
    if key not in cache:
        g = ontology_graph()
        fmt = "longturtle" if key == "turtle" else key
        if key == "json-ld":
            cache[key] = g.serialize(format="json-ld", context=prefixes(), encoding="utf-8")
        else:
            cache[key] = g.serialize(format=fmt, encoding="utf-8")
    return cache[key]
