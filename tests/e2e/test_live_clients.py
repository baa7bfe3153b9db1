"""End to end: real SPARQL clients against a live `plankg serve`, concurrency, runaway queries,
and no outbound connections."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, \
    SPARQLWrapper

pytestmark = pytest.mark.e2e

PLAN = "https://w3id.org/plankg/ontology#"
SELECT = (f"PREFIX plan: <{PLAN}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?item ?label WHERE { ?item a plan:WorkItem ; rdfs:label ?label } "
          "ORDER BY ?item ?label LIMIT 30")
ASK = f"ASK {{ ?s a <{PLAN}WorkItem> }}"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
           "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i)) > 0) }")
MIXED = [
    SELECT,
    ASK,
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 15",
    'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "学校")) } ORDER BY ?s ?o LIMIT 25',
    f"CONSTRUCT WHERE {{ ?s a <{PLAN}WorkItem> }}",
]


def get(url: str, query: str, accept: str = "application/sparql-results+json",
        timeout: float = 30) -> tuple[int, bytes]:
    """GET a query; return status and body (errors included)."""
    req = urllib.request.Request(url + "sparql?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def reference(live_server: str) -> list[tuple[Any, ...]]:
    """The SELECT's rows, read from a plain JSON GET."""
    status, body = get(live_server, SELECT)
    assert status == 200
    rows = [tuple(r) for r in Result.parse(io.BytesIO(body), format="json")]
    assert rows
    return rows


@pytest.fixture(scope="module")
def an_item(live_server: str) -> str:
    """One work item's IRI."""
    status, body = get(live_server, f"SELECT ?i WHERE {{ ?i a <{PLAN}WorkItem> }} ORDER BY ?i LIMIT 1")
    return json.loads(body)["results"]["bindings"][0]["i"]["value"]


def wrapper(url: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    """A SPARQLWrapper for one query, format and HTTP method."""
    sw = SPARQLWrapper(url + "sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method == "POST-form":
        sw.setMethod(POST)
    elif method == "POST-direct":
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    return sw


METHODS = ["GET", "POST-form", "POST-direct"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(live_server: str, reference: list[tuple[Any, ...]], fmt: str,
                              method: str) -> None:
    result = wrapper(live_server, SELECT, fmt, method).query()
    data = result.convert()
    if fmt == JSON:
        rows = data["results"]["bindings"]
        assert [(r["item"]["value"], r["label"]["value"]) for r in rows] == \
            [(str(a), str(b)) for a, b in reference]
    elif fmt == XML:
        parsed = Result.parse(io.StringIO(data.toxml()), format="xml")
        assert [tuple(r) for r in parsed] == reference
    else:
        text = data.decode("utf-8")
        lines = text.strip().splitlines()
        assert len(lines) == len(reference) + 1
        assert all(str(label).split("\n")[0][:10] in text for _, label in reference)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(live_server: str, fmt: str, method: str) -> None:
    data = wrapper(live_server, ASK, fmt, method).query().convert()
    if fmt == JSON:
        assert data["boolean"] is True
    else:
        assert data.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, RDFXML, XML])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graphs(live_server: str, an_item: str, form: str, fmt: str,
                              method: str) -> None:
    query = (f"CONSTRUCT {{ <{an_item}> ?p ?o }} WHERE {{ <{an_item}> ?p ?o }}" if form == "CONSTRUCT"
             else f"DESCRIBE <{an_item}>")
    data = wrapper(live_server, query, fmt, method).query().convert()
    if isinstance(data, bytes):
        data = Graph().parse(data=data.decode("utf-8"),
                             format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}[fmt])
    assert isinstance(data, Graph)
    assert len(data) > 0
    assert (URIRef(an_item), None, None) in data


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_as_client(live_server: str, reference: list[tuple[Any, ...]],
                                      an_item: str, return_format: str) -> None:
    store = SPARQLStore(query_endpoint=live_server + "sparql", returnFormat=return_format)
    graph = Graph(store=store)
    assert [tuple(r) for r in graph.query(SELECT)] == reference
    assert graph.query(ASK).askAnswer is True
    constructed = graph.query(f"CONSTRUCT WHERE {{ <{an_item}> ?p ?o }}").graph
    assert len(constructed) > 0
    assert len(list(graph.triples((URIRef(an_item), None, None)))) == len(constructed)
    store.close()


