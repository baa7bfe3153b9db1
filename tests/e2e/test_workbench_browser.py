"""The workbench at `/` in headless Chromium: YASGUI, the library of named queries, real queries,
offline. (The library's groups and filter, kept tabs and formatted errors:
test_workbench_gallery_browser.py.)"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import (
    base,
    console_errors,
    foreign_urls,
    forget_tabs,  # noqa: F401  (autouse: no kept tabs after each test)
    fresh_workbench,
    load_workbench,
    requested_urls,
    wait_for,
)
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CJK = re.compile(r"[\u3400-\u9fff]")
SERVICE = Path(__file__).resolve().parents[2] / "src" / "plankg" / "web"


# ---- helpers -------------------------------------------------------------------------------


def sparql_json(endpoint: str, query: str) -> dict[str, Any]:
    """Run `query` against `endpoint` over HTTP (POST form) and return the SPARQL JSON results."""
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(
        endpoint,
        data=body,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read().decode("utf-8"))


def cell_expectation(term: dict[str, str] | None) -> str:
    """Text a YASR table cell must contain for a SPARQL JSON term (IRIs may be shown prefixed)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return re.split(r"[#/]", term["value"].rstrip("/#"))[-1]
    return term["value"]


def expected_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Variables and, per solution, the text each table cell must contain."""
    variables = results["head"]["vars"]
    rows = [[cell_expectation(b.get(v)) for v in variables] for b in results["results"]["bindings"]]
    return variables, rows


def table_header(driver: WebDriver) -> list[str]:
    """Column titles of the active tab's result table (without the row-number column)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll("
        "'.tabPanel.active .yasr table.dataTable thead th'))"
        ".slice(1).map(th => th.textContent.trim())"
    )


def table_rows(driver: WebDriver) -> list[list[str]]:
    """Cell texts of the rows the active tab's result table shows (without the row number)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll("
        "'.tabPanel.active .yasr table.dataTable tbody tr'))"
        ".filter(tr => !tr.querySelector('td.dt-empty'))"
        ".map(tr => Array.from(tr.cells).slice(1).map(td => td.textContent))"
    )


def unmatched_rows(expected: list[list[str]], shown: list[list[str]]) -> list[list[str]]:
    """Expected rows with no shown row whose cells contain the expected texts (one-to-one)."""
    free = list(shown)
    missing = []
    for row in expected:
        hit = next(
            (
                s
                for s in free
                if len(s) == len(row) and all(e in c for e, c in zip(row, s, strict=True))
            ),
            None,
        )
        if hit is None:
            missing.append(row)
        else:
            free.remove(hit)
    return missing


def tab_titles(driver: WebDriver) -> dict[str, str]:
    """YASGUI tab id -> the title shown on the tab, in the order the tabs are shown."""
    pairs = driver.execute_script(
        "return [...document.querySelectorAll('.yasgui .tabsList a[role=tab]')]"
        ".map(a => [a.id.replace(/^tab-/, ''), a.querySelector('span').textContent])"
    )
    return dict(pairs)


def active_endpoint(driver: WebDriver) -> str:
    """The endpoint field of the active tab, as the user sees it."""
    field = driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .controlbar input.autocomplete")
    return field.get_attribute("value")


def run_active_query(driver: WebDriver) -> None:
    """Press the run button of the active tab and wait for the table (or an error) to appear."""
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait_for(
        lambda: driver.execute_script(
            "const p = document.querySelector('.tabPanel.active');"
            "return !!(p.querySelector('.yasr table.dataTable tbody tr')"
            " || p.querySelector('.yasr .errorResult'))"
        ),
        "query results",
        timeout=60,
    )


def choose_query(queries: list[Any]) -> Any:
    """CQ05 if it exists, else the first named query."""
    for q in queries:
        if q.name.lower().startswith("cq05"):
            return q
    return queries[0]


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def named_queries() -> list[Any]:
    """The named queries the server offers (same checkout, read in-process)."""
    from plankg.kb.queries import list_queries

    queries = list_queries()
    assert queries, "queries/ holds no .rq files"
    return queries


@pytest.fixture
def workbench(browser: WebDriver, live_server: str) -> Iterator[str]:
    """The workbench page loaded in the browser; yields the server's base URL."""
    url = base(live_server)
    fresh_workbench(browser, url)
    yield url


# ---- tests ---------------------------------------------------------------------------------


