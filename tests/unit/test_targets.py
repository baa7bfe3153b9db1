"""What a target is (issue 11): a number, a unit and a thing counted; no names, ranks or bare percentages.

The rules are about the genre: the sentences below are made up, except where the Luzhou plan is named.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from plankg.build.extract import find_quantities, find_targets, not_a_target
from plankg.build.ids import PLAN, Ids
from plankg.build.plan import build_plan, default_sources

PLANS = sorted((Path(__file__).resolve().parents[1] / "data" / "plans").glob("*.txt"))
LUZHOU = default_sources()[0].name


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    ids = Ids("https://w3id.org/plankg/")
    return {p.name: build_plan(p, ids).graph for p in [default_sources()[0], *PLANS]}


def _targets(g: Graph) -> list[dict]:
    return [{"label": str(g.value(t, RDFS.label)), "value": g.value(t, PLAN.value), "unit": g.value(t, PLAN.unitText),
             "counts": g.value(t, PLAN.counts)} for t in g.subjects(RDF.type, PLAN.Target)]


def _t(text: str) -> list[tuple[str, Decimal, str, str | None]]:
    return [(q.surface, q.value, q.unit, q.counted) for q in find_targets(text)]


# --- every plan --------------------------------------------------------------------------


def test_every_target_of_every_plan_has_a_value_a_unit_and_a_thing_counted(graphs: dict[str, Graph]) -> None:
    assert len(graphs) == len(PLANS) + 1
    for name, g in graphs.items():
        targets = _targets(g)
        assert targets, name
        for t in targets:
            assert isinstance(t["value"], Literal) and t["value"].toPython() is not None, (name, t)
            assert t["unit"] is not None and str(t["unit"]).strip(), (name, t)
            assert t["counts"] is not None and str(t["counts"]).strip(), (name, t)


def test_no_target_of_any_plan_is_a_bare_percentage_a_name_or_a_rank(graphs: dict[str, Graph]) -> None:
    for name, g in graphs.items():
        for t in _targets(g):
            assert not t["label"].endswith(("行动计划", "考核等次", "规定", "规定精神")), (name, t)
            assert not t["label"].startswith(("三年", "一年")), (name, t)
            if str(t["unit"]) == "%":
                assert not t["label"].endswith("必须100%"), (name, t)


# --- the three examples of issue 11, in the Luzhou plan ------------------------------------


def test_luzhou_share_of_schools_says_of_what(graphs: dict[str, Graph]) -> None:
    shares = [t for t in _targets(graphs[LUZHOU]) if str(t["unit"]) == "%"]
    assert sorted((t["label"], str(t["counts"])) for t in shares) == [
        ("乡镇中心校、中学(职高)、直属学校必须100%开展", "乡镇中心校、中学(职高)、直属学校"),
        ("村小必须100%开展", "村小"),
    ]
    assert not [t for t in _targets(graphs[LUZHOU]) if t["label"] == "直属学校必须100%"]


def test_luzhou_three_year_action_plans_are_names_not_targets(graphs: dict[str, Graph]) -> None:
    labels = [t["label"] for t in _targets(graphs[LUZHOU])]
    assert not [x for x in labels if "三年" in x or "行动计划" in x], labels


def test_luzhou_grade_step_is_not_a_target(graphs: dict[str, Graph]) -> None:
    labels = [t["label"] for t in _targets(graphs[LUZHOU])]
    assert not [x for x in labels if "考核等次" in x], labels
    assert "1所中小学" in labels  # the 1 of a real target stays


# --- the rules, on sentences of the genre ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "直属学校必须100%",  # a percentage that does not say of what
        "各校要确保100%",
        "继续实施学前教育三年行动计划",  # a number in a name or title
        "编制五年规划",
        "推行新任教师一年试用期培训制度",
        "严格执行中央八项规定精神",
        "对照“十三五”规划目标",
        "十三五期间",
        "直接降低1个考核等次",  # a rank, not a count
        "考核结果提升一个档次",
        "综合排名进入全省前三名",
        "确保不让一个学生因家庭经济困难而失学",  # "not a single one"
    ],
)
def test_not_targets(sentence: str) -> None:
    assert find_targets(sentence) == [], _t(sentence)


def test_quantity_and_rank_are_told_apart() -> None:
    text = "直接降低1个考核等次"
    (q,) = find_quantities(text)  # still a number with its classifier ...
    assert "rank" in not_a_target(text, q)  # ... but not a target


def test_rate_named_with_a_number_keeps_only_the_rate_target() -> None:
    assert _t("全市学前三年毛入园率达到92%") == [("92%", 92, "%", "毛入园率")]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("家庭医生签约服务覆盖率达到40%", ("40%", 40, "%", "家庭医生签约服务覆盖率")),
        ("将优质普通高中招生名额的60%分配到初中", ("60%", 60, "%", "优质普通高中招生名额")),
        ("全年完成固定资产投资增长8%", ("8%", 8, "%", "固定资产投资增长")),
        ("医疗废物集中处置率保持100%", ("100%", 100, "%", "医疗废物集中处置率")),
        ("县政务中心实现政务服务事项“一网通办”率达到90%", ("90%", 90, "%", "政务服务事项“一网通办”率")),
        ("4项工作在村小必须100%开展", ("100%", 100, "%", "村小")),
        ("5项制度在各中学、职业学校必须100%落实", ("100%", 100, "%", "各中学、职业学校")),
        ("开展一次重点工作中期检查", ("一次", 1, "次", "重点工作中期检查")),
        ("每个村卫生站配备1名以上乡村医生", ("1名", 1, "名", "乡村医生")),
        ("全市PM2.5平均浓度控制在45微克/立方米以内", ("45微克/立方米", 45, "微克/立方米", "平均浓度")),
        ("淘汰国三及以下排放标准营运柴油货车1500辆", ("1500辆", 1500, "辆", "国三及以下排放标准营运柴油货车")),
        ("全年投入薄弱学校改造资金2.6亿元", ("2.6亿元", 260000000, "元", "薄弱学校改造资金")),
        ("改造运动场5个", ("5个", 5, "个", "运动场")),
        ("年底前创建国家卫生县城2个", ("2个", 2, "个", "国家卫生县城")),
    ],
)
def test_targets_say_what_they_count(sentence: str, expected: tuple) -> None:
    assert expected in _t(sentence)


def test_share_of_units_knows_what_they_do() -> None:
    (q,) = find_targets("4项工作在村小必须100%开展")[1:]
    assert (q.surface, q.action) == ("100%", "开展")


def test_elided_thing_counted_is_the_one_before_with_the_same_unit(tmp_path: Path) -> None:
    path = tmp_path / "demo-2016-work-plan.txt"
    path.write_text("某县教育局2016年工作要点\n一、改善办学条件\n1.加快学校建设。全年新建中小学校2所,改扩建3所。\n", "utf-8")
    g = build_plan(path, Ids("https://w3id.org/plankg/")).graph
    got = sorted((str(t["value"]), str(t["counts"])) for t in _targets(g))
    assert got == [("2", "中小学校"), ("3", "中小学校")]
