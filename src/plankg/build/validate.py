"""SHACL validation of a plan graph against ontology/shapes.ttl (pySHACL)."""

from __future__ import annotations

from importlib import resources

import pyshacl
from rdflib import Graph


def shapes() -> Graph:
    """The project's SHACL shapes."""
    g = Graph()
    g.parse(data=resources.files("plankg.ontology").joinpath("shapes.ttl").read_text("utf-8"), format="turtle")
    return g


def validate_graph(data: Graph, ontology: Graph | None = None) -> tuple[bool, str]:
    """(conforms, readable report) for `data`; the ontology is merged in for the class hierarchy."""
    conforms, _report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes(), ont_graph=ontology, inference="none",
        allow_warnings=True, advanced=True)
    return bool(conforms), str(text)
