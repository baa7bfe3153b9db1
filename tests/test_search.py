"""Full-text search: the index the build writes, ranking, filters, spans, hostile queries, the
SPARQL functions and `plankg search`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from plankg.build.search import SEARCH_FILE, grams, read_plan_docs, tokens, write_search_index
from plankg.errors import PlanKGError
from plankg.kb.search import (
    SEARCH_FUNCTIONS,
    IndexNotFound,
    SearchError,
    SearchIndex,
    find_matches,
    match_expression,
    query_terms,
)

PLAN = "https://w3id.org/plankg/ontology#"
PREFIX = f"PREFIX plan: <{PLAN}>\n"


@pytest.fixture(scope="module")
def index(build_dir: Path) -> Any:
    ix = SearchIndex(build_dir)
    yield ix
    ix.close()


@pytest.fixture(scope="module")
def plan_text(build_dir: Path) -> str:
    """The Luzhou plan's source text (plan:text), into which every span indexes."""
    store = ox.Store.read_only(str(build_dir / "store"))
    rows = list(store.query(PREFIX + "SELECT ?t WHERE { ?p a plan:WorkPlan ; plan:text ?t }"))
    assert len(rows) == 1
    return rows[0]["t"].value


# -- the index -------------------------------------------------------------------------------


def test_the_build_writes_the_index(build_dir: Path) -> None:
    path = build_dir / SEARCH_FILE
    assert path.is_file()
    assert not [p for p in build_dir.iterdir() if p.name.endswith(".tmp")]
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    kinds = dict(con.execute("SELECT kind, count(*) FROM docs GROUP BY kind").fetchall())
    con.close()
    assert kinds["task"] == 160 and kinds["item"] == 45 and kinds["pillar"] == 7 and kinds["plan"] == 1
    assert kinds["label"] > 100 and kinds["span"] > 10 and kinds["term"] > 50


def test_rebuilding_the_index_from_the_store_is_atomic(build_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / SEARCH_FILE
    n = write_search_index(out, build_dir / "store")
    assert n > 1000 and out.is_file()
    assert [p.name for p in tmp_path.iterdir()] == [SEARCH_FILE]
    (tmp_path / "manifest.json").write_text("{}", "utf-8")
    assert SearchIndex(tmp_path).search("食堂").total == SearchIndex(build_dir).search("食堂").total


def _index_rows(path: Path) -> tuple[list, ...]:
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        docs = con.execute('SELECT iri, kind, type, plan, pillar, item, task, text, start, "end", weight, '
                           "holder_types FROM docs").fetchall()
        return (sorted(docs, key=repr), sorted(con.execute("SELECT * FROM holder_types").fetchall()),
                sorted(con.execute("SELECT * FROM plans").fetchall()))
    finally:
        con.close()


def test_the_build_indexes_each_plan_as_the_whole_store_would(corpus_dir: Path, tmp_path: Path) -> None:
    """The build writes the index from each plan's own documents (made with the plan, cached with
    it); indexing the whole store at once gives the same documents, holder types and plans."""
    out = tmp_path / SEARCH_FILE
    write_search_index(out, corpus_dir / "store")
    built, whole = _index_rows(corpus_dir / SEARCH_FILE), _index_rows(out)
    assert len(built[2]) > 1  # several plans
    assert built == whole


def test_an_unreadable_plan_document_names_its_file_and_line(tmp_path: Path) -> None:
    docs = tmp_path / "search.jsonl"
    docs.write_text('{"plans": {}, "types": {}}\n["x", "task", "t", "p", 1, 1, 1, 0, 1, null, [], "w", "g"]\n'
                    "not json\n", "utf-8")
    rows = read_plan_docs(docs, {}, {})
    assert next(rows)[0].iri == "x"
    with pytest.raises(PlanKGError, match=r"search.jsonl: line 3: not a search document"):
        next(rows)


def test_segmenting_gives_words_and_bigrams() -> None:
    words, bigrams = tokens("加强学校食堂管理")
    assert "食堂" in words.split() and "学校" in words.split()
    assert bigrams.split() == ["加强", "强学", "学校", "校食", "食堂", "堂管", "管理", "理"]
    assert grams("一 二三") == ["一", "二三", "三"]


def test_a_missing_index_says_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="plankg build"):
        SearchIndex(tmp_path)


