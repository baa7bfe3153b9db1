"""Content negotiation: every result format, q-values, wildcards, 406, format= overrides, CORS,
and what GET /sparql without a query gives browsers and RDF clients."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from rdflib.query import Result

SELECT = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(LANG(?label) = 'zh') } "
          "ORDER BY ?s ?label LIMIT 20")


def construct(item: str) -> str:
    """A CONSTRUCT of one item's own triples."""
    return f"CONSTRUCT {{ <{item}> ?p ?o }} WHERE {{ <{item}> ?p ?o }}"


@pytest.mark.parametrize(("accept", "mimetype", "parser"), [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
])
def test_select_formats(client: FlaskClient, accept: str, mimetype: str, parser: str) -> None:
    resp = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == mimetype
    assert "Accept" in resp.headers["Vary"]
    reference = Result.parse(io.BytesIO(client.get("/sparql", query_string={"query": SELECT}).data),
                             format="json")
    if parser == "csv":
        rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
        assert rows[0] == ["s", "label"]
        assert [r[1] for r in rows[1:]] == [str(r[1]) for r in reference]
        return
    parsed = Result.parse(io.BytesIO(resp.data), format=parser)
    assert [tuple(r) for r in parsed] == [tuple(r) for r in reference]
    assert any("\u4e00" <= ch <= "\u9fff" for r in parsed for ch in str(r[1]))  # Chinese intact


