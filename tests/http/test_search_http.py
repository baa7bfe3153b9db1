"""/search (HTML) and /api/search (JSON) on the Flask test client: hits, marks, filters, errors, safety."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient

from plankg.kb.search import Hit, SearchResult, Snippet
from plankg.web import create_app
from plankg.web.search import KIND_LABELS, hit_link


def get_json(client: FlaskClient, path: str, status: int = 200, **params: Any) -> Any:
    resp = client.get(path, query_string=params)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    return resp.get_json()


def test_search_page_without_a_query_is_the_form(client: FlaskClient) -> None:
    resp = client.get("/search")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<form class="search"' in html and 'name="q"' in html and 'name="holder_type"' in html
    assert '<option value="luzhou-2014">' in html
    assert "<script" not in html
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_search_page_lists_marked_hits(client: FlaskClient) -> None:
    resp = client.get("/search", query_string={"q": "食堂"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    first = html.index('<li class="hit"')
    assert "<mark>食堂</mark>" in html[first:]
    assert "/id/plan/luzhou-2014/item/39/task/4" in html[first:html.index("</li>", first)]
    assert 'href="/id/plan/luzhou-2014/item/39/task/4"' in html
    assert "[6412,6431)" in html


def test_search_page_keeps_the_filters_in_the_form(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "食堂", "pillar": "3", "holder_type": "School",
                                               "plan": "luzhou-2014"}).get_data(as_text=True)
    assert 'name="pillar" min="1" value="3"' in html
    assert '<option value="School" selected>' in html
    assert '<option value="luzhou-2014" selected>' in html


def test_search_page_bad_parameter_is_a_400_page(client: FlaskClient) -> None:
    resp = client.get("/search", query_string={"q": "食堂", "pillar": "<b>x</b>"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "pillar must be a whole number" in html and "<b>x</b>" not in html


def test_search_page_escapes_the_query(client: FlaskClient) -> None:
    evil = '"><script>alert(1)</script><img src=x onerror=alert(1)>食堂'
    html = client.get("/search", query_string={"q": evil}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_snippets_are_escaped_and_links_are_safe(app: Flask) -> None:
    text = '<img src=x onerror=alert(1)>食堂</mark><script>x()</script>'
    hit = Hit(1, 1.0, "javascript:alert(1)", "label", None, "p", 1, 2, 3, text, None, [[28, 30]], "text", [],
              Snippet(text, 0, [[28, 30]], False, False))
    other = Hit(2, 0.5, "https://example.org/x", "task", None, "p", 1, 2, 3, "食堂", None, [[0, 2]], "text", [],
                Snippet("食堂", 0, [[0, 2]], False, False))
    result = SearchResult("食堂", ["食堂"], 2, 20, 0, "phrase", False, {}, [hit, other])
    with app.test_request_context("/search?q=食堂"):
        html = render_template("search.html", args={"q": "食堂", "plan": "", "pillar": "", "holder_type": ""},
                               result=result, error=None, plans=[], holder_types=[], pages={},
                               link=hit_link, kinds=KIND_LABELS)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;<mark>食堂</mark>&lt;/mark&gt;&lt;script&gt;" in html
    assert 'href="javascript:' not in html and "<code>javascript:alert(1)</code>" in html
    assert '<a href="https://example.org/x">' in html


@pytest.mark.parametrize("q", ['"', "NEAR(", "*", "x" * 10_000, "食堂" * 3000, "'; DROP TABLE docs; --",
                               "\u202e", "AND OR NOT"])
def test_hostile_queries_answer(client: FlaskClient, q: str) -> None:
    assert client.get("/search", query_string={"q": q}).status_code == 200
    data = get_json(client, "/api/search", q=q)
    assert data["total"] >= 0 and data["truncated"] == (len(q) > 200)


def test_api_search_answers_ranked_hits_with_spans(client: FlaskClient, build_dir: Path) -> None:
    data = get_json(client, "/api/search", q="食堂", limit=2)
    assert data["query"] == "食堂" and data["total"] >= 2 and data["limit"] == 2
    first = data["hits"][0]
    assert (first["kind"], first["item"], first["task"]) == ("task", 39, 4)
    assert first["span"] == {"start": 6412, "end": 6431}
    assert first["matches"] == [[6415, 6417]] and first["matches_in"] == "source"
    marked = [s["text"] for s in first["snippet"]["segments"] if s["mark"]]
    assert marked == ["食堂"]
    s, e = first["snippet"]["marks"][0]
    assert first["snippet"]["text"][s:e] == "食堂"


def test_api_search_filters(client: FlaskClient) -> None:
    pillar = get_json(client, "/api/search", q="食堂", pillar=3)
    assert pillar["hits"] and all(h["pillar"] == 3 for h in pillar["hits"])
    dept = get_json(client, "/api/search", q="安全", holder_type="Department")
    assert dept["filters"]["holder_type"] == "department"
    assert dept["hits"] and all("Department" in h["holder_types"] for h in dept["hits"])
    assert get_json(client, "/api/search", q="食堂", plan="luzhou-2014")["total"] == \
        get_json(client, "/api/search", q="食堂")["total"]


@pytest.mark.parametrize("params, message", [
    ({"plan": "atlantis-2099"}, "unknown plan"),
    ({"pillar": "x"}, "pillar must be a whole number"),
    ({"holder_type": "Wizard"}, "unknown holder_type"),
    ({"limit": "1000"}, "limit must be from 1 to 100"),
    ({"offset": "-5"}, "offset must be from 0"),
])
def test_api_search_bad_parameters_are_400(client: FlaskClient, params: dict[str, str], message: str) -> None:
    data = get_json(client, "/api/search", 400, q="食堂", **params)
    assert message in data["error"] and data["status"] == 400 and data["title"] == "Bad Request"


def test_api_search_is_documented(client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    op = spec["paths"]["/api/search"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"q", "plan", "pillar", "holder_type", "limit", "offset"}


def test_every_page_links_to_search(client: FlaskClient) -> None:
    for path in ("/dumps/", "/search"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="/search">Search 搜索</a>' in html, path


def test_paging_links_keep_the_query(client: FlaskClient) -> None:
    html = client.get("/search", query_string={"q": "学校", "limit": "5"}).get_data(as_text=True)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert nxt is not None
    url = nxt.group(1).replace("&amp;", "&")
    assert "offset=5" in url and "limit=5" in url
    page2 = client.get(url).get_data(as_text=True)
    assert '<ol class="hits" start="6">' in page2


def test_a_build_without_an_index_says_to_rebuild(build_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "old-build"
    shutil.copytree(build_dir, old, ignore=shutil.ignore_patterns("search.sqlite"))
    app = create_app({"TESTING": True, "BUILD_DIR": str(old), "QUERY_WORKERS": 0})
    try:
        client = app.test_client()
        page = client.get("/search", query_string={"q": "食堂"})
        assert page.status_code == 503 and "plankg build" in page.get_data(as_text=True)
        data = get_json(client, "/api/search", 503, q="食堂")
        assert "plankg build" in data["error"]
        assert client.get("/dumps/").status_code == 200   # the rest of the service is unaffected
    finally:
        app.extensions["plankg"].close()


def test_search_functions_in_sparql_on_the_endpoint(client) -> None:  # noqa: ANN001
    query = ('PREFIX plan: <https://w3id.org/plankg/ontology#> SELECT ?task ?score WHERE { '
             '?task a plan:Task ; plan:text ?t . BIND(plan:search(?t, "食堂") AS ?score) FILTER(?score > 0) } '
             'ORDER BY DESC(?score)')
    resp = client.get("/sparql", query_string={"query": query})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    rows = resp.get_json()["results"]["bindings"]
    assert rows and all(float(r["score"]["value"]) > 0 for r in rows)
