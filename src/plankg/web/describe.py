"""Descriptions of the service: a SPARQL 1.1 Service Description and VoID at /.well-known/void.

The statistics come from SPARQL aggregates run on the query workers (once, then cached), the
same numbers ``rdflib.void.generateVoID`` would give per graph (triples, classes, properties,
distinct subjects/objects, class and property partitions), but computed by the store's engine
instead of by walking every triple in Python, which would not scale to 100x plans.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from plankg.config import ONTOLOGY_NS
from plankg.web import conneg, state
from plankg.web.api import corpus_titles
from plankg.web.errors import ServiceError

log = logging.getLogger(__name__)

bp = Blueprint("describe", __name__)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "JSON-LD", "RDF_XML", "N-Triples", "TriG",
                      "N-Quads")

GRAPH_STATS = """SELECT ?g (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects)
  (COUNT(DISTINCT ?o) AS ?objects) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""
CLASS_PARTITIONS = """SELECT ?g ?class (COUNT(DISTINCT ?s) AS ?entities)
WHERE { GRAPH ?g { ?s a ?class } } GROUP BY ?g ?class ORDER BY ?g ?class"""
PROPERTY_PARTITIONS = """SELECT ?g ?property (COUNT(*) AS ?triples)
WHERE { GRAPH ?g { ?s ?property ?o } } GROUP BY ?g ?property ORDER BY ?g ?property"""
UNION_TRIPLES = "SELECT (COUNT(*) AS ?triples) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def select_rows(text: str) -> list[tuple[Any, ...]]:
    """Run a SELECT on the knowledge base and return its rows as rdflib terms."""
    from plankg.kb import Job
    from plankg.web.sparql import run
    from plankg.web.terms import rows

    return rows(run(Job(text=text, rows=True)))


def _cached(key: str, compute: Any) -> Any:
    """A value computed once per app (the data never changes while serving)."""
    cache = state().cache
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def graph_stats() -> dict[str, dict[str, int]]:
    """Per named graph: triples, distinct subjects, objects, properties."""
    def compute() -> dict[str, dict[str, int]]:
        return {str(g): {"triples": int(t), "subjects": int(s), "objects": int(o), "properties": int(p)}
                for g, t, s, o, p in select_rows(GRAPH_STATS)}
    return _cached("graph_stats", compute)


def manifest() -> dict[str, Any]:
    """The build's manifest.json (labels of the graphs), or {} when absent or unreadable."""
    return state().kb.manifest


def endpoint_iri() -> URIRef:
    """The absolute URL of /sparql as this request reached the server."""
    return URIRef(url_for("sparql.endpoint", _external=True))


def service_description() -> Graph:
    """A SPARQL 1.1 Service Description of /sparql with its default dataset."""
    g = _new_graph()
    g.bind("sd", SD)
    service = endpoint_iri()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in RESULT_FORMAT_IRIS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    labels = manifest().get("graphs", {})
    for iri, stats in graph_stats().items():
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(stats["triples"], datatype=XSD.integer)))
        label = (labels.get(iri) or {}).get("label")
        if label:
            g.add((named, DCTERMS.title, Literal(label)))
    return g


def cached_rows(text: str) -> list[tuple[Any, ...]]:
    """Rows of a statistics query, computed once per build (they name no host, unlike the graphs)."""
    return _cached("rows:" + text, lambda: select_rows(text))


