"""The main pages at a phone's width (420 CSS px) in headless Chromium: nothing makes the page
scroll sideways (a wide table or diagram scrolls inside its own box), every link of the navigation
bar is on screen and clickable, and no text is cut off by the screen's edge or a clipping box."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import (
    open_page,
    wait_for,
)
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

WIDTH, HEIGHT = 420, 900

SITE_NAV = "header.site nav a"     # the navigation bar of every page built on _base.html
SITE_LINKS = 8
SITE_BAR = "div.sitebar nav.site a"   # the same bar (_nav.html) on every page, the workbench and report too
# page -> (a script that is true once the page has drawn, its navigation links, how many at least)
PAGES = {
    "plans": ("return !!document.querySelector('table.plans tbody tr')", SITE_NAV, SITE_LINKS),
    "id/plan/luzhou-2014/item/1": ("return !!document.querySelector('svg.chain-diagram')", SITE_NAV, SITE_LINKS),
    "id/place/510500": ("return !!document.querySelector('main h1')", SITE_NAV, SITE_LINKS),
    "search?q=食堂": ("return !!document.querySelector('main h1')", SITE_NAV, SITE_LINKS),
    "ontology": ("return !!document.querySelector('.term')", SITE_NAV, SITE_LINKS),
    "api/docs": ("return document.querySelectorAll('#swagger-ui .opblock').length > 5", SITE_NAV, SITE_LINKS),
    # the printable report stands alone: its navigation is its table of contents (timeline, 7 pillars, gaps)
    "report": ("return !!document.querySelector('header.report h1')", "header.report nav.toc a", 9),
    # the workbench: the site bar, then a header of its own
    "": ("return !!(window.plankgWorkbench && document.querySelector('.tabPanel.active .CodeMirror'))",
         SITE_BAR, SITE_LINKS),
}

# What the page looks like to a reader at this width: sideways overflow, boxes sticking out of
# the screen (outside any box that scrolls), text cut off, and the navigation links.
MEASURE = """
const nav = arguments[0];
const W = window.innerWidth, de = document.documentElement;
const scrolls = el => { const s = getComputedStyle(el).overflowX; return s === 'auto' || s === 'scroll'; };
const clips = el => { const s = getComputedStyle(el).overflowX; return s === 'hidden' || s === 'clip'; };
// Inside a box of its own (scrolling or clipping): the box, checked itself, keeps it off the page's width.
function insideBox(el, boxes) {
  for (let a = el.parentElement; a && a !== document.body && a !== de; a = a.parentElement)
    if (boxes(a)) return true;
  return false;
}
const insideScroller = el => insideBox(el, scrolls);
function name(el) {
  return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
         (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
}
const visible = el => { const st = getComputedStyle(el);
  return st.visibility !== 'hidden' && st.display !== 'none' && el.getClientRects().length > 0; };
const sticking = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || !visible(el)) continue;
  if ((r.right > W + 1 || r.left < -1) && !insideBox(el, a => scrolls(a) || clips(a))) sticking.push(name(el) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
}
// Text: every line box of every text node lies inside the screen and inside each clipping
// ancestor (overflow hidden/clip), unless a scrolling box between them lets the reader reach it.
const cut = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let t = walker.nextNode(); t; t = walker.nextNode()) {
  if (!t.data.trim() || !t.parentElement || !visible(t.parentElement)) continue;
  if (t.parentElement.closest('script, style, noscript, title')) continue;
  const range = document.createRange(); range.selectNodeContents(t);
  for (const r of range.getClientRects()) {
    if (r.width === 0) continue;
    let where = null;
    for (let a = t.parentElement; a && a !== de; a = a.parentElement) {
      if (scrolls(a)) break;                       // reachable by scrolling this box
      if (clips(a) || a === document.body) {
        const b = a === document.body ? {left: 0, right: W} : a.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1) { where = a === document.body ? 'screen' : name(a); break; }
      }
    }
    if (where === null && !insideScroller(t.parentElement) && (r.left < -1 || r.right > W + 1)) where = 'screen';
    if (where) { cut.push(JSON.stringify(t.data.trim().slice(0, 30)) + ' cut by ' + where); break; }
  }
}
const links = [...document.querySelectorAll(nav)].map(a => {
  a.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = a.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {text: a.textContent.trim(), href: a.getAttribute('href'), left: r.left, right: r.right,
          width: r.width, height: r.height, hit: !!hit && (hit === a || a.contains(hit))};
});
window.scrollTo(0, 0);
return {innerWidth: W, scrollWidth: de.scrollWidth, sticking: sticking.slice(0, 10),
        cut: cut.slice(0, 10), links};
"""


@pytest.fixture(scope="module")
def narrow(browser: WebDriver) -> Iterator[WebDriver]:
    """The session's browser with a 420 x 900 CSS px viewport, restored afterwards."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield browser
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def measure(browser: WebDriver, url: str, ready: str, nav: str) -> dict[str, Any]:
    """Open a page at the narrow width, wait until it has drawn, and measure it."""
    open_page(browser, url)
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete", "the page")
    wait_for(lambda: browser.execute_script(ready), f"{url} to draw")
    # Fonts change line widths: measure once the CJK faces the page uses are in.
    wait_for(lambda: browser.execute_script("return document.fonts.status") == "loaded", "the fonts")
    return browser.execute_script(MEASURE, nav)


def assert_fits(m: dict[str, Any], nav_links: int) -> None:
    """No sideways scrolling, nothing cut, and every navigation link on screen and clickable."""
    assert m["innerWidth"] == WIDTH  # the viewport really is a phone's
    assert m["scrollWidth"] <= m["innerWidth"] + 1, m["sticking"]
    assert m["sticking"] == []
    assert m["cut"] == []
    assert len(m["links"]) >= nav_links
    for link in m["links"]:
        assert link["width"] > 0 and link["height"] > 0, link
        assert link["left"] >= 0 and link["right"] <= WIDTH, link
        assert link["hit"], link   # nothing covers it: a tap reaches the link


@pytest.mark.parametrize("page", list(PAGES), ids=lambda page: page or "workbench")
def test_page_fits_420px(narrow: WebDriver, live_server: str, page: str) -> None:
    ready, nav, links = PAGES[page]
    m = measure(narrow, live_server.rstrip("/") + "/" + page, ready, nav)
    assert_fits(m, nav_links=links)
    if nav == SITE_NAV:
        assert "/api/docs" in {link["href"] for link in m["links"]}
    # every page, whatever its own navigation, has the site's bar, all of it on screen and clickable
    bar = narrow.execute_script(MEASURE, SITE_BAR)
    assert_fits(bar, nav_links=SITE_LINKS)
    assert len(bar["links"]) == SITE_LINKS and "/api/docs" in {link["href"] for link in bar["links"]}
