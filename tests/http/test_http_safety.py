"""Safe to expose: read-only, no outbound connections, limits, timeouts, and the error shape."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import RUNAWAY, TEST_CONFIG, count

UPDATES = [
    "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP ALL",
    "DROP GRAPH <https://w3id.org/plankg/graph/luzhou-2014>",
    "CREATE GRAPH <urn:x:g>",
    "ADD DEFAULT TO <urn:x:g>",
    "MOVE <https://w3id.org/plankg/graph/ontology> TO <urn:x:g>",
    "COPY <https://w3id.org/plankg/graph/ontology> TO <urn:x:g>",
    "PREFIX ex: <urn:x:> WITH ex:g DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "# a comment first\nprefix ex: <urn:x:>\ninsert data { ex:a ex:b ex:c }",
]


def routes(update: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every way a client might send an update."""
    return [
        ("POST", "/sparql", {"data": {"update": update}}),
        ("POST", "/sparql", {"data": update, "content_type": "application/sparql-update"}),
        ("GET", "/sparql", {"query_string": {"update": update}}),
        ("GET", "/sparql", {"query_string": {"query": update}}),
        ("POST", "/sparql", {"data": {"query": update}}),
        ("POST", "/sparql", {"data": update, "content_type": "application/sparql-query"}),
        ("POST", "/update", {"data": {"update": update}}),
        ("POST", "/sparql/update", {"data": update, "content_type": "application/sparql-update"}),
    ]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_on_every_route(client: FlaskClient, update: str) -> None:
    before = count(client, "?s ?p ?o")
    graphs = count(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }".join("{}"))
    for method, path, kwargs in routes(update):
        resp = client.open(path, method=method, **kwargs)
        assert resp.status_code == 403, (method, path, kwargs, resp.get_data(as_text=True))
        assert "read-only" in resp.get_data(as_text=True)
    assert count(client, "?s ?p ?o") == before
    assert count(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }".join("{}")) == graphs


def test_service_is_refused(client: FlaskClient) -> None:
    for query in ["SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
                  "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
                  "SELECT * WHERE { BIND(<http://example.org/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
                  "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }"]:
        resp = client.get("/sparql", query_string={"query": query})
        assert resp.status_code == 403, query
        assert "outbound" in resp.get_data(as_text=True)


