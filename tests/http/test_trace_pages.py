"""HTML trace pages (issue 11): the answer of `plankg trace` for items, tasks, holders and places."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(("subject", "section", "words"), [
    ("19", "responsibilities", ["泸州市教育局", "implied 发文机关默认", "[3552,3648]"]),
    ("1", "responsibilities", ["安全信访科", "分管安全稳定的副局长", "第一责任"]),
    ("19.2", "targets", ["计算机2200台"]),
    ("其他局领导", "duties", ["直管责任", "指导督查责任"]),
    ("古蔺县", "mentions", ["古蔺"]),
])
def test_trace_page_shows_the_answer_with_evidence(client: FlaskClient, subject: str, section: str,
                                                   words: list[str]) -> None:
    resp = client.get(f"/trace/{subject}", headers={"Accept": "text/html"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="{section}"' in html
    for word in words:
        assert word in html, word


def test_chain_column_names_the_holders_one_step_up(client: FlaskClient) -> None:
    html = client.get("/trace/1").get_data(as_text=True)
    row = next(r for r in html.split("<tr") if "安全信访科</a></td><td>具体工作责任" in r)
    assert "分管安全稳定的副局长" in row and "https://w3id.org" not in row.split("<td>")[5]


def test_unknown_subject_is_404_and_report_links_to_trace_pages(client: FlaskClient) -> None:
    assert client.get("/trace/999").status_code == 404
    assert 'href="/trace/19?plan=luzhou-2014"' in client.get("/report").get_data(as_text=True)


def test_error_pages_have_the_sites_navigation(client: FlaskClient) -> None:
    resp = client.get("/no/such/page", headers={"Accept": "text/html"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404 and 'class="site"' in html and "Plans 规划" in html
    bad = client.get("/report?plan=nope", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "&#39;nope&#39;" in bad or "'nope'" in bad


def test_void_is_a_page_for_browsers_and_turtle_for_rdf_clients(client: FlaskClient) -> None:
    page = client.get("/.well-known/void", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and 'class="site"' in html and "/graph/luzhou-2014" in html
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
