"""/api/docs in headless Chromium: the vendored Swagger UI draws every operation of
/api/openapi.json, under the service's Content-Security-Policy, with nothing fetched from
another host, and the navigation bar of the other pages leads to it."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from browser import (
    base,
    console_errors,
    foreign_urls,
    open_page,
    requested_urls,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

DRAWN_PATHS = ("return [...document.querySelectorAll('#swagger-ui .opblock .opblock-summary-path')]"
               ".map(e => e.getAttribute('data-path') || e.textContent.trim())")


def fetch(url: str) -> tuple[str, dict[str, str], str]:
    """GET a URL: its media type, headers and body."""
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.headers.get_content_type(), dict(resp.headers), resp.read().decode("utf-8")


def test_docs_page_is_html_with_no_inline_script_and_no_other_host(live_server: str) -> None:
    kind, headers, html = fetch(base(live_server) + "api/docs")
    assert kind == "text/html"
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert [re.findall(r'src="([^"]+)"', attrs) for attrs, _ in scripts] == [
        ["/static/vendor/swagger-ui/swagger-ui-bundle.js"], ["/static/api-docs.js"]]
    assert all(body.strip() == "" for _, body in scripts)          # no inline code
    assert not re.search(r"""(?:src|href)="(?:https?:)?//""", html)  # no CDN, no other host
    assert 'data-spec-url="/api/openapi.json"' in html
    for path, media in (("static/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
                        ("static/vendor/swagger-ui/swagger-ui.css", "text/css"),
                        ("static/api-docs.js", "text/javascript")):
        kind, _, body = fetch(base(live_server) + path)
        assert kind == media and body, path


def test_swagger_ui_draws_every_operation_offline(browser: WebDriver, live_server: str) -> None:
    url = base(live_server)
    _, _, spec = fetch(url + "api/openapi.json")
    paths = set(json.loads(spec)["paths"])
    assert {"/api/trace/{subject}", "/api/plans"} <= paths
    open_page(browser, url + "api/docs")
    wait_for(lambda: browser.execute_script(DRAWN_PATHS), "Swagger UI to draw the operations")
    wait_for(lambda: len(browser.execute_script(DRAWN_PATHS)) >= len(paths), "every operation")
    drawn = browser.execute_script(DRAWN_PATHS)
    assert set(drawn) == paths
    assert browser.find_element(By.CSS_SELECTOR, "#swagger-ui .info .title").text.startswith(
        "plankg accountability API")
    # Open one operation: its parameters and responses come from the description.
    trace = next(op for op in browser.find_elements(By.CSS_SELECTOR, "#swagger-ui .opblock")
                 if op.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path")
                 == "/api/trace/{subject}")
    trace.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait_for(lambda: trace.find_elements(By.CSS_SELECTOR, ".parameters-col_name, tr[data-param-name]"),
             "the operation's parameters")
    assert "subject" in trace.text and "200" in trace.text
    errors = console_errors(browser)   # uncaught errors and CSP refusals are SEVERE
    assert errors == []
    urls = requested_urls(browser)
    assert url + "api/openapi.json" in urls and url + "static/vendor/swagger-ui/swagger-ui-bundle.js" in urls
    assert foreign_urls(urls, url) == []


def test_navigation_bar_leads_to_the_docs(browser: WebDriver, live_server: str) -> None:
    url = base(live_server)
    open_page(browser, url + "plans")
    link = browser.find_element(By.CSS_SELECTOR, 'header.site nav a[href="/api/docs"]')
    assert link.is_displayed()
    link.click()
    wait_for(lambda: browser.current_url == url + "api/docs", "the docs page")
    wait_for(lambda: browser.execute_script(DRAWN_PATHS), "Swagger UI to draw the operations")
    assert console_errors(browser) == []
