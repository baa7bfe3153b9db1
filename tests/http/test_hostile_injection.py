"""Hostile data and requests cannot inject script, formulas or markup (issue 8, "Injection").

The data carries IRIs with javascript: and data: schemes (as an object, a predicate and the
holder of a responsibility); none may become a link on a page or in the report.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import make_app

from plankg.kb import KnowledgeBase

ITEM = "https://w3id.org/plankg/id/plan/luzhou-2014/item/19"
EVIL = "javascript:alert(document.domain)"
DATA_URL = "data:text/html,<script>alert(1)</script>"
FORMULA = "=HYPERLINK(\"http://evil.example/\",\"x\")"
HTML = "<img src=x onerror=alert(1)>"


def hostile_turtle(build_dir: Path) -> str:
    """Triples that put hostile IRIs and literals where pages and the report show them."""
    kb = KnowledgeBase(build_dir)
    row = kb.select(f"""PREFIX plan: <https://w3id.org/plankg/ontology#>
        SELECT ?type ?basis ?task ?span WHERE {{
          ?r a plan:Responsibility ; plan:statedIn <{ITEM}> ; plan:responsibilityType ?type ;
             plan:basis ?basis ; plan:forTask ?task ; plan:evidence ?span }} LIMIT 1""").rows[0]
    kind, basis, task, span = (t.value for t in row)
    evil_literal = FORMULA.replace('"', '\\"')
    return f"""
@prefix plan: <https://w3id.org/plankg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{ITEM}> <http://example.org/see> <{EVIL}> , <{DATA_URL.replace("<", "%3C").replace(">", "%3E")}> .
<{ITEM}> <{EVIL}> "value of a hostile predicate" .
<{ITEM}/responsibility/999> a plan:Responsibility ; plan:holder <{EVIL}> ; plan:statedIn <{ITEM}> ;
    plan:responsibilityType <{kind}> ; plan:basis <{basis}> ; plan:forTask <{task}> ; plan:evidence <{span}> .
<{EVIL}> rdfs:label "{evil_literal}"@zh , "{HTML}"@en .
"""


@pytest.fixture(scope="module")
def hostile_app(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "hostile.ttl"
    data.write_text(hostile_turtle(build_dir), "utf-8")
    app = make_app(build_dir, DATA_FILES=[str(data)], CACHE_DIR=str(folder / "cache"))
    try:
        yield app
    finally:
        app.extensions["plankg"].close()


@pytest.fixture(scope="module")
def hostile(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


def hrefs(html: str) -> list[str]:
    return re.findall(r'\bhref="([^"]*)"', html)


def assert_no_script_links(html: str) -> None:
    for href in hrefs(html):
        assert href.startswith(("/", "#", "http://", "https://")), href


def test_resource_page_shows_hostile_iris_as_text(hostile: FlaskClient) -> None:
    resp = hostile.get("/id/plan/luzhou-2014/item/19", headers={"Accept": "text/html"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "javascript:alert" in html  # shown ...
    assert_no_script_links(html)       # ... but never as a link


def test_report_shows_a_hostile_holder_as_text(hostile: FlaskClient) -> None:
    html = hostile.get("/report").get_data(as_text=True)
    assert "HYPERLINK" in html          # the hostile holder is listed (its label) ...
    assert_no_script_links(html)        # ... without a link to its IRI
    assert "<img src=x" not in html


def test_report_csv_neutralises_formulas(hostile: FlaskClient) -> None:
    text = hostile.get("/report.csv").get_data(as_text=True)
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_report_markdown_has_no_raw_html(hostile: FlaskClient) -> None:
    text = hostile.get("/report.md").get_data(as_text=True)
    assert "<img" not in text and "<script" not in text


def test_every_html_page_has_a_strict_policy(client: FlaskClient) -> None:
    for path in ("/", "/report", "/id/plan/luzhou-2014/item/19", "/ontology", "/dumps/", "/nowhere"):
        resp = client.get(path, headers={"Accept": "text/html"})
        policy = resp.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy, path
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
        assert resp.headers["X-Frame-Options"] == "DENY", path
        assert "<script>" not in resp.get_data(as_text=True), f"{path}: inline script"


def test_rdf_xml_answers_are_attachments_that_run_nothing(client: FlaskClient) -> None:
    query = ("CONSTRUCT { <urn:x:a> <http://www.w3.org/1999/xhtml#script> 'alert(1)' } WHERE {}")
    resp = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/rdf+xml"})
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp.headers["Content-Security-Policy"]
    xml = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"},
                     headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["Content-Disposition"].startswith("attachment")


def test_urls_never_come_from_a_hostile_host_header(build_dir: Path) -> None:
    app = make_app(build_dir, PUBLIC_URL="https://plans.example.org/kg", QUERY_WORKERS=1)
    try:
        client = app.test_client()
        for host in ("evil.example", "attacker.test:666"):
            void = client.get("/.well-known/void", headers={"Host": host, "Accept": "text/turtle"})
            text = void.get_data(as_text=True)
            assert void.status_code == 200
            assert "https://plans.example.org/kg/sparql" in text
            assert host not in text
    finally:
        app.extensions["plankg"].close()


def test_cached_descriptions_do_not_keep_the_first_callers_host(client: FlaskClient) -> None:
    first = client.get("/.well-known/void", headers={"Host": "first.example", "Accept": "text/turtle"})
    second = client.get("/.well-known/void", headers={"Host": "second.example", "Accept": "text/turtle"})
    assert "first.example" in first.get_data(as_text=True)
    assert "first.example" not in second.get_data(as_text=True)


def test_void_does_not_reveal_server_paths(hostile: FlaskClient, tmp_path: Path) -> None:
    text = hostile.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "file://" not in text and "/tmp/" not in text and "hostile.ttl" in text
