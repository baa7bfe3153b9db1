"""The build: plans (each parsed, recognised, turned into RDF and reasoned over, in parallel and
cached: ``corpus.py``) -> the corpus-wide entailments -> the store, dumps and search index.

Outputs (in one directory, written atomically: a failed build leaves the previous one untouched):
  plankg.trig / plankg.nq   the dataset: one named graph per plan, plus the ontology and the inferred graph
  store/                    the same in an Oxigraph store (RocksDB) with the union default graph,
                            which readers open read-only
  dumps/                    the merged graph (Turtle, N-Triples, JSON-LD, RDF/XML) and the TriG
  search.sqlite             the full-text index
  manifest.json             base IRI, graphs, sources, counts per class
  build.log                 per plan: what the parser skipped and why, failures; the class counts

A plan that fails is reported (file, line, column) and left out; the build fails only when no plan
could be built. Memory does not grow with the corpus: plans are built one per worker and streamed
from their cache entries into the store and (their search documents) into the index, and the
dumps are written from the store.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph

from plankg.build.corpus import BuildFailed, Done, PlanFailure, PlanSummary, build_plans
from plankg.build.corpus import ontology as corpus_ontology
from plankg.build.dumps import DUMPS_DIR, write_dumps
from plankg.build.ids import Ids
from plankg.build.plan import default_sources
from plankg.build.plan_cache import PlanCache
from plankg.build.reason import cross_plan_entailments
from plankg.build.search import SEARCH_FILE, write_corpus_index
from plankg.build.store import DATASET_FILE, STORE_DIR, BuildStore, build_query
from plankg.config import cache_root, setting
from plankg.errors import PlanKGError, SourceError
from plankg.ontology.model import bind_prefixes
from plankg.ontology.vocabulary import ALL_PREFIXES

ONTOLOGY_FILE = "ontology.nt"  # scratch: the ontology as the workers and the store read it
__all__ = ["BuildResult", "default_sources", "expand_sources", "run_build"]

# What a caller (the CLI's progress bar) is told: each plan as it is done, then each shared step.
OnStep = Callable[[str], None]


@dataclass
class BuildResult:
    """What `run_build` wrote."""

    out: Path
    plans: list[PlanSummary] = field(default_factory=list)
    failures: list[PlanFailure] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # seconds per step, in order
    graph_sizes: dict[str, int] = field(default_factory=dict)  # triples per named graph


def expand_sources(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the ``*.txt`` plans in it and its sub-folders, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.rglob("*.txt") if q.is_file() and not q.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise SourceError("no such file or folder", path=str(p))
    return out


def run_build(sources: list[Path] | None = None, out: Path | None = None, base_iri: str | None = None,
              check: bool = True, *, jobs: int | None = None, cache: bool = True,
              cache_dir: Path | None = None, on_plan: Callable[[Done], None] | None = None,
              on_step: OnStep | None = None) -> BuildResult:
    """Build the dataset of `sources` (default: the Luzhou plan) into `out`, atomically.

    ``jobs`` worker processes build the plans (default: one per core); ``cache`` keeps each plan's
    build under ``cache_dir`` (default PLANKG_CACHE_DIR or ~/.cache/plankg) for the next build.
    """
    t0 = time.perf_counter()
    out = Path(out or setting("BUILD_DIR"))
    ids = Ids(base_iri or setting("BASE_IRI"))
    paths = expand_sources([Path(p) for p in (sources or default_sources())])
    if not paths:
        raise SourceError("no plan texts (*.txt) to build", path=" ".join(map(str, sources or [])))
    plan_cache = PlanCache((cache_dir or cache_root()) if cache else None)
    result = BuildResult(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    tmp.chmod(0o755)
    try:
        ontology = to_canonical_graph(corpus_ontology())  # blank nodes labelled by content: equal builds, equal ids
        ontology.serialize(tmp / ONTOLOGY_FILE, format="nt", encoding="utf-8")
        with _step(result, "plans", on_step):
            done = build_plans(paths, ids.base, check, plan_cache, tmp / "plans", tmp / ONTOLOGY_FILE, jobs, on_plan)
        _sort_out(done, result)
        _write(tmp, result, ids, ontology, on_step)
        result.seconds = time.perf_counter() - t0
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    plan_cache.prune()
    return result


def _sort_out(done: list[Done], result: BuildResult) -> None:
    """Plans built, failures (a plan key seen twice is one); raise when no plan was built."""
    seen: dict[str, str] = {}
    for d in done:
        if isinstance(d, PlanSummary) and d.key in seen:
            d = PlanFailure(d.path, f"gives the same plan key {d.key!r} as {seen[d.key]}; rename one file")
        if isinstance(d, PlanFailure):
            result.failures.append(d)
        else:
            seen[d.key] = d.path
            result.plans.append(d)
    if not result.plans:
        failures = result.failures
        if len(failures) == 1 and failures[0].error is not None:
            raise failures[0].error
        raise BuildFailed(failures)


@contextmanager
def _step(result: BuildResult, name: str, on_step: OnStep | None) -> Iterator[None]:
    if on_step:
        on_step(name)
    t0 = time.perf_counter()
    yield
    result.steps[name] = result.steps.get(name, 0.0) + time.perf_counter() - t0


def _write(tmp: Path, result: BuildResult, ids: Ids, ontology: Graph, on_step: OnStep | None) -> None:
    """Everything but the plans' own graphs, into ``tmp``."""
    ontology_iri = ids.graph("ontology")
    # The search index is written from the plans' documents in another process, while this one
    # fills the store and writes the dumps. Forked, not spawned: a spawned child would import the
    # caller's main module again (scripts without a __main__ guard).
    search = multiprocessing.get_context("fork" if os.name == "posix" else "spawn").Process(
        target=write_corpus_index, daemon=True,
        args=(tmp / SEARCH_FILE, (tmp / ONTOLOGY_FILE, str(ontology_iri)), [p.search_docs_file for p in result.plans]))
    search.start()
    try:
        _write_store_and_dumps(tmp, result, ids, ontology, on_step)
        with _step(result, "search index (after the dumps)", on_step):
            search.join()
    finally:
        if search.is_alive():
            search.kill()
    if search.exitcode != 0:
        raise PlanKGError(f"building the search index failed (exit code {search.exitcode}); see the log above")
    for scratch in (ONTOLOGY_FILE, "cross.nt", "plans"):
        path = tmp / scratch
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    _manifest(tmp, result, ids)


