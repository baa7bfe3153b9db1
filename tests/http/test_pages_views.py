"""Resource pages (issue 11, "Pages"): an item's responsibilities under its chain diagram (implied
holders marked), a large organisation's duties grouped, paginated and filtered (stated / implied),
and place and programme pages that show what touches them (each item once) above the properties.
Also on a corpus of two plans, and with hostile data (nothing becomes a javascript: link)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httpkit import PLAN_NS, count, make_app, select

from plankg.kb import KnowledgeBase

BASE = "https://w3id.org/plankg/"
HTML = {"Accept": "text/html"}
ITEM1 = "/id/plan/luzhou-2014/item/1"
ITEM19 = "/id/plan/luzhou-2014/item/19"
GULIN = "/id/place/510525"                      # 古蔺县
NUTRITION = "/id/programme/luzhou-2014-item-23"  # 学生营养改善计划
EVIL = "javascript:alert(document.domain)"
EVIL_LABEL = "<img src=x onerror=alert(1)>"


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    resp = client.get(path, headers=HTML)
    assert resp.status_code == status, (path, resp.get_data(as_text=True)[:500])
    return resp.get_data(as_text=True)


def section(html: str, ident: str) -> str:
    """The <section id=ident> of a page."""
    m = re.search(rf'<section[^>]*id="{ident}".*?</section>', html, re.S)
    assert m is not None, ident
    return m.group(0)


def rows(html: str, cls: str) -> list[str]:
    """The <tr class=cls> rows of some HTML."""
    return re.findall(rf'<tr class="{cls}">(.*?)</tr>', html, re.S)


@pytest.fixture(scope="module")
def bureau(client: FlaskClient) -> str:
    """The path of 泸州市教育局 (the issuer: most duties of the plan, most of them implied)."""
    found = select(client, 'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?x WHERE { '
                           '?x rdfs:label "泸州市教育局"@zh ; a <http://www.w3.org/ns/org#Organization> }')
    return found[0]["x"]["value"][len(BASE) - 1:]


# ---- 1. an item's responsibilities -------------------------------------------------------------


def test_item_page_lists_its_responsibilities_under_the_diagram(client: FlaskClient) -> None:
    html = page(client, ITEM1)
    assert html.index('id="chain"') < html.index('id="responsibilities"') < html.index('id="properties"')
    table = section(html, "responsibilities")
    director = next(r for r in rows(table, "stated") if "泸州市教育局局长" in r)
    assert re.search(r'<a href="/id/post/[^"]+">泸州市教育局局长</a>', director)
    assert "第一责任" in director and "市教育局局长是区域内教育安全稳定工作的第一责任人" in director
    span = re.search(r"\[(\d+),(\d+)\)", director)
    assert span is not None and int(span.group(1)) < int(span.group(2))
    implied = rows(table, "implied")                 # task 1.1 names no one: the issuer
    assert len(implied) == 1 and "泸州市教育局</a>" in implied[0] and "[819,890)" in implied[0]
    section_one = next(r for r in rows(table, "stated") if "安全信访科" in r)
    assert "分管安全稳定的副局长" in section_one     # whom it answers to


def test_item_with_an_implied_holder_marks_it_in_table_and_diagram(client: FlaskClient) -> None:
    html = page(client, ITEM19)
    table = section(html, "responsibilities")
    implied = rows(table, "implied")
    assert len(implied) == 3 and rows(table, "stated") == []
    assert all("泸州市教育局" in r and "implied" in r and "发文机关默认" in r for r in implied)
    assert any("[3552,3648)" in r and "计算机2200台" in r for r in implied)
    assert "The plan names no one for tasks 19.1, 19.2, 19.3" in table
    diagram = section(html, "chain")
    box = re.search(r'<g class="chain-box[^"]*chain-implied"[^>]*>.*?</g>', diagram, re.S)
    assert box is not None and "泸州市教育局" in box.group(0) and "发文机关默认" in box.group(0)


def test_stated_boxes_are_not_marked_implied(client: FlaskClient) -> None:
    diagram = section(page(client, ITEM1), "chain")
    director = re.search(r'<g class="([^"]*)"[^>]*>(?:(?!</g>).)*泸州市教育局局长(?:(?!</g>).)*第一责任', diagram, re.S)
    assert director is not None and "chain-implied" not in director.group(1)


# ---- 3. a large organisation: grouped, paginated, filtered --------------------------------------


def duty_rows(html: str) -> list[str]:
    duties = section(html, "duties")
    return rows(duties, "stated") + rows(duties, "implied")


def test_large_organisation_is_paginated_and_grouped(client: FlaskClient, bureau: str) -> None:
    iri = BASE + bureau[1:]
    total = count(client, f"SELECT DISTINCT ?r WHERE {{ ?r <{PLAN_NS}holder> <{iri}> ; "
                          f"<{PLAN_NS}forTask> ?t }}")
    implied = count(client, f"SELECT DISTINCT ?r WHERE {{ ?r <{PLAN_NS}holder> <{iri}> ; "
                            f"<{PLAN_NS}forTask> ?t ; <{PLAN_NS}basis> <{PLAN_NS}ImpliedIssuer> }}")
    assert total > 100 and 0 < implied < total
    first = page(client, bureau)
    duties = section(first, "duties")
    assert f"{total} duties" in duties and f"{implied} implied" in duties and f"{total - implied} stated" in duties
    assert f"1–25 of {total}" in duties
    assert len(duty_rows(first)) == 25
    assert 'rel="prev"' not in duties and f'href="{bureau}?page=2#duties"' in duties
    pages = -(-total // 25)
    assert f"page 1 of {pages}" in duties
    seen: list[str] = []
    items: list[int] = []
    for n in range(1, pages + 1):
        html = page(client, f"{bureau}?page={n}")
        got = duty_rows(html)
        assert len(got) == (25 if n < pages else total - 25 * (pages - 1))
        seen += got
        heads = re.findall(r'<tr class="group"><th[^>]*>.*?item (\d+)</a>', section(html, "duties"), re.S)
        assert len(heads) == len(set(heads))              # each item one group on a page
        items += [int(h) for h in heads]
    assert len(seen) == total
    assert items == sorted(items)                         # item order across the pages
    last = section(page(client, f"{bureau}?page={pages}"), "duties")
    assert 'rel="next"' not in last and f'href="{bureau}?page={pages - 1}#duties"' in last


@pytest.mark.parametrize(("flag", "cls", "other"), [("0", "stated", "implied"), ("1", "implied", "stated")])
def test_stated_implied_filter(client: FlaskClient, bureau: str, flag: str, cls: str, other: str) -> None:
    html = page(client, f"{bureau}?implied={flag}")
    duties = section(html, "duties")
    assert rows(duties, other) == [] and rows(duties, cls)
    shown = int(re.search(r"of (\d+)</span> " + cls, duties).group(1))  # type: ignore[union-attr]
    pages = -(-shown // 25)
    total_rows = sum(len(duty_rows(page(client, f"{bureau}?implied={flag}&page={n}")))
                     for n in range(1, pages + 1))
    assert total_rows == shown
    if pages > 1:  # the filter is kept by the page links
        assert f'href="{bureau}?implied={flag}&amp;page=2#duties"' in duties
    assert f'<strong aria-current="true">{cls}</strong>' in duties


@pytest.mark.parametrize(("query", "status"), [("page=abc", 400), ("page=0", 400), ("page=-1", 400),
                                               ("page=999", 404), ("implied=yes", 400)])
def test_bad_page_parameters(client: FlaskClient, bureau: str, query: str, status: int) -> None:
    page(client, f"{bureau}?{query}", status)


def test_rdf_clients_ignore_page_parameters(client: FlaskClient, bureau: str) -> None:
    resp = client.get(f"{bureau}?page=abc", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.mimetype == "text/turtle"


# ---- 4. places and programmes -------------------------------------------------------------------


def test_place_page_shows_the_trace_view_each_item_once(client: FlaskClient) -> None:
    html = page(client, GULIN)
    assert html.index('id="trace"') < html.index('id="properties"')
    trace = section(html, "trace")
    heads = re.findall(r'<th scope="row" rowspan="(\d+)"><a href="/id/plan/luzhou-2014/item/(\d+)">', trace)
    assert [int(n) for _, n in heads] == [19, 20, 23, 42]      # `plankg trace 古蔺县`: 19, 20, 23, 42
    assert sum(int(r) for r, _ in heads) == len(rows(trace, "touch-item"))
    assert "takes part in" in trace and "试点区县" in trace
    assert "计算机" not in trace                                 # only what touches the county
    assert "21所省级试点学校" in trace and "[3659,3695)" in trace  # a target, with its span
    assert 'href="/trace/https://w3id.org/plankg/id/place/510525?plan=luzhou-2014"' in trace


def test_programme_page_shows_its_item_participants_and_targets(client: FlaskClient) -> None:
    trace = section(page(client, NUTRITION), "trace")
    heads = re.findall(r'<th scope="row" rowspan="\d+"><a href="[^"]+/item/(\d+)">', trace)
    assert heads == ["23"]
    assert trace.count("has participant") == 3 and "古蔺县" in trace
    assert "3个试点县农村义务教育学校食堂建设力度" in trace


def test_other_pages_have_no_trace_or_duties(client: FlaskClient) -> None:
    html = page(client, "/id/plan/luzhou-2014/span/808-1093")
    assert 'id="trace"' not in html and 'id="duties"' not in html and 'id="responsibilities"' not in html


# ---- on a corpus --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_client(corpus_dir: Path) -> Iterator[FlaskClient]:
    app = make_app(corpus_dir)
    try:
        yield app.test_client()
    finally:
        app.extensions["plankg"].close()


def test_pages_work_on_a_corpus(corpus_client: FlaskClient) -> None:
    html = page(corpus_client, ITEM1)
    assert "泸州市教育局局长" in section(html, "responsibilities")
    assert "yibin" not in section(html, "responsibilities")
    yibin = select(corpus_client, f"SELECT ?i WHERE {{ ?i a <{PLAN_NS}WorkItem> ; <{PLAN_NS}number> 1 "
                                  f"FILTER(CONTAINS(STR(?i), '/yibin-2015/')) }}")
    path = yibin[0]["i"]["value"][len(BASE) - 1:]
    table = section(page(corpus_client, path), "responsibilities")
    assert "luzhou" not in table and "/trace/1?plan=yibin-2015" in table
    places = select(corpus_client, f"SELECT DISTINCT ?p WHERE {{ GRAPH <{BASE}graph/yibin-2015> "
                                   f"{{ ?t <{PLAN_NS}mentionsPlace> ?p }} }} ORDER BY ?p")
    assert places
    for row in places[:3]:
        trace = page(corpus_client, row["p"]["value"][len(BASE) - 1:])
        assert "/id/plan/yibin-2015/item/" in trace and "?plan=yibin-2015" in trace


# ---- hostile data -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_client(build_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    kb = KnowledgeBase(build_dir)
    row = kb.select(f"""PREFIX plan: <{PLAN_NS}>
        SELECT ?type ?basis ?task ?span WHERE {{
          ?r a plan:Responsibility ; plan:statedIn <{BASE}{ITEM19[1:]}> ; plan:responsibilityType ?type ;
             plan:basis ?basis ; plan:forTask ?task ; plan:evidence ?span }} LIMIT 1""").rows[0]
    kind, basis, task, span = (t.value for t in row)
    folder = tmp_path_factory.mktemp("hostile-pages")
    data = folder / "hostile.ttl"
    data.write_text(f"""
