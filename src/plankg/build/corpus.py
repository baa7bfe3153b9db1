"""The plans of a corpus, each built once (or taken from the cache), in parallel across cores.

Each plan is built in a worker process into a cache entry (``plan_cache``): its graph and its own
entailments as N-Triples, its search documents, and a small summary. The parent never holds a
plan's graph, so its memory does not grow with the corpus. A plan that fails is reported with its
file, line and column and the others are built.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef

from plankg.build.ids import Ids
from plankg.build.plan import build_plan
from plankg.build.plan_cache import (
    GRAPH_FILE,
    INFERRED_FILE,
    SEARCH_DOCS_FILE,
    PlanCache,
    entry_key,
    read_meta,
    write_meta,
)
from plankg.build.reason import entailments, transitive_properties
from plankg.build.search import prepare_segmenter, write_plan_docs
from plankg.build.validate import validate_graph
from plankg.errors import PlanKGError, SourceError
from plankg.ontology.model import build_ontology

log = logging.getLogger(__name__)


@dataclass
class PlanSummary:
    """One plan of the build: what the summary, the manifest and the store need."""

    key: str
    path: str
    graph: str
    title: str
    sha256: str
    pillars: int
    items: int
    tasks: int
    triples: int
    warnings: list[str]
    links: list[list[str]]          # triples of transitive properties, for the cross-plan pass
    entry: str = ""                 # the cache entry's folder
    cached: bool = False
    seconds: float = 0.0

    @property
    def graph_file(self) -> Path:
        return Path(self.entry) / GRAPH_FILE

    @property
    def inferred_file(self) -> Path:
        return Path(self.entry) / INFERRED_FILE

    @property
    def search_docs_file(self) -> Path:
        return Path(self.entry) / SEARCH_DOCS_FILE


@dataclass
class PlanFailure:
    """A plan that could not be built, and where."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    detail: str = ""                 # a traceback, for errors that are bugs rather than bad input
    error: PlanKGError | None = field(default=None, repr=False)  # the exception, when built in process

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.path, self.line, self.column) if x is not None)
        return f"{where}: {self.message}"


class BuildFailed(SourceError):
    """No plan could be built: every failure, the first one's place as this error's."""

    def __init__(self, failures: list[PlanFailure]) -> None:
        self.failures = failures
        first = failures[0]
        more = "".join(f"\n{f}" for f in failures[1:])
        super().__init__(first.message + more, path=first.path, line=first.line, column=first.column)


Done = PlanSummary | PlanFailure
OnDone = Callable[[Done], None]


@lru_cache(maxsize=1)
def ontology() -> Graph:
    """The ontology, made once per process (the forked workers inherit the parent's)."""
    return build_ontology()


def _failure(path: Path, exc: BaseException, keep: bool) -> PlanFailure:
    if isinstance(exc, SourceError):
        return PlanFailure(exc.path or str(path), exc.message, exc.line, exc.column, error=exc if keep else None)
    if isinstance(exc, PlanKGError):
        return PlanFailure(str(path), str(exc), error=exc if keep else None)
    return PlanFailure(str(path), f"internal error: {type(exc).__name__}: {exc}", detail=traceback.format_exc())


