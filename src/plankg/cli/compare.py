"""`plankg compare A B`: two plans of a build side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from plankg.cli import from_option

MARK = {"same": " ", "raised": "↑", "lowered": "↓", "changed": "~", "moved": "→", "only in a": "A",
        "only in b": "B"}


@click.command()
@click.argument("plan_a")
@click.argument("plan_b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--changes-only", is_flag=True, help="Leave out what is the same in both.")
@from_option
def compare(plan_a: str, plan_b: str, fmt: str, changes_only: bool, from_dir: Path | None) -> None:
    """Compare two plans of a build (keys as in `plankg query plans`): pillars and items, targets of
    the same kind, holders and their responsibility types, deadlines; what changed or is only in one."""
    from plankg.config import build_dir
    from plankg.errors import PlanChoice, PlanKGError
    from plankg.kb import KnowledgeBase
    from plankg.kb.compare import compare as compare_plans

    kb = KnowledgeBase(build_dir(from_dir))
    try:
        a, b = kb.plan(plan_a), kb.plan(plan_b)
        result = compare_plans(kb.runner(a["key"]), kb.runner(b["key"]), a, b)
    except PlanChoice as exc:
        raise click.UsageError(str(exc)) from None
    except PlanKGError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(render_text(result, changes_only)))


def render_text(result: dict[str, Any], changes_only: bool) -> list[str]:
    """The comparison as lines: one section per kind, a change mark before each entry."""
    a, b = result["a"], result["b"]
    out = [f"A = {a['key']} {a.get('title') or ''}", f"B = {b['key']} {b.get('title') or ''}",
           "marks: A/B only in one · ↑ raised · ↓ lowered · ~ changed · → moved", ""]

    def section(title: str, entries: list[dict[str, Any]], line: Any) -> None:
        shown = [e for e in entries if not changes_only or e["change"] != "same"]
        out.append(f"{title} ({len(shown)})")
        out.extend(f"  {MARK[e['change']]} {line(e)}" for e in shown)
        out.append("")

    section("Pillars", result["pillars"], lambda e: f"{e['number']}. {e['a'] or '—'} | {e['b'] or '—'}")
    section("Items", result["items"], lambda e: f"{e['number']}. {e['a'] or '—'} | {e['b'] or '—'}")
    section("Targets by what they count", result["targets"],
            lambda e: f"{e['counts']} ({e['unit'] or 'no unit'}): {values(e['a'])} | {values(e['b'])}")
    section("Holders and their responsibilities", result["responsibilities"],
            lambda e: f"{e['holder']['label']}: {', '.join(e['a']) or '—'} | {', '.join(e['b']) or '—'}")
    section("Deadlines", result["deadlines"],
            lambda e: f"{e['kind']} {e['label']}: {e['a'] or '—'} | {e['b'] or '—'}")
    out.append("changes: " + ", ".join(f"{k} {v}" for k, v in result["summary"].items()))
    return out


def values(vs: list[Any]) -> str:
    return " + ".join(str(v) for v in vs) if vs else "—"
