"""Resource pages in headless Chromium: item 1's chain diagram and highlighted quote, and
following a link from the item to the post that answers for it."""

from __future__ import annotations

import pytest
from browser import (
    base,
    console_errors,
    foreign_urls,
    open_page,
    requested_urls,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ITEM1 = "id/plan/luzhou-2014/item/1"
DIRECTOR = "泸州市教育局局长"
SENTENCE = "市教育局局长是区域内教育安全稳定工作的第一责任人"


@pytest.fixture
def item_page(browser: WebDriver, live_server: str) -> str:
    """Item 1's page loaded in the browser; yields the server's base URL."""
    url = base(live_server)
    open_page(browser, url + ITEM1)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram"), "the diagram")
    return url


def test_item_page_shows_chain_and_quote(browser: WebDriver, item_page: str) -> None:
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith("1.严格落实工作责任")
    svg = browser.find_element(By.CSS_SELECTOR, "section#chain svg.chain-diagram")
    assert svg.size["width"] > 300 and svg.size["height"] > 150  # laid out, not collapsed
    box_texts = [t.text for t in svg.find_elements(By.CSS_SELECTOR, "g.chain-box text")]
    assert DIRECTOR in box_texts and "第一责任" in box_texts
    assert svg.find_elements(By.CSS_SELECTOR, "path.chain-arrow")
    marks = browser.find_elements(By.CSS_SELECTOR, "section#evidence mark")
    assert marks and SENTENCE in marks[0].text
    background = marks[0].value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # visibly highlighted
    assert console_errors(browser) == []
    assert foreign_urls(requested_urls(browser), item_page) == []


def test_follow_link_from_item_to_holder_and_see_duties(browser: WebDriver, item_page: str) -> None:
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram a")
                if DIRECTOR in a.text and "第一责任" in a.text)
    href = link.get_dom_attribute("href")  # an SVG <a>: the property is an SVGAnimatedString
    assert "/id/post/" in href
    link.click()
    wait_for(lambda: "/id/post/" in browser.current_url, "the post page")
    assert browser.find_element(By.CSS_SELECTOR, "h1").text.startswith(DIRECTOR)
    duties = browser.find_element(By.CSS_SELECTOR, "section#duties")
    assert "第一责任" in duties.text and SENTENCE in duties.text
    # The post's own box is highlighted in its chain diagram; the duty links back to item 1.
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram g.chain-self")
    back = duties.find_element(By.PARTIAL_LINK_TEXT, "item 1")
    back.click()
    wait_for(lambda: browser.current_url.rstrip("/").endswith(ITEM1), "back on item 1")
    assert console_errors(browser) == []
