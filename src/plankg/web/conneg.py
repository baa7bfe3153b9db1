"""Result formats of the SPARQL endpoint and content negotiation between them.

Negotiation uses Werkzeug's q-value aware ``MIMEAccept.best_match`` (exact types beat wildcards,
ties go to the first format listed, which is the default). A ``format=`` (or Fuseki's ``output=``)
parameter overrides the Accept header; SPARQLWrapper sends both a short name and a media type.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


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


# format= values that name a family loosely: N3 is a superset of Turtle and N-Triples.
LOOSE_FORMATS = {"n3", "text/n3", "text/rdf+n3", "application/n3"}


def exact_accept(accept: MIMEAccept, offered: tuple[Format, ...]) -> Format | None:
    """The offered format whose own media type the Accept header names best (no wildcards)."""
    best, quality = None, 0.0
    for value, q in accept:
        found = next((f for f in offered if f.media_type == value.lower()), None)
        if found is not None and q > quality:
            best, quality = found, q
    return best


def negotiate(accept: MIMEAccept, format_values: list[str], offered: tuple[Format, ...]) -> Format:
    """Pick the response format: an explicit format= value wins, else the Accept header.

    :raises UnknownFormat: format= given but none of its values is usable.
    :raises NotAcceptable: the Accept header excludes every offered format.
    """
    values = [v for v in format_values if v.strip()]
    if values and all(v.strip().lower() in LOOSE_FORMATS for v in values):
        exact = exact_accept(accept, offered)
        if exact is not None:  # format=n3 (SPARQLWrapper's default) must not override an exact type
            return exact
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


# Accept headers longer than this are negotiated afresh each time rather than remembered.
REMEMBERED_ACCEPT_CHARS = 1024


def negotiate_header(accept: str, format_values: list[str], offered: tuple[Format, ...]) -> Format:
    """:func:`negotiate` for a raw Accept header. Clients send the same few headers again and again,
    so the choice is remembered (parsing and matching cost as much as answering from the cache)."""
    if len(accept) > REMEMBERED_ACCEPT_CHARS or sum(map(len, format_values)) > REMEMBERED_ACCEPT_CHARS:
        return negotiate(parse_accept_header(accept, MIMEAccept), format_values, offered)
    return _remembered(accept, tuple(format_values), offered)


@functools.lru_cache(maxsize=256)
def _remembered(accept: str, format_values: tuple[str, ...], offered: tuple[Format, ...]) -> Format:
    return negotiate(parse_accept_header(accept, MIMEAccept), list(format_values), offered)


def prefers_html(accept: MIMEAccept) -> bool:
    """Whether the client (a browser) ranks HTML above every RDF and results format."""
    if not accept or accept.quality("text/html") <= 0:
        return False
    best = accept.best_match(["text/html"] + [a for f in GRAPH_FORMATS + RESULT_FORMATS
                                              for a in f.aliases if "/" in a])
    return best == "text/html" and "text/html" in [v.lower() for v, q in accept if q > 0]