# -- ranking, snippets, spans ----------------------------------------------------------------


def test_canteen_sentences_come_first(index: SearchIndex) -> None:
    result = index.search("食堂")
    assert result.total >= 2 and result.mode == "phrase"
    first, second = result.hits[:2]
    assert {(h.kind, h.item, h.task) for h in (first, second)} == {("task", 39, 4), ("task", 23, 2)}
    assert all("食堂" in h.text for h in result.hits)
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_snippets_mark_the_matched_words(index: SearchIndex) -> None:
    hit = next(h for h in index.search("食堂").hits if (h.item, h.task) == (23, 2))
    marked = [t for t, m in hit.snippet.segments() if m]
    assert marked == ["食堂", "食堂"]
    assert "".join(t for t, _ in hit.snippet.segments()) == hit.snippet.text
    assert hit.snippet.text in hit.text


def test_spans_slice_the_source_to_the_hit(index: SearchIndex, plan_text: str) -> None:
    for query in ("食堂", "一岗双责", "安全稳定", "学前教育", "教科城"):
        result = index.search(query, limit=50)
        assert result.hits, query
        with_span = [h for h in result.hits if h.span]
        assert with_span, query
        for h in with_span:
            assert plan_text[h.span["start"]:h.span["end"]] == h.text, (query, h.iri)
            assert h.matches_in == "source"
            for s, e in h.matches:
                assert plan_text[s:e] == query, (query, h.iri)


def test_titles_and_items_are_found(index: SearchIndex, plan_text: str) -> None:
    hit = index.search("教科城").hits
    assert any(h.kind == "item" and h.item == 26 for h in hit)
    pillar = index.search("促进教育均衡发展").hits[0]
    assert pillar.kind == "pillar" and pillar.pillar == 3
    assert plan_text[pillar.span["start"]:pillar.span["end"]] == pillar.text


def test_bigrams_find_what_jieba_cuts_apart(index: SearchIndex) -> None:
    result = index.search("校食")  # 学校|食堂: no jieba word, but a substring
    assert any((h.item, h.task) == (23, 2) for h in result.hits)
    one = index.search("堂")
    assert any((h.item, h.task) == (39, 4) for h in one.hits)


def test_several_words_match_all_then_any(index: SearchIndex) -> None:
    both = index.search("食堂 供餐")
    assert both.mode == "phrase" and both.hits[0].item == 23
    assert all("食堂" in h.text and "供餐" in h.text for h in both.hits)
    segmented = index.search("学校食堂管理")   # not a substring anywhere: every word, then any
    assert segmented.mode in ("all", "any") and segmented.total > 0
    fallback = index.search("食堂 量子计算机")
    assert fallback.mode == "any" and any("食堂" in h.text for h in fallback.hits)


def test_english_labels_are_found(index: SearchIndex) -> None:
    result = index.search("Education Bureau")
    assert result.total > 0
    assert all("education" in h.text.lower() for h in result.hits)


# -- filters and parameters ------------------------------------------------------------------


def test_filter_by_plan_and_pillar(index: SearchIndex) -> None:
    assert index.search("食堂", plan="luzhou-2014").total == index.search("食堂").total
    pillar3 = index.search("食堂", pillar=3)
    assert pillar3.hits and all(h.pillar == 3 for h in pillar3.hits)
    assert not any(h.item == 39 for h in pillar3.hits)
    assert index.search("食堂", pillar="6").hits[0].item == 39


