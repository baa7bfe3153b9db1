"""The compare view in Chromium: choose two plans in the form, see what changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import console_errors, open_page, wait_for
from conftest import start_server, stop_server
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture(scope="module")
def corpus_server(corpus_dir: Path) -> Iterator[str]:
    proc, url = start_server(corpus_dir)
    try:
        yield url
    finally:
        stop_server(proc)


def test_choose_two_plans_and_compare(browser: WebDriver, corpus_server: str) -> None:
    open_page(browser, corpus_server + "compare")
    Select(browser.find_element(By.NAME, "a")).select_by_value("luzhou-2014")
    Select(browser.find_element(By.NAME, "b")).select_by_value("yibin-2015")
    browser.find_element(By.NAME, "changes").click()
    browser.find_element(By.CSS_SELECTOR, "form.compare button").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#targets tbody tr"), "the comparison")
    rows = browser.find_elements(By.CSS_SELECTOR, "#targets tbody tr")
    assert rows and not browser.find_elements(By.CSS_SELECTOR, "tr.change-same")  # changes only
    assert any("only in A" in r.text for r in rows) and any("only in B" in r.text for r in rows)
    assert "a=luzhou-2014" in browser.current_url and "b=yibin-2015" in browser.current_url
    assert console_errors(browser) == []
