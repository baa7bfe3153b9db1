"""The workbench's header (the dataset at a glance, links) and result IRIs that link to this
server's own pages (issue 11)."""

from __future__ import annotations

import pytest
from browser import forget_kept_tabs, open_page, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

QUERY = ("SELECT ?item WHERE { ?item a <https://w3id.org/plankg/ontology#WorkItem> ; "
         "<https://w3id.org/plankg/ontology#number> 19 }")


def test_header_and_local_result_links(browser: WebDriver, live_server: str) -> None:
    forget_kept_tabs(browser, live_server)  # no kept tab (nor its old results) from earlier tests
    open_page(browser, live_server)
    wait_for(lambda: browser.execute_script(
        "return !!(window.plankgWorkbench && document.querySelector('.tabPanel.active .CodeMirror'))"),
        "YASGUI to draw")
    glance = browser.find_element(By.ID, "glance").text
    assert "1 plan" in glance and "triples" in glance and "built" in glance
    bar = browser.find_elements(By.CSS_SELECTOR, ".sitebar nav a")
    assert len(bar) >= 8 and all(a.get_attribute("href").startswith(live_server.rstrip("/")) for a in bar)
    assert browser.find_element(By.ID, "link-sparql").get_attribute("href").startswith(live_server.rstrip("/"))
    browser.execute_script("window.plankgWorkbench.yasgui.getTab().getYasqe().setValue(arguments[0])", QUERY)
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody a"),
             "a result link", timeout=60)
    hrefs = [a.get_attribute("href") for a in
             browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody a")]
    assert hrefs and all(h.startswith(live_server.rstrip("/") + "/id/plan/luzhou-2014/item/19") for h in hrefs), hrefs
