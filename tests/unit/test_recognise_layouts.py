"""Layouts and task-breakdown fields of the genre: three levels restarting, BOM, 牵头单位/责任单位/完成时限."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from plankg.build.ids import PLAN, Ids
from plankg.build.parse import parse_plan, read_source
from plankg.build.plan import build_plan

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"
IDS = Ids("https://w3id.org/plankg/")


def test_byte_order_mark_is_read_not_kept() -> None:
    path = PLANS / "luoyang-2024-education-task-decomposition.txt"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text, _ = read_source(path)
    assert text.startswith("洛阳市教育局")
    plan = parse_plan(path)
    assert plan.title == "洛阳市教育局2024年重点工作任务分解"


def test_three_levels_numbering_restarting_under_every_sub_heading() -> None:
    plan = parse_plan(PLANS / "baise-2023-health-commission-work-plan.txt")
    keys = [i.key for i in plan.items]
    assert keys[:4] == ["1.1.1", "1.1.2", "1.2.1", "1.2.2"] and len(set(keys)) == len(keys)
    assert len(plan.sections) == 5
    item = plan.item("2.1.2")  # its continuation paragraph belongs to it
    assert "名医工作室2个" in item.text


def test_restarting_items_name_their_pillar_from_the_first_pillar_on() -> None:
    plan = parse_plan(PLANS / "anji-2021-county-work-plan.txt")
    assert [i.key for i in plan.items][:4] == ["1.1", "1.2", "1.3", "2.1"]


def _responsibilities(g, item: str) -> list[tuple[str, str, str | None]]:
    out = []
    for r in g.subjects(RDF.type, PLAN.Responsibility):
        if str(g.value(g.value(r, PLAN.statedIn), DCTERMS.identifier)) != item:
            continue
        holder = g.value(r, PLAN.holder)
        labels = {str(x) for p in (RDFS.label, SKOS.altLabel) for x in g.objects(holder, p)}
        dl = g.value(r, PLAN.deadlineText)
        for lab in labels:
            out.append((lab, str(g.value(r, PLAN.responsibilityType)).split("#")[1], str(dl) if dl else None))
    return out


def test_task_breakdown_fields_are_responsibilities_with_their_deadline() -> None:
    g = build_plan(PLANS / "luoyang-2024-education-task-decomposition.txt", IDS).graph
    r1 = _responsibilities(g, "1")
    assert ("市教育局机关党委", "LeadResponsibility", "2024年6月") in r1
    assert ("组织人事科", "CoResponsibility", "2024年6月") in r1
    r2 = _responsibilities(g, "2")
    assert ("分管宣传工作的副局长", "LeadResponsibility", "长期坚持") in r2
    assert any(t == "SupportResponsibility" for _, t, _ in r2)
    r3 = _responsibilities(g, "3")
    assert ("洛龙区教育局", "CoResponsibility", "2024年12月底") in r3  # 洛龙区、涧西区、伊川县教育局
    assert ("持续推进",) == tuple({d for _, t, d in _responsibilities(g, "5") if t == "SupportResponsibility"})
    # items with a lead unit do not fall back on the implied issuer
    assert not list(g.subjects(PLAN.basis, PLAN.ImpliedIssuer))


def test_co_and_supporting_units_answer_to_the_lead_unit() -> None:
    g = build_plan(PLANS / "luoyang-2024-education-task-decomposition.txt", IDS).graph
    for r in g.subjects(PLAN.responsibilityType, PLAN.CoResponsibility):
        up = g.value(r, PLAN.answersTo)
        assert up is not None and g.value(up, PLAN.responsibilityType) == PLAN.LeadResponsibility


def test_subject_named_inside_a_clause_holds_the_task() -> None:
    g = build_plan(PLANS / "luoyang-2024-education-task-decomposition.txt", IDS).graph
    holders = {str(x) for r in g.subjects(RDF.type, PLAN.Responsibility)
               for x in g.objects(g.value(r, PLAN.holder), RDFS.label)}
    assert "洛阳理工学院" in holders  # 配合河南科技大学、洛阳理工学院申办…


def test_every_span_of_the_new_plans_slices_the_text() -> None:
    for path in PLANS.glob("*.txt"):
        text, _ = read_source(path)
        g = build_plan(path, IDS).graph
        for span in g.subjects(RDF.type, PLAN.TextSpan):
            start, end = int(g.value(span, PLAN.start)), int(g.value(span, PLAN.end))
            assert text[start:end] == str(g.value(span, PLAN.quote)), (path.name, span)


def test_one_node_per_programme_named_twice() -> None:
    g = build_plan(PLANS / "luoyang-2024-education-task-decomposition.txt", IDS).graph
    nodes = set(g.subjects(RDFS.label, Literal("“河洛名师”培养工程", lang="zh")))
    assert len(nodes) <= 1
