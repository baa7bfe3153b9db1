"""The responsibility chain as an inline SVG diagram, rendered on the server (no JavaScript).

One box per (holder, responsibility type): the holder's label, the type, and the items the
responsibilities are stated in. An arrow runs from each box to the box it answers to
(``plan:answersTo``), so the first responsible sits at the top and the units that carry the work
out at the bottom. Boxes of the page's own responsibilities are solid; boxes reached by following
the chain into other items or holders are dashed; boxes whose responsibilities the plan only
implies (the issuer by default, basis 发文机关默认 / ImpliedIssuer) are dotted and say so.
Each box links to the holder's page.

The layout is a layered (Sugiyama-style) drawing, in pure Python:

1. **layers** by chain rank (rank 1, the first responsible, on top), pushed down so that every
   box sits strictly below every box it answers to (longest path; cycles, if the data has any,
   are broken by reversing one edge of each); a layer wider than ``MAX_ROW_WIDTH`` is split into
   several rows, each a layer of its own;
2. **dummy nodes**: an edge that skips layers gets an invisible waypoint in every layer between
   its ends, so each edge is a chain of segments between *adjacent* layers;
3. **ordering** within layers by barycentre sweeps (down and up), keeping the order with the
   fewest crossings;
4. **x positions** pulled towards the neighbours' centres, keeping the order and the gaps
   (waypoints are nodes too, so no box is ever placed on a waypoint);
5. **routing**: between adjacent layers an edge is a curve inside the gap between their rows
   (a box never reaches into that gap), and through a row it runs straight down its waypoint's
   reserved slot, so no edge passes through a box other than its two ends.

The input is the rows of ``queries/responsibility-diagram.rq``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

# Geometry (px).
FONT_SIZE = 14
SMALL_SIZE = 11
BOX_HEIGHT = 62
BOX_PAD = 14
MIN_BOX_WIDTH = 120
GAP_X = 28              # between two boxes of a row
DUMMY_WIDTH = 8         # the slot a waypoint reserves in a row
DUMMY_GAP = 10          # between a waypoint and its neighbours
GAP_Y = 58
MARGIN = 16
MAX_ROW_WIDTH = 1100
SWEEPS = 8              # barycentre sweeps (each down then up)
PLACEMENT_PASSES = 6
FONT_STACK = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"

FOCUS_FILL, CONTEXT_FILL, SELF_FILL, IMPLIED_FILL = "#eef4fb", "#ffffff", "#fff4d6", "#f4f4f4"
STROKE, ARROW = "#2f5d8a", "#5b6b7a"
IMPLIED_TEXT = "发文机关默认 implied"

Key = tuple[str, str]


@dataclass
class Box:
    """One holder in one responsibility type, with the responsibilities it stands for."""

    key: Key
    holder: str
    holder_zh: str
    holder_en: str
    type_zh: str
    type_en: str
    rank: int
    href: str | None = None
    focus: bool = False
    responsibilities: set[str] = field(default_factory=set)
    implied_responsibilities: set[str] = field(default_factory=set)
    items: set[int] = field(default_factory=set)
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    width: float = MIN_BOX_WIDTH

    @property
    def label(self) -> str:
        """The holder's label (Chinese first)."""
        return self.holder_zh or self.holder_en or self.holder.rsplit("/", 1)[-1]

    @property
    def implied(self) -> bool:
        """Whether every responsibility of the box is only implied (the issuer by default)."""
        return bool(self.responsibilities) and self.responsibilities <= self.implied_responsibilities

    @property
    def type_text(self) -> str:
        """The type line: the type, and that it is implied when it is."""
        text = self.type_zh or self.type_en
        return f"{text} · {IMPLIED_TEXT}" if self.implied else text

    @property
    def items_text(self) -> str:
        """'item 1' or 'items 1, 2, 3 …' (at most six numbers)."""
        numbers = sorted(self.items)
        if not numbers:
            return ""
        shown = ", ".join(str(n) for n in numbers[:6]) + (" …" if len(numbers) > 6 else "")
        return f"item {shown}" if len(numbers) == 1 else f"items {shown}"

    def measure(self) -> float:
        """Set and return the width the box's three lines need."""
        self.width = max(MIN_BOX_WIDTH, text_width(self.label) + 2 * BOX_PAD,
                         text_width(self.type_text, FONT_SIZE - 1) + 2 * BOX_PAD,
                         text_width(self.items_text, SMALL_SIZE) + 2 * BOX_PAD)
        return self.width


