"""Hostile and careless requests: nesting, sizes, a dead engine, greedy clients, protocol gaps
(issue 8, "Availability" and "Protocol gaps found by real clients")."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import RUNAWAY, make_app
from rdflib import Graph


def rss_mb() -> float:
    """This process's resident memory in MB."""
    with open("/proc/self/status") as f:
        line = next(ln for ln in f if ln.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.parametrize(("query", "limit"), [
    ("SELECT * WHERE {" + "{" * 5000 + "}" * 5000 + "}", "MAX_QUERY_DEPTH"),
    ("SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }", "MAX_QUERY_DEPTH"),
    ("SELECT * WHERE { FILTER(" + "?a || " * 15000 + "?a) }", "MAX_QUERY_DEPTH"),
    ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 120_000, "MAX_QUERY_LENGTH"),
])
def test_deep_or_long_queries_are_refused_up_front(build_dir: Path, query: str, limit: str) -> None:
    app = make_app(build_dir, QUERY_WORKERS=1, MAX_QUERY_LENGTH=100_000, MAX_REQUEST_BYTES=300_000)
    try:
        client = app.test_client()
        crashed = app.extensions["plankg"].kb.executor.stats["crashed"]
        resp = client.post("/sparql", data=query, content_type="application/sparql-query")
        assert resp.status_code == 400, resp.get_data(as_text=True)[:300]
        assert limit in resp.get_data(as_text=True)
        assert app.extensions["plankg"].kb.executor.stats["crashed"] == crashed  # no worker died
    finally:
        app.extensions["plankg"].close()


# A query of about a second on the test build: 400 x 400 rows counted.
MEDIUM = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?p ?o } LIMIT 400 } "
          "{ SELECT ?b WHERE { ?b ?q ?r } LIMIT 400 } FILTER(STRLEN(STR(?a)) + STRLEN(STR(?b)) > 0) }")


