"""Both stores answer the protocol the same way; the memory store needs the CONSTRUCT WHERE rewrite."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import ONTOLOGY_GRAPH, PLAN_GRAPH
from rdflib import Graph
from rdflib.query import Result

from plankg.kb.workers import inspect_query, rewrite_construct_where

QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 10",
    f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}",
    "SELECT (COUNT(*) AS ?n) FROM <http://example.org/absent> WHERE { ?s ?p ?o }",
    "ASK { ?s a <https://w3id.org/plankg/ontology#WorkItem> }",
]


@pytest.fixture(scope="module")
def memory(memory_app: Flask) -> FlaskClient:
    """A test client of the memory-store app."""
    return memory_app.test_client()


@pytest.mark.parametrize("query", QUERIES)
def test_memory_store_agrees_with_oxigraph(client: FlaskClient, memory: FlaskClient, query: str) -> None:
    answers = []
    for c in (client, memory):
        resp = c.get("/sparql", query_string={"query": query})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        answers.append(Result.parse(io.BytesIO(resp.data), format="json"))
    ox, mem = answers
    if ox.type == "ASK":
        assert ox.askAnswer == mem.askAnswer
    else:
        assert [tuple(r) for r in ox] == [tuple(r) for r in mem]


def test_memory_store_protocol_dataset(memory: FlaskClient, client: FlaskClient) -> None:
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": PLAN_GRAPH}
    assert memory.get("/sparql", query_string=params).get_json(force=True) == \
        client.get("/sparql", query_string=params).get_json(force=True)


def test_memory_store_construct_where(memory: FlaskClient, item: str) -> None:
    resp = memory.get("/sparql", query_string={
        "query": f"PREFIX x: <urn:x:> CONSTRUCT WHERE {{ <{item}> ?p ?o . ?o ?q ?r }} LIMIT 50"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert len(Graph().parse(data=resp.get_data(as_text=True), format="turtle")) > 0


def test_memory_store_syntax_error(memory: FlaskClient) -> None:
    resp = memory.get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p ?o . FILTER(}"})
    assert resp.status_code == 400
    assert "line 2, column" in resp.get_data(as_text=True)


def test_rewrite_construct_where() -> None:
    assert rewrite_construct_where("CONSTRUCT WHERE { ?s ?p '}' } LIMIT 1") == \
        "CONSTRUCT { ?s ?p '}' } WHERE { ?s ?p '}' } LIMIT 1"
    assert rewrite_construct_where("construct from <g> where {?s ?p ?o}") == \
        "construct {?s ?p ?o} from <g> where {?s ?p ?o}"
    long_form = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert rewrite_construct_where(long_form) == long_form


@pytest.mark.parametrize(("text", "form", "update", "service", "dataset"), [
    ("SELECT * { ?s ?p ?o }", "SELECT", False, False, False),
    ("# c\nPREFIX a: <x:> BASE <y:> ask {}", "ASK", False, False, False),
    ("describe <x:>", "DESCRIBE", False, False, False),
    ("CONSTRUCT {} FROM <g> WHERE {}", "CONSTRUCT", False, False, True),
    ("PREFIX : <x:> INSERT DATA { :a :b :c }", None, True, False, False),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, True, False, False),
    ("SELECT * { SeRvIcE <x:> {} }", "SELECT", False, True, False),
    ("SELECT * { \"SERVICE\" <x:from> ?from . ?s <x:p> ex:SERVICE }", "SELECT", False, False, False),
])
def test_inspect_query(text: str, form: str | None, update: bool, service: bool, dataset: bool) -> None:
    info = inspect_query(text)
    assert (info.form, info.update, info.service, info.dataset_clause) == (form, update, service, dataset)