@dataclass
class Chain:
    """The boxes and the answers-to arrows between them (``(low, high)``: low answers to high)."""

    boxes: dict[Key, Box]
    edges: set[tuple[Key, Key]]

    def __bool__(self) -> bool:
        return bool(self.boxes)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated rendered width: wide (CJK) characters one em, others about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.55 for c in text)


def _text(value: Any) -> str:
    """An rdflib term (or None) as plain text."""
    return "" if value is None else str(value)


def build_chain(rows: Iterable[Sequence[Any]], href: Callable[[str], str | None],
                focus_holder: str | None = None, implied: Iterable[str] = ()) -> Chain:
    """Boxes and arrows from responsibility-diagram.rq rows.

    :param href: maps a holder IRI to the link of its page (or None).
    :param focus_holder: the page's own holder, drawn highlighted.
    :param implied: IRIs of responsibilities the plan only implies (basis ImpliedIssuer).
    """
    rows = list(rows)
    implied = set(implied)
    seeds = {_text(r[1]) for r in rows}
    box_of: dict[str, Key] = {}
    boxes: dict[Key, Box] = {}
    ups: list[tuple[str, str]] = []
    for (_focus, _seed, resp, holder, hzh, hen, rtype, tzh, ten, rank, number, up) in rows:
        key = (_text(holder), _text(rtype))
        box = boxes.get(key)
        if box is None:
            box = boxes[key] = Box(key, _text(holder), _text(hzh), _text(hen), _text(tzh),
                                   _text(ten), int(rank) if rank is not None else 99,
                                   href(_text(holder)))
        box.responsibilities.add(_text(resp))
        if _text(resp) in implied:
            box.implied_responsibilities.add(_text(resp))
        box.focus = box.focus or _text(resp) in seeds or _text(holder) == focus_holder
        if number is not None:
            box.items.add(int(number))
        box_of[_text(resp)] = key
        if up is not None:
            ups.append((_text(resp), _text(up)))
    edges = {(box_of[a], box_of[b]) for a, b in ups
             if a in box_of and b in box_of and box_of[a] != box_of[b]}
    return Chain(boxes, edges)


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------

@dataclass
class Node:
    """A box or an invisible waypoint of an edge, in one layer."""

    id: str
    layer: int
    width: float
    box: Box | None = None
    x: float = 0.0       # left edge

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass
class Route:
    """One drawn edge: from ``low`` (the box that answers) to ``high`` (the one it answers to)."""

    low: Key
    high: Key
    nodes: list[Node]                       # from low to high, waypoints between
    points: list[tuple[float, float]] = field(default_factory=list)
    path: str = ""


@dataclass
class Layout:
    """Where everything goes: rows of nodes (boxes and waypoints), the routed edges, the size."""

    layers: list[list[Node]]
    routes: list[Route]
    width: float
    height: float

    @property
    def boxes(self) -> list[Box]:
        return [n.box for layer in self.layers for n in layer if n.box is not None]


def _sort_key(box: Box) -> tuple[Any, ...]:
    return (box.rank, -len(box.responsibilities), box.label, box.key)


