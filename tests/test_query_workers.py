"""The query engine's memory: given back after heavy queries, replaced past WORKER_RECYCLE_MB, and
bounded by WORKER_MEMORY_MB without taking the other running queries down with the one past it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plankg.kb import Job, QueryFailed
from plankg.kb.workers import Executor, private_kib

# Sorts every object of the store by its text: long enough (tens of ms) to count as a heavy query.
HEAVY = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY STR(?o) LIMIT 1"
CHEAP = "ASK {}"


@pytest.fixture
def executor(build_dir: Path, request: pytest.FixtureRequest) -> Iterator[Executor]:
    ex = Executor(str(build_dir / "store"), workers=1, timeout=60, worker_recycle_mb=request.param)
    yield ex
    ex.close()


@pytest.mark.parametrize("executor", [1], indirect=True)
def test_a_worker_past_the_limit_is_replaced_after_its_answer(executor: Executor) -> None:
    first = executor.pids
    reply = executor.run(Job(HEAVY))
    assert reply.status == 200 and b'"o"' in reply.body  # the answer itself is whole
    assert executor.pids == []                            # that worker is gone, none idles in its place
    assert executor.run(Job(CHEAP)).status == 200         # the next query forks a fresh one
    assert executor.pids and executor.pids != first
    assert executor.stats["crashed"] == 0


@pytest.mark.parametrize(("executor", "query", "times"), [(0, HEAVY, 3), (64, CHEAP, 20)], indirect=["executor"],
                         ids=["heavy queries without a limit", "cheap queries under the limit"])
def test_the_worker_is_kept(executor: Executor, query: str, times: int) -> None:
    first = executor.pids
    for _ in range(times):
        assert executor.run(Job(query)).status == 200
    assert executor.pids == first


def test_private_memory_is_measured() -> None:
    assert private_kib() > 1024  # this test process owns more than a MiB of its own


def test_large_blocks_are_mapped_and_the_heap_trimmed() -> None:
    from plankg.kb import memory

    assert memory.map_large_blocks() is True  # glibc here: the setting is taken
    before = private_kib()
    block = bytearray(64 << 20)                # from its own mapping: freed at once
    assert private_kib() - before > 32 << 10
    del block
    memory.trim()
    assert private_kib() - before < 16 << 10


# Sorting a cross product of the store with itself holds every row: it passes any memory limit fast.
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
MEDIUM = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?p ?o } LIMIT 300 } "
          "{ SELECT ?b WHERE { ?b ?q ?r } LIMIT 300 } FILTER(STRLEN(STR(?a)) + STRLEN(STR(?b)) > 0) }")


def test_a_query_past_the_memory_limit_fails_alone(build_dir: Path) -> None:
    import threading

    ex = Executor(str(build_dir / "store"), workers=2, timeout=60, worker_memory_mb=300)
    try:
        answers: dict[str, Any] = {}

        def run(name: str, query: str) -> None:
            try:
                answers[name] = ex.run(Job(query))
            except QueryFailed as exc:
                answers[name] = exc

        threads = [threading.Thread(target=run, args=item) for item in (("hungry", HUNGRY), ("medium", MEDIUM))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert isinstance(answers["hungry"], QueryFailed) and answers["hungry"].status == 400
        assert answers["medium"].status == 200 and b'"90000"' in answers["medium"].body  # its neighbour
        assert ex.stats["crashed"] == 1 and ex.stats["timeouts"] == 0
        assert ex.run(Job(CHEAP)).status == 200
    finally:
        ex.close()


def test_the_workers_are_threads_of_one_engine_process(build_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ex = Executor(str(build_dir / "store"), workers=4, timeout=60)
    try:
        engine = ex.pids
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(lambda _: ex.run(Job(MEDIUM)), range(8)))
        assert all(r.status == 200 and b'"90000"' in r.body for r in replies)
        assert len(engine) == 1 and ex.pids == engine       # one process ran them all ...
        assert ex.stats["spawned"] == 1 and ex.stats["rerun"] == 0
        with open(f"/proc/{engine[0]}/status") as f:        # ... on a thread per worker
            threads = int(next(line for line in f if line.startswith("Threads:")).split()[1])
        assert threads >= 4
    finally:
        ex.close()
