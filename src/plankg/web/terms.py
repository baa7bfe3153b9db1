"""Rows of the knowledge base as rdflib terms, for the pages and descriptions built with rdflib.

Query answers go to clients as pyoxigraph writes them; only the few rows a page lays out in
Python (labels, languages, datatypes) are turned into rdflib terms, which the page code and
rdflib's graph builders (VoID, DCAT, service description) share.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: Any) -> Any:
    """The rdflib term for a pyoxigraph term (None stays None); simple literals stay simple."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: Any) -> Any:
    """The pyoxigraph term for an rdflib term or a string IRI (bindings of named queries)."""
    if isinstance(term, str) and not isinstance(term, (Literal, BNode)):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    return term


def rows(reply: Any) -> list[tuple[Any, ...]]:
    """A reply's rows as tuples of rdflib terms, in column order."""
    return [tuple(to_rdflib(t) for t in row) for row in reply.rows or []]