def new_pid(executor: Any, old: set[int], seconds: float = 5) -> int:
    """The first query process that is not one of ``old`` (the executor forks it on demand)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fresh := set(executor.pids) - old:
            return fresh.pop()
        time.sleep(0.01)
    raise AssertionError(f"no new query process after {seconds} s")


def in_background(client: FlaskClient, query: str) -> tuple[threading.Thread, dict[str, Any]]:
    """Send a query from another thread; the response lands in the dict under "resp"."""
    done: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: done.update(
        resp=client.get("/sparql", query_string={"query": query})))
    thread.start()
    return thread, done


def test_a_query_that_kills_every_process_it_runs_on_is_a_400(app: Flask, client: FlaskClient) -> None:
    executor = app.extensions["plankg"].kb.executor
    crashed = executor.stats["crashed"]
    engine = new_pid(executor, set())
    thread, done = in_background(client, RUNAWAY.replace("COUNT(*)", "COUNT(?a)"))
    time.sleep(0.3)
    os.kill(engine, signal.SIGKILL)          # as the OOM killer would ...
    alone = new_pid(executor, {engine})      # ... and the query is run again by itself,
    os.kill(alone, signal.SIGKILL)           # where it dies again: this query is the cause
    thread.join(10)
    resp = done["resp"]
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert "failed on this query" in resp.get_data(as_text=True)
    assert executor.stats["crashed"] == crashed + 1
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_a_query_whose_engine_dies_under_it_is_answered_all_the_same(build_dir: Path) -> None:
    app = make_app(build_dir, QUERY_TIMEOUT=20.0, RESULT_CACHE_BYTES=0)
    try:
        client = app.test_client()
        executor = app.extensions["plankg"].kb.executor
        engine = new_pid(executor, set())
        thread, done = in_background(client, MEDIUM)
        time.sleep(0.2)
        os.kill(engine, signal.SIGKILL)      # another query's timeout, or the OOM killer
        thread.join(30)
        resp = done["resp"]
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert '"160000"' in resp.get_data(as_text=True)
        assert executor.stats["rerun"] == 1 and executor.stats["crashed"] == 0
        assert "plankg_engine_rerun_total 1" in client.get("/metrics").get_data(as_text=True)
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
        assert engine not in executor.pids   # a fresh engine answers from now on
    finally:
        app.extensions["plankg"].close()


def test_a_killed_engine_is_restarted_and_ready_says_so(build_dir: Path) -> None:
    app = make_app(build_dir, QUERY_WORKERS=1, RESULT_CACHE_BYTES=0)
    try:
        client = app.test_client()
        executor = app.extensions["plankg"].kb.executor
        assert client.get("/ready").status_code == 200
        os.kill(executor.zygote_pid, signal.SIGKILL)
        time.sleep(0.3)
        resp = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert executor.stats["restarts"] == 1
        assert client.get("/ready").status_code == 200
        assert "plankg_engine_restarts_total 1" in client.get("/metrics").get_data(as_text=True)
    finally:
        app.extensions["plankg"].close()


def test_ready_is_503_when_the_engine_cannot_be_restarted(build_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from plankg.kb import workers

    app = make_app(build_dir, QUERY_WORKERS=1, RESULT_CACHE_BYTES=0)
    try:
        client = app.test_client()
        monkeypatch.setattr(workers, "RESTART_LIMIT", 0)
        os.kill(app.extensions["plankg"].kb.executor.zygote_pid, signal.SIGKILL)
        time.sleep(0.3)
        assert client.get("/health").status_code == 200   # the web process lives ...
        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.headers["Retry-After"]  # ... the engine does not
    finally:
        app.extensions["plankg"].close()


@pytest.fixture(scope="module")
def big_literal_app(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("big")
    (folder / "big.ttl").write_text(f'<urn:x:big> <urn:x:text> "{"长" * 200_000}" .\n', "utf-8")
    app = make_app(build_dir, DATA_FILES=[str(folder / "big.ttl")], CACHE_DIR=str(folder / "cache"),
                   MAX_RESULT_BYTES=2_000_000, MAX_RESULT_ROWS=100_000, QUERY_WORKERS=1)
    try:
        yield app
    finally:
        app.extensions["plankg"].close()


def test_answers_are_limited_in_bytes_and_memory_stays_flat(big_literal_app: Flask) -> None:
    client = big_literal_app.test_client()
    values = " ".join(str(n) for n in range(1000))
    query = f"SELECT ?n ?t WHERE {{ VALUES ?n {{ {values} }} <urn:x:big> <urn:x:text> ?t }}"
    before = rss_mb()
    for fmt in ("application/sparql-results+json", "text/csv"):
        resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": fmt})
        assert resp.status_code == 413, resp.get_data(as_text=True)[:200]
        assert "MAX_RESULT_BYTES" in resp.get_data(as_text=True)
    assert rss_mb() - before < 50  # 600 MB of answer never reached this process
    one = client.get("/sparql", query_string={"query": query.replace("1000", "1").replace(values, "1")})
    assert one.status_code == 200


def test_one_client_cannot_take_every_worker(build_dir: Path) -> None:
    app = make_app(build_dir, CLIENT_QUERIES=1, QUERY_WORKERS=2, QUERY_TIMEOUT=3.0, RESULT_CACHE_BYTES=0)
    try:
        client = app.test_client()
        greedy = {"REMOTE_ADDR": "198.51.100.7"}
        thread = threading.Thread(target=lambda: client.get("/sparql", query_string={"query": RUNAWAY},
                                                            environ_base=greedy))
        thread.start()
        time.sleep(0.5)
        second = client.get("/sparql", query_string={"query": "ASK {}"}, environ_base=greedy)
        assert second.status_code == 429 and int(second.headers["Retry-After"]) >= 1
        other = client.get("/sparql", query_string={"query": "ASK {}"},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert other.status_code == 200
        thread.join(10)
    finally:
        app.extensions["plankg"].close()


def test_rate_limit_answers_429_with_retry_after(build_dir: Path) -> None:
    app = make_app(build_dir, RATE_LIMIT=3, QUERY_WORKERS=1)
    try:
        client = app.test_client()
        codes = [client.get("/sparql", query_string={"query": "ASK {}"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        last = client.get("/sparql", query_string={"query": "ASK {}"})
        assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1
        assert client.get("/health").status_code == 200  # probes are never limited
    finally:
        app.extensions["plankg"].close()


def test_cors_origins_are_configurable(build_dir: Path, client: FlaskClient) -> None:
    assert client.get("/sparql?query=ASK%7B%7D").headers["Access-Control-Allow-Origin"] == "*"
    app = make_app(build_dir, CORS_ORIGINS="https://a.example https://b.example", QUERY_WORKERS=1)
    try:
        c = app.test_client()
        ok = c.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://b.example"})
        assert ok.headers["Access-Control-Allow-Origin"] == "https://b.example"
        other = c.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        app.extensions["plankg"].close()


def test_relative_iris_resolve_against_the_service(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                      headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "<http://localhost/s> <http://localhost/p>" in resp.get_data(as_text=True)


def test_an_exact_accept_type_beats_a_loose_format_parameter(client: FlaskClient, item: str) -> None:
    # what SPARQLWrapper sends when asked for N-Triples
    resp = client.get("/sparql", query_string={"query": f"DESCRIBE <{item}>", "format": "n3"},
                      headers={"Accept": "application/n-triples"})
    assert resp.mimetype == "application/n-triples"
    Graph().parse(data=resp.get_data(as_text=True), format="nt")


@pytest.mark.parametrize("path", ["/id/%00", "/id/%3Cscript%3E", "/id/a%20b", "/id/plan/nothing-here"])
def test_paths_that_name_no_resource_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<script>" not in page.get_data(as_text=True)
