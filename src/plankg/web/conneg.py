"""Result formats of the SPARQL endpoint and content negotiation between them.

Negotiation uses Werkzeug's q-value aware ``MIMEAccept.best_match`` (exact types beat wildcards,
ties go to the first format listed, which is the default). A ``format=`` (or Fuseki's ``output=``)
parameter overrides the Accept header; SPARQLWrapper sends both a short name and a media type.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    """One serialisation the endpoint can answer with."""

    key: str                 # what the worker serialises: json, xml, csv, tsv, turtle, ...
    media_type: str          # the Content-Type sent
    aliases: tuple[str, ...]  # Accept types and format= values that select it

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        if self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/trig",
                                                                            "/n-triples", "/n-quads")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


# SELECT and ASK results; the first is the default.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json",
           ("application/sparql-results+json", "application/json", "json", "srj",
            "text/javascript", "application/javascript")),
    Format("xml", "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml", "xml", "srx")),
    Format("csv", "text/csv", ("text/csv", "csv")),
    Format("tsv", "text/tab-separated-values", ("text/tab-separated-values", "tsv")),
)

# CONSTRUCT and DESCRIBE results; the first is the default. Clients that only ever ask for SPARQL
# results (rdflib's SPARQLStore sends application/sparql-results+json or +xml for every query form)
# get the graph in that family's RDF syntax: JSON-LD or RDF/XML.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle",
           ("text/turtle", "application/turtle", "application/x-turtle", "turtle", "ttl",
            "n3", "text/n3", "text/rdf+n3", "application/n3")),
    Format("json-ld", "application/ld+json",
           ("application/ld+json", "application/x-json+ld", "json-ld", "jsonld", "application/json",
            "json", "application/sparql-results+json")),
    Format("xml", "application/rdf+xml",
           ("application/rdf+xml", "rdf+xml", "rdf", "rdfxml", "xml", "application/xml", "text/xml",
            "application/sparql-results+xml")),
    Format("nt", "application/n-triples",
           ("application/n-triples", "n-triples", "ntriples", "nt", "text/plain")),
    Format("trig", "application/trig", ("application/trig", "trig")),
    Format("nquads", "application/n-quads", ("application/n-quads", "n-quads", "nquads", "nq")),
)

# Parameters that name a format (Virtuoso/SPARQLWrapper use format=, Fuseki output=).
FORMAT_PARAMS = ("format", "output")


class NotAcceptable(Exception):
    """No format both acceptable to the client and available for this kind of result."""

    def __init__(self, offered: tuple[Format, ...]) -> None:
        self.offered = offered
        super().__init__("none of the requested media types is available; this result can be sent as: "
                         + ", ".join(f.media_type for f in offered))


class UnknownFormat(Exception):
    """A format= value that names no format available for this kind of result."""

    def __init__(self, values: list[str], offered: tuple[Format, ...]) -> None:
        self.values, self.offered = values, offered
        names = ", ".join(f.aliases[-1] if f.key == "json-ld" else f.key for f in offered)
        super().__init__(f"unknown or unavailable format {', '.join(map(repr, values))} for this query; "
                         f"use one of: {names} (or a media type)")


def formats_for(form: str | None) -> tuple[Format, ...]:
    """The formats a query form's results can take."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


def by_alias(value: str, offered: tuple[Format, ...]) -> Format | None:
    """The offered format that a format= value or media type names, if any."""
    value = value.split(";")[0].strip().lower()
    return next((f for f in offered if value in f.aliases), None)


def negotiate(accept: MIMEAccept, format_values: list[str], offered: tuple[Format, ...]) -> Format:
    """Pick the response format: an explicit format= value wins, else the Accept header.

    :raises UnknownFormat: format= given but none of its values is usable.
    :raises NotAcceptable: the Accept header excludes every offered format.
    """
    values = [v for v in format_values if v.strip()]
    if values:
        for value in values:
            found = by_alias(value, offered)
            if found:
                return found
        raise UnknownFormat(values, offered)
    if not accept:
        return offered[0]
    # Primary media types first, so a wildcard (text/*) picks a format's own type, not an alias.
    candidates = [f.media_type for f in offered]
    candidates += [a for f in offered for a in f.aliases if "/" in a and a not in candidates]
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(offered)
    found = by_alias(best, offered)
    assert found is not None
    return found


