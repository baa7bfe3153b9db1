"""Accountability answers for auditors: who answers for an item, what a holder answers for, gaps.

One library behind ``plankg trace``/``plankg report`` and the ``/api/`` and ``/report`` views. All
SPARQL lives in ``queries/trace-*.rq``, ``gaps-*.rq`` and ``report-*.rq``; this module binds their
parameters (never formats query text) and shapes the rows. A *runner* executes a named query with
bindings and returns rows as dicts of pyoxigraph terms: :meth:`plankg.kb.KnowledgeBase.runner`
gives one, in this process (the CLI) or on query workers (the service).

Every answer row carries its evidence: ``{"item", "quote", "start", "end"}`` where ``start``/``end``
are code-point offsets (end exclusive) into the plan's source file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyoxigraph as ox

from plankg.errors import BadParameter, PlanKGError
from plankg.kb.queries import NamedQuery, Term, load_query
from plankg.kb.results import XSD
from plankg.kb.results import value as plain

Row = dict[str, Any]
# Runs a named query with bindings; rows as dicts of pyoxigraph terms keyed by column.
Runner = Callable[[NamedQuery, Mapping[str, Term]], list[Mapping[str, Any]]]

PLAN = "https://w3id.org/plankg/ontology#"
WORK_KINDS = ("item", "task", "target", "milestone", "recurrence")
HOLDER_KINDS = ("post", "org", "group")
TOUCH_KINDS = ("place", "programme", "document")
# When one IRI has several kinds (a school is an org and may be a place), the first listed wins.
KIND_ORDER = WORK_KINDS + HOLDER_KINDS + TOUCH_KINDS
SAFETY_TYPES = (
    "DirectManagementResponsibility",
    "GuidanceInspectionResponsibility",
    "DualDutySafetyResponsibility",
)
LINE_OF_WORK = "LineOfWorkResponsibility"
RELATION_ORDER = {"on": 0, "up": 1, "down": 2}
RELATION_TEXT = {"on": "on this", "up": "up the chain", "down": "carries it out"}
TASK_NUMBER = re.compile(r"^(\d+)\.(\d+)$")


class TraceNotFound(PlanKGError):
    """A subject that names nothing in the graph (an unknown item number, name or IRI)."""


# ---------------------------------------------------------------------------------------------
# Running queries
# ---------------------------------------------------------------------------------------------


def iri_term(value: str) -> ox.NamedNode:
    """An IRI parameter."""
    return ox.NamedNode(value)


def literal_term(value: str | int, datatype: str | None = None) -> ox.Literal:
    """A literal parameter: integers typed xsd:integer, other text plain unless ``datatype``."""
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype) if datatype else None)


def ask(run: Runner, query: str, /, **bindings: Term) -> list[Row]:
    """Run the named query with bindings; rows as dicts of plain values."""
    return [{k: plain(v) for k, v in row.items()} for row in run(load_query(query), bindings)]


# ---------------------------------------------------------------------------------------------
# Shaping rows
# ---------------------------------------------------------------------------------------------


def evidence(row: Mapping[str, Any], item_key: str = "itemNumber") -> Row:
    """The evidence of a row: item number, the sentence and its span."""
    return {
        "item": row.get(item_key),
        "quote": row.get("quote"),
        "start": row.get("start"),
        "end": row.get("end"),
    }


def local_name(iri: str | None) -> str:
    """The part of an IRI after '#' or the last '/'."""
    if not iri:
        return ""
    return re.split(r"[#/]", iri)[-1]


def kind_of_holder(iri: str) -> str:
    """post, org, group or place, from the path of an entity IRI (/id/post/...)."""
    m = re.search(r"/id/(post|org|group|place|programme)/", iri)
    return m.group(1) if m else "entity"


def add_evidence(target: Row, row: Mapping[str, Any]) -> None:
    """Append the row's evidence to ``target["evidence"]`` unless it is already there."""
    ev = evidence(row)
    if ev["quote"] is not None and ev not in target["evidence"]:
        target["evidence"].append(ev)
        # a total order, so that every engine gives the same answer (ties in start are common)
        target["evidence"].sort(key=lambda e: (e["start"] is None, e["start"] or 0, e["end"] or 0,
                                               e["item"] or 0, e["quote"]))


