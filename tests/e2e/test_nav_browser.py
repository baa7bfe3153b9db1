"""One navigation bar on every page (issue 11), and workbench result cells that show their whole
text, in headless Chromium against a live server.

The bar (templates/_nav.html) is the same markup on the pages built on _base.html, the workbench
and the served report: the same links, in the same order, each answering 200; the report hides it
when printed. YASR's result table shows a long Chinese literal in full, wrapped, not cut to one line
with an ellipsis (its own "Ellipse" switch still does that on demand).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from browser import (
    base,
    console_errors,
    forget_kept_tabs,
    open_page,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# The bar's links, in order: (text, path under the server's root).
SITE_LINKS = [
    ("SPARQL workbench", "/"),
    ("Plans 规划", "/plans"),
    ("Ontology 本体", "/ontology"),
    ("Dumps 数据下载", "/dumps/"),
    ("API", "/api/"),
    ("API docs 接口文档", "/api/docs"),
    ("Report 报告", "/report"),
    ("Search 搜索", "/search"),
]
PAGES = ["", "report?plan=luzhou-2014", "plan/luzhou-2014/report", "search?q=食堂", "ontology", "api/docs",
         "dumps/", "plans", "id/plan/luzhou-2014/item/1"]

# The bar as a reader meets it: its markup, whether it shows, and each link's text, href and
# whether a click at its centre reaches it (nothing covers it).
BAR = """
const bar = document.querySelector('div.sitebar');
if (!bar) return null;
const shown = el => { const st = getComputedStyle(el), r = el.getBoundingClientRect();
  return st.display !== 'none' && st.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
window.scrollTo(0, 0);
const r = bar.getBoundingClientRect();
const links = [...bar.querySelectorAll('nav.site a')].map(a => {
  const b = a.getBoundingClientRect();
  const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
  return {text: a.textContent.trim(), href: a.getAttribute('href'), url: a.href, shown: shown(a),
          hit: !!hit && (hit === a || a.contains(hit))};
});
return {html: bar.outerHTML, shown: shown(bar), top: r.top, bottom: r.bottom, innerHeight: window.innerHeight,
        brand: bar.querySelector('a.brand') && bar.querySelector('a.brand').getAttribute('href'),
        inNav: !!bar.closest('nav, footer, main'), links};
"""


def open_and_read_bar(browser: WebDriver, url: str) -> dict[str, Any]:
    open_page(browser, url)
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete", f"{url} to load")
    bar = browser.execute_script(BAR)
    assert bar is not None, f"no navigation bar on {url}"
    return bar


@pytest.fixture(scope="module")
def bars(browser: WebDriver, live_server: str) -> dict[str, dict[str, Any]]:
    """The navigation bar of every page, as read in the browser."""
    found = {}
    for page in PAGES:
        found[page] = open_and_read_bar(browser, base(live_server) + page)
        found[page]["errors"] = console_errors(browser)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "workbench")
def test_every_page_has_the_bar_with_the_same_links(bars: dict[str, dict[str, Any]], page: str) -> None:
    bar = bars[page]
    assert bar["shown"], bar
    assert 0 <= bar["top"] < bar["bottom"] <= bar["innerHeight"]   # at the top of the page, in view
    assert not bar["inNav"]
    assert bar["brand"] == "/"
    assert [(link["text"], link["href"]) for link in bar["links"]] == SITE_LINKS
    for link in bar["links"]:
        assert link["shown"] and link["hit"], link
    assert bar["html"] == bars[""]["html"]   # the very same markup as the workbench's
    assert bar["errors"] == []               # nothing refused by the Content-Security-Policy


def test_every_link_of_the_bar_answers_200(bars: dict[str, dict[str, Any]], live_server: str) -> None:
    urls = {link["url"] for bar in bars.values() for link in bar["links"]}
    assert urls == {base(live_server).rstrip("/") + path for _, path in SITE_LINKS}
    for url in sorted(urls):
        req = urllib.request.Request(url, headers={"Accept": "text/html"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 200, url


def test_the_workbench_keeps_its_own_header(browser: WebDriver, live_server: str) -> None:
    open_page(browser, base(live_server))
    glance = browser.find_element(By.ID, "glance")
    assert glance.is_displayed() and "triples" in glance.text
    # the bar comes first, then the workbench's header with its title and the dataset at a glance
    order = browser.execute_script(
        "const bar = document.querySelector('div.sitebar'), head = document.querySelector('header.plankg');"
        "return !!(bar.compareDocumentPosition(head) & Node.DOCUMENT_POSITION_FOLLOWING) && !head.contains(bar);")
    assert order
    assert browser.find_element(By.CSS_SELECTOR, "header.plankg h1").text == "plankg SPARQL workbench"


def test_the_printed_report_has_no_bar(browser: WebDriver, live_server: str) -> None:
    open_page(browser, base(live_server) + "report?plan=luzhou-2014")
    bar = browser.find_element(By.CSS_SELECTOR, "div.sitebar")
    assert bar.is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not bar.is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "header.report h1").is_displayed()
        assert browser.find_element(By.CSS_SELECTOR, "article#item-26").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert bar.is_displayed()
    assert not browser.find_elements(By.TAG_NAME, "script")   # the report still runs no script


# ---- the workbench's result table: long Chinese cells in full ---------------------------------

ONT = "https://w3id.org/plankg/ontology#"
# The text of the task with the longest wording: a sentence or two of Chinese.
LONGEST_TEXT = (f"SELECT ?t WHERE {{ ?x a <{ONT}Task> ; <{ONT}text> ?t }} "
                "ORDER BY DESC(STRLEN(?t)) ?t LIMIT 1")

# The first result cell of the active tab: the literal as shown and how it fits its cell.
CELL = """
const span = document.querySelector('.tabPanel.active .yasr table.dataTable tbody td span.nonIri');
if (!span) return null;
const td = span.closest('td'), div = td.firstElementChild, table = td.closest('table');
const st = getComputedStyle(div), range = document.createRange();
range.selectNodeContents(span);
const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
const box = document.querySelector('.tabPanel.active .yasr').getBoundingClientRect();
return {text: span.textContent, innerText: span.innerText, sup: span.querySelectorAll('sup').length,
        td: [td.scrollWidth, td.clientWidth, td.scrollHeight, td.clientHeight],
        div: [div.scrollWidth, div.clientWidth, div.scrollHeight, div.clientHeight],
        textOverflow: st.textOverflow, overflowX: st.overflowX, whiteSpace: st.whiteSpace, lines,
        ellipsed: table.classList.contains('ellipseTable'),
        tableRight: table.getBoundingClientRect().right, yasrRight: box.right};
"""
ELLIPSE_SWITCH = """
const label = [...document.querySelectorAll('.tabPanel.active .yasr .tableControls label.switch')]
  .find(l => l.textContent.trim() === 'Ellipse');
return label ? label.querySelector('input[type=checkbox]') : null;
"""


def sparql_json(endpoint: str, query: str) -> dict[str, Any]:
    body = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(endpoint, data=body, headers={
        "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read().decode("utf-8"))


def first_cell(browser: WebDriver) -> dict[str, Any]:
    return wait_for(lambda: browser.execute_script(CELL), "the result table's first cell", timeout=60)


def assert_whole_text_shown(cell: dict[str, Any], literal: str) -> None:
    assert cell["text"] == literal and cell["innerText"] == " ".join(literal.split())
    assert not cell["ellipsed"]
    assert cell["textOverflow"] != "ellipsis" or cell["overflowX"] == "visible", cell
    td_scroll_w, td_client_w, td_scroll_h, td_client_h = cell["td"]
    div_scroll_w, div_client_w, div_scroll_h, div_client_h = cell["div"]
    assert td_scroll_w <= td_client_w and div_scroll_w <= div_client_w, cell
    assert td_scroll_h <= td_client_h and div_scroll_h <= div_client_h, cell
    assert cell["lines"] > 1, cell            # a long sentence wraps instead of running on
    assert cell["tableRight"] <= cell["yasrRight"] + 1, cell   # and the table fits the results pane


@pytest.fixture()
def clean_workbench(browser: WebDriver, live_server: str) -> Iterator[str]:
    """A workbench with no kept tabs before and after (YASGUI keeps tabs in localStorage)."""
    url = base(live_server)
    forget_kept_tabs(browser, url)
    yield url
    forget_kept_tabs(browser, url)


def test_long_chinese_cells_show_their_whole_text(browser: WebDriver, clean_workbench: str) -> None:
    url = clean_workbench
    results = sparql_json(url + "sparql", LONGEST_TEXT)
    term = results["results"]["bindings"][0]["t"]
    literal = term["value"]
    assert term["type"] == "literal" and "datatype" not in term and "xml:lang" not in term
    assert len(literal) > 60   # far wider than a column when on one line
    open_page(browser, url)
    wait_for(lambda: browser.execute_script(
        "return !!(window.plankgWorkbench && document.querySelector('.tabPanel.active .CodeMirror'))"),
        "YASGUI to draw")
    browser.execute_script("window.plankgWorkbench.yasgui.getTab().getYasqe().setValue(arguments[0])",
                           LONGEST_TEXT)
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    assert_whole_text_shown(first_cell(browser), literal)
    assert console_errors(browser) == []

    # YASR's own switch still cuts the cells to one line on demand (and the measure above sees it) ...
    switch = browser.execute_script(ELLIPSE_SWITCH)
    assert switch is not None and not switch.is_selected()
    browser.execute_script("arguments[0].click()", switch)
    cut = wait_for(lambda: (c := browser.execute_script(CELL)) and c["ellipsed"] and c, "the ellipsed table")
    assert cut["textOverflow"] == "ellipsis" and cut["div"][0] > cut["div"][1], cut
    # ... and switched off again shows the whole text
    browser.execute_script("arguments[0].click()", browser.execute_script(ELLIPSE_SWITCH))
    wait_for(lambda: (c := browser.execute_script(CELL)) and not c["ellipsed"], "the whole text again")
    assert_whole_text_shown(browser.execute_script(CELL), literal)