def _acyclic(keys: list[Key], edges: list[tuple[Key, Key]]) -> list[tuple[Key, Key]]:
    """(parent, child) pairs, parent drawn above: high above low, one edge of each cycle reversed."""
    ups: dict[Key, list[Key]] = {k: [] for k in keys}
    for low, high in edges:
        ups[low].append(high)
    state: dict[Key, int] = {}
    reversed_edges: set[tuple[Key, Key]] = set()
    for start in keys:  # iterative DFS along answers-to; an edge back into the stack is a cycle
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(ups[start]))]
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                reversed_edges.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(ups[nxt])))
    return [(low, high) if (low, high) in reversed_edges else (high, low) for low, high in edges]


def assign_layers(chain: Chain) -> dict[Key, int]:
    """Layer of each box: its chain rank's place, pushed strictly below every box above it."""
    keys = sorted(chain.boxes, key=lambda k: _sort_key(chain.boxes[k]))
    pairs = _acyclic(keys, sorted(chain.edges))
    ranks = sorted({b.rank for b in chain.boxes.values()})
    layer = {k: ranks.index(chain.boxes[k].rank) for k in keys}
    parents: dict[Key, list[Key]] = {k: [] for k in keys}
    indegree = {k: 0 for k in keys}
    children: dict[Key, list[Key]] = {k: [] for k in keys}
    for parent, child in pairs:
        parents[child].append(parent)
        children[parent].append(child)
        indegree[child] += 1
    todo = [k for k in keys if indegree[k] == 0]
    while todo:  # Kahn: parents before children
        k = todo.pop(0)
        if parents[k]:
            layer[k] = max(layer[k], *(layer[p] + 1 for p in parents[k]))
        for c in children[k]:
            indegree[c] -= 1
            if indegree[c] == 0:
                todo.append(c)
    used = sorted(set(layer.values()))
    return {k: used.index(v) for k, v in layer.items()}


def _split_wide(chain: Chain, layer: dict[Key, int]) -> dict[Key, int]:
    """Split every layer wider than MAX_ROW_WIDTH into rows (each then a layer of its own)."""
    below: dict[Key, int] = {k: 0 for k in chain.boxes}
    above: dict[Key, int] = {k: 0 for k in chain.boxes}
    for low, high in chain.edges:
        below[high] += 1
        above[low] += 1
    out: dict[Key, int] = {}
    offset = 0
    for index in sorted(set(layer.values())):
        members = sorted((k for k in layer if layer[k] == index),
                         key=lambda k: (below[k] - above[k], _sort_key(chain.boxes[k])))
        row, width = 0, 0.0
        for k in members:
            w = chain.boxes[k].width
            if width and width + GAP_X + w > MAX_ROW_WIDTH:
                row, width = row + 1, 0.0
            width += (GAP_X if width else 0.0) + w
            out[k] = offset + row
        offset += row + 1
    return out


def _crossings(upper: list[Node], lower: list[Node], segments: list[tuple[Node, Node]]) -> int:
    """Crossings between two adjacent layers (an inversion count)."""
    pos_u = {n.id: i for i, n in enumerate(upper)}
    pos_l = {n.id: i for i, n in enumerate(lower)}
    pairs = sorted((pos_u[a.id], pos_l[b.id]) for a, b in segments)
    count = 0
    tree = [0] * (len(lower) + 1)  # Fenwick tree over lower positions
    for seen, (_u, lpos) in enumerate(pairs):
        i, le = lpos + 1, 0
        while i > 0:
            le += tree[i]
            i -= i & -i
        count += seen - le
        i = lpos + 1
        while i <= len(lower):
            tree[i] += 1
            i += i & -i
    return count


