"""Both stores give the same answers, also when several plans describe the same places and bodies.

A regression test for oxigraph/oxigraph#1919: Oxigraph 0.5's union default graph returned a triple
once per named graph holding it, so joins over shared entities multiplied rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Dataset

from plankg.build.pipeline import default_sources, run_build
from plankg.kb.store import load_dataset
from plankg.kb.queries import list_queries, run

QUERIES = list_queries()


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Luzhou plan twice under two file names: every place, body and post is shared."""
    src = tmp_path_factory.mktemp("src")
    copy = src / "luzhou-copy-2014-education-work-plan.txt"
    shutil.copy(default_sources()[0], copy)
    out = tmp_path_factory.mktemp("build")
    run_build([default_sources()[0], copy], out=out)
    return out


@pytest.fixture(scope="module")
def stores(two_plans: Path) -> dict[str, Dataset]:
    return {name: load_dataset(two_plans, name) for name in ("oxigraph", "memory")}


def rows(ds: Dataset, q) -> list[tuple]:
    result = run(q, ds, q.example)
    if result.type == "ASK":
        return [(result.askAnswer,)]
    return sorted(tuple("_:b" if isinstance(v, BNode) else str(v) for v in r) for r in result)


# rdflib's engine needs minutes for these on two plans (bench/: >10 s on one). They were compared
# too, once, when the store was fixed (all 53 queries agreed in 10 min); bench/ checks row counts.
SLOW_ON_RDFLIB = {"trace-responsibilities", "responsibility-diagram", "trace-targets"}
COMPARED = [q for q in QUERIES if q.name not in SLOW_ON_RDFLIB]


@pytest.mark.parametrize("query", COMPARED, ids=[q.name for q in COMPARED])
def test_stores_agree_on_a_build_with_shared_entities(stores: dict[str, Dataset], query) -> None:
    assert rows(stores["oxigraph"], query) == rows(stores["memory"], query)


def test_union_default_graph_has_no_duplicates(stores: dict[str, Dataset]) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    ox = stores["oxigraph"]
    assert int(next(iter(ox.query(q)))[0]) == int(next(iter(ox.query(distinct)))[0])