def test_filter_by_holder_type(index: SearchIndex) -> None:
    everything = index.search("安全", limit=100)
    department = index.search("安全", holder_type="Department", limit=100)
    assert 0 < department.total < everything.total
    assert all("Department" in h.holder_types for h in department.hits)
    assert index.search("安全", holder_type="plan:Department").total == department.total
    assert index.search("安全", holder_type=f"{PLAN}Department").total == department.total
    assert index.search("安全", holder_type="科室").total == department.total


@pytest.mark.parametrize("kwargs, message", [
    ({"plan": "nowhere-1999"}, "unknown plan"),
    ({"pillar": "three"}, "pillar must be a whole number"),
    ({"pillar": 0}, "pillar must be from 1"),
    ({"holder_type": "Wizard"}, "unknown holder_type"),
    ({"limit": 0}, "limit must be from 1 to 100"),
    ({"limit": 10**9}, "limit must be from 1 to 100"),
    ({"offset": -1}, "offset must be from 0"),
    ({"offset": "1e3"}, "offset must be a whole number"),
])
def test_bad_parameters_say_what_is_wrong(index: SearchIndex, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SearchError, match=message):
        index.search("食堂", **kwargs)


def test_offset_pages_through_the_hits(index: SearchIndex) -> None:
    full = [h.iri for h in index.search("学校", limit=30).hits]
    pages = [h.iri for o in (0, 10, 20) for h in index.search("学校", limit=10, offset=o).hits]
    assert pages == full


# -- hostile queries -------------------------------------------------------------------------

HOSTILE = ["", "   ", '"', '""', "*", "^", "(", ")", "AND", "OR NOT", "NEAR(食堂 管理, 2)", 'words:食堂',
           'grams:"食堂"*', "食堂\"*) OR (\"", "'; DROP TABLE docs; --", "\x00食堂\x00", "\u202e食堂",
           "🙂" * 50, "食堂" * 5000, "x" * 10_000, "a " * 5000, "%_\\", "{{ 7*7 }}", "<script>食堂</script>",
           "𠀀𠀁", "ｆｕｌｌ－ｗｉｄｔｈ　食堂"]


@pytest.mark.parametrize("query", HOSTILE, ids=[repr(q[:20]) for q in HOSTILE])
def test_hostile_queries_never_raise(index: SearchIndex, query: str) -> None:
    result = index.search(query)
    assert result.total >= 0 and len(result.hits) <= result.limit
    assert len(result.terms) <= 16 and len(result.query) <= 200
    if len(query) > 200:
        assert result.truncated
    if "食堂" in query[:200] and len(query) < 200:
        assert any("食堂" in h.text for h in result.hits)
    json.dumps(result.to_dict(), ensure_ascii=False)


def test_query_words_are_only_letters_and_digits() -> None:
    for q in HOSTILE:
        for t in query_terms(q):
            assert t.isalnum(), (q, t)
        expr = match_expression(query_terms(q))
        assert expr.count('"') % 2 == 0


def test_find_matches_maps_folded_text_back() -> None:
    text = "ＡＢＣ食堂abc"
    assert [text[s:e] for s, e in find_matches(text, ["abc"])] == ["ＡＢＣ", "abc"]
    assert find_matches(text, ["食堂"]) == [[3, 5]]


# -- SPARQL functions ------------------------------------------------------------------------


def tiny_store() -> ox.Store:
    store = ox.Store()
    ex = "http://example.org/"
    for i, text in enumerate(["加强对食堂、学生公寓和校园环境的管理。", "推行食堂供餐模式,食堂建设",
                              "建设同步课堂教室8间", "Canteens and dormitories"]):
        store.add(ox.Quad(ox.NamedNode(f"{ex}{i}"), ox.NamedNode(f"{ex}text"), ox.Literal(text)))
    store.add(ox.Quad(ox.NamedNode(f"{ex}9"), ox.NamedNode(f"{ex}text"), ox.NamedNode(f"{ex}not-a-literal")))
    return store


