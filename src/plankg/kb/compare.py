"""Two plans side by side: pillars and items, targets of the same kind with their values,
responsibilities by holder and type, deadlines; what only one has and what changed.

Works across years of one issuer (泸州 2014 vs 2015) and across issuers of one year: things are
matched by what they are, not by where they are in the text. Targets match by what they count and
their unit; holders by their node (the same body named in two plans is one node); milestones and
recurring duties by their label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from plankg.kb.accountability import Row, Runner, ask, evidence

Change = str  # "same", "raised", "lowered", "changed", "moved", "only in a", "only in b"


def side_by_side(a: dict[Any, Any], b: dict[Any, Any]) -> list[tuple[Any, Any, Any]]:
    """(key, value in a or None, value in b or None) for every key of either, in key order."""
    keys = sorted(set(a) | set(b), key=lambda k: (str(type(k)), k))
    return [(k, a.get(k), b.get(k)) for k in keys]


def presence(left: Any, right: Any, differ: Callable[[Any, Any], Change]) -> Change:
    """'only in a' / 'only in b', else what ``differ`` says of the two."""
    if right is None:
        return "only in a"
    if left is None:
        return "only in b"
    return differ(left, right)


def structure(run: Runner) -> tuple[dict[int, str], dict[int, str]]:
    """Pillar titles and item titles of a plan, by number."""
    pillars, items = {}, {}
    for r in ask(run, "report-items"):
        pillars[r["pillarNumber"]] = r["pillarTitle"]
        items[r["number"]] = r["title"]
    return pillars, items


def targets_by_kind(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    """Quantified targets grouped by what they count and their unit."""
    out: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "target" and isinstance(r.get("value"), (int, float)):
            out[(r.get("counts") or r["label"], r.get("unit") or "")].append(r)
    return dict(out)


def total(rows: list[Row]) -> float:
    return sum(r["value"] for r in rows)


def value_change(a: list[Row], b: list[Row]) -> Change:
    ta, tb = total(a), total(b)
    return "same" if ta == tb else "raised" if tb > ta else "lowered"


def holders(rows: list[Row]) -> dict[str, Row]:
    """Each holder of a plan with the types of its responsibilities."""
    out: dict[str, Row] = {}
    for r in rows:
        entry = out.setdefault(r["holder"], {"iri": r["holder"], "label": r["holderLabel"], "types": set()})
        entry["types"].add(r["typeLabel"])
    return out


def dated(rows: list[Row]) -> dict[tuple[str, str], Row]:
    """Milestones, recurring duties and dated targets by kind and label."""
    return {(r["kind"], r["label"]): r for r in rows if r.get("due") and r["kind"] != "target"} | \
        {("target", r.get("counts") or r["label"]): r for r in rows if r.get("due") and r["kind"] == "target"}


def compare(run_a: Runner, run_b: Runner, meta_a: Row, meta_b: Row) -> Row:
    """The comparison of plan a and plan b (each a runner scoped to that plan, and its manifest entry)."""
    pillars_a, items_a = structure(run_a)
    pillars_b, items_b = structure(run_b)
    deadlines_a, deadlines_b = ask(run_a, "report-deadlines"), ask(run_b, "report-deadlines")
    resp_a, resp_b = holders(ask(run_a, "report-responsibilities")), holders(ask(run_b, "report-responsibilities"))
    same_text: Callable[[Any, Any], Change] = lambda x, y: "same" if x == y else "changed"  # noqa: E731
    targets = []
    for (counts, unit), a, b in side_by_side(targets_by_kind(deadlines_a), targets_by_kind(deadlines_b)):
        targets.append({"counts": counts, "unit": unit,
                        "a": [t["value"] for t in a or []], "b": [t["value"] for t in b or []],
                        "change": presence(a, b, value_change),
                        "evidence": {"a": [evidence(t) for t in a or []], "b": [evidence(t) for t in b or []]}})
    responsibilities = []
    for iri, a, b in side_by_side(resp_a, resp_b):
        types_a, types_b = sorted((a or {}).get("types", ())), sorted((b or {}).get("types", ()))
        responsibilities.append({"holder": {"iri": iri, "label": (a or b)["label"]}, "a": types_a, "b": types_b,
                                 "change": presence(a, b, lambda x, y: "same" if types_a == types_b else "changed")})
    deadlines = []
    for (kind, label), a, b in side_by_side(dated(deadlines_a), dated(deadlines_b)):
        deadlines.append({"kind": kind, "label": label, "a": (a or {}).get("due"), "b": (b or {}).get("due"),
                          "change": presence(a, b, lambda x, y: "same" if x["due"][5:] == y["due"][5:] else "moved")})
    return {
        "a": meta_a, "b": meta_b,
        "pillars": [{"number": n, "a": x, "b": y, "change": presence(x, y, same_text)}
                    for n, x, y in side_by_side(pillars_a, pillars_b)],
        "items": [{"number": n, "a": x, "b": y, "change": presence(x, y, same_text)}
                  for n, x, y in side_by_side(items_a, items_b)],
        "targets": targets,
        "responsibilities": responsibilities,
        "deadlines": deadlines,
        "summary": summary(targets, responsibilities, deadlines),
    }


def summary(*lists: list[Row]) -> dict[str, int]:
    """How many entries of each kind of change, over all the lists."""
    out: dict[str, int] = defaultdict(int)
    for entries in lists:
        for e in entries:
            out[e["change"]] += 1
    return dict(sorted(out.items()))
