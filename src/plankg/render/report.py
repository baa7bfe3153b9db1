"""The audit report rendered as HTML, CSV and Markdown, for ``/report`` and ``plankg report``.

The data comes from :func:`plankg.kb.accountability.report`; this module only renders it. The HTML
uses the same Jinja template for the server and the CLI, and the timeline of deadlines is an inline
SVG drawn here (no JavaScript, no CDN).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from functools import lru_cache
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from plankg.render.links import safe_href

Link = Callable[[str], str | None]


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment over render/templates (usable without a Flask app)."""
    return Environment(
        loader=PackageLoader("plankg.render", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    data: dict[str, Any], link: Link = safe_href, trace_link: Link | None = None,
    nav_root: str | None = None,
) -> str:
    """The report page; ``link`` maps IRIs to hrefs, ``trace_link`` (if any) an item number to its trace.

    ``nav_root`` (the service's mount point, "" at the root) gives the page the site's navigation
    bar; without it (``plankg report``) the page stands alone.
    """
    template = environment().get_template("report.html")
    return template.render(
        report=data,
        link=link,
        trace_link=trace_link,
        nav_root=nav_root,
        timeline=timeline_svg(data["timeline"], data["years"], link),
        generated=dt.date.today().isoformat(),
    )


def month_index(day: str, first_year: int) -> int:
    """Months since January of the first year (2014-05-31, 2014 -> 4)."""
    year, month = int(day[:4]), int(day[5:7])
    return (year - first_year) * 12 + month - 1


def timeline_svg(entries: list[dict[str, Any]], years: list[int], link: Link = safe_href) -> Markup:
    """An inline SVG: one row per dated target or milestone, a dot in its due month, over ``years``."""
    months = 12 * len(years)
    left, right, top, row = 16, 16, 46, 22
    width = 980
    plot = width - left - right
    month_w = plot / months
    height = top + row * max(len(entries), 1) + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="timeline-title"><title id="timeline-title">Timeline of the plan\'s '
        f"deadlines and milestones, {years[0]}–{years[-1]}</title>"
    ]
    for m in range(months):
        x = left + m * month_w
        shade = "#f4f6f8" if (m // 3) % 2 == 0 else "#ffffff"
        parts.append(
            f'<rect x="{x:.1f}" y="{top - 14}" width="{month_w:.1f}" height="{height - top + 8}" '
            f'fill="{shade}"/>'
        )
        parts.append(
            f'<text class="month" x="{x + month_w / 2:.1f}" y="{top - 4}" text-anchor="middle">'
            f"{m % 12 + 1}</text>"
        )
    for i, year in enumerate(years):
        x = left + i * 12 * month_w
        parts.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height}" class="year-rule"/>')
        parts.append(f'<text class="year" x="{x + 4:.1f}" y="16">{year}年</text>')
    for n, e in enumerate(entries):
        m = month_index(e["due"], years[0])
        if not 0 <= m < months:
            continue
        cx = left + (m + 0.5) * month_w
        cy = top + n * row + row / 2
        label = f"{e['item']}. {e['label']}（{e.get('deadlineText') or e['due']}）"
        ev = e["evidence"][0] if e["evidence"] else {}
        tip = f"item {e['item']}: {ev.get('quote', '')} [{ev.get('start')},{ev.get('end')}] · due {e['due']}"
        anchor, tx = ("start", cx + 9) if cx < width * 0.55 else ("end", cx - 9)
        shape = (
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6"/>'
            if e["kind"] == "milestone"
            else f'<rect x="{cx - 6:.1f}" y="{cy - 6:.1f}" width="12" height="12" transform="rotate(45 '
            f'{cx:.1f} {cy:.1f})"/>'
        )
        event = (
            f'<g class="event {escape(e["kind"])}" data-due="{escape(e["due"])}" '
            f'data-item="{escape(str(e["item"]))}"><title>{escape(tip)}</title>'
            f'<line x1="{left}" y1="{cy:.1f}" x2="{width - right}" y2="{cy:.1f}" class="guide"/>'
            f'{shape}<text x="{tx:.1f}" y="{cy + 4:.1f}" text-anchor="{anchor}">{escape(label)}</text></g>'
        )
        href = link(e["iri"])
        parts.append(f'<a href="{escape(href)}">{event}</a>' if href else event)
    parts.append("</svg>")
    return Markup("".join(parts))


# ---------------------------------------------------------------------------------------------
# CSV and Markdown
# ---------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "pillar",
    "item",
    "item_title",
    "section",
    "kind",
    "label",
    "holder_type",
    "basis",
    "due",
    "deadline_text",
    "quote",
    "start",
    "end",
)


