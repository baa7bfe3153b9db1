"""The workbench's parameter form (issue 11): a named query with parameters shows its summary and
a field per parameter prefilled with its example; binding runs the query with the value written in,
and a value of the wrong shape is named."""

from __future__ import annotations

import pytest
from browser import chromium_session, open_page, wait_for  # noqa: F401
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from plankg.kb.queries import load_query

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def open_example(browser: WebDriver, name: str) -> None:
    Select(browser.find_element(By.ID, "examples")).select_by_value(f"q-{name}")
    wait_for(lambda: browser.find_element(By.ID, "params").is_displayed(), "the parameter form")


def test_parameter_form_binds_and_runs(browser: WebDriver, live_server: str) -> None:
    open_page(browser, live_server)
    wait_for(lambda: browser.execute_script("return !!window.plankgWorkbench"), "YASGUI to draw")
    if not browser.find_elements(By.CSS_SELECTOR, "#examples option[value='q-responsibility-chain']"):
        pytest.fail("the examples menu has no responsibility-chain")
    open_example(browser, "responsibility-chain")
    query = load_query("responsibility-chain")
    assert query.summary in browser.find_element(By.ID, "params-about").text
    field = browser.find_element(By.CSS_SELECTOR, "#params-fields input[name=number]")
    assert field.get_attribute("value") == str(query.example["number"])
    field.clear()
    field.send_keys("abc")
    browser.find_element(By.ID, "params-run").click()
    wait_for(lambda: "is an integer" in browser.find_element(By.ID, "params-error").text, "the error")
    field.clear()
    field.send_keys("1")
    browser.find_element(By.ID, "params-run").click()
    wait_for(lambda: "VALUES (?number)" in browser.execute_script(
        "return window.plankgWorkbench.yasgui.getTab().getYasqe().getValue()"), "the bound query")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody tr"),
             "results", timeout=60)
    text = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable").text
    assert "安全信访科" in text  # item 1's chain