def prefers_html(accept: MIMEAccept) -> bool:
    """Whether the client (a browser) ranks HTML above every RDF and results format."""
    if not accept or accept.quality("text/html") <= 0:
        return False
    best = accept.best_match(["text/html"] + [a for f in GRAPH_FORMATS + RESULT_FORMATS
                                              for a in f.aliases if "/" in a])
    return best == "text/html" and "text/html" in [v.lower() for v, q in accept if q > 0]


# ---------------------------------------------------------------------------------------------
# Serialisation (runs in the query workers)
# ---------------------------------------------------------------------------------------------

# Prefixes every graph answer may use, besides those the query declares.
CORE_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "plan": "https://w3id.org/plankg/ontology#",
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _too_many(max_rows: int, what: str) -> Exception:
    """The error for a result over the row limit (the worker turns it into a 400)."""
    from plankg.kb.workers import QueryFailed

    return QueryFailed(400, "Result too large",
                       f"the result has more than {max_rows} {what} (MAX_RESULT_ROWS); "
                       "add a LIMIT (and OFFSET to page through it) or narrow the query")


def _limited(items: Any, max_rows: int, what: str) -> list[Any]:
    """Materialise at most ``max_rows`` items, or raise the row-limit error."""
    if max_rows <= 0:
        return list(items)
    out = list(itertools.islice(items, max_rows + 1))
    if len(out) > max_rows:
        raise _too_many(max_rows, what)
    return out


def rows(result: Any, max_rows: int = 0) -> list[tuple[Any, ...]]:
    """A SELECT result as tuples of rdflib terms (None for unbound), in variable order."""
    bindings = _limited(result.bindings, max_rows, "rows")
    return [tuple(b.get(v) for v in result.vars) for b in bindings]


def serialize(result: Any, fmt: str, prefixes: dict[str, str], max_rows: int = 0) -> bytes:
    """An rdflib query Result in one of the formats above (a Format key)."""
    if result.type == "ASK":
        return _serialize_boolean(bool(result.askAnswer), fmt)
    if result.type == "SELECT":
        result.bindings = _limited(result.bindings, max_rows, "rows")
        if fmt == "tsv":
            return _tsv(result)
        return result.serialize(format=fmt, encoding="utf-8")
    triples = _limited(iter(result.graph), max_rows, "triples")
    return _serialize_graph(triples, fmt, {**CORE_PREFIXES, **prefixes})


def _serialize_boolean(answer: bool, fmt: str) -> bytes:
    """An ASK answer; CSV/TSV (not defined by the spec) as Fuseki writes them."""
    from rdflib.query import Result

    if fmt in ("csv", "tsv"):
        return f"_askResult\n{str(answer).lower()}\n".encode()
    out = Result("ASK")
    out.askAnswer = answer
    return out.serialize(format=fmt, encoding="utf-8")


def _serialize_graph(triples: list[Any], fmt: str, prefixes: dict[str, str]) -> bytes:
    """Triples as Turtle, JSON-LD, RDF/XML, N-Triples, or (in the default graph) TriG/N-Quads."""
    from rdflib import Dataset, Graph, URIRef

    used = {p: ns for p, ns in prefixes.items()
            if any(str(t).startswith(ns) for triple in triples for t in triple
                   if isinstance(t, URIRef))} if fmt in ("turtle", "json-ld", "xml", "trig") else {}
    if fmt in ("trig", "nquads"):
        graph: Graph = Dataset()
    else:
        graph = Graph(bind_namespaces="none")
    for prefix, ns in used.items():
        graph.bind(prefix, ns, override=True, replace=True)
    for triple in triples:
        graph.add(triple)
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=used or None, encoding="utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


def _tsv(result: Any) -> bytes:
    """SPARQL 1.1 TSV results (terms in Turtle/N-Triples syntax)."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for b in result.bindings:
        lines.append("\t".join(_tsv_term(b.get(v)) for v in result.vars))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _tsv_term(term: Any) -> str:
    """One RDF term as TSV writes it (empty when unbound)."""
    from rdflib import BNode, Literal

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t"))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return f"<{term}>"
