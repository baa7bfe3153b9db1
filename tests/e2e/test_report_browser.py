"""The audit report at /report in headless Chromium: timeline, pillars, links, no outside requests."""

from __future__ import annotations

import json

import pytest
from browser import (
    console_errors,
    foreign_urls,
    open_page,
    requested_urls,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


@pytest.fixture()
def report(browser: WebDriver, live_server: str) -> str:
    """Open the live server's /report; return its URL."""
    url = live_server.rstrip("/") + "/report"
    open_page(browser, url)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.timeline"), "the timeline SVG")
    return url


def test_timeline_shows_may_2014_milestones(browser: WebDriver, report: str) -> None:
    svg = browser.find_element(By.CSS_SELECTOR, "figure.timeline svg.timeline")
    assert svg.size["width"] > 600 and svg.size["height"] > 200
    may = browser.find_elements(By.CSS_SELECTOR, 'svg.timeline g.milestone[data-due^="2014-05"]')
    assert len(may) == 3
    labels = [g.find_element(By.TAG_NAME, "text").text for g in may]
    assert any("二期工程5月份开工" in label for label in labels)
    assert all(g.is_displayed() for g in may)


def test_pillar_four_lists_item_26(browser: WebDriver, report: str) -> None:
    pillars = browser.find_elements(By.CSS_SELECTOR, "section.pillar")
    assert len(pillars) == 7
    item = browser.find_element(By.CSS_SELECTOR, "section#pillar-4 article#item-26")
    assert "加快建设川滇黔渝结合部教科城" in item.find_element(By.TAG_NAME, "h3").text
    assert "力争4月份开工" in item.text and "[4595,4613]" in item.text


def test_page_is_self_contained(browser: WebDriver, report: str, live_server: str) -> None:
    assert not console_errors(browser)
    assert not foreign_urls(requested_urls(browser), live_server)
    assert not browser.find_elements(By.TAG_NAME, "script")


def test_trace_link_opens_the_items_trace(browser: WebDriver, report: str) -> None:
    link = browser.find_element(By.CSS_SELECTOR, "article#item-19 a.trace")
    link.click()
    wait_for(lambda: browser.current_url.endswith("/trace/19?plan=luzhou-2014"), "the trace page")
    assert "Trace 追溯" in browser.find_element(By.TAG_NAME, "h1").text
    implied = browser.find_elements(By.CSS_SELECTOR, "#responsibilities tr.implied")
    assert implied and all("泸州市教育局" in row.text and "发文机关默认" in row.text for row in implied)
    browser.find_element(By.PARTIAL_LINK_TEXT, "JSON").click()
    wait_for(lambda: "/api/trace/19" in browser.current_url, "the JSON trace")
    body = json.loads(browser.find_element(By.TAG_NAME, "body").text)
    assert body["item"]["number"] == 19
    assert body["implied"]["holder"]["label"] == "泸州市教育局"


def test_toc_link_jumps_within_the_page(browser: WebDriver, report: str) -> None:
    browser.find_element(By.CSS_SELECTOR, 'nav.toc a[href="#pillar-4"]').click()
    wait_for(lambda: browser.current_url.endswith("/report#pillar-4"), "the pillar anchor")
    assert browser.execute_script("return window.scrollY") > 0


def test_item_link_opens_the_items_resource_page(browser: WebDriver, report: str) -> None:
    link = browser.find_element(By.CSS_SELECTOR, "article#item-26 h3 a:not(.trace)")
    assert link.get_attribute("href").endswith("/id/plan/luzhou-2014/item/26")
    link.click()
    wait_for(lambda: browser.current_url.endswith("/id/plan/luzhou-2014/item/26"), "the item page")
    wait_for(
        lambda: "加快建设川滇黔渝结合部教科城" in browser.find_element(By.TAG_NAME, "body").text,
        "the item's title on its page",
    )
    assert "404" not in browser.title