@pytest.mark.parametrize(("accept", "mimetype", "fmt"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/trig", "application/trig", "trig"),
    ("application/n-quads", "application/n-quads", "nquads"),
])
def test_graph_formats(client: FlaskClient, item: str, accept: str, mimetype: str, fmt: str) -> None:
    resp = client.get("/sparql", query_string={"query": construct(item)}, headers={"Accept": accept})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == mimetype
    target = Dataset() if fmt in ("trig", "nquads") else Graph()
    target.parse(data=resp.get_data(as_text=True), format=fmt)
    reference = Graph().parse(
        data=client.get("/sparql", query_string={"query": construct(item)}).get_data(as_text=True),
        format="turtle")
    assert len(target) == len(reference) > 0


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/csv;q=1.0, application/sparql-results+xml;q=0.9", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("text/*;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("application/*;q=0.3, text/html", "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
])
def test_q_values_and_wildcards_for_select(client: FlaskClient, accept: str, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = client.get("/sparql", query_string={"query": SELECT}, headers=headers)
    assert resp.status_code == 200
    assert resp.mimetype == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/rdf+xml;q=0.2, application/ld+json;q=0.8", "application/ld+json"),
    ("*/*", "text/turtle"),
    ("application/*", "application/ld+json"),
    ("text/html, */*;q=0.1", "text/turtle"),
])
def test_q_values_and_wildcards_for_construct(client: FlaskClient, item: str, accept: str,
                                              expected: str) -> None:
    resp = client.get("/sparql", query_string={"query": construct(item)}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle", "application/sparql-results+json;q=0"])
def test_nothing_acceptable_is_406(client: FlaskClient, accept: str) -> None:
    resp = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert resp.status_code == 406
    assert "application/sparql-results+json" in resp.get_data(as_text=True)
    assert "Accept" in resp.headers["Vary"]


def test_graph_result_not_acceptable_as_results_format(client: FlaskClient, item: str) -> None:
    resp = client.get("/sparql", query_string={"query": construct(item)},
                      headers={"Accept": "text/csv"})
    assert resp.status_code == 406


@pytest.mark.parametrize(("form", "values", "expected"), [
    ("select", ["csv"], "text/csv"),
    ("select", ["tsv", "text/tab-separated-values"], "text/tab-separated-values"),  # SPARQLWrapper
    ("select", ["xml"], "application/sparql-results+xml"),
    ("select", ["application/sparql-results+json"], "application/sparql-results+json"),
    ("construct", ["json-ld", "application/ld+json"], "application/ld+json"),
    ("construct", ["xml"], "application/rdf+xml"),
    ("construct", ["nt"], "application/n-triples"),
    ("construct", ["turtle"], "text/turtle"),
])
def test_format_parameter_overrides_accept(client: FlaskClient, item: str, form: str,
                                           values: list[str], expected: str) -> None:
    query = SELECT if form == "select" else construct(item)
    params = [("query", query)] + [("format", v) for v in values]
    resp = client.get("/sparql", query_string=params, headers={"Accept": "image/png"})
    assert resp.status_code == 200
    assert resp.mimetype == expected


def test_output_parameter_as_fuseki(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": SELECT, "output": "csv"})
    assert resp.mimetype == "text/csv"


def test_ask_in_every_results_format(client: FlaskClient) -> None:
    for accept, marker in [("application/sparql-results+json", '"boolean":true'),
                           ("application/sparql-results+xml", "<boolean>true</boolean>"),
                           ("text/csv", "true"), ("text/tab-separated-values", "true")]:
        resp = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": accept})
        assert resp.status_code == 200 and marker in resp.get_data(as_text=True)


def test_cors_on_answers_and_preflight(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://x.org"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    pre = client.options("/sparql", headers={
        "Origin": "https://x.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()
    error = client.get("/sparql", query_string={"query": "nonsense"})
    assert error.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description_for_rdf_clients(client: FlaskClient, manifest: dict) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rows = g.query(f"""PREFIX sd: <{sd}> SELECT ?endpoint ?name WHERE {{
        ?s a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
           sd:feature sd:UnionDefaultGraph ; sd:defaultDataset/sd:namedGraph/sd:name ?name }}""")
    assert {str(r.endpoint) for r in rows} == {"http://localhost/sparql"}
    assert {str(r.name) for r in rows} == set(manifest["graphs"])
    by_format = client.get("/sparql?format=nt", headers={"Accept": "text/html"})
    assert by_format.status_code == 200 and by_format.mimetype == "application/n-triples"
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200 and json.loads(jsonld.data)


def test_workbench_for_browsers(client: FlaskClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/sparql", headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    assert "yasgui" in resp.get_data(as_text=True).lower()


def test_void_description(client: FlaskClient, manifest: dict) -> None:
    resp = client.get("/.well-known/void")
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"
    g = Graph().parse(data=resp.get_data(as_text=True), format="turtle")
    void = "http://rdfs.org/ns/void#"
    subsets = {str(r.g): int(r.n) for r in g.query(
        f"PREFIX void: <{void}> SELECT ?g ?n WHERE {{ ?d void:subset ?g . ?g void:triples ?n }}")}
    assert subsets == {g: info["triples"] for g, info in manifest["graphs"].items()}
    classes = g.query(f"PREFIX void: <{void}> SELECT ?c WHERE {{ ?g void:classPartition/void:class ?c }}")
    assert "https://w3id.org/plankg/ontology#WorkItem" in {str(r.c) for r in classes}
    assert (None, None, None) in g
    assert client.get("/.well-known/void", headers={"Accept": "application/n-triples"}).mimetype == \
        "application/n-triples"


@pytest.mark.parametrize("accept", [
    "", "*/*", "application/sparql-results+xml;q=0.9, text/csv", "text/*", "image/png",
    "application/json;q=0.1, text/tab-separated-values;q=0.2",
    # longer than the remembered headers: negotiated afresh, the same way
    ", ".join(f"application/x-{i};q=0.{i % 9 + 1}" for i in range(200)) + ", text/csv;q=0.05",
])
@pytest.mark.parametrize("values", [[], ["csv"], ["n3"], ["nope"]])
def test_remembered_negotiation_agrees_with_negotiation(accept: str, values: list[str]) -> None:
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    from plankg.web import conneg

    for offered in (conneg.RESULT_FORMATS, conneg.GRAPH_FORMATS):
        def outcome(fn, header):
            try:
                return fn(header, values, offered)
            except (conneg.UnknownFormat, conneg.NotAcceptable) as exc:
                return type(exc)
        expected = outcome(conneg.negotiate, parse_accept_header(accept, MIMEAccept))
        for _ in range(2):  # the second answer comes from memory when the header is short
            assert outcome(conneg.negotiate_header, accept) == expected
