"""The workbench's library of named queries, its kept tabs and its error view (issue 11), in
headless Chromium against the live server.

- the library groups the named queries by the tags of their header and filters them as one types;
- a click opens a query in a new tab (or switches to it), with its parameter form;
- the tabs, and the query text in each, survive a reload (YASGUI's persistence);
- a failed query shows the server's message, the query line with a caret under the column, and,
  for an undeclared prefix, its namespace and a button that declares it and runs the query;
  text from the server is shown as text, never as markup.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from browser import (  # noqa: F401  (forget_tabs: autouse)
    base,
    console_errors,
    forget_tabs,
    fresh_workbench,
    load_workbench,
    open_page,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from plankg.config import ONTOLOGY_NS

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

UNDECLARED = (
    "SELECT ?item WHERE {\n"
    "  ?item a plan:WorkItem ;\n"
    "        plan:number 19 .\n"
    "}\n"
)
# The error line carries markup and CJK text before the column; the prefix xyz: has no known namespace.
HOSTILE = (
    "SELECT ?x WHERE {\n"
    "  ?x <http://example.org/p> \"<b id='injected'>粗体</b>\" , xyz:thing .\n"
    "}\n"
)


# ---- helpers -------------------------------------------------------------------------------


def tab_titles(driver: WebDriver) -> dict[str, str]:
    """YASGUI tab id -> the title shown on the tab, in tab order."""
    return dict(driver.execute_script(
        "return [...document.querySelectorAll('.yasgui .tabsList a[role=tab]')]"
        ".map(a => [a.id.replace(/^tab-/, ''), a.querySelector('span').textContent])"))


def active_tab_id(driver: WebDriver) -> str:
    return driver.execute_script("return window.plankgWorkbench.yasgui.getTab().getId()")


def active_query(driver: WebDriver) -> str:
    """The text of the active tab's editor."""
    return driver.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")


def set_active_query(driver: WebDriver, text: str) -> None:
    """Type-free edit of the active editor (CodeMirror's own change, no blur)."""
    driver.execute_script(
        "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.setValue(arguments[0])", text)