def unique(values: Iterable[Any]) -> list[Any]:
    """Values in first-seen order, without repeats or None."""
    out: list[Any] = []
    for v in values:
        if v is not None and v not in out:
            out.append(v)
    return out


# ---------------------------------------------------------------------------------------------
# Resolving what to trace
# ---------------------------------------------------------------------------------------------


def resolve(subject: str, run: Runner) -> Row:
    """What a subject names: ``{"iri", "kind", "label"}``; :raises TraceNotFound: if nothing."""
    text = subject.strip()
    if not text:
        raise BadParameter(
            "nothing to trace: give an item number (19), a task (19.2), a name or an IRI"
        )
    if text.isdigit():
        rows = ask(run, "trace-item", number=literal_term(int(text)))
        if not rows:
            raise TraceNotFound(
                f"no work item {text} in the plan (its report lists the items)"
            )
        return {
            "iri": rows[0]["item"],
            "kind": "item",
            "label": f"{rows[0]['number']}.{rows[0]['title']}",
        }
    m = TASK_NUMBER.match(text)
    if m:
        rows = ask(run, "trace-item", number=literal_term(int(m[1])))
        for row in rows:
            if row["taskNumber"] == int(m[2]):
                return {"iri": row["task"], "kind": "task", "label": f"{m[1]}.{m[2]}"}
        raise TraceNotFound(
            f"no task {text} in the plan (item {m[1]} has "
            f"{len(rows)} task{'s' if len(rows) != 1 else ''})"
        )
    rows = ask(run, "trace-lookup", name=literal_term(text))
    rows.sort(key=lambda r: KIND_ORDER.index(r["kind"]) if r["kind"] in KIND_ORDER else 99)
    rows = [r for r in rows if r["kind"] in KIND_ORDER]
    if not rows:
        raise TraceNotFound(
            f"nothing in the graph is called or identified by {text!r} "
            "(try an item number, a zh name such as 古蔺县, or an IRI)"
        )
    subjects = unique(r["subject"] for r in rows)
    best = rows[0]
    return {
        "iri": best["subject"],
        "kind": best["kind"],
        "label": best["label"] or text,
        "alternatives": [s for s in subjects if s != best["subject"]],
    }


def trace(subject: str, run: Runner) -> Row:
    """Answer "who answers for this?" (an item or task) or "what does this touch/hold?" (an entity)."""
    found = resolve(subject, run)
    kind = found["kind"]
    if kind in WORK_KINDS:
        answer = trace_work(found["iri"], kind, run)
    elif kind in HOLDER_KINDS:
        answer = trace_holder(found["iri"], kind, run)
    else:
        answer = trace_touching(found["iri"], kind, run)
    answer = {
        "subject": subject,
        "kind": kind,
        "iri": found["iri"],
        "label": found["label"],
        **answer,
    }
    if found.get("alternatives"):
        answer.setdefault("notes", []).append(
            f"{subject!r} also names: {', '.join(found['alternatives'])}"
        )
    return answer


# ---------------------------------------------------------------------------------------------
# Items, tasks, targets: who answers for them
# ---------------------------------------------------------------------------------------------