def test_page_loads_yasgui_without_errors(browser: WebDriver, workbench: str) -> None:
    assert browser.title == "plankg SPARQL workbench"
    assert browser.execute_script("return typeof window.Yasgui") == "function"
    assert browser.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList a[role=tab]")
    assert browser.find_element(By.ID, "library-filter").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "plankg SPARQL workbench"
    links = {
        a.get_attribute("id"): urllib.parse.urlsplit(a.get_attribute("href")).path
        for a in browser.find_elements(By.CSS_SELECTOR, "header nav a")
    }
    assert links == {"link-sparql": "/sparql"}  # the endpoint's own link; the site's are in the bar
    site = {urllib.parse.urlsplit(a.get_attribute("href")).path
            for a in browser.find_elements(By.CSS_SELECTOR, ".sitebar nav a")}
    assert {"/api/", "/dumps/", "/report", "/plans", "/search", "/ontology", "/api/docs"} <= site
    assert console_errors(browser) == []


def test_library_offers_every_example_and_opens_it_as_a_tab_titled_by_summary(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    # A fresh workbench has the starter tab only; every named query is in the library.
    assert list(tab_titles(browser).values()) == ["Query"]
    offered = browser.execute_script(
        "return [...document.querySelectorAll('#library button.library-query')]"
        ".map(b => [b.dataset.tab, b.querySelector('.summary').textContent, b.querySelector('code').textContent])"
    )
    assert sorted(offered) == sorted([tab_id_of(q), q.summary, q.name] for q in named_queries)
    for q in (named_queries[0], named_queries[-1]):
        open_example(browser, q)
        assert tab_titles(browser)[tab_id_of(q)] == q.summary
        assert browser.execute_script(
            "return window.plankgWorkbench.yasgui.getTab().getQuery()") == q.text
    assert len(tab_titles(browser)) == 3


def test_running_an_example_shows_its_rows(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    query = choose_query(named_queries)
    variables, expected = expected_rows(sparql_json(workbench + "sparql", query.text))
    assert expected, f"{query.name} returns no rows on the served graph"

    open_example(browser, query)
    wait_for(lambda: tab_id_of(query) in active_tab_id(browser), "the example tab to open")
    assert (
        browser.execute_script("return window.plankgWorkbench.yasgui.getTab().getQuery()")
        == query.text
    )
    show_all_rows(browser)
    run_active_query(browser)
    show_all_rows(browser)

    assert table_header(browser) == variables
    shown = wait_for(
        lambda: len(table_rows(browser)) == len(expected) and table_rows(browser),
        f"{len(expected)} rows",
    )
    assert unmatched_rows(expected, shown) == []
    download = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr_downloadIcon")
    assert download.is_displayed()
    if query.name.lower().startswith("cq05"):
        assert any("1200" in cell for row in shown for cell in row)
    assert console_errors(browser) == []


def test_chinese_text_is_intact_in_the_table(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    query, chinese = first_query_with_chinese(workbench + "sparql", named_queries)
    open_example(browser, query)
    show_all_rows(browser)
    run_active_query(browser)
    shown = "\n".join("\t".join(row) for row in table_rows(browser))
    assert chinese in shown
    family = browser.execute_script(
        "const td = document.querySelector('.tabPanel.active .yasr table td');"
        "return getComputedStyle(td).fontFamily"
    )
    assert "Noto Sans CJK SC" in family
    # The font is really there (Debian fonts-noto-cjk), so the glyphs are not drawn as boxes.
    assert browser.execute_script(
        "return document.fonts.check('16px \"Noto Sans CJK SC\"', arguments[0])", chinese
    )


def test_new_tab_queries_this_server(browser: WebDriver, workbench: str) -> None:
    endpoint = workbench + "sparql"
    assert active_endpoint(browser) == endpoint
    before = set(tab_titles(browser))
    browser.find_element(By.CSS_SELECTOR, ".yasgui button.addTab").click()
    wait_for(lambda: set(tab_titles(browser)) - before, "a new tab")
    new_id = (set(tab_titles(browser)) - before).pop()
    assert active_tab_id(browser) == new_id
    assert active_endpoint(browser) == endpoint
    shown_endpoint = browser.execute_script(
        "return window.plankgWorkbench.yasgui.getTab().getEndpoint()"
    )
    assert shown_endpoint == endpoint
    run_active_query(browser)  # the starter query runs against this server
    assert table_rows(browser)


def test_prefix_completion_offers_plan(browser: WebDriver, workbench: str) -> None:
    browser.execute_script(
        "const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
        "cm.setValue('PREFIX pla'); cm.setCursor({line: 0, ch: 10}); cm.focus();"
    )
    ActionChains(browser).send_keys("n").perform()
    hints = wait_for(
        lambda: browser.execute_script(
            "return Array.from(document.querySelectorAll('.CodeMirror-hint')).map(h => h.innerText)"
        ),
        "prefix hints",
    )
    assert "plan: <https://w3id.org/plankg/ontology#>" in hints


def test_page_talks_to_this_server_only(
    browser: WebDriver, live_server: str, named_queries: list[Any]
) -> None:
    url = base(live_server)
    fresh_workbench(browser, url)
    pattern = re.compile(r"^/workbench/static/(vendor/yasgui-[\d.]+/yasgui\.min\.(js|css)|workbench\.js)$")
    assets = browser.execute_script(
        "return [...document.querySelectorAll('script[src]')].map(s => s.getAttribute('src'))"
        ".concat([...document.querySelectorAll('link[rel=stylesheet]')]"
        ".map(l => l.getAttribute('href')))"
    )
    assert len(assets) == 3 and all(pattern.match(a) for a in assets), assets

    open_example(browser, named_queries[0])
    run_active_query(browser)
    browser.execute_script(
        "const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
        "cm.setValue('PREFIX fo'); cm.setCursor({line: 0, ch: 9}); cm.focus();"
    )
    ActionChains(browser).send_keys("a").perform()
    urls = requested_urls(browser)
    assert any(u.startswith(url + "sparql") for u in urls)
    assert foreign_urls(urls, url) == []


def test_vendored_yasgui_is_complete() -> None:
    from plankg.web.workbench import YASGUI_FILES, yasgui_version

    folder = SERVICE / "static" / "vendor" / f"yasgui-{yasgui_version()}"
    assert sorted(p.name for p in folder.iterdir()) == sorted(YASGUI_FILES)
    assert "MIT License" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "sourceMappingURL" not in (folder / "yasgui.min.js").read_text(encoding="utf-8")


def test_service_description_link_gives_turtle(browser: WebDriver, workbench: str) -> None:
    href = browser.find_element(By.ID, "link-sparql").get_attribute("href")
    with urllib.request.urlopen(href, timeout=30) as resp:
        assert resp.headers.get_content_type() == "text/turtle"
        body = resp.read().decode("utf-8")
    assert "http://www.w3.org/ns/sparql-service-description#" in body
    assert workbench + "sparql" in body


def test_get_sparql_from_a_browser_is_the_workbench(browser: WebDriver, live_server: str) -> None:
    fresh_workbench(browser, base(live_server))
    load_workbench(browser, base(live_server) + "sparql")
    assert browser.title == "plankg SPARQL workbench"
    assert active_endpoint(browser) == base(live_server) + "sparql"
    assert console_errors(browser) == []


# ---- page helpers used above ---------------------------------------------------------------


def tab_id_of(query: Any) -> str:
    """The YASGUI tab id the workbench gives a named query."""
    from plankg.web.workbench import tab_id

    return tab_id(query.name)


def open_example(driver: WebDriver, query: Any) -> None:
    """Click a named query in the library (opens its tab, or switches to it)."""
    button = driver.find_element(By.ID, f"lib-{tab_id_of(query)}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_for(lambda: active_tab_id(driver) == tab_id_of(query), f"the tab of {query.name}")


def active_tab_id(driver: WebDriver) -> str:
    """Id of the tab YASGUI shows."""
    return driver.execute_script("return window.plankgWorkbench.yasgui.getTab().getId()")


def show_all_rows(driver: WebDriver) -> None:
    """Switch the table's page size to 'All' (the default page shows 50 rows)."""
    driver.execute_script(
        "const s = document.querySelector('.tabPanel.active .yasr select.tableSizer');"
        "if (s && s.value !== '-1') { s.value = '-1'; s.dispatchEvent(new Event('change')); }"
    )


def first_query_with_chinese(endpoint: str, queries: list[Any]) -> tuple[Any, str]:
    """The first named query whose results hold Chinese text, and one such literal."""
    for q in sorted(queries, key=lambda q: q is not choose_query(queries)):
        for binding in sparql_json(endpoint, q.text)["results"]["bindings"]:
            for term in binding.values():
                if term["type"] != "uri" and CJK.search(term["value"]):
                    return q, term["value"]
    pytest.fail("no named query returns Chinese text")