def layout(chain: Chain) -> Layout:
    """Lay the chain out as a layered graph (see the module docstring)."""
    for box in chain.boxes.values():
        box.measure()
    layer_of = _split_wide(chain, assign_layers(chain))
    count = max(layer_of.values()) + 1 if layer_of else 0
    layers: list[list[Node]] = [[] for _ in range(count)]
    node_of: dict[Key, Node] = {}
    for i, key in enumerate(sorted(chain.boxes, key=lambda k: _sort_key(chain.boxes[k]))):
        box = chain.boxes[key]
        box.layer = layer_of[key]
        node = node_of[key] = Node(f"b{i}", box.layer, box.width, box)
        layers[box.layer].append(node)
    routes: list[Route] = []
    up_links: dict[str, list[Node]] = {}     # neighbours in the layer above
    down_links: dict[str, list[Node]] = {}   # neighbours in the layer below
    segments: list[list[tuple[Node, Node]]] = [[] for _ in range(max(0, count - 1))]
    for j, (low, high) in enumerate(sorted(chain.edges)):
        a, b = node_of[low], node_of[high]
        top, bottom = (b, a) if b.layer < a.layer else (a, b)
        chain_nodes = [top]
        for k in range(top.layer + 1, bottom.layer):
            dummy = Node(f"d{j}-{k}", k, DUMMY_WIDTH)
            layers[k].append(dummy)
            chain_nodes.append(dummy)
        chain_nodes.append(bottom)
        for u, v in zip(chain_nodes, chain_nodes[1:]):
            segments[u.layer].append((u, v))
            down_links.setdefault(u.id, []).append(v)
            up_links.setdefault(v.id, []).append(u)
        nodes = chain_nodes if top is a else chain_nodes[::-1]
        routes.append(Route(low, high, nodes))
    _order(layers, segments, up_links, down_links)
    _place(layers, up_links, down_links)
    width = max((n.x + n.width for layer in layers for n in layer), default=0.0) + MARGIN
    for i, layer in enumerate(layers):
        for n in layer:
            if n.box is not None:
                n.box.x, n.box.y = n.x, MARGIN + i * (BOX_HEIGHT + GAP_Y)
    height = MARGIN + count * (BOX_HEIGHT + GAP_Y) - GAP_Y + MARGIN
    _route(routes)
    return Layout(layers, routes, width, height)


def _order(layers: list[list[Node]], segments: list[list[tuple[Node, Node]]],
           up_links: dict[str, list[Node]], down_links: dict[str, list[Node]]) -> None:
    """Order each layer by barycentre sweeps, keeping the order with the fewest crossings."""
    def total() -> int:
        return sum(_crossings(layers[i], layers[i + 1], segments[i]) for i in range(len(segments)))

    def sweep(indices: Iterable[int], links: dict[str, list[Node]], ref_step: int) -> None:
        for i in indices:
            ref = {n.id: p for p, n in enumerate(layers[i + ref_step])}
            def weight(pair: tuple[int, Node]) -> float:
                pos, n = pair
                near = [ref[m.id] for m in links.get(n.id, ()) if m.id in ref]
                return sum(near) / len(near) if near else float(pos) * max(1, len(ref)) / max(1, len(layers[i]))
            layers[i][:] = [n for _, n in sorted(enumerate(layers[i]), key=lambda p: (weight(p), p[0]))]

    n = len(layers)
    sweep(range(1, n), up_links, -1)
    best = [list(layer) for layer in layers]
    best_count = total()
    for _ in range(SWEEPS):
        if best_count == 0:
            break
        sweep(range(n - 2, -1, -1), down_links, +1)
        sweep(range(1, n), up_links, -1)
        c = total()
        if c < best_count:
            best, best_count = [list(layer) for layer in layers], c
    for i, layer in enumerate(best):
        layers[i][:] = layer


def _gap(a: Node, b: Node) -> float:
    return GAP_X if a.box is not None and b.box is not None else DUMMY_GAP


def _fit(layer: list[Node], wanted: list[float]) -> list[float]:
    """Left edges as close to ``wanted`` as the order and the gaps allow (mean of two sweeps)."""
    left = []
    for i, n in enumerate(layer):
        x = wanted[i] if i == 0 else max(wanted[i], left[-1] + layer[i - 1].width + _gap(layer[i - 1], n))
        left.append(x)
    right = [0.0] * len(layer)
    for i in range(len(layer) - 1, -1, -1):
        n = layer[i]
        right[i] = wanted[i] if i == len(layer) - 1 else min(
            wanted[i], right[i + 1] - _gap(n, layer[i + 1]) - n.width)
    return [(a + b) / 2 for a, b in zip(left, right)]


