"""The accountability JSON API under /api/ and the /report page, through Flask's test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from plankg.web.api import api_rules

ERROR_KEYS = {"error", "status", "title"}


def get_json(client: FlaskClient, path: str, status: int = 200, **kwargs: Any) -> Any:
    """GET a path, check status and JSON type, return the body."""
    resp = client.get(path, **kwargs)
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    return resp.get_json()


def test_every_api_route_is_documented_and_vice_versa(app: Flask, client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    assert spec["openapi"].startswith("3.1")
    with app.app_context():
        routes = api_rules()
    assert sorted(spec["paths"]) == routes
    for path, ops in spec["paths"].items():
        assert set(ops) == {"get"}, path
        params = {p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "path"}
        assert params == set(re.findall(r"\{(\w+)\}", path)), path


def test_openapi_refs_resolve(client: FlaskClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    refs = re.findall(
        r'"\$ref": "#/([^"]+)"', client.get("/api/openapi.json").get_data(as_text=True)
    )
    assert refs
    for ref in refs:
        node: Any = spec
        for part in ref.split("/"):
            node = node[part]


def test_index_lists_the_endpoints(client: FlaskClient) -> None:
    body = get_json(client, "/api/")
    assert body["openapi"] == "/api/openapi.json"
    assert "/api/trace/{subject}" in {e["path"] for e in body["endpoints"]}


def test_trace_item_19(client: FlaskClient) -> None:
    body = get_json(client, "/api/trace/19")
    assert body["kind"] == "item" and body["item"]["number"] == 19
    assert {r["holder"]["label"] for r in body["responsibilities"]} == {"泸州市教育局"}
    assert body["implied"]["head"]["other"]["label"] == "泸州市教育局局长"
    computers = [r for r in body["responsibilities"] if "计算机2200台" in r["evidence"][0]["quote"]]
    assert computers and computers[0]["evidence"][0]["start"] == 3552
    assert get_json(client, "/api/items/19") == body


def test_trace_item_1_chain(client: FlaskClient) -> None:
    body = get_json(client, "/api/trace/1")
    chains = [[s["holder"]["label"] for s in c["path"]] for c in body["chains"]]
    assert ["安全信访科", "分管安全稳定的副局长", "泸州市教育局局长"] in chains


def test_trace_by_name_and_by_iri(client: FlaskClient) -> None:
    place = get_json(client, "/api/trace/古蔺县")
    assert [i["number"] for i in place["items"]] == [19, 20, 23, 42]
    by_iri = get_json(client, "/api/trace/" + place["iri"])
    assert by_iri["iri"] == place["iri"] and by_iri["items"] == place["items"]
    group = get_json(client, "/api/trace/其他局领导")
    assert {"直管责任", "指导督查责任", "业务工作责任"} <= {d["type"] for d in group["duties"]}


@pytest.mark.parametrize(
    "path, words",
    [
        ("/api/trace/99", "no work item 99"),
        ("/api/items/99", "no work item 99"),
        ("/api/trace/19.7", "no task 19.7"),
        ("/api/trace/无此单位", "无此单位"),
        ("/api/trace/https://w3id.org/plankg/id/place/000000", "place/000000"),
    ],
)
def test_unknown_subjects_are_404_naming_them(client: FlaskClient, path: str, words: str) -> None:
    body = get_json(client, path, 404)
    assert set(body) == ERROR_KEYS and body["status"] == 404 and words in body["error"]


def test_items_holders_gaps(client: FlaskClient) -> None:
    items = get_json(client, "/api/items")
    assert [i["number"] for i in items] == list(range(1, 46))
    assert all(i["evidence"] for i in items)
    holders = get_json(client, "/api/holders")
    bureau = next(h for h in holders if h["label"] == "泸州市教育局")
    assert bureau["kind"] == "org" and all(d["evidence"] for d in bureau["duties"])
    gaps = get_json(client, "/api/gaps")
    assert {(g["item"], g["taskNumber"]) for g in gaps["tasksWithoutHolder"]} >= {(19, 2)}
    assert all(g["evidence"] for key in gaps for g in gaps[key])


def test_targets_until(client: FlaskClient) -> None:
    may = get_json(client, "/api/targets", query_string={"until": "2014-05-31"})
    assert [t["due"] for t in may] == ["2014-04-30", "2014-05-31", "2014-05-31", "2014-05-31"]
    assert all(t["evidence"][0]["quote"] for t in may)
    assert len(get_json(client, "/api/targets")) > len(may)


@pytest.mark.parametrize(
    "query", [{"until": "May 2014"}, {"until": "2014-13-01"}, {"since": "2014-01-01"}]
)
def test_bad_parameters_are_400(client: FlaskClient, query: dict[str, str]) -> None:
    body = get_json(client, "/api/targets", 400, query_string=query)
    assert set(body) == ERROR_KEYS and body["status"] == 400


def test_report_page(client: FlaskClient) -> None:
    resp = client.get("/report")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in html
    assert html.count('class="pillar"') == 7 and 'id="item-26"' in html
    assert 'href="/trace/26?plan=luzhou-2014"' in html and "@media print" in html
    assert "<script" not in html
    csv_resp = client.get("/report.csv")
    assert csv_resp.mimetype == "text/csv" and csv_resp.get_data(as_text=True).startswith(
        "pillar,item,"
    )
    assert client.get("/report.md").get_data(as_text=True).startswith("# Audit report")


def test_a_named_query_asks_for_a_page_with_limit_and_offset(client: FlaskClient) -> None:
    def ask(**args: str) -> Any:
        return client.get("/api/queries/report-items", query_string=args)

    def rows(text: str) -> list[Any]:
        resp = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["results"]["bindings"]

    # offset=0 alone: the whole answer, its ties broken as the pages break them
    whole, first, second = ask(offset="0"), ask(limit="5"), ask(limit="5", offset="5")
    assert first.get_json()["limit"] == 5 and second.get_json()["offset"] == 5
    assert "limit" not in first.get_json()["params"]
    assert rows(first.get_json()["query"]) + rows(second.get_json()["query"]) == rows(whole.get_json()["query"])[:10]
    for bad in ({"limit": "0"}, {"limit": "x"}, {"offset": "-1"}):
        resp = ask(**bad)
        assert resp.status_code == 400 and ("limit" in resp.get_json()["error"] or "offset" in resp.get_json()["error"])
    assert "no ORDER BY" in client.get("/api/queries/cq01", query_string={"limit": "3"}).get_json()["error"]
