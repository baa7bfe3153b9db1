"""The service over a corpus of two plans: every route takes a plan, none mixes two plans' items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import make_app

PLANS = ("luzhou-2014", "yibin-2015")


@pytest.fixture(scope="module")
def corpus_app(corpus_dir: Path) -> Iterator[Flask]:
    app = make_app(corpus_dir)
    try:
        yield app
    finally:
        app.extensions["plankg"].close()


@pytest.fixture(scope="module")
def corpus(corpus_app: Flask) -> FlaskClient:
    return corpus_app.test_client()


@pytest.mark.parametrize("path", ["/api/trace/19", "/api/items", "/api/holders", "/api/gaps", "/api/targets"])
def test_api_routes_ask_which_plan(corpus: FlaskClient, path: str) -> None:
    resp = corpus.get(path)
    assert resp.status_code == 400
    assert "luzhou-2014, yibin-2015" in resp.get_json()["error"]
    assert corpus.get(path, query_string={"plan": "nope"}).status_code == 404


@pytest.mark.parametrize("plan", PLANS)
def test_no_answer_mixes_two_plans(corpus: FlaskClient, plan: str) -> None:
    other = next(p for p in PLANS if p != plan)
    for path in ("/api/items", "/api/gaps", "/api/holders", "/api/trace/1", "/api/targets"):
        resp = corpus.get(path, query_string={"plan": plan})
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:200])
        body = resp.get_data(as_text=True)
        assert f"/id/plan/{other}/" not in body, path
    assert corpus.get("/api/trace/1", query_string={"plan": plan}).get_json()["iri"].endswith(f"{plan}/item/1")
    for path in (f"/plan/{plan}/report", f"/report?plan={plan}", f"/plan/{plan}/report.csv", f"/plan/{plan}/report.md"):
        resp = corpus.get(path)
        assert resp.status_code == 200, path
        assert f"/id/plan/{other}/" not in resp.get_data(as_text=True), path


def test_report_without_a_plan_lists_the_plans(corpus: FlaskClient, client: FlaskClient) -> None:
    resp = corpus.get("/report")
    assert resp.status_code == 400 and "yibin-2015" in resp.get_data(as_text=True)
    assert client.get("/report").status_code == 200  # one plan: its report


def test_report_of_a_plan_has_its_title_issuer_and_years(corpus: FlaskClient) -> None:
    html = corpus.get("/plan/yibin-2015/report").get_data(as_text=True)
    assert "宜宾市教育局2015年工作要点" in html and "2015–2016" in html and "宜宾市教育局" in html
    assert "泸州市教育局2014" not in html


def test_plans_home_and_api_list_the_corpus(corpus: FlaskClient) -> None:
    plans = corpus.get("/api/plans").get_json()
    assert [p["key"] for p in plans] == list(PLANS)
    assert plans[1]["issuer"]["label"] == "宜宾市教育局" and str(plans[1]["year"]) == "2015"
    html = corpus.get("/plans", headers={"Accept": "text/html"}).get_data(as_text=True)
    for p in PLANS:
        assert f'href="/plan/{p}/report"' in html


def test_descriptions_describe_the_corpus(corpus: FlaskClient) -> None:
    void = corpus.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "宜宾市教育局2015年工作要点" in void and "泸州市教育局2014年工作要点" in void
    assert "2 plans" in corpus.get("/api/openapi.json").get_json()["info"]["description"]
    dcat = corpus.get("/dumps/dcat.ttl").get_data(as_text=True)
    assert "宜宾市教育局2015年工作要点" in dcat


def test_compare_view_and_json(corpus: FlaskClient) -> None:
    data = corpus.get("/compare", query_string={"a": PLANS[0], "b": PLANS[1], "format": "json"}).get_json()
    assert data["a"]["key"] == PLANS[0] and data["summary"]
    html = corpus.get("/compare", query_string={"a": PLANS[0], "b": PLANS[1]}).get_data(as_text=True)
    assert "only in A" in html and "多媒体教学设备" in html
    assert corpus.get("/compare", query_string={"a": "nope", "b": PLANS[1]}).status_code == 404
    form = corpus.get("/compare").get_data(as_text=True)
    assert '<select name="a">' in form
    assert json.loads(corpus.get("/api/plans").get_data(as_text=True))