def build_entry(path: Path, base_iri: str, check: bool, folder: Path, ontology_file: Path) -> PlanSummary:
    """Build one plan into the (empty) entry ``folder``: graph, own entailments, search documents
    and summary. ``ontology_file``: the ontology as N-Triples (the search documents read it)."""
    t0 = time.perf_counter()
    ids = Ids(base_iri)
    built = build_plan(path, ids)
    onto = ontology()
    if check:
        conforms, report = validate_graph(built.graph, onto)
        if not conforms:
            raise SourceError(f"the built graph does not conform to the SHACL shapes:\n{report}", path=str(path))
    inferred = entailments(onto, built.graph)
    built.graph.serialize(folder / GRAPH_FILE, format="nt", encoding="utf-8")
    inferred.serialize(folder / INFERRED_FILE, format="nt", encoding="utf-8")
    write_plan_docs(folder / SEARCH_DOCS_FILE, [(folder / GRAPH_FILE, str(built.graph_iri)),
                                                (folder / INFERRED_FILE, str(ids.graph("inferred"))),
                                                (ontology_file, str(ids.graph("ontology")))])
    transitive = transitive_properties(onto)
    links = [[str(s), str(p), str(o)] for g in (built.graph, inferred) for p in transitive
             for s, o in g.subject_objects(p) if isinstance(s, URIRef) and isinstance(o, URIRef)]
    plan = built.plan
    summary = PlanSummary(built.key, str(path), str(built.graph_iri), built.title, plan.sha256,
                          len(plan.pillars), len(plan.items), sum(len(i.tasks) for i in plan.items),
                          len(built.graph), built.warnings, links, str(folder), seconds=time.perf_counter() - t0)
    write_meta(folder, {k: v for k, v in asdict(summary).items() if k not in ("entry", "cached")})
    return summary


def _attempt(path: Path, base_iri: str, check: bool, folder: Path, ontology_file: Path, keep: bool) -> Done:
    """build_entry, with a failure returned rather than raised (it may cross a process boundary)."""
    try:
        return build_entry(path, base_iri, check, folder, ontology_file)
    except Exception as exc:  # noqa: BLE001 - one plan's failure, bug or not, must not stop the corpus
        shutil.rmtree(folder, ignore_errors=True)
        return _failure(path, exc, keep)


def _from_cache(entry: Path, path: Path) -> PlanSummary:
    meta = read_meta(entry)
    meta.update(path=str(path), entry=str(entry), cached=True, seconds=0.0)
    return PlanSummary(**meta)


def default_jobs() -> int:
    """Worker processes for a build: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def build_plans(paths: Sequence[Path], base_iri: str, check: bool, cache: PlanCache, scratch: Path,
                ontology_file: Path, jobs: int | None = None, on_done: OnDone | None = None) -> list[Done]:
    """Every plan of ``paths`` built or taken from ``cache``, in the order of ``paths``
    (``ontology_file``: the ontology as N-Triples, see :func:`build_entry`)."""
    notify = on_done or (lambda _d: None)
    results: dict[int, Done] = {}
    todo: list[tuple[int, Path, str]] = []
    for n, path in enumerate(paths):
        key = entry_key(path, base_iri, check)
        if entry := cache.lookup(key):
            results[n] = _from_cache(entry, path)
            notify(results[n])
        else:
            todo.append((n, path, key))
    workers = min(jobs or default_jobs(), len(todo))
    if workers <= 1:
        for n, path, key in todo:
            folder = cache.new_entry(key, scratch)
            results[n] = _commit(cache, key, _attempt(path, base_iri, check, folder, ontology_file, True))
            notify(results[n])
    else:
        _in_pool(todo, base_iri, check, cache, scratch, ontology_file, workers, results, notify)
    return [results[n] for n in range(len(paths))]


def _in_pool(todo: list[tuple[int, Path, str]], base_iri: str, check: bool, cache: PlanCache, scratch: Path,
             ontology_file: Path, workers: int, results: dict[int, Done], notify: OnDone) -> None:
    ontology()  # made once here, inherited by the forked workers
    prepare_segmenter()
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures: dict[Future[Done], tuple[int, Path, str, Path]] = {}
        for n, path, key in todo:
            folder = cache.new_entry(key, scratch)
            futures[pool.submit(_attempt, path, base_iri, check, folder, ontology_file, False)] = (n, path, key, folder)
        for future in as_completed(futures):
            n, path, key, folder = futures[future]
            try:
                done = future.result()
            except BrokenProcessPool as exc:  # a worker was killed (out of memory, a signal)
                shutil.rmtree(folder, ignore_errors=True)
                done = PlanFailure(str(path), f"the build worker died ({exc}); build this plan alone to see why")
            results[n] = _commit(cache, key, done)
            notify(results[n])


def _commit(cache: PlanCache, key: str, done: Done) -> Done:
    if isinstance(done, PlanSummary):
        done.entry = str(cache.commit(key, Path(done.entry)))
    return done