def shown_library(driver: WebDriver) -> list[str]:
    """Tab ids of the library entries the user can see (in a shown group, not filtered out)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#library button.library-query')]"
        ".filter(b => b.offsetParent !== null).map(b => b.dataset.tab)")


def shown_groups(driver: WebDriver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#library details.library-group')]"
        ".filter(d => !d.hidden && d.offsetParent !== null).map(d => d.dataset.group)")


def matching(queries: list[Any], typed: str) -> list[str]:
    """Tab ids of the queries whose name, summary or tags hold every word typed (the spec)."""
    from plankg.web.workbench import tab_id

    words = typed.lower().split()
    return [tab_id(q.name) for q in queries
            if all(w in " ".join([q.name, q.summary, *q.tags]).lower() for w in words)]


def server_error(endpoint: str, query: str) -> dict[str, Any]:
    """The JSON error body the endpoint answers `query` with (it must fail)."""
    req = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"})
    try:
        urllib.request.urlopen(req, timeout=60)
    except urllib.error.HTTPError as exc:
        return json.loads(exc.read().decode("utf-8"))
    pytest.fail("the query did not fail")


def position(message: str) -> tuple[int, int]:
    m = re.match(r"line (\d+), column (\d+): ", message)
    assert m, message
    return int(m.group(1)), int(m.group(2))


def click_entry(driver: WebDriver, tab: str) -> None:
    """Click a library entry as a user does: scrolled into the middle of the list first (the
    list's head, with the filter, stays on top of what scrolls under it)."""
    button = driver.find_element(By.ID, f"lib-{tab}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def page_errors(driver: WebDriver) -> list[dict[str, Any]]:
    """Console errors other than the failed /sparql requests a test makes on purpose."""
    return [e for e in console_errors(driver)
            if not (e.get("source") == "network" and "/sparql - " in e.get("message", "")
                    and "status of 400" in e.get("message", ""))]


def error_message(driver: WebDriver) -> str:
    """The message of the active tab's error view ('' while there is none)."""
    return driver.execute_script(
        "const m = document.querySelector('.tabPanel.active .plankg-error .plankg-error-message');"
        "return m ? m.textContent : ''")


def run_active(driver: WebDriver) -> None:
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()


def wait_for_error_view(driver: WebDriver) -> Any:
    return wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr .plankg-error"),
                    "the error view", timeout=60)[0]


def caret_offset_px(driver: WebDriver, column: int) -> float:
    """Horizontal distance between the caret and the start of the `column`th character of the
    excerpt's source line (after the line's end when the column is one past it)."""
    return driver.execute_script(
        "const box = document.querySelector('.tabPanel.active .plankg-error');"
        "const src = box.querySelector('.plankg-error-source').firstChild;"
        "const caret = box.querySelector('.plankg-error-caret').getBoundingClientRect();"
        "const chars = Array.from(src.data); const col = arguments[0];"
        "const r = document.createRange();"
        "const before = chars.slice(0, col - 1).join('').length;"
        "let x;"
        "if (col - 1 < chars.length) { r.setStart(src, before); r.setEnd(src, before + chars[col - 1].length);"
        "  x = r.getBoundingClientRect().left; }"
        "else { r.setStart(src, 0); r.setEnd(src, src.data.length); x = r.getBoundingClientRect().right; }"
        "return caret.left - x;", column)


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def named_queries() -> list[Any]:
    from plankg.kb.queries import list_queries

    return list(list_queries())


@pytest.fixture
def workbench(browser: WebDriver, live_server: str) -> str:
    url = base(live_server)
    fresh_workbench(browser, url)
    return url


# ---- the library ---------------------------------------------------------------------------


def test_library_groups_queries_by_header_tags(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    from plankg.web.workbench import GROUPS, query_group, tab_id

    expected: dict[str, list[str]] = {}
    for q in named_queries:
        expected.setdefault(query_group(q.tags), []).append(tab_id(q.name))
    order = [key for key, _, _ in GROUPS if key in expected]
    assert shown_groups(browser) == order
    # The competency questions are one group, the report queries another (from their tags).
    assert sorted(expected["competency"]) == sorted(tab_id(q.name) for q in named_queries
                                                    if "competency" in q.tags)
    assert {tab_id(q.name) for q in named_queries if q.name.startswith("report-")} <= set(expected["report"])
    for key, ids in expected.items():
        shown = browser.execute_script(
            "return [...document.querySelectorAll(`#group-${arguments[0]} button.library-query`)]"
            ".map(b => b.dataset.tab)", key)
        assert shown == ids, key
        heading = browser.find_element(By.CSS_SELECTOR, f"#group-{key} > summary").text
        assert f"({len(ids)})" in heading
    assert len(shown_library(browser)) == len(named_queries)


def test_filter_narrows_the_library_as_one_types(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    box = browser.find_element(By.ID, "library-filter")
    everything = shown_library(browser)
    assert len(everything) == len(named_queries)
    typed = ""
    for chunk in ("tr", "ace", "-h"):  # the list follows each keystroke, no submit
        box.send_keys(chunk)
        typed += chunk
        want = matching(named_queries, typed)
        assert 0 < len(want) < len(named_queries), typed
        wait_for(lambda want=want: sorted(shown_library(browser)) == sorted(want), f"the entries matching {typed!r}")
    assert "trace-holder" in " ".join(shown_library(browser))
    assert "competency" not in shown_groups(browser)  # a group with no match is hidden
    total = len(browser.find_elements(By.CSS_SELECTOR, "#group-accountability li"))
    hits = len([t for t in shown_library(browser) if browser.find_elements(
        By.CSS_SELECTOR, f"#group-accountability #lib-{t}")])
    assert 0 < hits < total
    assert f"({hits}/{total})" in browser.find_element(By.CSS_SELECTOR, "#group-accountability > summary").text
    status = browser.find_element(By.ID, "library-status").text
    assert status.startswith(f"{len(shown_library(browser))} of {len(named_queries)}")

    # Summaries are searched too (Chinese included), and every word must match.
    box.clear()
    box.send_keys("一岗双责")
    want = matching(named_queries, "一岗双责")
    assert "q-dual-duties" in want
    wait_for(lambda: sorted(shown_library(browser)) == sorted(want), "the entries mentioning 一岗双责")
    box.send_keys(" chain")
    want = matching(named_queries, "一岗双责 chain")
    wait_for(lambda: sorted(shown_library(browser)) == sorted(want), "both words")
    assert len(want) < len(matching(named_queries, "一岗双责"))

    box.clear()
    box.send_keys("no-such-query-zz")
    wait_for(lambda: shown_library(browser) == [], "an empty library")
    assert shown_groups(browser) == []
    assert "No named query matches" in browser.find_element(By.ID, "library-status").text
    box.send_keys(Keys.ESCAPE)  # Escape clears the filter
    wait_for(lambda: shown_library(browser) == everything, "the whole library again")


def test_click_opens_a_new_tab_on_demand_and_switches_to_an_open_one(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    from plankg.kb.queries import load_query

    assert list(tab_titles(browser)) and not [t for t in tab_titles(browser) if t.startswith("q-")]
    cq05, chain = load_query("cq05"), load_query("responsibility-chain")
    box = browser.find_element(By.ID, "library-filter")
    box.send_keys("cq05")
    wait_for(lambda: shown_library(browser) == ["q-cq05"], "cq05 alone")
    click_entry(browser, "q-cq05")
    wait_for(lambda: active_tab_id(browser) == "q-cq05", "the cq05 tab")
    assert tab_titles(browser)["q-cq05"] == cq05.summary
    assert active_query(browser) == cq05.text
    assert "is-active" in browser.find_element(By.ID, "lib-q-cq05").get_attribute("class")
    assert not browser.find_element(By.ID, "params").is_displayed()  # cq05 has no parameters

    box.clear()
    box.send_keys(Keys.ESCAPE)
    click_entry(browser, "q-responsibility-chain")
    wait_for(lambda: active_tab_id(browser) == "q-responsibility-chain", "the chain tab")
    wait_for(lambda: browser.find_element(By.ID, "params").is_displayed(), "its parameter form")
    assert chain.summary in browser.find_element(By.ID, "params-about").text
    assert active_query(browser) == chain.text
    classes = browser.find_element(By.ID, "lib-q-cq05").get_attribute("class")
    assert "is-open" in classes and "is-active" not in classes
    count = len(tab_titles(browser))

    click_entry(browser, "q-cq05")  # open already: switch, no second tab
    wait_for(lambda: active_tab_id(browser) == "q-cq05", "the cq05 tab again")
    assert len(tab_titles(browser)) == count
    assert list(tab_titles(browser)).count("q-cq05") == 1
    wait_for(lambda: not browser.find_element(By.ID, "params").is_displayed(), "the form to go")
    # Enter in the filter opens the first query shown.
    box.send_keys("gaps-targets")
    wait_for(lambda: shown_library(browser) == ["q-gaps-targets-without-deadline"], "one gap query")
    box.send_keys(Keys.ENTER)
    wait_for(lambda: active_tab_id(browser) == "q-gaps-targets-without-deadline", "the gap tab")
    assert len(tab_titles(browser)) == count + 1
    # A closed tab loses its mark, and a click opens the query afresh.
    browser.execute_script("window.plankgWorkbench.yasgui.getTab('q-cq05').close()")
    wait_for(lambda: "q-cq05" not in tab_titles(browser), "the cq05 tab to close")
    wait_for(lambda: "is-open" not in browser.find_element(By.ID, "lib-q-cq05").get_attribute("class"),
             "its mark to go")
    box.send_keys(Keys.ESCAPE)
    click_entry(browser, "q-cq05")
    wait_for(lambda: active_tab_id(browser) == "q-cq05", "cq05 re-opened")
    assert active_query(browser) == cq05.text and len(tab_titles(browser)) == count + 1
    assert console_errors(browser) == []


# ---- kept tabs -----------------------------------------------------------------------------


def test_tabs_and_their_queries_survive_a_reload(
    browser: WebDriver, workbench: str, named_queries: list[Any]
) -> None:
    from plankg.kb.queries import load_query

    click_entry(browser, "q-cq05")
    wait_for(lambda: active_tab_id(browser) == "q-cq05", "the cq05 tab")
    click_entry(browser, "q-responsibility-chain")
    wait_for(lambda: active_tab_id(browser) == "q-responsibility-chain", "the chain tab")
    before = set(tab_titles(browser))
    browser.find_element(By.CSS_SELECTOR, ".yasgui button.addTab").click()
    wait_for(lambda: set(tab_titles(browser)) - before, "a new tab")
    mine = (set(tab_titles(browser)) - before).pop()
    wait_for(lambda: active_tab_id(browser) == mine, "the new tab to be shown")
    edited = "# kept across reloads 保留\nSELECT ?kept WHERE { ?kept ?p ?o } LIMIT 2\n"
    set_active_query(browser, edited)  # no blur, no run: the page saves it when it goes away
    titles = tab_titles(browser)
    assert len(titles) == 4

    load_workbench(browser, workbench)  # a reload
    assert tab_titles(browser) == titles
    assert active_tab_id(browser) == mine
    assert active_query(browser) == edited
    browser.find_element(By.ID, "tab-q-cq05").click()
    wait_for(lambda: active_tab_id(browser) == "q-cq05", "the kept cq05 tab")
    wait_for(lambda: active_query(browser) == load_query("cq05").text, "cq05's text")
    for name in ("q-cq05", "q-responsibility-chain"):
        assert "is-open" in browser.find_element(By.ID, f"lib-{name}").get_attribute("class")
    # A kept tab still asks this server, and its query runs.
    assert browser.execute_script("return window.plankgWorkbench.yasgui.getTab().getEndpoint()") \
        == workbench + "sparql"
    run_active(browser)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody tr"),
             "cq05's rows", timeout=60)


# ---- errors --------------------------------------------------------------------------------


def test_undeclared_prefix_error_is_formatted_and_the_prefix_can_be_inserted(
    browser: WebDriver, workbench: str
) -> None:
    body = server_error(workbench + "sparql", UNDECLARED)
    line, column = position(body["error"])
    source = UNDECLARED.splitlines()[line - 1]
    assert "plan:" in source

    set_active_query(browser, UNDECLARED)
    run_active(browser)
    view = wait_for_error_view(browser)
    assert "Query syntax error" in view.find_element(By.CSS_SELECTOR, ".plankg-error-title").text
    assert "400" in view.find_element(By.CSS_SELECTOR, ".plankg-error-title").text
    message = view.find_element(By.CSS_SELECTOR, ".plankg-error-message").text
    assert message.startswith("the prefix plan: is not declared")
    assert view.find_element(By.CSS_SELECTOR, ".plankg-error-where").text == f"line {line}, column {column}"
    excerpt = browser.execute_script(
        "const pre = document.querySelector('.tabPanel.active .plankg-error-excerpt');"
        "return [pre.querySelector('.plankg-error-source').textContent,"
        "        pre.querySelector('.plankg-error-pad').textContent,"
        "        pre.querySelector('.plankg-error-caret').textContent]")
    assert excerpt == [source, source[:column - 1], "^"]
    assert abs(caret_offset_px(browser, column)) < 1.5  # drawn under the column
    assert '{"error"' not in view.text  # not the raw body
    assert view.find_element(By.CSS_SELECTOR, ".plankg-error-namespace").text == ONTOLOGY_NS

    button = view.find_element(By.CSS_SELECTOR, "button.plankg-insert-prefix")
    assert f"PREFIX plan: <{ONTOLOGY_NS}>" in button.text
    button.click()
    wait_for(lambda: active_query(browser).startswith(f"PREFIX plan: <{ONTOLOGY_NS}>\n"), "the declaration")
    assert active_query(browser) == f"PREFIX plan: <{ONTOLOGY_NS}>\n" + UNDECLARED
    rows = wait_for(lambda: browser.find_elements(
        By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody tr"), "the query's rows", timeout=60)
    links = [a.get_attribute("href") for a in rows[0].find_elements(By.CSS_SELECTOR, "a")]
    assert len(rows) == 1 and any(h.endswith("/item/19") for h in links), links
    assert not browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .plankg-error")
    assert page_errors(browser) == []


def test_error_text_is_shown_as_text_and_a_plain_syntax_error_has_no_prefix_button(
    browser: WebDriver, workbench: str
) -> None:
    body = server_error(workbench + "sparql", HOSTILE)
    line, column = position(body["error"])
    source = HOSTILE.splitlines()[line - 1]
    set_active_query(browser, HOSTILE)
    run_active(browser)
    view = wait_for_error_view(browser)
    assert browser.execute_script("return document.getElementById('injected')") is None
    shown = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .plankg-error-source").text
    assert shown == source and "<b id='injected'>粗体</b>" in shown
    # The CJK characters before the column are wider: the caret is still under the column.
    assert abs(caret_offset_px(browser, column)) < 1.5
    assert "xyz:" in view.find_element(By.CSS_SELECTOR, ".plankg-error-message").text
    # No namespace is known for xyz: the view says how to declare it, and offers no button.
    assert not view.find_elements(By.CSS_SELECTOR, "button.plankg-insert-prefix")
    assert "PREFIX xyz: <namespace IRI>" in view.find_element(By.CSS_SELECTOR, ".plankg-error-prefix").text

    broken = "SELECT ?i WHERE { ?i a  }"
    line, column = position(server_error(workbench + "sparql", broken)["error"])
    set_active_query(browser, broken)
    run_active(browser)
    wait_for(lambda: "expected" in error_message(browser), "the syntax error")
    view = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .plankg-error")
    assert view.find_element(By.CSS_SELECTOR, ".plankg-error-where").text == f"line {line}, column {column}"
    assert not view.find_elements(By.CSS_SELECTOR, "button.plankg-insert-prefix, .plankg-error-prefix")
    assert abs(caret_offset_px(browser, column)) < 1.5
