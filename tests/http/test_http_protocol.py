"""SPARQL 1.1 Protocol, query operation: the three ways to send a query, the dataset parameters,
and the malformed requests that must be 400s with a message; over the embedded store and over
Virtuoso (`--store sparql`), where the service keeps the same front."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import INFERRED_GRAPH, ONTOLOGY_GRAPH, PLAN_GRAPH, count, make_app, select
from rdflib import Graph, URIRef
from virtuoso import pushed_virtuoso, virtuoso  # noqa: F401  (fixtures)


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def client(request: pytest.FixtureRequest, app: Flask, build_dir: Path) -> Iterator[FlaskClient]:
    """The service over the embedded store, and over Virtuoso holding the same build."""
    if request.param == "embedded":
        yield app.test_client()
        return
    remote = make_app(build_dir, STORE="sparql", ENDPOINT=request.getfixturevalue("pushed_virtuoso").endpoint)
    try:
        yield remote.test_client()
    finally:
        remote.extensions["plankg"].close()

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def item(client: FlaskClient) -> str:
    """The IRI of one work item of the plan (through this module's client)."""
    rows = select(client, "SELECT ?i WHERE { ?i a <https://w3id.org/plankg/ontology#WorkItem> } ORDER BY ?i LIMIT 1")
    return rows[0]["i"]["value"]


def n_of(resp: Any) -> int:
    """The ?n of a one-row JSON result."""
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return int(resp.get_json(force=True)["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_body_agree(client: FlaskClient) -> None:
    by_get = n_of(client.get("/sparql", query_string={"query": COUNT_ALL}))
    by_form = n_of(client.post("/sparql", data={"query": COUNT_ALL}))
    by_body = n_of(client.post("/sparql", data=COUNT_ALL.encode(),
                               content_type="application/sparql-query"))
    assert by_get == by_form == by_body > 0


def test_post_body_with_charset_and_chinese_text(client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("泸州市教育局" AS ?x) }'
    resp = client.post("/sparql", data=query.encode("utf-8"),
                       content_type="application/sparql-query; charset=utf-8")
    assert resp.status_code == 200
    assert resp.get_json(force=True)["results"]["bindings"][0]["x"]["value"] == "泸州市教育局"


def test_default_graph_is_the_union_of_all_graphs(client: FlaskClient,
                                                  manifest: dict[str, Any]) -> None:
    per_graph = {g: count(client, "?s ?p ?o", **{"default-graph-uri": g}) for g in manifest["graphs"]}
    for graph, info in manifest["graphs"].items():
        assert per_graph[graph] == info["triples"], graph
    union = n_of(client.get("/sparql", query_string={"query": (
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")}))
    assert max(per_graph.values()) <= union <= sum(per_graph.values())
    assert {PLAN_GRAPH, ONTOLOGY_GRAPH, INFERRED_GRAPH} <= set(manifest["graphs"])


def test_default_graph_uri_selects_graphs(client: FlaskClient, manifest: dict[str, Any]) -> None:
    plan = manifest["graphs"][PLAN_GRAPH]["triples"]
    onto = manifest["graphs"][ONTOLOGY_GRAPH]["triples"]
    both = client.get(f"/sparql?query={quote(COUNT_ALL)}&default-graph-uri={quote(PLAN_GRAPH)}"
                      f"&default-graph-uri={quote(ONTOLOGY_GRAPH)}")
    assert n_of(both) == plan + onto  # the two graphs share no triple
    # With only default-graph-uri given, no named graphs are available.
    assert count(client, "GRAPH ?g { ?s ?p ?o }", **{"default-graph-uri": PLAN_GRAPH}) == 0


def test_named_graph_uri_selects_named_graphs(client: FlaskClient, manifest: dict[str, Any]) -> None:
    rows = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                  **{"named-graph-uri": ONTOLOGY_GRAPH})
    assert [r["g"]["value"] for r in rows] == [ONTOLOGY_GRAPH]
    # With only named-graph-uri given, the default graph is empty.
    assert count(client, "?s ?p ?o", **{"named-graph-uri": ONTOLOGY_GRAPH}) == 0


def test_dataset_params_in_url_with_post_body(client: FlaskClient, manifest: dict[str, Any]) -> None:
    resp = client.post(f"/sparql?default-graph-uri={quote(ONTOLOGY_GRAPH)}", data=COUNT_ALL,
                       content_type="application/sparql-query")
    assert n_of(resp) == manifest["graphs"][ONTOLOGY_GRAPH]["triples"]


def test_from_clauses_use_local_graphs(client: FlaskClient, manifest: dict[str, Any]) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert n_of(client.get("/sparql", query_string={"query": query})) == \
        manifest["graphs"][ONTOLOGY_GRAPH]["triples"]


def test_from_a_graph_the_store_lacks_is_empty(client: FlaskClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <http://example.org/not-here> WHERE { ?s ?p ?o }"
    assert n_of(client.get("/sparql", query_string={"query": query})) == 0
    query = ("SELECT (COUNT(*) AS ?n) FROM NAMED <http://example.org/not-here> "
             "WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert n_of(client.get("/sparql", query_string={"query": query})) == 0


def test_protocol_dataset_overrides_from(client: FlaskClient, manifest: dict[str, Any]) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}"
    resp = client.get("/sparql", query_string={"query": query, "default-graph-uri": PLAN_GRAPH})
    assert n_of(resp) == manifest["graphs"][PLAN_GRAPH]["triples"]


def test_ask(client: FlaskClient, item: str) -> None:
    resp = client.get("/sparql", query_string={"query": f"ASK {{ <{item}> ?p ?o }}"})
    assert resp.status_code == 200
    assert resp.get_json(force=True)["boolean"] is True


def test_construct_where_short_form(client: FlaskClient, item: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{item}> ?p ?o }}"
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    assert len(g) > 0 and set(g.subjects()) == {URIRef(item)}


def test_describe_returns_the_resource(client: FlaskClient, item: str) -> None:
    resp = client.get("/sparql", query_string={"query": f"DESCRIBE <{item}>"},
                      headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200
    g = Graph().parse(data=resp.get_data(as_text=True), format="nt")
    assert (URIRef(item), None, None) in g


def test_head_is_answered_like_get(client: FlaskClient) -> None:
    resp = client.head("/sparql", query_string={"query": COUNT_ALL})
    assert resp.status_code == 200 and resp.data == b""


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"query_string": [("query", COUNT_ALL), ("query", COUNT_ALL)]}, "2 queries"),
    ({"method": "POST", "data": {"query": COUNT_ALL}, "query_string": {"query": COUNT_ALL}}, "2 queries"),
    ({"method": "POST", "data": COUNT_ALL, "content_type": "application/sparql-query",
      "query_string": {"query": COUNT_ALL}}, "2 queries"),
    ({"query_string": {"default-graph-uri": PLAN_GRAPH}}, "missing query"),
    ({"method": "POST", "data": {"format": "json"}}, "missing query"),
    ({"query_string": {"query": COUNT_ALL, "update": "DROP ALL"}}, "both a query and an update"),
    ({"method": "POST", "data": {"query": COUNT_ALL, "update": "CLEAR ALL"}}, "both a query and an update"),
    ({"method": "POST", "data": COUNT_ALL, "content_type": "text/plain"}, "unsupported Content-Type"),
    ({"method": "POST", "data": COUNT_ALL, "content_type": "application/json"}, "unsupported Content-Type"),
    ({"method": "POST", "data": COUNT_ALL}, "unsupported Content-Type"),
    ({"method": "POST", "data": "SELECT * {}".encode("utf-16"),
      "content_type": "application/sparql-query"}, "UTF-8"),
    ({"method": "POST", "data": "SELECT * {}", "content_type": "application/sparql-query; charset=latin-1"},
     "charset"),
    ({"query_string": {"query": COUNT_ALL, "default-graph-uri": "not an iri"}}, "not an absolute IRI"),
    ({"query_string": {"query": COUNT_ALL, "format": "pdf"}}, "unknown or unavailable format"),
])
def test_malformed_requests_are_400_with_a_message(client: FlaskClient, kwargs: dict[str, Any],
                                                   words: str) -> None:
    kwargs = dict(kwargs)
    resp = client.open("/sparql", method=kwargs.pop("method", "GET"), **kwargs)
    assert resp.status_code == 400
    assert words in resp.get_data(as_text=True)


@pytest.mark.parametrize(("query", "line", "column"), [
    ("SELECT * WHERE { ?s ?p }", 1, None),
    ("PREFIX plan: <https://w3id.org/plankg/ontology#>\nSELECT ?s WHERE {\n  ?s a plan:X .\n  FILTER(?s = }",
     4, None),
    ("SELEC ?s WHERE { ?s ?p ?o }", 1, None),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMIT ten", 1, None),
])
def test_syntax_error_names_line_column_and_expectation(client: FlaskClient, query: str, line: int,
                                                        column: int | None) -> None:
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert f"line {line}, column " in text
    assert "expected" in text.lower()
    assert "Traceback" not in text


def test_unknown_route_is_404_in_the_error_shape(client: FlaskClient) -> None:
    resp = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert resp.status_code == 404
    assert resp.get_json()["status"] == 404


def test_method_not_allowed(client: FlaskClient) -> None:
    resp = client.put("/sparql", data="x")
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]


def test_an_undeclared_prefix_is_named_with_its_namespace(client) -> None:  # noqa: ANN001
    resp = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s a plan:WorkItem }"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "line 2, column" in text
    assert "the prefix plan: is not declared; add PREFIX plan: <https://w3id.org/plankg/ontology#>" in text
    unknown = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s a zz:Thing }"})
    assert "the prefix zz: is not declared" in unknown.get_data(as_text=True)
