"""The reviewed curation files (graph/curation/*.yaml): facts the rules cannot get, each with its quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from plankg.errors import CurationError
from plankg.build.facts import Evidence, Fact, Programme
from plankg.build.parse import Plan
from plankg.build.recognise import Entity, Recogniser


@dataclass
class Curation:
    """One plan's curation: metadata, English names, programmes and facts (not yet checked)."""

    path: str = ""
    key: str | None = None
    plan: dict[str, Any] = field(default_factory=dict)
    names_en: dict[str, str] = field(default_factory=dict)
    programmes: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


def find_curation(source: Path) -> Curation:
    """The curation file whose `source` is this file's name, or an empty one."""
    folder = resources.files("plankg.build").joinpath("curation")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text("utf-8")) or {}
        if data.get("source") == source.name:
            return Curation(str(entry.name), data.get("key"), data.get("plan", {}), data.get("names_en", {}),
                            data.get("programmes", []), data.get("facts", []))
    return Curation()


def locate(plan: Plan, cur: Curation, n: int, entry: dict[str, Any]) -> Evidence:
    """The span of an entry's quote inside its item, or a CurationError naming the entry."""
    where = f"{cur.path}: entry {n} ({entry.get('kind', 'programme')}, item {entry.get('item')})"
    try:
        item = plan.item(entry["item"])
    except KeyError:
        raise CurationError(f"{where}: the plan has no item {entry.get('item')}") from None
    quote = str(entry.get("quote", ""))
    if not quote:
        raise CurationError(f"{where}: no quote")
    pos, occurrence = item.start - 1, int(entry.get("occurrence", 1))
    for _ in range(occurrence):
        pos = plan.text.find(quote, pos + 1, item.end)
        if pos < 0:
            raise CurationError(f"{where}: quote not found in the item's text: {quote!r}")
    task = next((t.number for t in item.tasks if t.start <= pos < t.end), None)
    return Evidence(pos, pos + len(quote), item.key, task)


def resolve(rec: Recogniser, name: str, where: str) -> Entity:
    """The entity a curated name refers to (its full name or a known surface form)."""
    for mention in rec.find(name):
        if mention.start == 0 and mention.end == len(name):
            e = mention.entity
            return e
    raise CurationError(f"{where}: unknown name {name!r} (not recognised in the plan's vocabulary)")


def item_programmes(plan: Plan, cur: Curation, plan_key: str) -> dict[str, Programme]:
    """Programmes bound to items, keyed "item:<key>" as the fact finder expects."""
    out = {}
    for n, p in enumerate(cur.programmes, 1):
        ev = locate(plan, cur, n, p)
        key = f"{plan_key}-{p['key']}" if p.get("key") else f"{plan_key}-item-{ev.item}"
        out[f"item:{ev.item}"] = Programme(key, p["name"], p.get("type", "Programme"), p.get("level"),
                                           p.get("en"), ev.item, ev)
    return out


def curated_facts(plan: Plan, cur: Curation, rec: Recogniser, plan_key: str) -> tuple[list[Fact], list[Programme]]:
    """The curated facts and standalone programmes, with their spans checked against the source."""
    facts: list[Fact] = []
    programmes: list[Programme] = []
    for n, entry in enumerate(cur.facts, 1):
        ev = locate(plan, cur, n, entry)
        where = f"{cur.path}: entry {n}"
        kind = entry.get("kind")
        if kind == "programme":
            programmes.append(Programme(f"{plan_key}-{entry['key']}", entry["name"], entry.get("type", "Programme"),
                                        entry.get("level"), entry.get("en"), ev.item, ev))
        elif kind == "participation":
            facts.append(Fact("participation", ev, "Curated", {
                "participant": resolve(rec, entry["participant"], where),
                "programme": f"{plan_key}-{entry['programme']}", "role": entry["role"], "level": entry.get("level")}))
        elif kind == "responsibility":
            facts.append(Fact("responsibility", ev, "Curated", {
                "holder": resolve(rec, entry["holder"], where), "type": entry["type"],
                "scope": resolve(rec, entry["scope"], where) if entry.get("scope") else None}))
        else:
            raise CurationError(f"{where}: unknown kind {kind!r} (programme, participation or responsibility)")
    return facts, programmes
