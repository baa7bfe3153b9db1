"""The responsibility chain as an inline SVG diagram, rendered on the server (no JavaScript).

One box per (holder, responsibility type): the holder's label, the type, and the items the
responsibilities are stated in. An arrow runs from each box to the box it answers to
(``plan:answersTo``), so the first responsible sits at the top and the units that carry the work
out at the bottom. Boxes of the page's own responsibilities are solid; boxes reached by following
the chain into other items or holders are dashed. Each box links to the holder's page.

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
GAP_X = 28
GAP_Y = 58
MARGIN = 16
MAX_ROW_WIDTH = 1100
FONT_STACK = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"

FOCUS_FILL, CONTEXT_FILL, SELF_FILL = "#eef4fb", "#ffffff", "#fff4d6"
STROKE, ARROW = "#2f5d8a", "#5b6b7a"


@dataclass
class Box:
    """One holder in one responsibility type, with the responsibilities it stands for."""

    key: tuple[str, str]
    holder: str
    holder_zh: str
    holder_en: str
    type_zh: str
    type_en: str
    rank: int
    href: str | None = None
    focus: bool = False
    responsibilities: set[str] = field(default_factory=set)
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
    def items_text(self) -> str:
        """'item 1' or 'items 1, 2, 3 …' (at most six numbers)."""
        numbers = sorted(self.items)
        if not numbers:
            return ""
        shown = ", ".join(str(n) for n in numbers[:6]) + (" …" if len(numbers) > 6 else "")
        return f"item {shown}" if len(numbers) == 1 else f"items {shown}"


@dataclass
class Chain:
    """The boxes and the answers-to arrows between them."""

    boxes: dict[tuple[str, str], Box]
    edges: set[tuple[tuple[str, str], tuple[str, str]]]

    def __bool__(self) -> bool:
        return bool(self.boxes)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated rendered width: wide (CJK) characters one em, others about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.55 for c in text)


def _text(value: Any) -> str:
    """An rdflib term (or None) as plain text."""
    return "" if value is None else str(value)


def build_chain(rows: Iterable[Sequence[Any]], href: Callable[[str], str | None],
                focus_holder: str | None = None) -> Chain:
    """Boxes and arrows from responsibility-diagram.rq rows.

    :param href: maps a holder IRI to the link of its page (or None).
    :param focus_holder: the page's own holder, drawn highlighted.
    """
    rows = list(rows)
    seeds = {_text(r[1]) for r in rows}
    box_of: dict[str, tuple[str, str]] = {}
    boxes: dict[tuple[str, str], Box] = {}
    ups: list[tuple[str, str]] = []
    for (_focus, _seed, resp, holder, hzh, hen, rtype, tzh, ten, rank, number, up) in rows:
        key = (_text(holder), _text(rtype))
        box = boxes.get(key)
        if box is None:
            box = boxes[key] = Box(key, _text(holder), _text(hzh), _text(hen), _text(tzh),
                                   _text(ten), int(rank) if rank is not None else 99,
                                   href(_text(holder)))
        box.responsibilities.add(_text(resp))
        box.focus = box.focus or _text(resp) in seeds or _text(holder) == focus_holder
        if number is not None:
            box.items.add(int(number))
        box_of[_text(resp)] = key
        if up is not None:
            ups.append((_text(resp), _text(up)))
    edges = {(box_of[a], box_of[b]) for a, b in ups
             if a in box_of and b in box_of and box_of[a] != box_of[b]}
    return Chain(boxes, edges)


def assign_layers(chain: Chain) -> list[list[Box]]:
    """Layers top-down: by chain rank, pushed below whatever each box answers to."""
    ranks = sorted({b.rank for b in chain.boxes.values()})
    for box in chain.boxes.values():
        box.layer = ranks.index(box.rank)
    for _ in range(len(chain.boxes)):  # at most n passes settle an acyclic chain
        changed = False
        for low, high in chain.edges:
            if chain.boxes[low].layer <= chain.boxes[high].layer:
                chain.boxes[low].layer = chain.boxes[high].layer + 1
                changed = True
        if not changed:
            break
    used = sorted({b.layer for b in chain.boxes.values()})
    layers: list[list[Box]] = [[] for _ in used]
    for box in chain.boxes.values():
        layers[used.index(box.layer)].append(box)
    return layers


def order_layers(chain: Chain, layers: list[list[Box]]) -> list[list[Box]]:
    """Order each layer under the boxes it answers to (barycentre), to keep arrows short."""
    parents: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for low, high in chain.edges:
        parents.setdefault(low, []).append(high)
    position: dict[tuple[str, str], float] = {}
    ordered = []
    for layer in layers:
        def weight(box: Box) -> tuple[float, int, str]:
            above = [position[p] for p in parents.get(box.key, ()) if p in position]
            centre = sum(above) / len(above) if above else float("inf")
            return (centre, -len(box.responsibilities), box.label)
        layer = sorted(layer, key=weight)
        for i, box in enumerate(layer):
            position[box.key] = i / max(1, len(layer) - 1) if len(layer) > 1 else 0.5
        ordered.append(layer)
    return ordered


def place(layers: list[list[Box]]) -> tuple[float, float]:
    """Give every box its size and position; rows wrap at MAX_ROW_WIDTH. Returns (width, height)."""
    y = MARGIN
    width = 0.0
    rows: list[list[Box]] = []
    for layer in layers:
        row: list[Box] = []
        row_width = 0.0
        for box in layer:
            box.width = max(MIN_BOX_WIDTH, text_width(box.label) + 2 * BOX_PAD,
                            text_width(box.type_zh) + 2 * BOX_PAD,
                            text_width(box.items_text, SMALL_SIZE) + 2 * BOX_PAD)
            if row and row_width + GAP_X + box.width > MAX_ROW_WIDTH:
                rows.append(row)
                row, row_width = [], 0.0
            row_width += (GAP_X if row else 0) + box.width
            row.append(box)
        if row:
            rows.append(row)
    for row in rows:
        width = max(width, sum(b.width for b in row) + GAP_X * (len(row) - 1))
    for row in rows:
        row_width = sum(b.width for b in row) + GAP_X * (len(row) - 1)
        x = MARGIN + (width - row_width) / 2
        for box in row:
            box.x, box.y = x, y
            x += box.width + GAP_X
        y += BOX_HEIGHT + GAP_Y
    return width + 2 * MARGIN, y - GAP_Y + MARGIN


def _arrow(low: Box, high: Box) -> str:
    """A curved arrow from the top of ``low`` to the bottom of ``high``."""
    x1, y1 = low.x + low.width / 2, low.y
    x2, y2 = high.x + high.width / 2, high.y + BOX_HEIGHT
    if y1 <= y2:  # same row or wrapped row: go round the side
        x1, y1 = low.x, low.y + BOX_HEIGHT / 2
        x2, y2 = high.x + high.width, high.y + BOX_HEIGHT / 2
        mid = (y1 + y2) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1 - 30:.1f},{mid:.1f} {x2 + 30:.1f},{mid:.1f} {x2:.1f},{y2:.1f}"
    else:
        mid = (y1 + y2) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2 + 2:.1f}"
    title = f"{low.label} {low.type_zh} → {high.label} {high.type_zh}"
    return (f'<path class="chain-arrow" d="{d}" fill="none" stroke="{ARROW}" stroke-width="1.6" '
            f'marker-end="url(#chain-arrowhead)"><title>{escape(title)} (answers to)</title>'
            "</path>")


def _box(box: Box, focus_holder: str | None) -> str:
    """One box: holder, type, items; a link to the holder's page."""
    own = box.holder == focus_holder
    fill = SELF_FILL if own else (FOCUS_FILL if box.focus else CONTEXT_FILL)
    dash = "" if box.focus else ' stroke-dasharray="5 3"'
    cx = box.x + box.width / 2
    title = (f"{box.label} — {box.type_zh}"
             + (f" ({box.holder_en}: {box.type_en})" if box.holder_en or box.type_en else "")
             + (f"; {box.items_text}" if box.items_text else ""))
    kind = "chain-box chain-self" if own else ("chain-box chain-focus" if box.focus else
                                                "chain-box chain-context")
    parts = [
        f'<g class="{kind}" data-holder="{escape(box.holder)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{BOX_HEIGHT}" '
        f'rx="6" fill="{fill}" stroke="{STROKE}" stroke-width="{2.2 if own else 1.3}"{dash}/>',
        f'<text x="{cx:.1f}" y="{box.y + 22:.1f}" text-anchor="middle" font-size="{FONT_SIZE}" '
        f'font-weight="bold" fill="#13283d">{escape(box.label)}</text>',
        f'<text class="chain-type" x="{cx:.1f}" y="{box.y + 40:.1f}" text-anchor="middle" '
        f'font-size="{FONT_SIZE - 1}" fill="{STROKE}">{escape(box.type_zh or box.type_en)}</text>',
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
    layers = order_layers(chain, assign_layers(chain))
    width, height = place(layers)
    arrows = [_arrow(chain.boxes[low], chain.boxes[high]) for low, high in sorted(chain.edges)]
    boxes = [_box(box, focus_holder) for layer in layers for box in layer]
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