def trace_work(iri: str, kind: str, run: Runner) -> Row:
    """Responsibilities on an item/task/target, the chain above them and the units below them."""
    focus = iri_term(iri)
    tasks = ask(run, "trace-focus", focus=focus)
    if not tasks:
        raise TraceNotFound(f"{iri} is a {kind} with no task in the plan")
    first = tasks[0]
    responsibilities = collect_responsibilities(ask(run, "trace-responsibilities", focus=focus))
    targets = collect_targets(ask(run, "trace-targets", focus=focus))
    participants = (
        []
        if kind not in ("item", "task")
        else [
            {
                "participant": {"iri": r["participant"], "label": r["participantLabel"]},
                "programme": {"iri": r["programme"], "label": r["programmeLabel"]},
                "role": r["roleLabel"],
                "evidence": [evidence(r)],
            }
            for r in ask(run, "trace-participants", focus=focus)
        ]
    )
    chains = upward_chains(responsibilities)
    answer: Row = {
        "item": {
            "iri": first["item"],
            "number": first["number"],
            "title": first["title"],
            "pillar": {"number": first["pillarNumber"], "title": first["pillarTitle"]},
        },
        "tasks": [
            {"iri": t["task"], "number": t["taskNumber"], "evidence": [evidence(t, "number")]}
            for t in tasks
        ],
        "responsibilities": responsibilities,
        "chains": chains,
        "firstResponsible": unique(c["path"][-1]["holder"]["label"] for c in chains),
        "targets": targets,
        "participants": participants,
        "implied": None,
        "notes": [],
    }
    implied = implied_issuer(responsibilities, run)
    if implied:
        answer["implied"] = implied
        answer["notes"].append(implied["note"])
    return answer


def collect_responsibilities(rows: list[Row]) -> list[Row]:
    """One entry per responsibility (evidence and parents merged), on/up/down, by chain rank."""
    out: dict[str, Row] = {}
    for r in rows:
        entry = out.get(r["responsibility"])
        if entry is None:
            entry = out[r["responsibility"]] = {
                "iri": r["responsibility"],
                "relation": r["relation"],
                "holder": {
                    "iri": r["holder"],
                    "label": r["holderLabel"],
                    "kind": kind_of_holder(r["holder"]),
                },
                "type": r["typeLabel"],
                "rank": r["rank"],
                "basis": r["basisLabel"],
                "basisKey": local_name(r["basis"]),
                "scope": r.get("scopeLabel"),
                "scopeCategory": r.get("scopeCategoryLabel"),
                "rule": r.get("ruleLabel"),
                "answersTo": [],
                "task": r["task"],
                "taskNumber": r["taskNumber"],
                "item": r["itemNumber"],
                "evidence": [],
            }
        if RELATION_ORDER[r["relation"]] < RELATION_ORDER[entry["relation"]]:
            entry["relation"] = r["relation"]
        if r.get("parent") and r["parent"] not in entry["answersTo"]:
            entry["answersTo"].append(r["parent"])
        add_evidence(entry, r)
    return sorted(
        out.values(),
        key=lambda e: (
            RELATION_ORDER[e["relation"]],
            e["rank"],
            e["item"],
            e["taskNumber"],
            _iri_key(e["iri"]),
        ),
    )


def _iri_key(iri: str) -> tuple[str, int]:
    """Sort key for IRIs ending in a number (responsibility/10 after responsibility/9)."""
    head, _, tail = iri.rpartition("/")
    return (head, int(tail) if tail.isdigit() else 0)


def upward_chains(responsibilities: list[Row]) -> list[Row]:
    """For each responsibility on the focus, the path up ``answersTo`` to the first responsible."""
    by_iri = {r["iri"]: r for r in responsibilities}
    chains: list[Row] = []
    for start in (r for r in responsibilities if r["relation"] == "on"):
        for path in _paths_up(start, by_iri, ()):
            if len(path) > 1:
                chains.append({"from": start["iri"], "path": [_link(p) for p in path]})
    # Drop chains that are the tail of a longer one (r5 -> r4 inside r6 -> r5 -> r4).
    keys = [tuple(step["iri"] for step in c["path"]) for c in chains]
    keep = [
        c
        for c, k in zip(chains, keys, strict=True)
        if not any(o != k and len(o) > len(k) and o[-len(k) :] == k for o in keys)
    ]
    return keep


def _paths_up(node: Row, by_iri: Mapping[str, Row], seen: tuple[str, ...]) -> list[list[Row]]:
    """All paths from ``node`` following answersTo (cycles cut)."""
    parents = [by_iri[p] for p in node["answersTo"] if p in by_iri and p not in seen]
    if not parents:
        return [[node]]
    return [[node, *rest] for p in parents for rest in _paths_up(p, by_iri, (*seen, node["iri"]))]


