"""Townships carry their official code (NBS 统计用区划代码) and the county they lie in."""

from __future__ import annotations

from pathlib import Path

from rdflib.namespace import RDF, RDFS

from plankg.build import divisions as D
from plankg.build.ids import PLAN, Ids
from plankg.build.plan import build_plan

PLANS = Path(__file__).resolve().parents[1] / "data" / "plans"


def test_the_table_covers_the_country() -> None:
    towns = D.townships()
    assert sum(map(len, towns.values())) > 40_000
    assert ("510525104", "510525") in towns["二郎镇"]  # 古蔺县二郎镇


def test_a_township_is_coded_only_inside_a_division_that_holds_one_of_that_name() -> None:
    gulin, sichuan = D.table()["510525"], D.table()["510000"]
    assert D.township("二郎镇", gulin) == ("510525104", "510525")
    assert D.township("太平镇", sichuan) is None  # several 太平镇 in Sichuan: no guess
    assert D.township("二郎镇", None) is None
    assert D.township("不存在镇", gulin) is None


def test_a_plans_townships_get_their_codes_and_county() -> None:
    g = build_plan(PLANS / "anji-2021-county-work-plan.txt", Ids("https://w3id.org/plankg/")).graph
    towns = {str(g.value(t, RDFS.label)): t for t in g.subjects(RDF.type, PLAN.Township)}
    assert {"递铺街道", "孝丰镇", "天荒坪镇"} <= set(towns)
    for town in towns.values():
        code = str(g.value(town, PLAN.divisionCode))
        assert len(code) == 9 and code.startswith("330523"), town
        assert str(g.value(g.value(town, PLAN.withinPlace), RDFS.label)) == "安吉县"


def test_a_development_zone_listed_by_the_nbs_gets_its_code() -> None:
    from plankg.build.recognise import Recogniser

    text = "在大兴经济开发区建设产业园。"
    rec = Recogniser("北京市大兴区人民政府")
    rec.prime(text)
    zones = {m.entity.name: m.entity for m in rec.find(text, 0) if m.entity.type == "DevelopmentZone"}
    assert zones["大兴经济开发区"].key == "110115405"
    assert zones["大兴经济开发区"].props["within"] == "110115"


def test_a_county_level_development_zone_gets_its_code_and_city() -> None:
    shijiazhuang = D.table()["130100"]
    assert D.township("石家庄高新技术产业开发区", shijiazhuang) == ("130171", "130100")
