"""The knowledge base every reader shares: a build opened read-only and queried with SPARQL.

``KnowledgeBase(build_dir)`` runs queries in this process (the CLI, tests); with ``workers`` it runs
them on forked worker processes that a timeout can stop (the service). Either way a
:class:`~plankg.kb.engine.Job` gets a :class:`~plankg.kb.engine.Reply`: serialised bytes from
pyoxigraph's own writers, or rows with their column names where Python needs them. No Flask, no
click: the web and the command line are thin layers over this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from plankg.errors import PlanChoice, PlanKGError
from plankg.kb.cache import ResultCache, job_key
from plankg.kb.engine import Engine, Job, QueryFailed, Reply
from plankg.kb.lexer import QueryRefused, check_query, inspect_query
from plankg.kb.queries import NamedQuery, Term, bindings, load_query
from plankg.kb.store import data_graphs, manifest, open_store, serving_store

__all__ = ["Job", "KnowledgeBase", "QueryFailed", "Reply"]


class KnowledgeBase:
    """A build (plus optional data files) opened for reading."""

    def __init__(self, build_dir: str | Path, data_files: Sequence[str | Path] = (), *,
                 workers: int = 0, timeout: float = 0.0, worker_memory_mb: int = 0, worker_recycle_mb: int = 0,
                 cache_dir: str | Path | None = None, cache_bytes: int = 0,
                 max_query_length: int = 100_000, max_query_depth: int = 64,
                 endpoint: str | None = None, user: str | None = None, password: str | None = None) -> None:
        self.build_dir = Path(build_dir).resolve()  # a relative folder must not depend on the cwd later
        self.manifest = manifest(build_dir)
        self.data_files = tuple(str(f) for f in data_files)
        self.endpoint = endpoint
        self.data_graphs: list[str] = []
        self.limits = (max_query_length, max_query_depth)
        self.cache = ResultCache(cache_bytes) if cache_bytes > 0 else None
        self.executor: Any = None
        self.engine: Any = None
        if endpoint:
            if data_files:
                raise PlanKGError("--data files are served by the embedded store only; push them to "
                                  "the SPARQL store instead")
            from plankg.kb.remote import RemoteEngine

            self.store_path = self.build_dir
            self.engine = RemoteEngine(endpoint, list(self.manifest.get("graphs", {})), timeout, user, password)
            return
        self.store_path = serving_store(build_dir, data_files, cache_dir)
        self.data_graphs = data_graphs(data_files)  # shared by every plan, like the ontology
        if workers:
            from plankg.kb.workers import Executor

            self.executor = Executor(str(self.store_path), workers, timeout, worker_memory_mb, worker_recycle_mb)
        else:
            self.engine = Engine(open_store(self.store_path))

    @property
    def build_id(self) -> str:
        """What identifies this build's content (and so every answer computed from it)."""
        return str(self.manifest.get("build_id") or self.manifest.get("built") or "") + \
            ("+" + str(self.store_path.name) if self.data_files else "") + \
            ("@" + self.endpoint if self.endpoint else "")

    @property
    def base_iri(self) -> str:
        """The base under which the build minted its IRIs."""
        return str(self.manifest.get("base_iri") or "")

    def etag(self, job: Job) -> str:
        """The entity tag of a job's answer: the same for as long as this build is served."""
        return job_key(self.build_id, job)

    def run(self, job: Job) -> Reply:
        """Answer a job, from the cache when it holds the answer.

        Every query is checked first, whoever sends it: updates and SERVICE are refused, and so
        are queries past the length and nesting limits.

        :raises QueryFailed: timeout, a crashed or busy worker (service only).
        """
        try:
            check_query(job.text, *self.limits)
        except QueryRefused as exc:
            return Reply(exc.status, title=exc.title, message=exc.message)
        key = self.etag(job) if self.cache is not None and not job.rows else None
        if key is not None:
            body = self.cache.get(key)
            if body is not None:
                return Reply(body=body)
        reply = (self.executor or self.engine).run(job)
        if key is not None and reply.status == 200:
            self.cache.put(key, reply.body)
        return reply

    def select(self, text: str, bindings: Mapping[str, Term] | None = None, max_rows: int = 0) -> Reply:
        """Rows of a SELECT. :raises QueryFailed: the query was refused or failed."""
        reply = self.run(Job(text, bindings=dict(bindings or {}), rows=True, max_rows=max_rows))
        if reply.status != 200:
            raise QueryFailed(reply.status, reply.title, reply.message)
        return reply

    def query(self, query: NamedQuery | str, values: Mapping[str, str] | None = None,
              fmt: str | None = None) -> Reply:
        """A named query (or its name) with parameter values given as text, as rows or in ``fmt``."""
        named = load_query(query) if isinstance(query, str) else query
        terms = bindings(named, values or {})
        if fmt is None:
            return self.select(named.text, terms)
        info = inspect_query(named.text)
        reply = self.run(Job(named.text, fmt=fmt, bindings=terms, prefixes=info.prefixes))
        if reply.status != 200:
            raise QueryFailed(reply.status, reply.title, reply.message)
        return reply

    # -- the plans of the build ---------------------------------------------------------------

    @property
    def plans(self) -> list[dict[str, Any]]:
        """The plans the build holds (key, title, graph, ...), in the manifest's order."""
        return list(self.manifest.get("plans", []))

    def plan(self, key: str | None = None) -> dict[str, Any]:
        """One plan by key, or the only one when ``key`` is None.

        :raises PlanChoice: no key but several plans, or a key the build does not hold.
        """
        plans = self.plans
        keys = [p["key"] for p in plans]
        if key is None:
            if len(plans) == 1:
                return plans[0]
            raise PlanChoice(f"the build holds {len(plans)} plans; say which one: {', '.join(keys)}", keys)
        for p in plans:
            if p["key"] == key:
                return p
        raise PlanChoice(f"the build holds no plan {key!r}; it holds: {', '.join(keys)}", keys)

    def scope(self, key: str | None) -> tuple[str, ...] | None:
        """The graphs a question about one plan reads (its own and the shared ones); None for all."""
        if key is None:
            return None
        own = self.plan(key)["graph"]
        others = {p["graph"] for p in self.plans}
        shared = [g for g in [*self.manifest.get("graphs", {}), *self.data_graphs] if g not in others]
        return (own, *shared)

    def runner(self, plan: str | None = None) -> Any:
        """A runner for :mod:`plankg.kb.accountability`: named query + bindings -> row dicts,
        over one plan (and the shared ontology and entailments) or, without ``plan``, all of them."""
        graphs = self.scope(plan)

        def run(query: NamedQuery, terms: Mapping[str, Term]) -> list[Mapping[str, Any]]:
            job = Job(query.text, bindings=dict(terms), rows=True, default_graphs=graphs, named_graphs=graphs)
            reply = self.run(job)
            if reply.status != 200:
                raise QueryFailed(reply.status, reply.title, reply.message)
            return reply.records()
        return run

    def close(self) -> None:
        """Stop the query workers, if any."""
        if self.executor is not None:
            self.executor.close()