def _link(r: Row) -> Row:
    """One step of a chain: the responsibility, its holder, type and evidence."""
    return {
        "iri": r["iri"],
        "holder": r["holder"],
        "type": r["type"],
        "rank": r["rank"],
        "basis": r["basis"],
        "evidence": r["evidence"],
    }


def collect_targets(rows: list[Row]) -> list[Row]:
    """One entry per target, milestone or recurring duty, with its deadline and evidence."""
    out: dict[str, Row] = {}
    for r in rows:
        entry = out.get(r["target"])
        if entry is None:
            entry = out[r["target"]] = {
                "iri": r["target"],
                "relation": r.get("relation"),
                "kind": r["kind"],
                "label": r["label"],
                "value": r.get("value"),
                "unit": r.get("unit"),
                "counts": r.get("counts"),
                "due": r.get("due"),
                "deadlineText": r.get("deadlineText"),
                "event": r.get("event"),
                "modality": r.get("modalityLabel"),
                "taskNumber": r.get("taskNumber"),
                "item": r["itemNumber"],
                "evidence": [],
            }
        add_evidence(entry, r)
    return list(out.values())


def implied_issuer(responsibilities: list[Row], run: Runner) -> Row | None:
    """When the plan names no one for some tasks: the issuer that answers for them, and its head post."""
    by_task: dict[str, list[Row]] = {}
    for r in responsibilities:
        if r["relation"] == "on":
            by_task.setdefault(r["task"], []).append(r)
    unnamed = [rs for rs in by_task.values() if all(r["basisKey"] == "ImpliedIssuer" for r in rs)]
    if not unnamed:
        return None
    issuer = unnamed[0][0]["holder"]
    item = unnamed[0][0]["item"]
    numbers = sorted(rs[0]["taskNumber"] for rs in unnamed)
    task_list = ", ".join(f"{item}.{n}" for n in numbers)
    heads = [
        rel
        for rel in holder_relations(issuer["iri"], run)
        if rel["relation"] == "has post" and rel["other"].get("role") == "局长"
    ]
    note = (
        f"The plan names no one for task{'s' if len(numbers) > 1 else ''} {task_list}: "
        f"the implied issuer {issuer['label']} answers for "
        f"{'them' if len(numbers) > 1 else 'it'} (basis 发文机关默认 / ImpliedIssuer)."
    )
    if heads:
        note += f" The head of {issuer['label']} is {heads[0]['other']['label']} (org:postIn)."
    return {"holder": issuer, "tasks": numbers, "head": heads[0] if heads else None, "note": note}


# ---------------------------------------------------------------------------------------------
# Posts, bodies, groups: what they answer for
# ---------------------------------------------------------------------------------------------


def holder_relations(iri: str, run: Runner) -> list[Row]:
    """Posts of a body, the body of a post, groups, and whom the holder is accountable to."""
    out: dict[tuple[str, str], Row] = {}
    for r in ask(run, "trace-holder-relations", holder=iri_term(iri)):
        key = (r["relation"], r["other"])
        entry = out.get(key)
        if entry is None:
            entry = out[key] = {
                "relation": r["relation"],
                "other": {"iri": r["other"], "label": r["otherLabel"], "role": r.get("roleLabel")},
                "evidence": [],
            }
        add_evidence(entry, r)
    return list(out.values())


