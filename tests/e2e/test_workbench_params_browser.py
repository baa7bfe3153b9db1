"""The workbench's parameter form (issue 11): a named query with parameters shows its summary and
a field per parameter prefilled with its example; binding runs the query with the value written in,
and a value of the wrong shape is named."""

from __future__ import annotations

import pytest
from browser import forget_kept_tabs, open_page, wait_for
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from plankg.kb.queries import load_query

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def open_example(browser: WebDriver, name: str) -> None:
    button = browser.find_element(By.ID, f"lib-q-{name}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait_for(lambda: browser.find_element(By.ID, "params").is_displayed(), "the parameter form")


def test_parameter_form_binds_and_runs(browser: WebDriver, live_server: str) -> None:
    forget_kept_tabs(browser, live_server)  # no kept tab (nor its old results) from earlier tests
    open_page(browser, live_server)
    wait_for(lambda: browser.execute_script("return !!window.plankgWorkbench"), "YASGUI to draw")
    if not browser.find_elements(By.ID, "lib-q-responsibility-chain"):
        pytest.fail("the library has no responsibility-chain")
    assert not browser.find_element(By.ID, "params").is_displayed()  # the starter tab has none
    open_example(browser, "responsibility-chain")
    assert browser.execute_script("return window.plankgWorkbench.yasgui.getTab().getId()") \
        == "q-responsibility-chain"
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