def _place(layers: list[list[Node]], up_links: dict[str, list[Node]],
           down_links: dict[str, list[Node]]) -> None:
    """x of every node: packed rows, then pulled towards the neighbours' centres."""
    widest = max((sum(n.width for n in layer) + sum(_gap(a, b) for a, b in zip(layer, layer[1:]))
                  for layer in layers), default=0.0)
    for layer in layers:  # packed and centred under the widest row
        row = sum(n.width for n in layer) + sum(_gap(a, b) for a, b in zip(layer, layer[1:]))
        x = (widest - row) / 2
        for i, n in enumerate(layer):
            if i:
                x += _gap(layer[i - 1], n)
            n.x = x
            x += n.width

    def pull(indices: Iterable[int], links: dict[str, list[Node]]) -> None:
        for i in indices:
            layer = layers[i]
            wanted = []
            for n in layer:
                near = [m.centre for m in links.get(n.id, ())]
                wanted.append((sum(near) / len(near) if near else n.centre) - n.width / 2)
            for n, x in zip(layer, _fit(layer, wanted)):
                n.x = x

    for _ in range(PLACEMENT_PASSES):
        pull(range(1, len(layers)), up_links)
        pull(range(len(layers) - 2, -1, -1), down_links)
    lowest = min((n.x for layer in layers for n in layer), default=0.0)
    for layer in layers:
        for n in layer:
            n.x += MARGIN - lowest


def _route(routes: list[Route]) -> None:
    """Points and SVG path of every edge: ports spread along the box sides, curves in the gaps,
    straight lines down the waypoints' slots."""
    ports: dict[tuple[str, str], list[tuple[float, int]]] = {}

    def row_y(node: Node) -> float:
        return MARGIN + node.layer * (BOX_HEIGHT + GAP_Y)

    for j, r in enumerate(routes):
        first, second, last, before = r.nodes[0], r.nodes[1], r.nodes[-1], r.nodes[-2]
        side_first = "top" if second.layer < first.layer else "bottom"
        side_last = "top" if before.layer < last.layer else "bottom"
        ports.setdefault((first.id, side_first), []).append((second.centre, j))
        ports.setdefault((last.id, side_last), []).append((before.centre, j))
    where: dict[tuple[int, str], float] = {}
    nodes = {n.id: n for r in routes for n in r.nodes}
    for (node_id, side), users in ports.items():
        node = nodes[node_id]
        users.sort()
        span = node.width * 0.6
        for i, (_x, j) in enumerate(users):
            where[(j, node_id + side)] = node.x + node.width * 0.2 + span * (i + 1) / (len(users) + 1)
    for j, r in enumerate(routes):
        pts: list[tuple[float, float]] = []
        for i, n in enumerate(r.nodes):
            top, bottom = row_y(n), row_y(n) + BOX_HEIGHT
            if i == 0 or i == len(r.nodes) - 1:
                other = r.nodes[1] if i == 0 else r.nodes[-2]
                side = "top" if other.layer < n.layer else "bottom"
                pts.append((where[(j, n.id + side)], top if side == "top" else bottom))
            else:  # a waypoint: enter and leave its slot on the sides facing the route
                prev = r.nodes[i - 1]
                enter, leave = (bottom, top) if prev.layer > n.layer else (top, bottom)
                pts.append((n.centre, enter))
                pts.append((n.centre, leave))
        r.points = pts
        d = [f"M{pts[0][0]:.1f},{pts[0][1]:.1f}"]
        for k in range(1, len(pts)):
            (x1, y1), (x2, y2) = pts[k - 1], pts[k]
            if k % 2 == 0:  # through a waypoint's slot (points 2k-1, 2k): straight
                d.append(f"L{x2:.1f},{y2:.1f}")
            else:
                ym = (y1 + y2) / 2
                d.append(f"C{x1:.1f},{ym:.1f} {x2:.1f},{ym:.1f} {x2:.1f},{y2:.1f}")
        r.path = " ".join(d)