def trace_holder(iri: str, kind: str, run: Runner) -> Row:
    """All duties of a post, body or group, both halves of 一岗双责, the items they cover."""
    duties: dict[str, Row] = {}
    for r in ask(run, "trace-holder", holder=iri_term(iri)):
        entry = duties.get(r["responsibility"])
        if entry is None:
            entry = duties[r["responsibility"]] = {
                "iri": r["responsibility"],
                "via": None if r["via"] == iri else {"iri": r["via"], "label": r["viaLabel"]},
                "type": r["typeLabel"],
                "typeKey": local_name(r["type"]),
                "rank": r["rank"],
                "basis": r["basisLabel"],
                "scope": r.get("scopeLabel"),
                "scopeCategory": r.get("scopeCategoryLabel"),
                "rule": r.get("ruleLabel"),
                "paired": [],
                "answersTo": [],
                "item": r["itemNumber"],
                "itemTitle": r["itemTitle"],
                "task": r["task"],
                "taskNumber": r["taskNumber"],
                "evidence": [],
            }
        if r.get("paired") and r["paired"] not in entry["paired"]:
            entry["paired"].append(r["paired"])
        if r.get("parentHolderLabel") and r["parentHolderLabel"] not in entry["answersTo"]:
            entry["answersTo"].append(r["parentHolderLabel"])
        add_evidence(entry, r)
    rows = sorted(
        duties.values(), key=lambda d: (d["item"], d["taskNumber"], d["rank"], _iri_key(d["iri"]))
    )
    line = [d for d in rows if d["typeKey"] == LINE_OF_WORK]
    safety = [d for d in rows if d["typeKey"] in SAFETY_TYPES]
    items: dict[int, Row] = {}
    for d in rows:
        items.setdefault(d["item"], {"number": d["item"], "title": d["itemTitle"], "duties": 0})[
            "duties"
        ] += 1
    notes = []
    if line or safety:
        notes.append(
            f"一岗双责: {len(line)} line-of-work duty(ies) (业务工作责任) and {len(safety)} safety "
            "duty(ies) over the units it liaises with (直管责任 / 指导督查责任)."
        )
    if not rows:
        notes.append("The plan assigns no duty to this holder.")
    return {
        "duties": rows,
        "dualDuty": {"lineOfWork": line, "safety": safety},
        "items": sorted(items.values(), key=lambda i: i["number"]),
        "relations": holder_relations(iri, run),
        "notes": notes,
    }


# ---------------------------------------------------------------------------------------------
# Places and programmes: what touches them
# ---------------------------------------------------------------------------------------------


def trace_touching(iri: str, kind: str, run: Runner) -> Row:
    """Items, tasks, participations, targets and deadlines that touch a place or programme."""
    links: dict[tuple[str, str | None, str | None], Row] = {}
    for r in ask(run, "trace-touching", entity=iri_term(iri)):
        key = (r["relation"], r.get("task"), r.get("other"))
        entry = links.get(key)
        if entry is None:
            entry = links[key] = {
                "relation": r["relation"],
                "item": r["itemNumber"],
                "itemTitle": r["itemTitle"],
                "taskNumber": r.get("taskNumber"),
                "other": {"iri": r["other"], "label": r.get("otherLabel")}
                if r.get("other")
                else None,
                "role": r.get("roleLabel"),
                "evidence": [],
            }
        add_evidence(entry, r)
    deadlines = collect_targets(ask(run, "trace-deadlines", entity=iri_term(iri)))
    mentions = sorted(
        links.values(), key=lambda e: (e["item"], e["taskNumber"] or 0, e["relation"])
    )
    items: dict[int, Row] = {}
    for m in mentions:
        items.setdefault(m["item"], {"number": m["item"], "title": m["itemTitle"]})
    notes = [] if mentions else ["No item of the plan names this."]
    return {
        "items": sorted(items.values(), key=lambda i: i["number"]),
        "mentions": mentions,
        "deadlines": sorted(
            deadlines, key=lambda d: (d["due"] is None, d["due"] or "", d["item"])
        ),
        "notes": notes,
    }


# ---------------------------------------------------------------------------------------------
# Gaps, deadlines, the whole plan
# ---------------------------------------------------------------------------------------------


