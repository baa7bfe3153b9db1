"""Every kind of page works in Chromium under the service's Content-Security-Policy: no
violation in the console, and the interactive parts (the workbench's run button) still work."""

from __future__ import annotations

import pytest
from browser import (
    open_page,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAGES = ["", "report", "id/plan/luzhou-2014/item/1", "ontology", "dumps/", "id/nothing-here",
         ".well-known/void"]


def csp_messages(browser: WebDriver) -> list[str]:
    """Console messages about the Content-Security-Policy since the last page load."""
    return [e["message"] for e in browser.get_log("browser")
            if "Content Security Policy" in e["message"] or "Content-Security-Policy" in e["message"]]


@pytest.mark.parametrize("page", PAGES)
def test_pages_load_without_csp_violations(browser: WebDriver, live_server: str, page: str) -> None:
    open_page(browser, live_server.rstrip("/") + "/" + page)
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete", "the page")
    assert csp_messages(browser) == []


def test_workbench_runs_a_query_under_the_policy(browser: WebDriver, live_server: str) -> None:
    open_page(browser, live_server)
    wait_for(lambda: browser.execute_script(
        "return !!(window.plankgWorkbench && document.querySelector('.tabPanel.active .CodeMirror'))"),
        "YASGUI to draw")
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait_for(lambda: browser.execute_script(
        "return !!document.querySelector('.tabPanel.active .yasr table.dataTable tbody tr')"),
        "query results", timeout=60)
    assert csp_messages(browser) == []
