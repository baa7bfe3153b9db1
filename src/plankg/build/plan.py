"""One plan: its source text -> parsed plan -> facts (+ curation) -> its RDF graph.

The corpus build (``corpus.py``) runs this once per plan, in parallel, and caches the result.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Graph, URIRef

from plankg.build import curation as C
from plankg.build.facts import FactFinder
from plankg.build.ids import Ids
from plankg.build.parse import Plan, parse_plan
from plankg.build.rdf import GraphBuilder, PlanMeta
from plankg.build.recognise import Recogniser, gazetteer, slug

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "luzhou-2014-education-work-plan.txt"
AUTHORITY_RE = re.compile(r"^(.{2,12}?(?:教育局|教育厅|教育委员会|教委|教育和体育局|教育体育局))"
                          r"|^([\u4e00-\u9fff]{2,20}?(?:人民政府|政府|委员会|局|厅|委|办公室|中心))(?=(?:19|20)\d\d年|关于)")
NAMED_AUTHORITY_RE = re.compile(r"[\u4e00-\u9fff]{2,5}?[市县区州](?:教育局|教育和体育局|教育体育局)")
UNKNOWN_AUTHORITY = "发文机关"


def default_sources() -> list[Path]:
    """The plan built when no source is given: the vendored Luzhou 2014 plan."""
    return [Path(str(resources.files("plankg.build").joinpath("sources", DEFAULT_SOURCE)))]


@dataclass
class BuiltPlan:
    """One plan's graph and what the build learnt about it."""

    key: str
    path: str
    graph_iri: URIRef
    graph: Graph
    plan: Plan
    title: str
    warnings: list[str] = field(default_factory=list)  # what the build could not tell or read


def plan_key(path: Path) -> str:
    """luzhou-2014-education-work-plan.txt -> luzhou-2014."""
    stem = re.sub(r"-(education-)?work-plan$", "", path.stem.lower())
    return re.sub(r"[^a-z0-9-]+", "-", stem).strip("-") or slug(path.stem)


def build_plan(path: Path, ids: Ids) -> BuiltPlan:
    """Parse, recognise, find facts, merge curation and write the RDF of one plan."""
    plan = parse_plan(path)
    cur = C.find_curation(path)
    key = cur.key or plan_key(path)
    title = cur.plan.get("title") or plan.title or path.stem
    m = AUTHORITY_RE.match(title)
    authority = cur.plan.get("authority") or (m[1] or m[2] if m else None) or guess_authority(plan)
    warnings = list(plan.skipped)
    if not authority:
        warnings.append("cannot tell which body issued the plan (no title line such as "
                        f"'XX市教育局2015年工作要点', no curation file); calling it {UNKNOWN_AUTHORITY}")
        log.warning("%s: %s", path, warnings[-1])
        authority = UNKNOWN_AUTHORITY
    rec = Recogniser(authority, cur.plan.get("authority_en"))
    rec.prime(plan.text)
    finder = FactFinder(plan, rec, key, C.item_programmes(plan, cur, key))
    facts = finder.run()
    extra, programmes = C.curated_facts(plan, cur, rec, key)
    facts.facts += extra
    for p in programmes:
        facts.programmes[p.key] = p
    for e in rec.entities.values():
        e.en = e.en or cur.names_en.get(e.name)
    meta = PlanMeta(key, title, cur.plan.get("title_en") or f"work plan {key}", rec.authority)
    graph = GraphBuilder(plan, meta, facts, rec, ids).build()
    return BuiltPlan(key, str(path), ids.graph(key), graph, plan, title, warnings)


def guess_authority(plan: Plan) -> str | None:
    """The issuing bureau named in the text (XX市教育局), or the city most named + 教育局 when it says 市教育局."""
    named = Counter(NAMED_AUTHORITY_RE.findall(plan.text))
    if named:
        return named.most_common(1)[0][0]
    if "市教育局" not in plan.text:
        return next((g for g in ("县教育局", "区教育局") if g in plan.text), None)
    cities = Counter({p["name"]: plan.text.count(p["name"][:-1]) for p in gazetteer()["places"] if p["type"] == "City"})
    city, hits = cities.most_common(1)[0]
    return f"{city}教育局" if hits else None