@prefix plan: <{PLAN_NS}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{BASE}{ITEM19[1:]}/responsibility/998> a plan:Responsibility ; plan:holder <{EVIL}> ;
    plan:statedIn <{BASE}{ITEM19[1:]}> ; plan:responsibilityType <{kind}> ; plan:basis <{basis}> ;
    plan:forTask <{task}> ; plan:evidence <{span}> .
<{EVIL}> rdfs:label "{EVIL_LABEL}"@zh .
<{task}> plan:mentions <{BASE}id/place/510525> .
""", "utf-8")
    app = make_app(build_dir, DATA_FILES=[str(data)], CACHE_DIR=str(folder / "cache"))
    try:
        yield app.test_client()
    finally:
        app.extensions["plankg"].close()


def test_hostile_holder_is_text_and_escaped(hostile_client: FlaskClient) -> None:
    html = page(hostile_client, ITEM19)
    table = section(html, "responsibilities")
    assert "&lt;img src=x onerror=alert(1)&gt;" in table
    assert EVIL_LABEL not in html and 'href="javascript' not in html.lower()
    assert "javascript:" not in " ".join(re.findall(r'href="([^"]*)"', html)).lower()
    assert 'href="javascript' not in page(hostile_client, GULIN).lower()


# ---- 2. the layout, on a synthetic chain --------------------------------------------------------


def synthetic_chain() -> object:
    """A chain with an edge that skips two layers and boxes in between it could cross:

    top (rank 1) <- mid1, mid2, mid3 (rank 2) <- low (rank 3) <- leaf (rank 4), and leaf -> top.
    """
    from plankg.render.diagram import Box, Chain

    def box(name: str, rank: int) -> Box:
        return Box((name, "t"), name, name + "很长的名字", "", "责任", "", rank)

    boxes = {b.key: b for b in [box("top", 1), box("mid1", 2), box("mid2", 2), box("mid3", 2),
                                box("low", 3), box("leaf", 4), box("alone", 3)]}
    k = {name: (name, "t") for name in ("top", "mid1", "mid2", "mid3", "low", "leaf", "alone")}
    edges = {(k["mid1"], k["top"]), (k["mid2"], k["top"]), (k["mid3"], k["top"]),
             (k["low"], k["mid2"]), (k["leaf"], k["low"]), (k["leaf"], k["top"]),
             (k["alone"], k["mid1"])}
    return Chain(boxes, edges)


def bezier_samples(points: list[tuple[float, float]], steps: int = 60) -> list[tuple[float, float]]:
    """Points along the drawn path: the curves (vertical tangents) and straight runs between points."""
    out = []
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        ym = (y1 + y2) / 2
        for i in range(steps + 1):
            t = i / steps
            u = 1 - t
            out.append((u ** 3 * x1 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x2,
                        u ** 3 * y1 + 3 * u * u * t * ym + 3 * u * t * t * ym + t ** 3 * y2))
    return out


def test_layout_routes_a_layer_skipping_edge_around_the_boxes() -> None:
    from plankg.render import diagram

    chain = synthetic_chain()
    laid = diagram.layout(chain)  # type: ignore[arg-type]
    layer = {b.key: b.layer for b in laid.boxes}
    assert layer[("top", "t")] == 0 and layer[("mid2", "t")] == 1
    assert layer[("low", "t")] == 2 and layer[("leaf", "t")] == 3
    for low, high in chain.edges:  # type: ignore[attr-defined]
        assert layer[low] > layer[high]            # every arrow points up
    skip = next(r for r in laid.routes if r.low == ("leaf", "t") and r.high == ("top", "t"))
    assert len(skip.nodes) == 4 and all(n.box is None for n in skip.nodes[1:-1])  # 2 waypoints
    for route in laid.routes:                      # adjacent layers only
        assert all(abs(a.layer - b.layer) == 1 for a, b in zip(route.nodes, route.nodes[1:]))
    boxes = laid.boxes
    for route in laid.routes:
        for x, y in bezier_samples(route.points):
            for b in boxes:
                if b.key in (route.low, route.high):
                    continue
                assert not (b.x < x < b.x + b.width and b.y < y < b.y + diagram.BOX_HEIGHT), \
                    (route.low, route.high, b.key, x, y)
    for row in laid.layers:                        # nothing overlaps in a row, waypoints included
        for a, b in zip(row, row[1:]):
            assert a.x + a.width <= b.x


def test_layout_orders_layers_without_needless_crossings() -> None:
    """Two parallel chains drawn in the wrong order at first are uncrossed by the sweeps."""
    from plankg.render.diagram import Box, Chain, _crossings, layout

    def box(name: str, rank: int) -> Box:
        return Box((name, "t"), name, name, "", "责任", "", rank)

    names = {"a": 1, "b": 1, "za": 2, "ab": 2}   # za answers to a, ab to b: sorted by label they cross
    boxes = {(n, "t"): box(n, r) for n, r in names.items()}
    chain = Chain(boxes, {(("za", "t"), ("a", "t")), (("ab", "t"), ("b", "t"))})
    laid = layout(chain)
    segments = [(r.nodes[-1], r.nodes[0]) for r in laid.routes]
    assert _crossings(laid.layers[0], laid.layers[1], segments) == 0


def test_wide_layers_wrap_into_rows_joined_by_waypoints() -> None:
    from plankg.render import diagram

    boxes = {("top", "t"): diagram.Box(("top", "t"), "top", "顶", "", "第一责任", "", 1)}
    edges = set()
    for i in range(14):
        key = (f"u{i}", "t")
        boxes[key] = diagram.Box(key, key[0], f"单位名称第{i}号单位", "", "落实责任", "", 2)
        edges.add((key, ("top", "t")))
    laid = diagram.layout(diagram.Chain(boxes, edges))
    assert len(laid.layers) > 2                           # the 14 units need more than one row
    assert all(sum(n.width for n in row) <= diagram.MAX_ROW_WIDTH + 1e-6 or len(row) == 1
               for row in laid.layers if any(n.box for n in row))
    for route in laid.routes:
        assert all(abs(a.layer - b.layer) == 1 for a, b in zip(route.nodes, route.nodes[1:]))


def test_diagram_text_is_escaped() -> None:
    from plankg.render import diagram

    b = diagram.Box(("h", "t"), "javascript:alert(1)", "<script>x</script>", "", "<b>", "", 1)
    svg = diagram.render_svg(diagram.Chain({b.key: b}, set()))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<a " not in svg
