"""Smoke tests of the benchmark: its data generator (bench/synth.py: 3 plans build and load), its
queries, and its floors (bench/floor.py). No timings."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[1]
PLAN = "https://w3id.org/plankg/ontology#"
GRAPH = "https://w3id.org/plankg/graph/"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synth():
    return _load("synth")


def test_synthetic_texts_are_deterministic_and_vary(synth):
    a, info_a = synth.synth_text(1, seed=7)
    assert synth.synth_text(1, seed=7)[0] == a
    b, _ = synth.synth_text(2, seed=7)
    assert a != b
    assert a.splitlines()[0] == f"{info_a['city']}市教育局{info_a['year']}年工作要点"


def test_three_plans_build_into_three_named_graphs(synth, tmp_path):
    out = tmp_path / "s3"
    summary = synth.build(3, out, seed=7, check=True)   # SHACL-validated, like a real build
    assert summary["plans"] == 3
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    keys = [p["key"] for p in manifest["plans"]]
    assert keys == ["luzhou-2014", "synth-0001", "synth-0002"]

    ds = Dataset()
    ds.parse(out / "plankg.nq", format="nquads")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    for key in keys:
        assert GRAPH + key in graphs
    assert {GRAPH + "ontology", GRAPH + "inferred"} <= graphs
    for key in keys[1:]:
        g = ds.graph(URIRef(GRAPH + key))
        assert len(g) > 5000
        assert any(g.subjects(RDF.type, URIRef(PLAN + "Responsibility")))
        assert any(g.subjects(RDF.type, URIRef(PLAN + "Target")))
    assert sum(len(g) for g in ds.graphs()) == manifest["triples"]


def test_bench_binds_every_parameterised_query():
    run = _load("run")
    queries = run.bench_queries()
    assert queries
    assert not [q["name"] for q in queries if q["skip"]]
    from rdflib.plugins.sparql import prepareQuery

    for q in queries:
        prepareQuery(q["text"])     # the bound text is still valid SPARQL
        for name in q["params"]:
            if q["form"] == "SELECT":
                assert f"VALUES (?{name}" in q["text"] or f" ?{name}" in q["text"].split("VALUES (")[1]


@pytest.mark.parametrize("kind", ["floor", "floor-cold"])
def test_floor_answers_as_the_store_does(build_dir, tmp_path, kind):
    """bench/floor.py (the floor the benchmark measures plankg against), started as the benchmark
    starts it, gives the store's own answers."""
    run = _load("run")
    server = run.Server(kind, build_dir, 30.0, tmp_path)
    query = f"SELECT ?s WHERE {{ ?s a <{PLAN}WorkItem> }} ORDER BY ?s"
    try:
        server.start(60.0)
        expected = ox.Store.read_only(str(build_dir / "store")).query(query).serialize(
            format=ox.QueryResultsFormat.JSON)
        status, body, _ = run.request(server.url, query, 30)
        assert (status, body) == (200, expected)
        assert run.request(server.url, query, 30)[:2] == (200, expected)  # again (from the cache, or the child)
        assert len(json.loads(body)["results"]["bindings"]) > 10
        assert run.request(server.url, "SELECT WHERE {", 30)[0] == 400    # an answer, not a crash
        assert run.request(server.url, query, 30)[:2] == (200, expected)
    finally:
        server.stop()