# ---------------------------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------------------------

def _arrow(route: Route, chain: Chain, ids: dict[Key, str]) -> str:
    """A routed arrow from ``low`` to ``high`` (the arrowhead at the box it answers to)."""
    low, high = chain.boxes[route.low], chain.boxes[route.high]
    title = f"{low.label} {low.type_zh} → {high.label} {high.type_zh}"
    return (f'<path class="chain-arrow" data-from="{ids[route.low]}" data-to="{ids[route.high]}" '
            f'd="{route.path}" fill="none" stroke="{ARROW}" stroke-width="1.6" '
            f'marker-end="url(#chain-arrowhead)"><title>{escape(title)} (answers to)</title>'
            "</path>")


def _box(box: Box, box_id: str, focus_holder: str | None) -> str:
    """One box: holder, type, items; a link to the holder's page."""
    own = box.holder == focus_holder
    fill = SELF_FILL if own else (IMPLIED_FILL if box.implied else
                                  (FOCUS_FILL if box.focus else CONTEXT_FILL))
    dash = ' stroke-dasharray="2 3"' if box.implied else ("" if box.focus else ' stroke-dasharray="5 3"')
    cx = box.x + box.width / 2
    title = (f"{box.label} — {box.type_zh}"
             + (f" ({box.holder_en}: {box.type_en})" if box.holder_en or box.type_en else "")
             + (" — implied: the plan names no one, the issuer answers by default (发文机关默认)"
                if box.implied else "")
             + (f"; {box.items_text}" if box.items_text else ""))
    kind = "chain-box chain-self" if own else ("chain-box chain-focus" if box.focus else
                                                "chain-box chain-context")
    if box.implied:
        kind += " chain-implied"
    parts = [
        f'<g class="{kind}" data-box="{box_id}" data-holder="{escape(box.holder)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{BOX_HEIGHT}" '
        f'rx="6" fill="{fill}" stroke="{STROKE}" stroke-width="{2.2 if own else 1.3}"{dash}/>',
        f'<text x="{cx:.1f}" y="{box.y + 22:.1f}" text-anchor="middle" font-size="{FONT_SIZE}" '
        f'font-weight="bold" fill="#13283d">{escape(box.label)}</text>',
        f'<text class="chain-type" x="{cx:.1f}" y="{box.y + 40:.1f}" text-anchor="middle" '
        f'font-size="{FONT_SIZE - 1}" fill="{STROKE}">{escape(box.type_zh or box.type_en)}'
        + (f'<tspan class="chain-implied-tag" fill="#8a5a00"> · {IMPLIED_TEXT}</tspan>'
           if box.implied else "") + "</text>",
    ]
    if box.items_text:
        parts.append(f'<text x="{cx:.1f}" y="{box.y + 55:.1f}" text-anchor="middle" '
                     f'font-size="{SMALL_SIZE}" fill="#6b7785">{escape(box.items_text)}</text>')
    parts.append("</g>")
    body = "".join(parts)
    if box.href:
        return f'<a href="{escape(box.href)}" class="chain-link">{body}</a>'
    return body


def render_svg(chain: Chain, title: str = "Responsibility chain",
               focus_holder: str | None = None) -> str:
    """The chain as an inline ``<svg>`` element (empty string for an empty chain)."""
    if not chain:
        return ""
    laid = layout(chain)
    ids = {n.box.key: n.id for layer in laid.layers for n in layer if n.box is not None}
    arrows = [_arrow(r, chain, ids) for r in laid.routes]
    boxes = [_box(n.box, n.id, focus_holder) for layer in laid.layers for n in layer
             if n.box is not None]
    width, height = laid.width, laid.height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chain-diagram" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT_STACK}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        '<defs><marker id="chain-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{ARROW}"/></marker></defs>'
        + "".join(arrows) + "".join(boxes) + "</svg>"
    )