def _write_store_and_dumps(tmp: Path, result: BuildResult, ids: Ids, ontology: Graph,
                           on_step: OnStep | None) -> None:
    """The store (every plan's graphs, the entailments across plans, the union default graph), the
    dataset files written from it, and the dumps."""
    ontology_iri, inferred_iri = ids.graph("ontology"), ids.graph("inferred")
    with _step(result, "store", on_step):
        building = BuildStore(tmp / STORE_DIR)
        building.load([(tmp / ONTOLOGY_FILE, ox.NamedNode(ontology_iri))])
        building.load([(p.graph_file, ox.NamedNode(p.graph)) for p in result.plans])
        building.load([(p.inferred_file, ox.NamedNode(inferred_iri)) for p in result.plans])
    with _step(result, "entailments across plans", on_step):
        links = ((p.key, (URIRef(s), URIRef(pr), URIRef(o))) for p in result.plans for s, pr, o in p.links)
        cross = cross_plan_entailments(ontology, links)
        for t in [t for t in cross if building.holds(*map(str, t))]:
            cross.remove(t)
        cross.serialize(tmp / "cross.nt", format="nt", encoding="utf-8")
    with _step(result, "store", on_step):
        building.load([(tmp / "cross.nt", ox.NamedNode(inferred_iri))])
        store = building.finish(tmp / DATASET_FILE, tmp / "plankg.trig", ALL_PREFIXES)
    try:
        sizes = {str(r["graph"].value): int(r["triples"].value) for r in store.query(build_query("graph-sizes"))}
        result.graph_sizes, result.triples = sizes, sum(sizes.values())
        result.counts = class_counts(store, [p.graph for p in result.plans])
        with _step(result, "dumps", on_step):
            write_dumps(tmp / DUMPS_DIR, store, tmp / "plankg.trig", ALL_PREFIXES)
    finally:
        del store


def class_counts(store: ox.Store, plan_graphs: list[str]) -> dict[str, int]:
    """Number of instances per class asserted by the plans, by CURIE, most frequent first."""
    names = bind_prefixes(Graph()).namespace_manager
    rows = store.query(build_query("class-counts"), named_graphs=[ox.NamedNode(g) for g in plan_graphs])
    counts = Counter({names.normalizeUri(URIRef(r["class"].value)): int(r["n"].value) for r in rows})
    return dict(counts.most_common())


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (the build's id is its dataset's)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(tmp: Path, result: BuildResult, ids: Ids) -> None:
    manifest = {
        "base_iri": ids.base,
        "build_id": file_digest(tmp / DATASET_FILE),
        "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "triples": result.triples,
        "graphs": {g: {"triples": n} for g, n in sorted(result.graph_sizes.items())},
        "plans": [{"key": p.key, "title": p.title, "source": Path(p.path).name, "sha256": p.sha256,
                   "graph": p.graph, "items": p.items, "pillars": p.pillars, "skipped": p.warnings}
                  for p in result.plans],
        "failed": [{"source": f.path, "line": f.line, "column": f.column, "error": f.message}
                   for f in result.failures],
        "counts": result.counts,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    lines = [f"{p.path}: {w}" for p in result.plans for w in p.warnings]
    lines += [f"{f}\n{f.detail}".rstrip() for f in result.failures]
    lines += [f"{k}\t{v}" for k, v in result.counts.items()]
    (tmp / "build.log").write_text("\n".join(lines) + "\n", "utf-8")


def _swap(tmp: Path, out: Path) -> None:
    """Put the written build in place of ``out`` (two renames; the old one is deleted after)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old:
        shutil.rmtree(old, ignore_errors=True)
