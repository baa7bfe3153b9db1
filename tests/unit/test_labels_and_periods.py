"""The graph's vocabulary as researchers query it: one label rule, readable English labels,
periods of the year that keep their meaning, and no declared property left unused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from plankg.build.ids import PLAN, Ids
from plankg.build.plan import build_plan, default_sources
from plankg.build.reason import entailments
from plankg.ontology import vocabulary as V
from plankg.ontology.model import build_ontology

PLANS = sorted((Path(__file__).resolve().parents[1] / "data" / "plans").glob("*.txt"))
TIME = "http://www.w3.org/2006/time#"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    ids = Ids("https://w3id.org/plankg/")
    return {p.name: build_plan(p, ids).graph for p in [default_sources()[0], *PLANS]}


def test_english_labels_are_words_never_half_chinese_or_glued(graphs: dict[str, Graph]) -> None:
    for name, g in graphs.items():
        english = [str(o) for o in g.objects(None, RDFS.label) if isinstance(o, Literal) and o.language == "en"]
        assert english, name
        assert not [e for e in english if CJK.search(e)], name
        assert not [e for e in english if re.search(r"[a-z][A-Z]", e)], name  # DualDutySafety...


def test_every_labelled_thing_has_one_chinese_display_label(graphs: dict[str, Graph]) -> None:
    for name, g in graphs.items():
        for s in set(g.subjects(RDFS.label)):
            zh = [o for o in g.objects(s, RDFS.label) if o.language == "zh"]
            assert len(zh) == 1, (name, s, zh)


def test_responsibility_labels_name_the_type_in_english(graphs: dict[str, Graph]) -> None:
    g = graphs[default_sources()[0].name]
    direct = next(g.subjects(PLAN.responsibilityType, PLAN.DirectLeadershipResponsibility))
    assert any("direct leadership responsibility" in str(o) for o in g.objects(direct, RDFS.label))


def periods(g: Graph) -> dict[str, tuple[str, str, str]]:
    """deadline text -> (period kind, first day, last day) of every fact with a period."""
    out = {}
    for node, period in g.subject_objects(PLAN.duringPeriod):
        kind = str(g.value(period, PLAN.periodKind)).rsplit("#", 1)[-1]
        first = str(g.value(g.value(period, URIRef(TIME + "hasBeginning")), URIRef(TIME + "inXSDDate")))
        last = str(g.value(g.value(period, URIRef(TIME + "hasEnd")), URIRef(TIME + "inXSDDate")))
        assert (period, RDF.type, URIRef(TIME + "ProperInterval")) in g
        assert str(g.value(g.value(node, PLAN.dueBy), URIRef(TIME + "inXSDDate"))) == last  # sorts by its end
        out[str(g.value(node, PLAN.deadlineText))] = (kind, first, last)
    return out


def test_halves_and_seasons_keep_their_meaning_and_a_date_to_sort_by(graphs: dict[str, Graph]) -> None:
    luzhou = periods(graphs[default_sources()[0].name])
    assert luzhou["上半年"] == ("FirstHalfYear", "2014-01-01", "2014-06-30")
    assert luzhou["下半年"] == ("SecondHalfYear", "2014-07-01", "2014-12-31")
    seasons = {v[0] for g in graphs.values() for v in periods(g).values()}
    assert "Autumn" in seasons or "Spring" in seasons


def test_in_charge_of_and_liaises_with_come_from_the_text(graphs: dict[str, Graph]) -> None:
    g = graphs[default_sources()[0].name]
    label = lambda n: str(g.value(n, RDFS.label))  # noqa: E731
    assert ("分管安全稳定的副局长", "安全稳定工作") in {(label(s), label(o)) for s, o in g.subject_objects(PLAN.inChargeOf)}
    liaisons = {(label(s), label(o)) for s, o in g.subject_objects(PLAN.liaisesWith)}
    assert ("泸州市教育局其他局领导", "市直属学校") in liaisons


def test_every_declared_property_is_used_by_the_data_or_the_ontology(graphs: dict[str, Graph]) -> None:
    ontology = build_ontology()
    data = Graph()
    for g in graphs.values():
        data += g
    used = set(data.predicates()) | set(entailments(ontology, data).predicates()) | set(ontology.predicates())
    unused = [t.name for t in (*V.OBJECT_PROPERTIES, *V.DATA_PROPERTIES) if PLAN[t.name] not in used]
    assert unused == []
