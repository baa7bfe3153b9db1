"""Shared constants and helpers of the HTTP tests (imported by the test modules and conftest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from plankg.web import create_app

# Small limits, so the limit tests are quick; a short timeout, so the runaway test is.
TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "QUERY_TIMEOUT": 3.0,
    "QUERY_WORKERS": 2,
    "MAX_REQUEST_BYTES": 50_000,
    "MAX_RESULT_ROWS": 5_000,
}

PLAN_GRAPH = "https://w3id.org/plankg/graph/luzhou-2014"
ONTOLOGY_GRAPH = "https://w3id.org/plankg/graph/ontology"
INFERRED_GRAPH = "https://w3id.org/plankg/graph/inferred"
PLAN_NS = "https://w3id.org/plankg/ontology#"

# Every triple, three times over: far beyond any timeout (a cross product of the whole graph).
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
           "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i)) > 0) }")


def make_app(build_dir: Path, **overrides: Any) -> Flask:
    """An app over ``build_dir`` with the test settings (and overrides)."""
    return create_app({**TEST_CONFIG, "BUILD_DIR": str(build_dir), **overrides})


def select(client: FlaskClient, query: str, **params: Any) -> list[dict[str, Any]]:
    """Run a SELECT through GET and return its JSON bindings (asserting a 200)."""
    resp = client.get("/sparql", query_string={"query": query, **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json(force=True)["results"]["bindings"]


def count(client: FlaskClient, where: str, **params: Any) -> int:
    """COUNT(*) of a graph pattern."""
    rows = select(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **params)
    return int(rows[0]["n"]["value"])
