"""Accountability answers (plankg.audit) and the `plankg trace` / `plankg report` commands.

Issue 4, "Tracing responsibility": who answers for an item, with the plan's own words as evidence.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib.plugins.sparql import prepareQuery
from click.testing import CliRunner
from plankg.kb import KnowledgeBase
from virtuoso import pushed_virtuoso, virtuoso  # noqa: F401  (fixtures)
from plankg.kb.queries import list_queries, load_query

from plankg.kb import accountability as audit
from plankg.main import cli

SOURCE = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "plankg"
    / "build"
    / "sources"
    / "luzhou-2014-education-work-plan.txt"
)
AUDIT_QUERIES = sorted(
    q.name for q in list_queries() if q.name.startswith(("trace-", "gaps-", "report-"))
)


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def run(request: pytest.FixtureRequest, build_dir: Path) -> audit.Runner:
    """A runner over the session's build: the embedded store (as the CLI uses), and Virtuoso."""
    if request.param == "embedded":
        return KnowledgeBase(build_dir).runner()
    endpoint = request.getfixturevalue("pushed_virtuoso").endpoint
    return KnowledgeBase(build_dir, endpoint=endpoint, timeout=60).runner()


@pytest.fixture(scope="module")
def source() -> str:
    """The plan's source text (spans are code-point offsets into it)."""
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def invoke(build_dir: Path) -> Any:
    """Run `plankg ARGS --from BUILD` in-process; return the click Result."""
    runner = CliRunner()

    def go(*args: str) -> Any:
        return runner.invoke(cli, [*args, "--from", str(build_dir)], catch_exceptions=False)

    return go


