"""A corpus of plans: every answer knows its plan, and plans can be compared (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plankg.errors import PlanChoice
from plankg.kb import KnowledgeBase
from plankg.kb import accountability as audit

PLANS = ("luzhou-2014", "yibin-2015")


def plankg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "plankg", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> KnowledgeBase:
    return KnowledgeBase(corpus_dir)


def test_a_corpus_never_picks_a_plan_silently(corpus: KnowledgeBase, kb: KnowledgeBase) -> None:
    assert kb.plan()["key"] == "luzhou-2014"  # one plan: it is the default
    with pytest.raises(PlanChoice, match="luzhou-2014, yibin-2015"):
        corpus.plan()
    with pytest.raises(PlanChoice, match="no plan 'nope'"):
        corpus.plan("nope")


@pytest.mark.parametrize("plan", PLANS)
def test_answers_about_a_plan_hold_only_its_items(corpus: KnowledgeBase, plan: str) -> None:
    run = corpus.runner(plan)
    items = audit.items(run)
    assert items and all(f"/id/plan/{plan}/" in i["iri"] for i in items)
    answer = audit.trace("1", run)
    assert answer["iri"].endswith(f"/id/plan/{plan}/item/1")
    for r in answer["responsibilities"]:
        assert all(ev["item"] is None or isinstance(ev["item"], int) for ev in r["evidence"])
    iris = json.dumps(audit.gaps(run))
    other = next(p for p in PLANS if p != plan)
    assert f"/id/plan/{other}/" not in iris


def test_the_report_is_per_plan_with_its_own_years_and_issuer(corpus: KnowledgeBase) -> None:
    yibin = audit.report(corpus.runner("yibin-2015"))
    assert yibin["title"] == "宜宾市教育局2015年工作要点"
    assert yibin["years"] == [2015, 2016]
    assert yibin["plan"]["issuer"]["label"] == "宜宾市教育局"
    assert all(t["due"][:4] in ("2015", "2016") for t in yibin["timeline"])
    assert all("/id/plan/yibin-2015/" in t["iri"] for t in yibin["timeline"])
    luzhou = audit.report(corpus.runner("luzhou-2014"))
    assert luzhou["years"] == [2014, 2015] and luzhou["counts"]["items"] == 45


def test_cli_asks_which_plan_and_lists_them(corpus_dir: Path) -> None:
    r = plankg("trace", "19", "--from", str(corpus_dir))
    assert r.returncode == 2 and "luzhou-2014, yibin-2015" in r.stderr and "Traceback" not in r.stderr
    r = plankg("trace", "1", "--from", str(corpus_dir), "--plan", "yibin-2015", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["iri"].endswith("/id/plan/yibin-2015/item/1")
    r = plankg("report", "--format", "md", "--from", str(corpus_dir), "--plan", "yibin-2015")
    assert r.returncode == 0 and r.stdout.startswith("# Audit report: 宜宾市教育局2015年工作要点")
    assert "Timeline 2015–2016" in r.stdout and "泸州" not in r.stdout.split("## ")[1]


def compare(corpus_dir: Path, *extra: str) -> Any:
    r = plankg("compare", *PLANS, "--from", str(corpus_dir), *extra)
    assert r.returncode == 0, r.stderr
    return r


def test_compare_lists_what_changed_and_what_is_only_in_one(corpus_dir: Path) -> None:
    result = json.loads(compare(corpus_dir, "--format", "json").stdout)
    assert result["a"]["key"] == "luzhou-2014" and result["b"]["key"] == "yibin-2015"
    assert [p["number"] for p in result["pillars"]] == list(range(1, 8))
    assert {p["change"] for p in result["pillars"][4:]} == {"only in a"}  # Yibin has 4 pillars
    by_kind = {(t["counts"], t["unit"]): t for t in result["targets"]}
    assert by_kind[("多媒体教学设备", "套")]["change"] == "only in a"
    moved = [t for t in result["targets"] if t["change"] in ("raised", "lowered")]
    assert moved and all(t["a"] and t["b"] for t in moved)
    bureau = {r["holder"]["label"]: r for r in result["responsibilities"]}
    assert bureau["泸州市教育局"]["change"] == "only in a" and bureau["宜宾市教育局"]["change"] == "only in b"
    text = compare(corpus_dir, "--changes-only").stdout
    assert "A = luzhou-2014" in text and "changes:" in text


def test_corpus_queries_compare_targets_across_plans(corpus: KnowledgeBase) -> None:
    rows = corpus.query("targets-across-plans", {"kind": "学校"}).records()
    assert {r["plan"].value.rsplit("/", 1)[-1] for r in rows} == set(PLANS)
    assert all("学校" in r["counts"].value for r in rows)
    plans = corpus.query("plans").records()
    assert [r["title"].value for r in plans] == ["泸州市教育局2014年工作要点", "宜宾市教育局2015年工作要点"]


def test_report_counts_read_as_english(corpus_dir: Path) -> None:
    r = plankg("report", "--format", "md", "--from", str(corpus_dir), "--plan", "yibin-2015")
    summary = r.stdout.splitlines()[2]
    import re

    n = int(re.search(r"(\d+) holders? with a duty but no item", summary)[1])
    assert f"{n} {'holder' if n == 1 else 'holders'} with a duty" in summary
    assert not re.search(r"\b1 (items|targets|tasks|holders|milestones)\b", summary)
