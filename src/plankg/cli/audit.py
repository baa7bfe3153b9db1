"""`plankg trace | report`: accountability on the command line (thin wrappers over plankg.audit)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from plankg.cli import from_option
from plankg.errors import PlanKGError


def local_runner(from_dir: Path | None, plan: str | None) -> Any:
    """A runner over one plan of the local build (the only one when ``plan`` is None).

    :raises click.UsageError: the build holds several plans and none was named (they are listed).
    """
    from plankg.config import build_dir
    from plankg.errors import PlanChoice
    from plankg.kb import KnowledgeBase

    kb = KnowledgeBase(build_dir(from_dir))
    try:
        return kb.runner(kb.plan(plan)["key"])
    except PlanChoice as exc:
        raise click.UsageError(f"{exc} (--plan KEY)") from None


plan_option = click.option("--plan", default=None, metavar="KEY",
                           help="The plan to answer about (required when the build holds several).")


@click.command()
@click.argument("subject")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text (the chain as a tree) or JSON (the same answer as /api/trace/...).",
)
@plan_option
@from_option
def trace(subject: str, fmt: str, plan: str | None, from_dir: Path | None) -> None:
    """Who answers for SUBJECT: an item (19), a task (19.2), a name (古蔺县, 其他局领导) or an IRI.

    Every line of the answer carries its evidence: the item, the sentence and its [start,end)
    span (code points) in the plan's source file.
    """
    from plankg.kb import accountability as audit

    try:
        answer = audit.trace(subject, local_runner(from_dir, plan))
    except PlanKGError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(render_trace(answer)))


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "csv", "md"]),
    default="html",
    show_default=True,
    help="HTML (as served at /report, printable), CSV (one row per fact) or Markdown.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@plan_option
@from_option
def report(fmt: str, output: Path | None, plan: str | None, from_dir: Path | None) -> None:
    """The audit report of a plan: per pillar, items, holders by type, targets, deadlines, gaps."""
    from plankg.kb import accountability as audit
    from plankg.render import report as pages

    try:
        data = audit.report(local_runner(from_dir, plan))
    except PlanKGError as exc:
        raise click.ClickException(str(exc)) from None
    text = {"html": pages.render_html, "csv": pages.render_csv, "md": pages.render_markdown}[fmt](
        data
    )
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        raise click.ClickException(f"{output}: {exc.strerror or exc}") from None
    click.echo(
        f"wrote {output} ({fmt}, {len(data['pillars'])} pillars, {data['counts']['items']} items)",
        err=True,
    )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Text rendering of a trace
# ---------------------------------------------------------------------------------------------

KIND_NAMES = {
    "item": "Item",
    "task": "Task",
    "target": "Target",
    "milestone": "Milestone",
    "recurrence": "Recurring duty",
    "post": "Post",
    "org": "Organisation",
    "group": "Group",
    "place": "Place",
    "programme": "Programme",
    "document": "Document",
}


def quote_lines(evidence: list[dict[str, Any]], indent: str) -> Iterator[str]:
    """The evidence lines: “sentence” [start,end] item N."""
    for ev in evidence:
        yield f"{indent}“{ev['quote']}” [{ev['start']},{ev['end']}] item {ev['item']}"


def render_trace(answer: dict[str, Any]) -> list[str]:
    """A trace answer as readable lines."""
    head = f"{KIND_NAMES.get(answer['kind'], answer['kind'])} {answer['label']}"
    if answer["kind"] == "item":
        head = f"Item {answer['item']['number']} {answer['item']['title']}"
    lines = [head, f"  <{answer['iri']}>"]
    if "responsibilities" in answer:
        lines += render_work(answer)
    elif "duties" in answer:
        lines += render_holder(answer)
    else:
        lines += render_touching(answer)
    return lines


def describe_responsibility(r: dict[str, Any]) -> str:
    """One line for a responsibility: holder — type (rank) · basis · scope · task."""
    parts = [f"{r['holder']['label']} — {r['type']} (rank {r['rank']})", f"basis {r['basis']}"]
    if r.get("scopeCategory") or r.get("scope"):
        parts.append(f"over {r.get('scopeCategory') or r.get('scope')}")
    if r.get("rule"):
        parts.append(f"rule {r['rule']}")
    parts.append(f"task {r['item']}.{r['taskNumber']}")
    from plankg.kb.accountability import RELATION_TEXT

    parts.append(f"[{RELATION_TEXT[r['relation']]}]")
    return " · ".join(parts)


def render_work(a: dict[str, Any]) -> list[str]:
    """Lines for an item/task/target trace: tree, chains, notes, targets, participants."""
    item = a["item"]
    pillar = f"pillar {item['pillar']['number']} {item['pillar']['title']}"
    lines = [
        f"  {pillar}"
        if a["kind"] == "item"
        else f"  in item {item['number']} {item['title']} · {pillar}"
    ]
    if a["kind"] != "item":
        for t in a["tasks"]:
            lines.append(f"  task {item['number']}.{t['number']}")
            lines += quote_lines(t["evidence"], "      ")
    lines += [
        "",
        "Who answers for it (first responsible at the top; each line's evidence below it):",
    ]
    lines += render_tree(a["responsibilities"])
    if a["chains"]:
        lines += ["", "Chains up to the first responsible:"]
        seen: set[str] = set()
        for chain in a["chains"]:
            text = " → ".join(f"{s['holder']['label']} ({s['type']})" for s in chain["path"])
            if text not in seen:
                seen.add(text)
                lines.append(f"  {text}")
    if a.get("implied"):
        imp = a["implied"]
        lines += ["", f"NOTE: {imp['note']}"]
        if imp.get("head"):
            head = imp["head"]
            lines.append(
                f"  head post of {imp['holder']['label']}: {head['other']['label']} "
                f"<{head['other']['iri']}>"
            )
            lines += quote_lines(head["evidence"][-1:], "      ")
    if a["targets"]:
        lines += ["", "Targets, milestones and recurring duties:"]
        for t in a["targets"]:
            lines.append(f"  {t['item']}.{t['taskNumber']} {t['kind']}: {t['label']}{due_text(t)}")
            lines += quote_lines(t["evidence"], "      ")
    if a.get("participants"):
        lines += ["", "Units named to carry it out (participants):"]
        for p in a["participants"]:
            lines.append(
                f"  {p['participant']['label']} — {p['role']} in {p['programme']['label']}"
            )
            lines += quote_lines(p["evidence"], "      ")
    return lines


def due_text(t: dict[str, Any]) -> str:
    """' · due 2014-05-31 (5月份)', ' · no deadline' for a target, '' for a recurring duty."""
    if t.get("due"):
        return f" · due {t['due']} ({t.get('deadlineText') or t['due']})"
    return " · no deadline" if t["kind"] == "target" else ""


def render_tree(responsibilities: list[dict[str, Any]]) -> list[str]:
    """The responsibilities as a forest along answersTo, roots (first responsible) at the top."""
    by_iri = {r["iri"]: r for r in responsibilities}
    children: dict[str, list[dict[str, Any]]] = {}
    roots = []
    for r in sorted(responsibilities, key=lambda r: (r["rank"], r["item"], r["taskNumber"])):
        parents = [p for p in r["answersTo"] if p in by_iri]
        if not parents:
            roots.append(r)
        for p in parents:
            children.setdefault(p, []).append(r)
    lines: list[str] = []

    def walk(node: dict[str, Any], prefix: str, branch: str, seen: tuple[str, ...]) -> None:
        lines.append(f"  {prefix}{branch}{describe_responsibility(node)}")
        below = prefix + ("   " if branch == "└─ " else "│  " if branch else "")
        kids = [k for k in children.get(node["iri"], []) if k["iri"] not in seen]
        lines.extend(quote_lines(node["evidence"], f"  {below}{'│  ' if kids else '   '}   "))
        for i, kid in enumerate(kids):
            walk(kid, below, "└─ " if i == len(kids) - 1 else "├─ ", (*seen, node["iri"]))

    for root in roots:
        walk(root, "", "", ())
    return lines or ["  (no responsibility recorded)"]


def render_holder(a: dict[str, Any]) -> list[str]:
    """Lines for a post/organisation/group: relations, 一岗双责, duties, items."""
    lines: list[str] = []
    for rel in a["relations"]:
        role = f" ({rel['other']['role']})" if rel["other"].get("role") else ""
        lines.append(f"  {rel['relation']}: {rel['other']['label']}{role} <{rel['other']['iri']}>")
        lines += quote_lines(rel["evidence"][-1:], "      ")
    dual = a["dualDuty"]
    if dual["lineOfWork"] or dual["safety"]:
        lines += ["", "一岗双责 (one post, two duties):"]
        for d in dual["lineOfWork"]:
            lines.append(
                f"  own line of work: {d['type']} · item {d['item']}.{d['taskNumber']} · basis {d['basis']}"
            )
            lines += quote_lines(d["evidence"], "      ")
        for d in dual["safety"]:
            over = d.get("scopeCategory") or d.get("scope") or "the units it liaises with"
            lines.append(
                f"  safety over {over}: {d['type']} · item {d['item']}.{d['taskNumber']} · basis {d['basis']}"
            )
            lines += quote_lines(d["evidence"], "      ")
    lines += ["", f"Duties ({len(a['duties'])}):"]
    for d in a["duties"]:
        extra = (
            [f"over {d['scopeCategory'] or d['scope']}"]
            if (d.get("scopeCategory") or d.get("scope"))
            else []
        )
        if d.get("via"):
            extra.append(f"as one of {d['via']['label']}")
        if d["answersTo"]:
            extra.append(f"answers to {', '.join(d['answersTo'])}")
        tail = " · ".join([d["type"], f"basis {d['basis']}", *extra])
        lines.append(f"  item {d['item']}.{d['taskNumber']} {d['itemTitle']}: {tail}")
        lines += quote_lines(d["evidence"], "      ")
    lines += ["", "Items covered: " + (", ".join(str(i["number"]) for i in a["items"]) or "none")]
    lines += [f"NOTE: {n}" for n in a.get("notes", [])]
    return lines


def render_touching(a: dict[str, Any]) -> list[str]:
    """Lines for a place/programme: items that touch it, participations, targets and deadlines."""
    lines = [
        "",
        "Items that touch it: " + (", ".join(str(i["number"]) for i in a["items"]) or "none"),
    ]
    for m in a["mentions"]:
        task = f".{m['taskNumber']}" if m.get("taskNumber") else ""
        other = f" {m['other']['label']}" if m.get("other") else ""
        role = f" as {m['role']}" if m.get("role") else ""
        lines.append(f"  item {m['item']}{task} {m['itemTitle']}: {m['relation']}{other}{role}")
        lines += quote_lines(m["evidence"], "      ")
    lines += ["", f"Targets and deadlines ({len(a['deadlines'])}):"]
    for t in a["deadlines"]:
        lines.append(
            f"  {t['item']}.{t['taskNumber']} {t['kind']}: {t['label']}{due_text(t)} · {t['relation']}"
        )
        lines += quote_lines(t["evidence"], "      ")
    lines += [f"NOTE: {n}" for n in a.get("notes", [])]
    return lines