def run(store: ox.Store, query: str) -> list[Any]:
    return list(store.query(PREFIX + "PREFIX ex: <http://example.org/>\n" + query,
                            custom_functions=SEARCH_FUNCTIONS))


def test_sparql_search_scores_and_ranks() -> None:
    rows = run(tiny_store(), """SELECT ?s ?score WHERE { ?s ex:text ?t
        BIND(plan:search(?t, "食堂") AS ?score) FILTER(?score > 0) } ORDER BY DESC(?score)""")
    assert [r["s"].value[-1] for r in rows] == ["1", "0"]
    assert all(r["score"].datatype.value.endswith("#double") for r in rows)


def test_sparql_matches_and_snippet() -> None:
    rows = run(tiny_store(), """SELECT ?s ?snippet WHERE { ?s ex:text ?t
        FILTER(plan:matches(?t, "食堂 供餐")) BIND(plan:snippet(?t, "食堂") AS ?snippet) }""")
    assert [(r["s"].value[-1], r["snippet"].value) for r in rows] == [("1", "推行【食堂】供餐模式,【食堂】建设")]
    assert len(run(tiny_store(), 'SELECT ?s WHERE { ?s ex:text ?t FILTER(plan:matches(?t, "canteens")) }')) == 1


def test_sparql_functions_tolerate_bad_arguments() -> None:
    rows = run(tiny_store(), """SELECT ?s ?score WHERE { ?s ex:text ?t
        OPTIONAL { BIND(plan:search(?t, ?nothing) AS ?score) } } ORDER BY ?s""")
    assert len(rows) == 5 and all(r["score"] is None for r in rows)
    rows = run(tiny_store(), 'SELECT (plan:search("食堂", "\\"*) OR") AS ?x) (plan:matches("x", "") AS ?y) {}')
    assert float(rows[0]["x"].value) == 0.0 and rows[0]["y"].value == "false"


def test_sparql_search_over_the_build(build_dir: Path) -> None:
    store = ox.Store.read_only(str(build_dir / "store"))
    rows = list(store.query(PREFIX + """SELECT ?task WHERE { ?task a plan:Task ; plan:text ?t
        FILTER(plan:matches(?t, "食堂")) BIND(plan:search(?t, "食堂") AS ?score) } ORDER BY DESC(?score)""",
                            custom_functions=SEARCH_FUNCTIONS))
    assert {r["task"].value.split("/item/")[1] for r in rows} == {"39/task/4", "23/task/2"}


# -- the command line ------------------------------------------------------------------------


def cli(*args: str) -> Any:
    from plankg.cli import cli as group

    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def test_cli_search_prints_ranked_hits(build_dir: Path) -> None:
    out = cli("search", "食堂", "--from", str(build_dir), "--limit", "3")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "hits for 食堂" in lines[0]
    assert "item 39.4" in lines[1] and "[6412,6431)" in lines[1]
    assert "【食堂】" in lines[2]


def test_cli_search_json_and_filters(build_dir: Path) -> None:
    out = cli("search", "食堂", "--from", str(build_dir), "--pillar", "3", "--format", "json")
    data = json.loads(out.output)
    assert data["filters"]["pillar"] == 3 and all(h["pillar"] == 3 for h in data["hits"])
    bad = CliRunner().invoke(__import__("plankg.cli", fromlist=["cli"]).cli,
                             ["search", "食堂", "--from", str(build_dir), "--holder-type", "Wizard"])
    assert bad.exit_code == 1 and "unknown holder_type" in bad.output


def test_cli_search_without_an_index_says_to_rebuild(tmp_path: Path) -> None:
    out = CliRunner().invoke(__import__("plankg.cli", fromlist=["cli"]).cli, ["search", "食堂", "--from", str(tmp_path)])
    assert out.exit_code == 1 and "plankg build" in out.output
