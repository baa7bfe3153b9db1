"""The endpoint (Oxigraph) answers as rdflib's own SPARQL engine does over the same N-Quads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from reference import rdflib_dataset
from flask.testing import FlaskClient
from httpkit import ONTOLOGY_GRAPH, PLAN_GRAPH
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 10",
    f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}",
    "SELECT (COUNT(*) AS ?n) FROM <http://example.org/absent> WHERE { ?s ?p ?o }",
    "ASK { ?s a <https://w3id.org/plankg/ontology#WorkItem> }",
]


@pytest.fixture(scope="module")
def reference(build_dir: Path) -> Any:
    """rdflib's engine over the build."""
    return rdflib_dataset(build_dir)


@pytest.mark.parametrize("query", QUERIES)
def test_endpoint_agrees_with_rdflib(client: FlaskClient, reference: Any, query: str) -> None:
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    served = Result.parse(io.BytesIO(resp.data), format="json")
    expected = reference.query(query)
    if served.type == "ASK":
        assert served.askAnswer == expected.askAnswer
    else:
        assert [tuple(r) for r in served] == [tuple(r) for r in expected]


def test_protocol_dataset_agrees_with_rdflib(client: FlaskClient, reference: Any) -> None:
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": PLAN_GRAPH}
    served = client.get("/sparql", query_string=params).get_json(force=True)
    assert int(served["results"]["bindings"][0]["n"]["value"]) == len(reference.graph(URIRef(PLAN_GRAPH)))


def test_construct_where_agrees_with_rdflib(client: FlaskClient, reference: Any, item: str) -> None:
    query = f"CONSTRUCT {{ <{item}> ?p ?o }} WHERE {{ <{item}> ?p ?o }}"
    short = f"CONSTRUCT WHERE {{ <{item}> ?p ?o }}"
    resp = client.get("/sparql", query_string={"query": short})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    served = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert len(served) > 0
    assert isomorphic(served, reference.query(query).graph)
