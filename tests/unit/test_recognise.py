"""The recogniser on any plan of the genre: national division table, generic bodies, posts and roles."""

from __future__ import annotations

import pytest

from plankg.build import divisions as D
from plankg.build.recognise import Recogniser


def found(authority: str, text: str) -> dict[str, tuple[str, str]]:
    """surface -> (kind, normalised name) of every mention in `text`."""
    rec = Recogniser(authority)
    return {m.surface: (m.entity.kind, m.entity.name) for m in rec.find(text)}


def test_division_table_covers_every_county_of_china() -> None:
    t = D.table()
    assert len(t) > 3000
    assert t["510525"].name == "古蔺县" and t["510525"].within == "510500"
    assert t["440232"].name == "乳源瑶族自治县"
    assert t["511521"].name == "宜宾县"  # a former county the gazetteer keeps (叙州区 since 2018)


@pytest.mark.parametrize(("name", "short"), [
    ("古蔺县", {"古蔺"}), ("乳源瑶族自治县", {"乳源", "乳源县"}), ("瀍河回族区", {"瀍河", "瀍河区"}),
    ("广西壮族自治区", {"广西"}), ("高县", set()), ("隆林各族自治县", {"隆林", "隆林县"}),
])
def test_short_forms(name: str, short: set[str]) -> None:
    d = next(d for d in D.table().values() if d.name == name)
    assert D.short_forms(d.name, d.type) == short


def test_places_in_any_province_with_codes() -> None:
    got = found("邢台市生态环境局", "宁晋县、新河县、巨鹿县完成排查整治。威县、清河县污水处理厂达标。")
    assert got["宁晋县"] == ("place", "宁晋县") and got["威县"] == ("place", "威县")
    rec = Recogniser("洛阳市教育局")
    m = next(m for m in rec.find("栾川县、嵩县通过评估") if m.surface == "嵩县")
    assert m.entity.key == "410325" and m.entity.type == "County"


def test_traps_one_character_counties_titles_and_bodies() -> None:
    got = found("宜宾市教育局", "提高县域教育质量，在高县新建学校。")
    assert "高县" in got and sum(1 for s in got if "高县" in s) == 1
    assert found("宜宾市教育局", "提高县域内就诊率") == {}
    got = found("宜宾市教育局", "珙县中学、南溪区第一中学校创建示范校。")
    assert got["珙县中学"][0] == "org" and "珙县" not in got
    assert not any(k == "place" for k, _ in found("百色市卫生健康委员会", "按照《广西壮族自治区卫生条例》执行").values())


def test_short_forms_only_near_the_plans_territory() -> None:
    got = found("韶关市卫生健康局", "乳源县、乐昌、南雄要加强宣传阵地建设。")
    assert got["乳源县"] == ("place", "乳源瑶族自治县") and got["乐昌"] == ("place", "乐昌市")
    assert "乐昌" not in found("泸州市教育局", "乐昌要加强")  # a short form far from the plan's city is no place


def test_townships_and_development_zones() -> None:
    got = found("安吉县人民政府", "天荒坪镇、孝丰镇创建精品村15个，递铺街道完成改造。安吉经济开发区加快建设。")
    assert got["天荒坪镇"][0] == "place" and got["递铺街道"][0] == "place" and got["安吉经济开发区"][0] == "place"
    assert not any(s.endswith("镇") for s in found("韶关市卫生健康局", "全市创建省级卫生镇5个"))


@pytest.mark.parametrize(("authority", "text", "surface", "name"), [
    ("韶关市卫生健康局", "会同市医疗保障局、市财政局落实机制", "市医疗保障局", "韶关市医疗保障局"),
    ("韶关市卫生健康局", "韶关市第一人民医院、粤北人民医院创建省高水平医院", "粤北人民医院", "粤北人民医院"),
    ("韶关市卫生健康局", "新丰县人民医院牵头组建新丰县医疗健康集团。", "新丰县医疗健康集团", "新丰县医疗健康集团"),
    ("安吉县人民政府", "县发展和改革局（县发改局）统筹重大项目建设", "县发改局", "安吉县发展和改革局"),
    ("安吉县人民政府", "县文化和广电旅游体育局指导乡村旅游节", "县文化和广电旅游体育局", "安吉县文化和广电旅游体育局"),
    ("邢台市生态环境局", "德龙钢铁有限公司完成超低排放评估监测", "德龙钢铁有限公司", "德龙钢铁有限公司"),
    ("洛阳市教育局", "牵头单位：职业教育与成人教育科；", "职业教育与成人教育科", "职业教育与成人教育科"),
    ("百色市卫生健康委员会", "驻委纪检监察组做好日常监督", "驻委纪检监察组", "百色市卫生健康委员会纪检监察组"),
])
def test_bodies_by_their_endings_with_full_names(authority: str, text: str, surface: str, name: str) -> None:
    rec = Recogniser(authority)
    rec.prime(text)
    got = {m.surface: m.entity for m in rec.find(text)}
    assert got[surface].kind == "org" and (got[surface].name == name or name in got[surface].alt)


def test_a_section_belongs_to_its_body() -> None:
    rec = Recogniser("邢台市生态环境局")
    m = next(m for m in rec.find("市生态环境局大气环境科负责清单审核") if m.entity.kind == "org")
    assert m.entity.name == "大气环境科" and m.entity.props["unit_of"] == rec.authority.key
    assert "市生态环境局大气环境科" in m.entity.alt


@pytest.mark.parametrize("text", ["公办幼儿园20所", "创建省高水平医院", "严肃查处违纪行为", "设置自动监测站12个",
                                  "“一网通办”率达到90%", "各县（市、区）修订清单"])
def test_generic_phrases_are_not_bodies(text: str) -> None:
    assert not [s for s, (k, _) in found("韶关市卫生健康局", text).items() if k == "org"]


@pytest.mark.parametrize(("authority", "text", "surface"), [
    ("韶关市卫生健康局", "选派30名年轻干部到乡镇卫生院挂职", "年轻干部"),
    ("安吉县人民政府", "驻村干部、村干部要做好帮扶", "村干部"),
    ("安吉县人民政府", "做好退役军人、残疾人和离退休干部服务工作", "离退休干部"),
    ("洛阳市教育局", "组织班主任、心理健康教师全员培训", "心理健康教师"),
    ("邢台市生态环境局", "举办环境监测人员业务培训3期", "环境监测人员"),
    ("百色市卫生健康委员会", "分管党建工作的副主任担负直接领导责任", "分管党建工作的副主任"),
])
def test_posts_and_roles_as_printed(authority: str, text: str, surface: str) -> None:
    got = found(authority, text)
    assert got[surface][0] == "post"


def test_own_leaders_are_posts_of_the_issuer() -> None:
    rec = Recogniser("邢台市生态环境局")
    ms = {m.surface: m.entity for m in rec.find("局党组书记、局长履行第一责任人职责")}
    assert ms["局长"].name == "邢台市生态环境局局长" and ms["局长"].props["post_in"] == rec.authority.key
    assert ms["局党组书记"].props["post_in"].endswith("dang-zu")


def test_short_names_of_bodies_are_linked_to_their_full_names() -> None:
    rec = Recogniser("某县人民政府".replace("某县", "安吉县"))
    text = "县发展和改革委员会统筹推进，县发改委做好项目储备。"
    rec.prime(text)
    ms = {m.surface: m.entity for m in rec.find(text)}
    assert ms["县发改委"] is ms["县发展和改革委员会"]
    assert ms["县发改委"].name == "安吉县发展和改革委员会"
