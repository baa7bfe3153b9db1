"""The chain diagram in headless Chromium (issue 11): measured by the browser's own geometry,
no arrow passes through a box other than the two it joins, on item, post and organisation pages."""

from __future__ import annotations

import pytest
from browser import (
    console_errors,
    open_page,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

PAGES = [
    "id/plan/luzhou-2014/item/1",    # the longest chain: 14 boxes, 3 arrows skipping rows
    "id/plan/luzhou-2014/item/2",    # 12 boxes, 3 arrows skipping rows
    "id/plan/luzhou-2014/item/3",
    "id/post/lu-zhou-shi-jiao-yu-ju-director",
    "id/group/lu-zhou-shi-jiao-yu-ju-county-education-bureaus",
    "id/org/lu-zhou-shi-jiao-yu-ju-an-quan-xin-fang-ke",
]
IMPLIED_ITEM = "id/plan/luzhou-2014/item/19"  # the plan names no one: the bureau by default

# For every arrow: points sampled along the path (getPointAtLength) that fall strictly inside
# a box (getBBox of its rect) other than the arrow's two ends. Also the boxes that overlap.
GEOMETRY = r"""
const svg = document.querySelector('svg.chain-diagram');
const boxes = [...svg.querySelectorAll('g.chain-box')].map(g => {
  const b = g.querySelector('rect').getBBox();
  return {id: g.dataset.box, x: b.x, y: b.y, w: b.width, h: b.height};
});
const hits = [];
const arrows = [...svg.querySelectorAll('path.chain-arrow')];
for (const p of arrows) {
  const length = p.getTotalLength();
  const steps = Math.max(50, Math.ceil(length / 2));
  for (let i = 0; i <= steps; i++) {
    const pt = p.getPointAtLength(length * i / steps);
    for (const b of boxes) {
      if (b.id === p.dataset.from || b.id === p.dataset.to) continue;
      if (pt.x > b.x + 0.5 && pt.x < b.x + b.w - 0.5 && pt.y > b.y + 0.5 && pt.y < b.y + b.h - 0.5)
        hits.push([p.dataset.from, p.dataset.to, b.id, pt.x, pt.y]);
    }
  }
}
const overlaps = [];
for (const a of boxes) for (const b of boxes)
  if (a.id < b.id && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
    overlaps.push([a.id, b.id]);
// the same test on screen: the rendered boxes against the rendered arrows' bounding boxes
const ends = arrows.map(p => [p.dataset.from, p.dataset.to, p.getBoundingClientRect().height]);
return {boxes: boxes.length, arrows: arrows.length, hits: hits.slice(0, 10), overlaps, ends,
        ids: boxes.map(b => b.id)};
"""


@pytest.mark.parametrize("path", PAGES)
def test_no_arrow_passes_through_a_box(browser: WebDriver, live_server: str, path: str) -> None:
    open_page(browser, live_server.rstrip("/") + "/" + path)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram"), "the diagram")
    found = browser.execute_script(GEOMETRY)
    assert found["boxes"] >= 2
    assert found["hits"] == [], found["hits"]
    assert found["overlaps"] == []
    for start, end, height in found["ends"]:  # every arrow joins two drawn boxes and is drawn
        assert start in found["ids"] and end in found["ids"] and height > 0
    assert console_errors(browser) == []


def test_item1_has_arrows_that_skip_layers(browser: WebDriver, live_server: str) -> None:
    """Item 1's chain has arrows that span more than one row (what used to cross boxes)."""
    open_page(browser, live_server.rstrip("/") + "/" + PAGES[0])
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram"), "the diagram")
    rows = browser.execute_script(r"""
      const svg = document.querySelector('svg.chain-diagram');
      const top = {};
      for (const g of svg.querySelectorAll('g.chain-box')) top[g.dataset.box] = g.querySelector('rect').getBBox().y;
      const rows = [...new Set(Object.values(top))].sort((a, b) => a - b);
      return [...svg.querySelectorAll('path.chain-arrow')].map(
        p => Math.abs(rows.indexOf(top[p.dataset.from]) - rows.indexOf(top[p.dataset.to])));""")
    assert max(rows) >= 2 and min(rows) >= 1


def test_implied_box_is_marked(browser: WebDriver, live_server: str) -> None:
    open_page(browser, live_server.rstrip("/") + "/" + IMPLIED_ITEM)
    box = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.chain-diagram g.chain-implied"),
                   "the implied box")[0]
    assert "泸州市教育局" in box.text and "发文机关默认" in box.text
    dash = box.find_element(By.CSS_SELECTOR, "rect").get_attribute("stroke-dasharray")
    assert dash and dash != "none"
    table_rows = browser.find_elements(By.CSS_SELECTOR, "section#responsibilities tr.implied")
    assert table_rows and all("implied" in r.text for r in table_rows)
