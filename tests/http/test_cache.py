"""Answers are cached per build, revalidated with ETags, and the cache can be turned off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import make_app

from plankg.kb.cache import ResultCache

QUERY = "SELECT ?i WHERE { ?i a <https://w3id.org/plankg/ontology#WorkItem> } ORDER BY ?i LIMIT 7"


@pytest.fixture(scope="module")
def uncached(build_dir: Path) -> Iterator[Flask]:
    app = make_app(build_dir, RESULT_CACHE_BYTES=0, QUERY_WORKERS=1)
    try:
        yield app
    finally:
        app.extensions["plankg"].close()


def test_a_repeated_query_is_answered_from_the_cache(app: Flask, client: FlaskClient) -> None:
    cache = app.extensions["plankg"].kb.cache
    query = QUERY.replace("7", "6")
    first = client.get("/sparql", query_string={"query": query})
    hits = cache.stats()["hits"]
    # the same query laid out differently, with a comment: the same cache entry
    again = client.get("/sparql", query_string={"query": query.replace(" WHERE", "\n  WHERE") + " # again"})
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert cache.stats()["hits"] == hits + 1


def test_etag_revalidation_answers_304_without_a_body(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": QUERY})
    etag = resp.headers["ETag"]
    assert resp.headers["Cache-Control"].startswith("public")
    again = client.get("/sparql", query_string={"query": QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/sparql", query_string={"query": QUERY.replace("7", "8")})
    assert other.headers["ETag"] != etag
    csv = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "text/csv"})
    assert csv.headers["ETag"] != etag  # the format is part of the answer


def test_the_cache_can_be_turned_off(uncached: Flask) -> None:
    kb = uncached.extensions["plankg"].kb
    assert kb.cache is None
    client = uncached.test_client()
    a = client.get("/sparql", query_string={"query": QUERY})
    b = client.get("/sparql", query_string={"query": QUERY})
    assert a.status_code == b.status_code == 200 and a.data == b.data
    assert b.headers["ETag"] == a.headers["ETag"]


def test_pages_have_etags_and_answer_304(client: FlaskClient) -> None:
    for path in ("/report", "/api/items", "/ontology"):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.headers.get("ETag"), path
        again = client.get(path, headers={"If-None-Match": resp.headers["ETag"]})
        assert again.status_code == 304, path


def test_cache_is_bounded_in_bytes() -> None:
    cache = ResultCache(1000)
    for n in range(50):
        cache.put(f"k{n}", b"x" * 100)
    stats = cache.stats()
    assert stats["bytes"] <= 1000 and stats["entries"] == 10
    assert cache.get("k49") == b"x" * 100 and cache.get("k0") is None
    cache.put("big", b"x" * 600)  # over a quarter of the budget: not kept
    assert cache.get("big") is None
