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


PER_PLAN = sorted(name for name, q in QUERIES.items() if "plan" in q.params)


@pytest.fixture(scope="module")
def corpus_kb(corpus_dir: Path) -> Any:
    from plankg.kb import KnowledgeBase

    return KnowledgeBase(corpus_dir)


def rows_of(run: Any, query: Any, values: dict[str, str]) -> list[tuple[str, ...]]:
    """The rows of a named query as sorted tuples of N-Triples terms (None for unbound)."""
    from plankg.kb.queries import bindings

    rows = run(query, bindings(query, values))
    return sorted(tuple(str(r.get(v)) if r.get(v) is not None else "" for v in sorted(r)) for r in rows)


@pytest.mark.parametrize("name", PER_PLAN)
def test_plan_parameter_asks_about_one_plan(name: str, corpus_kb: Any) -> None:
    """Bound to a plan, a per-plan query answers what it answers over that plan's graphs alone;
    unbound, it answers for every plan: the plans' answers together."""
    q = QUERIES[name]
    others = {k: v for k, v in q.example.items() if k != "plan"}
    everything = rows_of(corpus_kb.runner(), q, others)
    together: list[tuple[str, ...]] = []
    for p in corpus_kb.plans:
        iri = f"{corpus_kb.manifest['base_iri']}id/plan/{p['key']}"
        bound = rows_of(corpus_kb.runner(), q, {**others, "plan": iri})
        assert bound == rows_of(corpus_kb.runner(p["key"]), q, others), f"{name} bound to {p['key']}"
        # every plan has an answer, except where the answer is empty on a sound build or the
        # example holder is another plan's
        assert bound or name in EMPTY_WHEN_SOUND or (name == "trace-holder" and p["key"] != "luzhou-2014")
        together += bound
    assert sorted(together) == everything


def pageable(q: Any) -> bool:
    """Whether ``page`` takes the query (a SELECT ordered by ORDER BY, with no LIMIT of its own)."""
    from plankg.errors import BadParameter
    from plankg.kb.queries import page

    try:
        page(q, 1)
    except BadParameter:
        return False
    return True


PAGEABLE = sorted(name for name, q in QUERIES.items() if pageable(q))


def test_most_named_questions_with_many_rows_can_be_paged() -> None:
    assert {"report-responsibilities", "trace-holder", "gaps-tasks-without-holder", "report-deadlines"} <= set(PAGEABLE)
    assert not any({"limit", "offset"} & set(q.params) for q in QUERIES.values())  # the API's page arguments


@pytest.mark.parametrize("name", PAGEABLE)
def test_the_pages_of_a_query_are_its_whole_answer_in_order(name: str, kb: Any) -> None:
    from dataclasses import replace

    from plankg.kb.queries import page

    def rows(text: str) -> list[list[str]]:
        return [[str(t) for t in row] for row in kb.query(replace(q, text=text), q.example).rows]

    q = QUERIES[name]
    whole = rows(page(q, None))        # the whole answer, its ties broken as the pages break them
    assert sorted(whole) == sorted(rows(q.text))
    size = max(1, -(-len(whole) // 3))   # three pages, the last maybe short, then an empty one
    pages = [rows(page(q, size, offset)) for offset in range(0, len(whole) + size, size)]
    assert all(pages[:-1]) and pages[-1] == []
    assert [row for p in pages for row in p] == whole


@pytest.mark.parametrize(("text", "problem"), [
    ("ASK { ?s ?p ?o }", "only the answer of a SELECT"),
    ("SELECT ?s WHERE { ?s ?p ?o }", "no ORDER BY"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5", "of its own"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <urn:x> }", "of its own"),
])
def test_what_cannot_be_paged_says_why(text: str, problem: str) -> None:
    from plankg.errors import BadParameter
    from plankg.kb.queries import from_text, page

    with pytest.raises(BadParameter, match=problem):
        page(from_text("inline", text), 10)
    with pytest.raises(BadParameter, match="limit >= 1"):
        page(QUERIES["report-responsibilities"], 0)