def test_service_in_strings_iris_and_comments_is_fine(client: FlaskClient) -> None:
    query = ('PREFIX ex: <http://example.org/SERVICE#> # SERVICE <http://x/> {}\n'
             'SELECT ?x WHERE { BIND("SERVICE <http://x/> { }" AS ?x) BIND(ex:SERVICE AS ?y) }')
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.connections.append(addr)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback listener, closed after the test."""
    lis = Listener()
    try:
        yield lis
    finally:
        lis.close()


def outbound_attempts(url: str) -> list[tuple[str, dict[str, Any]]]:
    """Requests whose naive evaluation would fetch ``url``."""
    return [
        ("GET", {"query_string": {"query": f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}"}}),
        ("GET", {"query_string": {"query": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"}}),
        ("GET", {"query_string": {"query": f"SELECT * FROM <{url}x> WHERE {{ ?s ?p ?o }}"}}),
        ("GET", {"query_string": {"query": f"SELECT * FROM NAMED <{url}y> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}}),
        ("GET", {"query_string": {"query": f"SELECT * WHERE {{ GRAPH <{url}z> {{ ?s ?p ?o }} }}"}}),
        ("GET", {"query_string": {"query": f"DESCRIBE <{url}thing>"}}),
        ("GET", {"query_string": {"query": f"SELECT * WHERE {{ <{url}a> ?p ?o }}"}}),
        ("GET", {"query_string": {"query": f"SELECT * WHERE {{ BIND(IRI('{url}b') AS ?x) ?x ?p ?o }}"}}),
        ("GET", {"query_string": {"query": f"BASE <{url}> SELECT * WHERE {{ <c> ?p ?o }}"}}),
        ("GET", {"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                                  "default-graph-uri": f"{url}g", "named-graph-uri": f"{url}h"}}),
        ("POST", {"data": {"update": f"LOAD <{url}data.ttl>"}}),
        ("POST", {"data": f"LOAD <{url}data.ttl> INTO GRAPH <urn:x:g>",
                  "content_type": "application/sparql-update"}),
        ("GET", {"query_string": {"query": f"LOAD <{url}data.ttl>"}}),
    ]


def test_no_outbound_connections(client: FlaskClient, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/"
    for method, kwargs in outbound_attempts(url):
        resp = client.open("/sparql", method=method, **kwargs)
        assert resp.status_code in (200, 403), (kwargs, resp.get_data(as_text=True))
    time.sleep(0.5)
    assert listener.connections == []


def test_request_size_limit(client: FlaskClient) -> None:
    limit = TEST_CONFIG["MAX_REQUEST_BYTES"]
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    for kwargs in [{"method": "GET", "query_string": {"query": big}},
                   {"method": "POST", "data": {"query": big}},
                   {"method": "POST", "data": big, "content_type": "application/sparql-query"}]:
        resp = client.open("/sparql", **kwargs)
        assert resp.status_code == 413, kwargs["method"]
        assert "MAX_REQUEST_BYTES" in resp.get_data(as_text=True) or "large" in resp.get_data(as_text=True)


def test_result_size_limit(client: FlaskClient) -> None:
    limit = TEST_CONFIG["MAX_RESULT_ROWS"]
    resp = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert resp.status_code == 400
    assert f"more than {limit} rows" in resp.get_data(as_text=True)
    ok = client.get("/sparql", query_string={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"})
    assert ok.status_code == 200
    assert len(ok.get_json(force=True)["results"]["bindings"]) == limit
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 400 and "triples" in graph.get_data(as_text=True)


def test_runaway_query_is_stopped_and_others_are_answered(app: Flask, client: FlaskClient) -> None:
    timeout = TEST_CONFIG["QUERY_TIMEOUT"]
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        start = time.monotonic()
        outcome["resp"] = app.test_client().get("/sparql", query_string={"query": RUNAWAY})
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = 0
    while thread.is_alive():
        start = time.monotonic()
        assert count(client, "?s a ?c") > 0
        assert time.monotonic() - start < 1.5
        answered += 1
    thread.join()
    resp = outcome["resp"]
    assert resp.status_code == 503
    assert "QUERY_TIMEOUT" in resp.get_data(as_text=True)
    assert timeout <= outcome["seconds"] < timeout + 2
    assert answered >= 3
    assert count(client, "?s a ?c") > 0  # and after it


def test_timeout_really_stops_the_worker(app: Flask, client: FlaskClient) -> None:
    import os

    executor = app.extensions["plankg"].kb.executor
    fresh = f'ASK {{ ?s ?p "{time.time_ns()}" }}'  # not in the cache: the engine answers it
    assert client.get("/sparql", query_string={"query": fresh}).status_code == 200
    before = set(executor.pids)  # that engine (forked again if a test killed the last one)
    assert client.get("/sparql", query_string={"query": RUNAWAY}).status_code == 503
    killed = before - set(executor.pids)
    assert killed
    time.sleep(0.2)
    for pid in killed:  # gone: SIGKILLed and reaped by the zygote
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_error_shapes(client: FlaskClient) -> None:
    query = {"query": "SELECT WHERE nonsense"}
    text = client.get("/sparql", query_string=query)
    assert text.mimetype == "text/plain" and text.get_data(as_text=True).startswith("400 ")
    as_json = client.get("/sparql", query_string=query, headers={"Accept": "application/json"})
    body = as_json.get_json()
    assert set(body) == {"error", "status", "title"} and body["status"] == 400
    html = client.get("/sparql", query_string=query,
                      headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.mimetype == "text/html" and "<h1>400" in html.get_data(as_text=True)
    for resp in (text, as_json, html):
        assert "Traceback" not in resp.get_data(as_text=True)
        assert 'File "' not in resp.get_data(as_text=True)
