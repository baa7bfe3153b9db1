"""The build: source texts -> parsed plans -> facts (+ curation) -> RDF -> entailments -> checked -> files.

Outputs (in one directory, written atomically: a failed build leaves the previous one untouched):
  plankg.trig / plankg.nq   the dataset: one named graph per plan, plus the ontology and the inferred graph
  store/                    the same in an Oxigraph store (RocksDB) with the union default graph,
                            which readers open read-only
  manifest.json             base IRI, graphs, sources, counts per class
  build.log                 what the parser skipped and why, and the summary
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from plankg.config import setting
from plankg.errors import SourceError
from plankg.build import curation as C
from plankg.build.rdf import GraphBuilder, PlanMeta
from plankg.build.facts import FactFinder
from plankg.build.ids import Ids
from plankg.build.parse import Plan, parse_plan
from plankg.build.reason import entailments
from plankg.build.recognise import Recogniser, gazetteer, slug
from plankg.build.dumps import DUMPS_DIR, write_dumps
from plankg.build.store import DATASET_FILE, STORE_DIR, write_store
from plankg.build.search import SEARCH_FILE, write_search_index
from plankg.build.validate import validate_graph
from plankg.ontology.model import bind_prefixes, build_ontology
from plankg.ontology.vocabulary import ALL_PREFIXES

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


@dataclass
class BuildResult:
    """What `run_build` wrote."""

    out: Path
    plans: list[BuiltPlan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0


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
    if not authority:
        log.warning("%s: cannot tell which body issued the plan (no title line such as "
                    "'XX市教育局2015年工作要点', no curation file); calling it %s", path, UNKNOWN_AUTHORITY)
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
    meta = PlanMeta(key, title, cur.plan.get("title_en") or f"{title} (work plan)", rec.authority)
    graph = GraphBuilder(plan, meta, facts, rec, ids).build()
    return BuiltPlan(key, str(path), ids.graph(key), graph, plan, title)


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


def run_build(sources: list[Path] | None = None, out: Path | None = None, base_iri: str | None = None,
              check: bool = True) -> BuildResult:
    """Build the dataset of `sources` (default: the Luzhou plan) into `out`, atomically."""
    t0 = time.perf_counter()
    out = Path(out or setting("BUILD_DIR"))
    ids = Ids(base_iri or setting("BASE_IRI"))
    paths = [Path(p) for p in (sources or default_sources())]
    built = [build_plan(p, ids) for p in paths]
    keys = Counter(b.key for b in built)
    if dup := [k for k, n in keys.items() if n > 1]:
        raise SourceError(f"two sources give the same plan key {dup[0]!r}; rename one file", path=str(paths[-1]))
    ontology = build_ontology()
    ds = Dataset()
    bind_prefixes(ds)
    ds.bind("plankg", ids.base)
    for b in built:
        g = ds.graph(b.graph_iri)
        for t in b.graph:
            g.add(t)
    onto = ds.graph(ids.graph("ontology"))
    for t in ontology:
        onto.add(t)
    data = bind_prefixes(Graph())
    for b in built:
        data += b.graph
    inferred = ds.graph(ids.graph("inferred"))
    for t in entailments(ontology, data):
        inferred.add(t)
    if check:
        for b in built:
            conforms, report = validate_graph(b.graph, ontology)
            if not conforms:
                raise SourceError(f"the built graph does not conform to the SHACL shapes:\n{report}", path=b.path)
    result = BuildResult(out, built)
    result.counts = class_counts(data)
    result.triples = sum(len(g) for g in ds.graphs())
    result.seconds = time.perf_counter() - t0
    _write(ds, result, ids)
    return result


def class_counts(g: Graph) -> dict[str, int]:
    """Number of instances per class (asserted types), by CURIE, most frequent first."""
    bind_prefixes(g)
    counts = Counter(g.namespace_manager.normalizeUri(o) for o in g.objects(None, RDF.type) if isinstance(o, URIRef))
    return dict(counts.most_common())


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (the build's id is its dataset's)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(ds: Dataset, result: BuildResult, ids: Ids) -> None:
    """Write all outputs into a temporary sibling directory, then swap it in place of `out`."""
    out = result.out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    tmp.chmod(0o755)
    try:
        ds.serialize(tmp / "plankg.trig", format="trig")
        ds.serialize(tmp / DATASET_FILE, format="nquads")
        write_store(tmp / STORE_DIR, [tmp / DATASET_FILE])
        write_dumps(tmp / DUMPS_DIR, tmp / STORE_DIR, tmp / "plankg.trig", ALL_PREFIXES)
        write_search_index(tmp / SEARCH_FILE, tmp / STORE_DIR)
        manifest = {
            "base_iri": ids.base,
            "build_id": file_digest(tmp / DATASET_FILE),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": result.triples,
            "graphs": {str(g.identifier): {"triples": len(g)} for g in ds.graphs() if len(g)},
            "plans": [{"key": b.key, "title": b.title, "source": Path(b.path).name, "sha256": b.plan.sha256,
                       "graph": str(b.graph_iri), "items": len(b.plan.items), "pillars": len(b.plan.pillars),
                       "skipped": b.plan.skipped} for b in result.plans],
            "counts": result.counts,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        lines = [s for b in result.plans for s in (f"{b.path}: {n}" for n in b.plan.skipped)]
        lines += [f"{k}\t{v}" for k, v in result.counts.items()]
        (tmp / "build.log").write_text("\n".join(lines) + "\n", "utf-8")
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}-old-{os.getpid()}")
            os.replace(out, old)
        os.replace(tmp, out)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