def void_description() -> Graph:
    """VoID of the served dataset: one subset per named graph, with class and property partitions.

    Made for each request (only the statistics are cached), since its IRIs are this server's URLs.
    """
    def compute() -> Graph:
        g = _new_graph()
        doc = url_for("describe.void", _external=True)
        root = URIRef(doc + "#dataset")
        base = current_app.config["BASE_IRI"]
        g.add((root, RDF.type, VOID.Dataset))
        g.add((root, DCTERMS.title, Literal(f"plankg: {corpus_titles()}", lang="zh")))
        for plan in manifest().get("plans", []):
            g.add((root, DCTERMS.source, URIRef(f"{manifest().get('base_iri', '')}id/plan/{plan['key']}")))
        g.add((root, VOID.sparqlEndpoint, endpoint_iri()))
        g.add((root, VOID.uriSpace, Literal(base)))
        g.add((root, VOID.vocabulary, URIRef(ONTOLOGY_NS)))
        g.add((root, VOID.feature, FORMATS["Turtle"]))
        total = cached_rows(UNION_TRIPLES)
        g.add((root, VOID.triples, Literal(int(total[0][0]) if total else 0, datatype=XSD.integer)))
        labels = manifest().get("graphs", {})
        subsets: dict[str, URIRef] = {}
        for iri, stats in graph_stats().items():
            subset = subsets[iri] = URIRef(iri)
            g.add((root, VOID.subset, subset))
            g.add((subset, RDF.type, VOID.Dataset))
            g.add((subset, VOID.sparqlEndpoint, endpoint_iri()))
            for key, prop in (("triples", VOID.triples), ("subjects", VOID.distinctSubjects),
                              ("objects", VOID.distinctObjects), ("properties", VOID.properties)):
                g.add((subset, prop, Literal(stats[key], datatype=XSD.integer)))
            label = (labels.get(iri) or {}).get("label")
            if label:
                g.add((subset, DCTERMS.title, Literal(label)))
        _add_partitions(g, subsets, cached_rows(CLASS_PARTITIONS), VOID.classPartition,
                        VOID["class"], VOID.entities, VOID.classes)
        _add_partitions(g, subsets, cached_rows(PROPERTY_PARTITIONS), VOID.propertyPartition,
                        VOID.property, VOID.triples, None)
        return g
    return compute()


def _add_partitions(g: Graph, subsets: dict[str, URIRef], rows: list[tuple[Any, ...]],
                    link: URIRef, key: URIRef, count: URIRef, total: URIRef | None) -> None:
    """Class or property partitions of each subset, as generateVoID writes them."""
    per_subset: dict[str, int] = {}
    for graph, term, n in rows:
        subset = subsets.get(str(graph))
        if subset is None:
            continue
        part = BNode()
        g.add((subset, link, part))
        g.add((part, key, term))
        g.add((part, count, Literal(int(n), datatype=XSD.integer)))
        per_subset[str(graph)] = per_subset.get(str(graph), 0) + 1
    if total is not None:
        for iri, n in per_subset.items():
            g.add((subsets[iri], total, Literal(n, datatype=XSD.integer)))


def _new_graph() -> Graph:
    """A graph with only the prefixes these descriptions use."""
    g = Graph(bind_namespaces="core")
    for prefix, ns in (("void", VOID), ("dcterms", DCTERMS), ("sd", SD), ("formats", FORMATS),
                       ("plan", Namespace(ONTOLOGY_NS))):
        g.bind(prefix, ns)
    return g


def graph_response(graph: Graph, fmt: conneg.Format) -> Response:
    """A small description graph in a negotiated format."""
    if fmt.key in ("trig", "nquads"):
        from rdflib import Dataset

        ds = Dataset()
        for prefix, ns in graph.namespaces():
            ds.bind(prefix, ns)
        for triple in graph:
            ds.add(triple)
        body = ds.serialize(format=fmt.key, encoding="utf-8")
    else:
        body = graph.serialize(format=fmt.key, encoding="utf-8")
    resp = Response(body, 200, content_type=fmt.content_type)
    resp.vary.add("Accept")
    return resp


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description: a page for browsers, else the format the client asks for (Turtle by default)."""
    if not request.args and conneg.prefers_html(request.accept_mimetypes):
        from plankg.web.resources import describe_subject, render_page

        g = void_description()
        root = URIRef(url_for("describe.void", _external=True) + "#dataset")
        rows = [(root, p, o, URIRef("urn:x-plankg:void"), None, None, None, None)
                for p, o in describe_subject(g, root).predicate_objects(root) if not isinstance(o, BNode)]
        resp = Response(render_page(str(root), "/.well-known/void", rows, []), 200, mimetype="text/html")
        resp.vary.add("Accept")
        return resp
    return graph_response(void_description(), negotiated_graph_format())


def negotiated_graph_format() -> conneg.Format:
    """The RDF format this request asks for (Accept or format=; Turtle by default), else 400/406."""
    from plankg.web.sparql import format_values

    try:
        fmt = conneg.negotiate(request.accept_mimetypes, format_values(request.args),
                               conneg.GRAPH_FORMATS)
    except conneg.UnknownFormat as exc:
        raise ServiceError(400, str(exc)) from None
    except conneg.NotAcceptable as exc:
        raise ServiceError(406, str(exc)) from None
    return fmt