def gaps(run: Runner) -> Row:
    """Tasks with no identified holder, targets with no deadline, holders with a duty but no item."""
    tasks = [
        {
            "item": r["itemNumber"],
            "itemTitle": r["itemTitle"],
            "task": r["task"],
            "taskNumber": r["taskNumber"],
            "impliedHolder": {"iri": r.get("impliedHolder"), "label": r.get("impliedHolderLabel")},
            "evidence": [evidence(r)],
        }
        for r in ask(run, "gaps-tasks-without-holder")
    ]
    targets = [
        {
            "iri": r["target"],
            "label": r["label"],
            "value": r["value"],
            "unit": r.get("unit"),
            "counts": r.get("counts"),
            "item": r["itemNumber"],
            "taskNumber": r["taskNumber"],
            "evidence": [evidence(r)],
        }
        for r in ask(run, "gaps-targets-without-deadline")
    ]
    holders: dict[str, Row] = {}
    for r in ask(run, "gaps-holders-without-item"):
        entry = holders.setdefault(
            r["holder"],
            {
                "holder": {"iri": r["holder"], "label": r["holderLabel"]},
                "duties": [],
                "evidence": [],
            },
        )
        if r["typeLabel"] not in entry["duties"]:
            entry["duties"].append(r["typeLabel"])
        add_evidence(entry, r)
    return {
        "tasksWithoutHolder": sorted(tasks, key=lambda t: (t["item"], t["taskNumber"], t["task"])),
        "targetsWithoutDeadline": sorted(targets, key=lambda t: (t["item"], t["taskNumber"],
                                                                 t["evidence"][0]["start"] or 0, t["iri"])),
        "holdersWithoutItem": list(holders.values()),
    }


def parse_date(value: str) -> dt.date:
    """A YYYY-MM-DD date; :raises BadParameter: otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadParameter(
            f"until={value!r} is not a date: give YYYY-MM-DD, e.g. 2014-06-30"
        ) from None


def due_by(until: str, run: Runner) -> list[Row]:
    """Targets and milestones due on or before ``until`` (YYYY-MM-DD), with evidence."""
    day = parse_date(until)
    return [
        {
            "iri": r["target"],
            "kind": r["kind"],
            "label": r["label"],
            "due": r["due"],
            "deadlineText": r.get("deadlineText"),
            "value": r.get("value"),
            "unit": r.get("unit"),
            "item": r["itemNumber"],
            "taskNumber": r["taskNumber"],
            "evidence": [evidence(r)],
        }
        for r in ask(run, "trace-due-by", until=literal_term(day.isoformat(), "date"))
    ]


def items(run: Runner) -> list[Row]:
    """Every work item with its pillar and the span of its text."""
    return [
        {
            "iri": r["item"],
            "number": r["number"],
            "title": r["title"],
            "pillar": {"number": r["pillarNumber"], "title": r["pillarTitle"]},
            "evidence": [evidence(r, "number")],
        }
        for r in ask(run, "report-items")
    ]


def holders(run: Runner) -> list[Row]:
    """Every holder with its duties (type, item, task, evidence), most duties first."""
    out: dict[str, Row] = {}
    for r in ask(run, "report-responsibilities"):
        h = out.setdefault(
            r["holder"],
            {
                "iri": r["holder"],
                "label": r["holderLabel"],
                "kind": kind_of_holder(r["holder"]),
                "duties": {},
            },
        )
        d = h["duties"].setdefault(
            r["responsibility"],
            {
                "iri": r["responsibility"],
                "type": r["typeLabel"],
                "rank": r["rank"],
                "basis": r["basisLabel"],
                "scope": r.get("scopeLabel"),
                "item": r["itemNumber"],
                "taskNumber": r["taskNumber"],
                "evidence": [],
            },
        )
        add_evidence(d, r)
    result = [{**h, "duties": list(h["duties"].values())} for h in out.values()]
    return sorted(result, key=lambda h: (-len(h["duties"]), h["label"]))


def timeline_years(plan_year: Any, dues: list[str]) -> list[int]:
    """The years a plan's timeline shows: its own year and the next (plans reach into the next
    year's spring), else the span of its deadlines, else this year."""
    if plan_year:
        year = int(plan_year)
        return [year, year + 1]
    found = sorted({int(d[:4]) for d in dues if d[:4].isdigit()})
    if found:
        return list(range(found[0], min(found[-1], found[0] + 4) + 1))
    return [dt.date.today().year]


