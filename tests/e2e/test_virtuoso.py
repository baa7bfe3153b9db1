"""The service in front of a real external store: Virtuoso from Debian's packages (issue 12).

A build is pushed with `plankg push`; every named query then answers through the remote store as
through the embedded one, and `plankg serve --store sparql` keeps its own front (protocol,
refusals, pages, API), and notices when the store dies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import start_server, stop_server
from rdflib import Graph
from rdflib.compare import isomorphic
from virtuoso import PASSWORD, USER, Virtuoso, start_virtuoso, stop_virtuoso
from virtuoso import virtuoso  # noqa: F401  (the session's server, a fixture)

from plankg.build.pipeline import default_sources, run_build
from plankg.kb import KnowledgeBase
from plankg.kb.queries import list_queries, query_form
from plankg.kb.results import value

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
QUERIES = list_queries()


def push(build: Path, server: Virtuoso) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLANKG_STORE_PASSWORD": PASSWORD}
    return subprocess.run([sys.executable, "-m", "plankg", "push", "--from", str(build), "--to", server.endpoint,
                           "--user", USER], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, build_dir: Path) -> Virtuoso:  # noqa: F811
    result = push(build_dir, virtuoso)
    assert result.returncode == 0, result.stderr
    return virtuoso


@pytest.fixture(scope="module")
def remote(pushed: Virtuoso, build_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(build_dir, endpoint=pushed.endpoint, timeout=60)


def answer(kb: KnowledgeBase, q) -> object:
    """A named query's answer in a comparable shape: sorted rows, or the graph."""
    if query_form(q.text) == "SELECT":
        return sorted(tuple("_:b" if isinstance(t, ox.BlankNode) else repr(value(t)) for t in row)
                      for row in kb.query(q, q.example).rows)
    return Graph().parse(data=kb.query(q, q.example, fmt="nt").body.decode(), format="nt")


def test_push_reports_and_checks_every_graph(pushed: Virtuoso, build_dir: Path) -> None:
    manifest = json.loads((build_dir / "manifest.json").read_text("utf-8"))
    result = push(build_dir, pushed)  # a second push replaces, it does not add
    assert result.returncode == 0, result.stderr
    for graph, stats in manifest["graphs"].items():
        assert f"{stats['triples']:>9}  {graph}" in result.stdout


def assert_same_answers(kb: KnowledgeBase, remote: KnowledgeBase, query) -> None:
    """The named query answers the same on both (graphs compared up to blank-node names)."""
    here, there = answer(kb, query), answer(remote, query)
    if isinstance(here, Graph):
        assert isomorphic(here, there)
    else:
        assert here == there


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_named_query_answers_as_on_the_embedded_store(remote: KnowledgeBase, kb: KnowledgeBase, query) -> None:
    assert_same_answers(kb, remote, query)


def test_non_ascii_constants_reach_the_store(remote: KnowledgeBase) -> None:
    rows = remote.select('PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?i WHERE { '
                         '?i dcterms:title ?t FILTER(STR(?t) = "严格落实工作责任") }').rows
    assert [r[0].value for r in rows] == ["https://w3id.org/plankg/id/plan/luzhou-2014/item/1"]


@pytest.fixture(scope="module")
def remote_server(pushed: Virtuoso, build_dir: Path) -> Iterator[str]:
    proc, url = start_server(build_dir, "--store", "sparql", "--endpoint", pushed.endpoint)
    try:
        yield url
    finally:
        stop_server(proc)


def get(url: str, accept: str = "*/*") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def sparql(base: str, query: str) -> str:
    return base + "sparql?" + urllib.parse.urlencode({"query": query})


def test_serve_over_the_store_keeps_the_protocol_and_its_refusals(remote_server: str, live_server: str) -> None:
    query = "SELECT ?n WHERE { ?i a <https://w3id.org/plankg/ontology#WorkItem> ; " \
            "<https://w3id.org/plankg/ontology#number> ?n } ORDER BY ?n"
    for accept in ("application/sparql-results+json", "text/csv", "text/tab-separated-values"):
        assert get(sparql(remote_server, query), accept) == get(sparql(live_server, query), accept)
    status, body = get(sparql(remote_server, "CONSTRUCT WHERE { <https://w3id.org/plankg/id/plan/luzhou-2014/item/19> ?p ?o }"),
                       "text/turtle")
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) > 5
    assert get(sparql(remote_server, "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"))[0] == 403
    assert get(sparql(remote_server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))[0] == 403
    assert get(sparql(remote_server, "SELECT * WHERE { ?s ?p }"))[0] == 400
    assert get(remote_server + "ready")[0] == 200


def test_pages_api_and_report_over_the_store(remote_server: str, live_server: str) -> None:
    for path in ("api/trace/19", "api/items", "api/gaps"):
        remote_status, remote_body = get(remote_server + path, "application/json")
        assert remote_status == 200, remote_body
        assert json.loads(remote_body) == json.loads(get(live_server + path, "application/json")[1]), path
    for path in ("report", "id/plan/luzhou-2014/item/19", "ontology"):
        assert get(remote_server + path, "text/html")[0] == 200, path


def test_a_corpus_pushes_and_answers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    run_build([default_sources()[0], ROOT / "tests/data/plans/yibin-2015-education-work-plan.txt"], out=corpus)
    server = start_virtuoso(tmp_path / "db")
    try:
        assert push(corpus, server).returncode == 0
        remote = KnowledgeBase(corpus, endpoint=server.endpoint, timeout=60)
        embedded = KnowledgeBase(corpus)
        for name in ("cq01", "report-items", "gaps-targets-without-deadline"):
            q = next(q for q in QUERIES if q.name == name)
            assert answer(remote, q) == answer(embedded, q), name
    finally:
        stop_virtuoso(server)


def test_the_service_notices_when_the_store_dies(tmp_path: Path, build_dir: Path) -> None:
    server = start_virtuoso(tmp_path / "db")
    proc = None
    try:
        assert push(build_dir, server).returncode == 0
        proc, url = start_server(build_dir, "--store", "sparql", "--endpoint", server.endpoint, "--no-cache")
        assert get(url + "ready")[0] == 200
        stop_virtuoso(server)
        status, body = get(url + "ready")
        assert status == 503 and "cannot be reached" in body
        assert get(sparql(url, "ASK {}"))[0] == 503
        assert get(url + "health")[0] == 200
    finally:
        if proc is not None:
            stop_server(proc)
        stop_virtuoso(server)


def test_virtuoso_is_found() -> None:
    assert shutil.which("virtuoso-t"), "install virtuoso-opensource-7-bin (make test does)"


def test_functions_of_the_embedded_store_are_refused_clearly(remote: KnowledgeBase) -> None:
    from plankg.kb import QueryFailed

    query = ('PREFIX plan: <https://w3id.org/plankg/ontology#> '
             'SELECT ?s WHERE { ?t plan:text ?x . BIND(plan:search(?x, "食堂") AS ?s) } LIMIT 1')
    with pytest.raises(QueryFailed, match="plan:search is a function of plankg's embedded store"):
        remote.select(query)