def report_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The report flattened: one row per item, responsibility, target and gap, each with evidence."""
    rows: list[dict[str, Any]] = []
    for p in data["pillars"]:
        for it in p["items"]:
            base = {"pillar": p["number"], "item": it["number"], "item_title": it["title"]}
            rows.append(
                {
                    **base,
                    "section": "item",
                    "kind": "item",
                    "label": it["title"],
                    **span(it["evidence"]),
                }
            )
            for slot in it["holders"]:
                for h in slot["holders"]:
                    rows.append(
                        {
                            **base,
                            "section": "responsibility",
                            "kind": "holder",
                            "label": h["label"],
                            "holder_type": slot["type"],
                            "basis": h["basis"],
                            **span(h["evidence"]),
                        }
                    )
            for t in it["targets"]:
                rows.append(
                    {
                        **base,
                        "section": "target",
                        "kind": t["kind"],
                        "label": t["label"],
                        "due": t.get("due") or "",
                        "deadline_text": t.get("deadlineText") or "",
                        **span(t["evidence"]),
                    }
                )
            for g in it["gaps"]["tasksWithoutHolder"]:
                rows.append(
                    {
                        **base,
                        "section": "gap",
                        "kind": "task without named holder",
                        "label": f"task {g['item']}.{g['taskNumber']}",
                        "holder_type": "implied: " + (g["impliedHolder"]["label"] or ""),
                        "basis": "发文机关默认",
                        **span(g["evidence"]),
                    }
                )
            for g in it["gaps"]["targetsWithoutDeadline"]:
                rows.append(
                    {
                        **base,
                        "section": "gap",
                        "kind": "target without deadline",
                        "label": g["label"],
                        **span(g["evidence"]),
                    }
                )
    for h in data["gaps"]["holdersWithoutItem"]:
        ev = h["evidence"]
        rows.append(
            {
                "pillar": "",
                "item": ev[0]["item"] if ev else "",
                "item_title": "",
                "section": "gap",
                "kind": "holder with a duty but no item",
                "label": h["holder"]["label"],
                "holder_type": ", ".join(h["duties"]),
                **span(ev),
            }
        )
    return rows


def span(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The first evidence of a fact as CSV columns."""
    ev = evidence[0] if evidence else {}
    return {"quote": ev.get("quote", ""), "start": ev.get("start", ""), "end": ev.get("end", "")}


def render_csv(data: dict[str, Any]) -> str:
    """The report as CSV (RFC 4180, CRLF line ends, UTF-8)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, restval="", extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in report_rows(data))
    return out.getvalue()


def csv_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def count(n: int, one: str, many: str | None = None) -> str:
    """"1 holder", "2 holders"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def md(text: Any) -> str:
    """A value safe inside a Markdown table cell: no raw HTML, no cell breaks, no line breaks."""
    return escape(str(text if text is not None else ""), quote=False).replace("|", "\\|").replace("\n", " ")


def cite(evidence: list[dict[str, Any]]) -> str:
    """“quote” [start,end] for Markdown."""
    ev = evidence[0] if evidence else None
    return f"“{md(ev['quote'])}” [{ev['start']},{ev['end']}]" if ev else ""


def render_markdown(data: dict[str, Any]) -> str:
    """The report as Markdown: summary, timeline table, then per pillar items, holders, targets, gaps."""
    c = data["counts"]
    out = [
        f"# Audit report: {md(data['title'])}",
        "",
        f"{count(c['items'], 'item')}, {count(c['responsibilities'], 'responsibility', 'responsibilities')}, "
        f"{count(c['targets'], 'target')}, {count(c['milestones'], 'milestone')}, "
        f"{count(c['recurrences'], 'recurring duty', 'recurring duties')}. Gaps: "
        f"{count(c['tasksWithoutHolder'], 'task')} with no named holder, "
        f"{count(c['targetsWithoutDeadline'], 'target')} without deadline, "
        f"{count(c['holdersWithoutItem'], 'holder')} with a duty but no item.",
        "",
        "Evidence is quoted with its [start,end) span in code points of the source file.",
        "",
        f"## Timeline {data['years'][0]}–{data['years'][-1]}",
        "",
        "| due | as written | item | milestone / target | evidence |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {t['due']} | {md(t.get('deadlineText'))} | {t['item']} | {md(t['label'])} | {cite(t['evidence'])} |"
        for t in data["timeline"]
    ]
    for p in data["pillars"]:
        out += ["", f"## {p['number']}. {md(p['title'])}"]
        for it in p["items"]:
            out += ["", f"### {it['number']}. {md(it['title'])}", ""]
            for slot in it["holders"]:
                names = ", ".join(f"{md(h['label'])} ({md(h['basis'])})" for h in slot["holders"])
                out.append(f"- **{md(slot['type'])}**: {names}")
            if it["targets"]:
                out += ["", "| kind | target | due | evidence |", "|---|---|---|---|"]
                out += [
                    f"| {md(t['kind'])} | {md(t['label'])} | {md(t.get('due') or 'no deadline')} | "
                    f"{cite(t['evidence'])} |"
                    for t in it["targets"]
                ]
            gaps = it["gaps"]
            if gaps["tasksWithoutHolder"] or gaps["targetsWithoutDeadline"]:
                out.append("")
                out += [
                    f"- gap: task {g['item']}.{g['taskNumber']} names no holder (implied: "
                    f"{md(g['impliedHolder']['label'])}) {cite(g['evidence'])}"
                    for g in gaps["tasksWithoutHolder"]
                ]
                out += [
                    f"- gap: target {md(g['label'])} has no deadline {cite(g['evidence'])}"
                    for g in gaps["targetsWithoutDeadline"]
                ]
    out += ["", "## Holders with a duty but no item of their own", ""]
    out += [
        f"- {md(h['holder']['label'])}: {md(', '.join(h['duties']))} {cite(h['evidence'])}"
        for h in data["gaps"]["holdersWithoutItem"]
    ] or ["- none"]
    return "\n".join(out) + "\n"
