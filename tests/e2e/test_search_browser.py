"""/search in headless Chromium: type a word, get ranked hits with <mark>, follow one; no errors."""

from __future__ import annotations

import pytest
from browser import (
    console_errors,
    foreign_urls,
    open_page,
    requested_urls,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture()
def search_page(browser: WebDriver, live_server: str) -> str:
    url = live_server.rstrip("/") + "/search"
    open_page(browser, url)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "form.search input[name=q]"), "the search form")
    return url


def test_typing_a_word_shows_marked_hits(browser: WebDriver, search_page: str, live_server: str) -> None:
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.send_keys("食堂", Keys.ENTER)
    hits = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "ol.hits li.hit"), "the hits")
    assert "q=%E9%A3%9F%E5%A0%82" in browser.current_url
    marks = hits[0].find_elements(By.TAG_NAME, "mark")
    assert marks and all(m.text == "食堂" for m in marks)
    assert marks[0].is_displayed()
    assert "item 39.4" in hits[0].text and "[6412,6431)" in hits[0].text
    assert "hits" in browser.find_element(By.ID, "summary").text
    assert not console_errors(browser)
    assert not foreign_urls(requested_urls(browser), live_server)
    assert not browser.find_elements(By.TAG_NAME, "script")


def test_filters_narrow_the_hits(browser: WebDriver, search_page: str) -> None:
    browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]").send_keys("食堂")
    browser.find_element(By.CSS_SELECTOR, "form.search input[name=pillar]").send_keys("3")
    Select(browser.find_element(By.CSS_SELECTOR, "form.search select[name=plan]")).select_by_value("luzhou-2014")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    hits = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "ol.hits li.hit"), "the filtered hits")
    assert all("pillar 3" in h.text for h in hits)
    assert not any("item 39" in h.text for h in hits)
    assert not console_errors(browser)


def test_a_hit_links_to_its_page(browser: WebDriver, search_page: str) -> None:
    browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]").send_keys("食堂", Keys.ENTER)
    link = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "ol.hits li.hit .iri a"), "a hit's link")[0]
    target = link.get_attribute("href")
    link.click()
    wait_for(lambda: browser.current_url == target, "the hit's page")
    assert "/id/plan/luzhou-2014/item/39/task/4" in browser.current_url
    assert "食堂" in browser.find_element(By.TAG_NAME, "body").text
    assert not console_errors(browser)


def test_nav_has_search(browser: WebDriver, live_server: str) -> None:
    open_page(browser, live_server.rstrip("/") + "/dumps/")
    link = browser.find_element(By.LINK_TEXT, "Search 搜索")
    link.click()
    wait_for(lambda: browser.current_url.endswith("/search"), "the search page")
    assert not console_errors(browser)
