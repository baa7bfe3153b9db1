"""Every named query is documented, parses, and answers on the built graph (the datasette test_docs idea)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reference import rdflib_dataset
from rdflib import Literal
from rdflib.plugins.sparql import prepareQuery

from plankg.kb.queries import list_queries, load_query, query_form

QUERIES = {q.name: q for q in list_queries()}
# Queries whose correct answer on a sound build is empty.
EMPTY_WHEN_SOUND = {"evidence-audit"}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_is_documented_and_parses(name: str) -> None:
    q = QUERIES[name]
    assert q.summary and q.summary != name, "a #+ summary: line"
    assert q.description, "a #+ description: line"
    prepareQuery(q.text)
    assert set(q.example) == set(q.params), "every parameter has an example value (#+ example:)"
    assert "SELECT *" not in q.text.upper().replace("  ", " "), "name the variables"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_answers_on_the_built_graph(name: str, kb: Any) -> None:
    q = QUERIES[name]
    form = query_form(q.text)
    if form == "SELECT":
        rows = kb.query(q, q.example).rows
    else:
        rows = [line for line in kb.query(q, q.example, fmt="nt").body.splitlines()]
    if name in EMPTY_WHEN_SOUND:
        assert rows == []
    else:
        assert rows, f"{name} returned nothing with {q.example}"


def test_evidence_audit_catches_a_wrong_quote(build_dir: Path) -> None:
    ds = rdflib_dataset(build_dir)
    g = next(g for g in ds.graphs() if str(g.identifier).endswith("/graph/luzhou-2014"))
    span = next(s for s in g.subjects() if str(s).endswith("/span/943-1001"))
    from plankg.build.ids import PLAN

    g.set((span, PLAN.quote, Literal("市教育局局长是第一责任人")))
    rows = list(ds.query(load_query("evidence-audit").text))
    assert [str(r.span) for r in rows] == [str(span)]


def test_load_query_by_path_and_unknown_name(tmp_path: Path) -> None:
    f = tmp_path / "mine.rq"
    f.write_text("#+ summary: mine\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", "utf-8")
    assert load_query(str(f)).summary == "mine"
    from plankg.errors import QueryNotFound

    with pytest.raises(QueryNotFound, match="no query named 'nope'"):
        load_query("nope")