def evidence_of(answer: Any) -> Iterator[dict[str, Any]]:
    """Every evidence dict anywhere in an answer."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "evidence":
                yield from value
            else:
                yield from evidence_of(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from evidence_of(value)


def rows_with_evidence(answer: Any, key: str) -> list[dict[str, Any]]:
    """The entries of ``answer[key]``, asserting each carries at least one evidence."""
    rows = answer[key]
    for row in rows:
        assert row["evidence"], f"{key} entry without evidence: {row}"
    return rows


# ---- the .rq files behind the answers ----------------------------------------------------------


@pytest.mark.parametrize("name", AUDIT_QUERIES)
def test_audit_queries_have_headers_and_project_their_parameters(name: str) -> None:
    query = load_query(name)
    assert query.summary and query.summary != name
    assert query.description
    projected = [str(v) for v in prepareQuery(query.text).algebra["PV"]]
    assert set(query.params) <= set(projected), (
        "a bound parameter must be projected (Oxigraph rule)"
    )
    assert {"quote", "start", "end"} <= set(projected) or name == "trace-lookup"


# ---- item 19: nobody is named, the issuer answers ----------------------------------------------


def test_item_19_is_answered_by_the_implied_issuer(run: audit.Runner) -> None:
    answer = audit.trace("19", run)
    assert answer["kind"] == "item" and answer["item"]["number"] == 19
    on = [r for r in rows_with_evidence(answer, "responsibilities") if r["relation"] == "on"]
    assert {r["holder"]["label"] for r in on} == {"泸州市教育局"}
    assert {r["basisKey"] for r in on} == {"ImpliedIssuer"}
    computers = next(r for r in on if "计算机2200台" in r["evidence"][0]["quote"])
    assert computers["taskNumber"] == 2
    assert answer["implied"]["holder"]["label"] == "泸州市教育局"
    assert answer["implied"]["head"]["other"]["label"] == "泸州市教育局局长"
    assert any("names no one" in n and "泸州市教育局" in n for n in answer["notes"])
    target = next(t for t in rows_with_evidence(answer, "targets") if t["label"] == "计算机2200台")
    assert target["value"] == 2200 and target["due"] is None


def test_target_trace_reaches_the_task_holder(run: audit.Runner) -> None:
    item = audit.trace("19", run)
    iri = next(t["iri"] for t in item["targets"] if t["label"] == "计算机2200台")
    answer = audit.trace(iri, run)
    assert answer["kind"] == "target"
    assert [t["number"] for t in answer["tasks"]] == [2]
    assert {r["holder"]["label"] for r in answer["responsibilities"]} == {"泸州市教育局"}
    assert [t["label"] for t in answer["targets"]] == ["计算机2200台"]


def test_cli_trace_19_names_the_bureau_and_the_computers_sentence(invoke: Any, source: str) -> None:
    result = invoke("trace", "19")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "泸州市教育局" in out and "发文机关默认" in out and "names no one" in out
    start, end = 3552, 3648
    sentence = source[start:end]
    assert "计算机2200台" in sentence
    assert f"“{sentence}” [{start},{end}] item 19" in out
    assert "泸州市教育局局长" in out  # the bureau's head post (org:postIn)


# ---- item 1: the chain ---------------------------------------------------------------------------


def test_item_1_chain_runs_from_section_to_director(run: audit.Runner) -> None:
    answer = audit.trace("1", run)
    chains = [[step["holder"]["label"] for step in c["path"]] for c in answer["chains"]]
    assert ["安全信访科", "分管安全稳定的副局长", "泸州市教育局局长"] in chains
    assert answer["firstResponsible"] == ["泸州市教育局局长"]
    ranks = {
        r["holder"]["label"]: r["rank"] for r in answer["responsibilities"] if r["relation"] == "on"
    }
    assert ranks["泸州市教育局局长"] < ranks["分管安全稳定的副局长"] < ranks["安全信访科"]
    down = [r for r in answer["responsibilities"] if r["relation"] == "down"]
    assert down and {r["item"] for r in down} <= {2, 3}


def test_cli_trace_1_prints_the_chain_in_order(invoke: Any) -> None:
    out = invoke("trace", "1").output
    assert (
        "安全信访科 (具体工作责任) → 分管安全稳定的副局长 (直接领导责任) → 泸州市教育局局长 (第一责任)"
        in out
    )
    tree = out[out.index("Who answers") : out.index("Chains up")]
    assert (
        tree.index("泸州市教育局局长")
        < tree.index("分管安全稳定的副局长")
        < tree.index("安全信访科")
    )
    assert "“安全信访科担负具体工作责任” [987,1000] item 1" in out


# ---- holders: both halves of 一岗双责 -------------------------------------------------------------


def test_other_leaders_hold_both_halves_of_yi_gang_shuang_ze(run: audit.Runner) -> None:
    answer = audit.trace("其他局领导", run)
    assert answer["kind"] == "group"
    types = {d["type"] for d in rows_with_evidence(answer, "duties")}
    assert {"直管责任", "指导督查责任", "业务工作责任"} <= types
    safety = {d["type"]: d["scopeCategory"] for d in answer["dualDuty"]["safety"]}
    assert safety == {"直管责任": "直属学校", "指导督查责任": "县区"}
    assert [d["type"] for d in answer["dualDuty"]["lineOfWork"]] == ["业务工作责任"]
    assert [i["number"] for i in answer["items"]] == [1]
    assert any(
        r["relation"] == "accountable to" and r["other"]["label"] == "泸州市教育局局长"
        for r in answer["relations"]
    )


def test_cli_trace_of_the_group_shows_both_duties(invoke: Any) -> None:
    out = invoke("trace", "其他局领导").output
    assert "一岗双责" in out
    assert "safety over 直属学校: 直管责任" in out and "safety over 县区: 指导督查责任" in out
    assert "own line of work: 业务工作责任" in out


def test_the_bureau_lists_its_posts(run: audit.Runner) -> None:
    answer = audit.trace("泸州市教育局", run)
    assert answer["kind"] == "org"
    posts = {r["other"]["label"] for r in answer["relations"] if r["relation"] == "has post"}
    assert "泸州市教育局局长" in posts
    assert len(answer["items"]) > 30


# ---- places and programmes ------------------------------------------------------------------------


def test_gulin_county_touches_items_19_20_23_42(run: audit.Runner, invoke: Any) -> None:
    answer = audit.trace("古蔺县", run)
    assert answer["kind"] == "place"
    assert [i["number"] for i in answer["items"]] == [19, 20, 23, 42]
    rows_with_evidence(answer, "mentions")
    assert {d["item"] for d in rows_with_evidence(answer, "deadlines")} <= {19, 20, 23, 42}
    assert "Items that touch it: 19, 20, 23, 42" in invoke("trace", "古蔺县").output


def test_programme_trace_lists_participants_and_targets(run: audit.Runner) -> None:
    place = audit.trace("古蔺县", run)
    programme = next(
        m["other"]["iri"] for m in place["mentions"] if m["relation"] == "takes part in"
    )
    answer = audit.trace(programme, run)
    assert answer["kind"] == "programme"
    assert any(
        m["relation"] == "has participant" and m["other"]["label"] == "古蔺县"
        for m in answer["mentions"]
    )


# ---- gaps, deadlines, report ----------------------------------------------------------------------


def test_gaps_carry_evidence(run: audit.Runner) -> None:
    gaps = audit.gaps(run)
    tasks = rows_with_evidence(gaps, "tasksWithoutHolder")
    assert {(g["item"], g["taskNumber"]) for g in tasks} >= {(19, 1), (19, 2), (19, 3)}
    assert all(g["impliedHolder"]["label"] == "泸州市教育局" for g in tasks)
    targets = rows_with_evidence(gaps, "targetsWithoutDeadline")
    assert "计算机2200台" in {t["label"] for t in targets}
    holders = rows_with_evidence(gaps, "holdersWithoutItem")
    assert any("其他局领导" in h["holder"]["label"] for h in holders)


def test_due_by_may_2014(run: audit.Runner) -> None:
    due = audit.due_by("2014-05-31", run)
    assert due and all(d["due"] <= "2014-05-31" for d in due)
    assert sum(d["due"].startswith("2014-05") for d in due) == 3
    with pytest.raises(audit.BadParameter):
        audit.due_by("May 2014", run)


def test_every_span_slices_the_source_to_its_quote(run: audit.Runner, source: str) -> None:
    answers = [
        audit.trace(s, run) for s in ("1", "19", "26", "其他局领导", "古蔺县", "泸州市教育局")
    ]
    answers += [audit.gaps(run), audit.report(run)]
    spans = {(e["start"], e["end"], e["quote"]) for a in answers for e in evidence_of(a)}
    assert len(spans) > 200
    for start, end, quote in spans:
        assert source[start:end] == quote


def test_unknown_subjects_are_named(run: audit.Runner, invoke: Any) -> None:
    for subject, words in (
        ("99", "no work item 99"),
        ("19.9", "no task 19.9"),
        ("无此单位", "'无此单位'"),
    ):
        with pytest.raises(audit.TraceNotFound, match=words):
            audit.trace(subject, run)
    result = invoke("trace", "99")
    assert result.exit_code == 1 and "no work item 99" in result.output


def test_trace_json_is_the_library_answer(invoke: Any, run: audit.Runner) -> None:
    result = invoke("trace", "19", "--format", "json")
    assert json.loads(result.output) == audit.trace("19", run)


def test_report_formats(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "report.html"
    result = invoke("report", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and 'data-due="2014-05-31"' in html and 'id="item-26"' in html
    assert not list(out.parent.glob(".*.tmp"))
    rows = list(csv.DictReader(io.StringIO(invoke("report", "--format", "csv").output)))
    assert {r["section"] for r in rows} == {"item", "responsibility", "target", "gap"}
    assert all(r["quote"] and r["start"] and r["end"] for r in rows)
    md = invoke("report", "--format", "md").output
    assert md.startswith("# Audit report: 泸州市教育局2014年工作要点")
    assert (
        "## 4. 坚定不移加快教育重点工程建设" in md and "### 26. 加快建设川滇黔渝结合部教科城" in md
    )