def report(run: Runner) -> Row:
    """The audit report of the plan: per pillar, items with holders by type, targets, deadlines, gaps."""
    item_rows = ask(run, "report-items")
    resp_rows = ask(run, "report-responsibilities")
    dead_rows = collect_targets(ask(run, "report-deadlines"))
    gap = gaps(run)
    by_item: dict[int, Row] = {}
    pillars: dict[int, Row] = {}
    for r in item_rows:
        pillar = pillars.setdefault(
            r["pillarNumber"], {"number": r["pillarNumber"], "title": r["pillarTitle"], "items": []}
        )
        entry = {
            "iri": r["item"],
            "number": r["number"],
            "title": r["title"],
            "evidence": [evidence(r, "number")],
            "holders": {},
            "targets": [],
            "gaps": {"tasksWithoutHolder": [], "targetsWithoutDeadline": []},
        }
        pillar["items"].append(entry)
        by_item[r["number"]] = entry
    seen: set[tuple[str, str]] = set()
    for r in resp_rows:
        key = (r["responsibility"], r["holder"])
        if key in seen:
            continue
        seen.add(key)
        slot = by_item[r["itemNumber"]]["holders"].setdefault(
            r["typeLabel"], {"type": r["typeLabel"], "rank": r["rank"], "holders": []}
        )
        if not any(h["iri"] == r["holder"] for h in slot["holders"]):
            slot["holders"].append(
                {
                    "iri": r["holder"],
                    "label": r["holderLabel"],
                    "basis": r["basisLabel"],
                    "evidence": [evidence(r)],
                }
            )
    for t in dead_rows:
        by_item[t["item"]]["targets"].append(t)
    for g in gap["tasksWithoutHolder"]:
        by_item[g["item"]]["gaps"]["tasksWithoutHolder"].append(g)
    for g in gap["targetsWithoutDeadline"]:
        by_item[g["item"]]["gaps"]["targetsWithoutDeadline"].append(g)
    for entry in by_item.values():
        entry["holders"] = sorted(entry["holders"].values(), key=lambda s: (s["rank"], s["type"]))
    plans = ask(run, "plans")
    plan = plans[0] if len(plans) == 1 else {}
    years = timeline_years(plan.get("year"), [t["due"] for t in dead_rows if t["due"]])
    timeline = sorted(
        (t for t in dead_rows if t["due"] and years[0] <= int(t["due"][:4]) <= years[-1]),
        key=lambda t: (t["due"], t["item"], t["label"]),
    )
    return {
        "title": item_rows[0]["planTitle"] if item_rows else "",
        "plan": {"iri": plan.get("plan"), "title": plan.get("title"), "year": plan.get("year"),
                 "issuer": {"iri": plan.get("issuer"), "label": plan.get("issuerLabel")}},
        "years": years,
        "pillars": [pillars[k] for k in sorted(pillars)],
        "timeline": timeline,
        "gaps": gap,
        "counts": {
            "items": len(item_rows),
            "responsibilities": len({r["responsibility"] for r in resp_rows}),
            "targets": sum(1 for t in dead_rows if t["kind"] == "target"),
            "milestones": sum(1 for t in dead_rows if t["kind"] == "milestone"),
            "recurrences": sum(1 for t in dead_rows if t["kind"] == "recurrence"),
            "tasksWithoutHolder": len(gap["tasksWithoutHolder"]),
            "targetsWithoutDeadline": len(gap["targetsWithoutDeadline"]),
            "holdersWithoutItem": len(gap["holdersWithoutItem"]),
        },
    }


# ---------------------------------------------------------------------------------------------
# Implied responsibilities (for the chain diagram and the pages' stated / implied filter)
# ---------------------------------------------------------------------------------------------


def implied_responsibilities(focus: str, run: Runner) -> set[str]:
    """IRIs of the responsibilities around an item, task or holder (those of its chain diagram)
    whose basis is ImpliedIssuer (发文机关默认: the sentence names no one, the issuer answers)."""
    return {r["responsibility"] for r in ask(run, "diagram-implied", focus=iri_term(focus))}