def test_parallel_clients_get_the_serial_answers(live_server: str) -> None:
    def accept(query: str) -> str:
        return "text/turtle" if query.startswith("CONSTRUCT") else "application/sparql-results+json"

    serial = {q: get(live_server, q, accept(q)) for q in MIXED}
    assert all(status == 200 for status, _ in serial.values())
    jobs = [q for _ in range(6) for q in MIXED]  # 36 requests, 12 clients at once
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(
            lambda q: (q, get(live_server, q, accept(q))),
            jobs))
    for query, (status, body) in answers:
        assert status == 200, body[:300]
        ref = serial[query][1]
        if query.startswith("CONSTRUCT"):
            from rdflib.compare import isomorphic

            assert isomorphic(Graph().parse(data=body, format="turtle"),
                              Graph().parse(data=ref, format="turtle"))
        else:
            assert json.loads(body) == json.loads(ref), query


def test_runaway_query_stopped_while_others_are_answered(live_server: str, live_timeout: float) -> None:
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        start = time.monotonic()
        outcome["status"], outcome["body"] = get(live_server, RUNAWAY, timeout=live_timeout * 4)
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered, slowest = 0, 0.0
    while thread.is_alive():
        start = time.monotonic()
        status, _ = get(live_server, MIXED[answered % 5])
        slowest = max(slowest, time.monotonic() - start)
        assert status == 200
        answered += 1
    thread.join()
    assert outcome["status"] == 503, outcome["body"][:300]
    assert b"QUERY_TIMEOUT" in outcome["body"]
    assert live_timeout <= outcome["seconds"] < live_timeout + 3
    assert answered >= 5 and slowest < 2.0
    assert get(live_server, ASK)[0] == 200  # and after it


def test_two_runaways_at_once_leave_a_worker_for_others(live_server: str, live_timeout: float) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(get, live_server, RUNAWAY, "application/sparql-results+json",
                               live_timeout * 4) for _ in range(2)]
        time.sleep(0.5)
        start = time.monotonic()
        assert get(live_server, ASK)[0] == 200
        assert time.monotonic() - start < 2.0
        assert [f.result()[0] for f in futures] == [503, 503]


@pytest.fixture
def listener() -> Any:
    """A loopback TCP listener recording connections."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.2)
    hits: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except OSError:
                continue
            hits.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], hits
    finally:
        stop.set()
        thread.join()
        sock.close()


def test_no_outbound_connections(live_server: str, listener: Any) -> None:
    port, hits = listener
    target = f"http://127.0.0.1:{port}/"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target}x> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}y> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{target}thing>",
        f"SELECT * WHERE {{ <{target}a> ?p ?o }}",
        f"LOAD <{target}data.ttl>",
    ]
    statuses = [get(live_server, q)[0] for q in queries]
    update = urllib.request.Request(live_server + "sparql", data=f"LOAD <{target}d.ttl>".encode(),
                                    headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(update, timeout=10)
    assert refused.value.code == 403
    with_params = live_server + "sparql?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "default-graph-uri": target + "g",
         "named-graph-uri": target + "h"})
    with urllib.request.urlopen(with_params, timeout=10) as resp:
        assert resp.status == 200
    time.sleep(0.5)
    assert statuses == [403, 403, 200, 200, 200, 200, 403]
    assert hits == []


def test_headers_over_real_http(live_server: str) -> None:
    req = urllib.request.Request(live_server + "sparql?" + urllib.parse.urlencode({"query": ASK}),
                                 headers={"Accept": "text/csv;q=0.2, application/sparql-results+xml",
                                          "Origin": "https://elsewhere.example"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.headers["Content-Type"].startswith("application/sparql-results+xml")
        assert "Accept" in resp.headers["Vary"]
        assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_oversized_request_is_413(live_server: str) -> None:
    body = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000).encode()
    req = urllib.request.Request(live_server + "sparql", data=body,
                                 headers={"Content-Type": "application/sparql-query"})
    try:
        urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as exc:
        assert exc.code == 413
    except (ConnectionError, urllib.error.URLError):
        pass  # waitress may close the connection before the body is read: also a refusal
    else:
        pytest.fail("an oversized request was accepted")
