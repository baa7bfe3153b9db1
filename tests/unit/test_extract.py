"""Unit tests for the rule-based extractors in plankg.build.extract."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plankg.build.extract import (
    find_cadences,
    find_citations,
    find_dates,
    find_enumeration,
    find_modalities,
    find_quantities,
    parse_number,
)

ROOT = Path(__file__).resolve().parents[2]
LUZHOU = (ROOT / "src" / "plankg" / "build" / "sources" / "luzhou-2014-education-work-plan.txt").read_text("utf-8")
PLANS = ROOT / "tests" / "data" / "plans"
YIBIN = (PLANS / "yibin-2015-education-work-plan.txt").read_text("utf-8")
DEYANG = (PLANS / "deyang-2016-education-work-plan.txt").read_text("utf-8")
ALL_TEXTS = [(LUZHOU, 2014), (YIBIN, 2015), (DEYANG, 2016)]


def _all_results(text: str, year: int) -> list:
    return [
        *find_quantities(text),
        *find_dates(text, year),
        *find_cadences(text),
        *find_citations(text),
        *find_modalities(text),
        *find_enumeration(text),
    ]


def _q(text: str) -> list[tuple[str, Decimal, str, str | None]]:
    return [(q.surface, q.value, q.unit, q.counted) for q in find_quantities(text)]


def _line(text: str, prefix: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(prefix))


# --- offsets ---------------------------------------------------------------------------


@pytest.mark.parametrize("text,year", ALL_TEXTS, ids=["luzhou", "yibin", "deyang"])
def test_every_surface_matches_its_offsets(text: str, year: int) -> None:
    results = _all_results(text, year)
    assert results
    for r in results:
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start:r.end] == r.surface, r


def test_offsets_are_relative_to_the_slice_passed_in() -> None:
    line = _line(LUZHOU, "26.")
    base = LUZHOU.index(line)
    for q in find_quantities(line):
        assert LUZHOU[base + q.start:base + q.end] == q.surface


_ALPHABET = "0123456789.,年月日份上下半全每周天个所项条次%元万亿十一二两三第《》()“”、,。是要必须确保"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40))
def test_offsets_hold_on_arbitrary_text(text: str) -> None:
    for r in _all_results(text, 2014):
        assert text[r.start:r.end] == r.surface


# --- parse_number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "s,expected",
    [
        ("1200", 1200), ("2,200", 2200), ("1.5", Decimal("1.5")), ("0.75", Decimal("0.75")),
        ("十", 10), ("十项", 10), ("二十", 20), ("三十四", 34), ("一百二十", 120),
        ("一百零五", 105), ("两", 2), ("〇", 0), ("两千", 2000), ("十万", 100000),
        ("13亿", 1300000000), ("1.5万", 15000), ("三千万", 30000000), ("3.2亿", 320000000),
        ("十五万", 150000), ("一亿二千万", 120000000), ("二〇一四", 2014), ("3千", 3000),
    ],
)
def test_parse_number(s: str, expected: int | Decimal) -> None:
    assert parse_number(s) == Decimal(expected)


def test_parse_number_normalises_integral_values() -> None:
    assert str(parse_number("1.5万")) == "15000"


@pytest.mark.parametrize("s", ["", "abc", "项", "万", "百花齐放", "第二"])
def test_parse_number_rejects_non_numerals(s: str) -> None:
    assert parse_number(s) is None


# --- quantities ------------------------------------------------------------------------


def test_quantities_in_luzhou_item_19() -> None:
    got = _q(_line(LUZHOU, "19."))
    assert got == [
        ("1200套", 1200, "套", "多媒体教学设备"),
        ("2200台", 2200, "台", "计算机"),
        ("8间", 8, "间", "同步课堂教室"),
        ("3个", 3, "个", "省级试点区县"),
        ("21所", 21, "所", "省级试点学校"),
    ]


def test_quantities_in_luzhou_item_26_money_and_land() -> None:
    got = _q(_line(LUZHOU, "26."))
    assert got == [("2000亩", 2000, "亩", "土地"), ("13亿元", 1300000000, "元", "总投资")]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("6月对2013年评估未合格的7个乡镇开展复评。", ("7个", 7, "个", "乡镇")),
        ("评选全市中小学(包括村小)素质教育示范学校60所。", ("60所", 60, "所", "素质教育示范学校")),
        ("确保学生每天1小时校园体育活动。", ("1小时", 1, "小时", "校园体育活动")),
        ("每2周必须开设1课时安全教育课", ("1课时", 1, "课时", "安全教育课")),
        ("直接降低1个考核等次", ("1个", 1, "个", "考核等次")),
        ("评选表扬20所教学结构改革先进学校。", ("20所", 20, "所", "教学结构改革先进学校")),
        ("认真做好全市教育十项改革试点项目", ("十项", 10, "项", "改革试点项目")),
        ("新增两个试点县", ("两个", 2, "个", "试点县")),
        ("全年新建中小学校9所,改扩建中小学校16所", ("9所", 9, "所", "中小学校")),
        ("资助家庭经济困难学生十五万人次", ("十五万人次", 150000, "人次", "家庭经济困难学生")),
        ("新建农村学校校舍8.5万平方米", ("8.5万平方米", 85000, "平方米", "农村学校校舍")),
        ("全年发放各类资助资金1.2亿元", ("1.2亿元", 120000000, "元", "各类资助资金")),
        ("投入资金1.5万元", ("1.5万元", 15000, "元", "资金")),
        ("新增计算机2,200台", ("2,200台", 2200, "台", "计算机")),
        ("全市学前三年毛入园率达到75%", ("75%", 75, "%", "毛入园率")),
        ("中心城区学校视频监控覆盖率达到100%", ("100%", 100, "%", "中心城区学校视频监控覆盖率")),
        ("在珙县试点建设“护学岗”40个", ("40个", 40, "个", "护学岗")),
        ("在中江县、罗江县更新标准化校车50辆", ("50辆", 50, "辆", "标准化校车")),
    ],
)
def test_quantity_value_unit_counted(sentence: str, expected: tuple) -> None:
    assert expected in _q(sentence)


def test_quantity_approximate_marker() -> None:
    (q,) = find_quantities("招聘教师1000余名")
    assert (q.value, q.unit, q.approx, q.surface) == (1000, "名", True, "1000余名")


@pytest.mark.parametrize(
    "sentence",
    [
        "2014年是继续深化改革的关键之年",
        "举办全市第二届艺尖生大赛",
        "启动实施第二轮学前教育行动计划",
        "一期工程完工,二期工程5月份开工",
        "教科城3号路竣工",
        "加强高一、高二年级过程管理",
        "开展全市2013级中职学生文化课质量检测",
        "19.建立教育优质资源共享平台",
        "按照规划纲要(2011-2020年)部署",
        "继续按照“1234”总体思路的安排部署",
        "切实做好“9+3”工作",
        "继续大力实施“3313”工程",
        "认真落实校(园)长职务行为“18条”",
        "《3-6岁儿童学习与发展指南》",
        "在每一所学校、每一个年级得到落实",
        "一次性补助",
        "一年级新生",
        "十分重要",
        "创建评选一批示范学校",
        "附件:1.2016年全市教育重点工作任务分解表",
        "每2周开展活动",
    ],
)
def test_not_quantities(sentence: str) -> None:
    assert find_quantities(sentence) == []


def test_quoted_name_with_counted_noun_is_kept_and_flagged() -> None:
    qs = find_quantities("认真做好全市教育“十项改革试点”项目的巩固深化工作")
    assert [(q.value, q.unit, q.counted, q.in_quote) for q in qs] == [(10, "项", "改革试点", True)]


def test_luzhou_quantities_have_no_years_or_ordinals() -> None:
    qs = find_quantities(LUZHOU)
    assert not [q for q in qs if q.unit == "年" and q.value >= 1900]
    for q in qs:
        assert LUZHOU[q.start - 1] != "第"
    values = {(q.surface, q.counted) for q in qs}
    assert ("60所", "素质教育示范学校") in values
    assert ("1条", "安全稳定工作温馨提醒短信") in values


def test_full_width_punctuation_bounds_counted_phrase() -> None:
    got = _q("市教育局每季度召开1次党风廉政建设专题会议，对直属学校开展述职评议。")
    assert got == [("1次", 1, "次", "党风廉政建设专题会议")]


@pytest.mark.parametrize(
    "text,surface,value,unit",
    [
        (YIBIN, "3.2亿元", 320000000, "元"),
        (YIBIN, "8.5万平方米", 85000, "平方米"),
        (YIBIN, "600间", 600, "间"),
        (YIBIN, "十二所", 12, "所"),
        (YIBIN, "十五万人次", 150000, "人次"),
        (YIBIN, "两个", 2, "个"),
        (YIBIN, "500名", 500, "名"),
        (DEYANG, "50辆", 50, "辆"),
        (DEYANG, "三百名", 300, "名"),
        (DEYANG, "二十所", 20, "所"),
        (DEYANG, "6000个", 6000, "个"),
        (DEYANG, "2.6亿元", 260000000, "元"),
    ],
)
def test_fixture_quantities_listed_in_readme(text: str, surface: str, value: int, unit: str) -> None:
    assert (surface, value, unit) in {(q.surface, q.value, q.unit) for q in find_quantities(text)}


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,year,expected",
    [
        ("6月对未合格乡镇开展复评", 2014, ("6月", "2014-06", "2014-06-30", "month")),
        ("11月开展达标验收", 2014, ("11月", "2014-11", "2014-11-30", "month")),
        ("1号路力争4月份开工", 2014, ("4月份", "2014-04", "2014-04-30", "month")),
        ("二期工程5月份开工", 2014, ("5月份", "2014-05", "2014-05-31", "month")),
        ("确保2015年秋季搬迁", 2014, ("2015年秋季", "2015-09", "2015-11-30", "season")),
        ("全年力争新征土地", 2014, ("全年", "2014", "2014-12-31", "year")),
        ("每年上半年开展消防演练", 2014, ("上半年", "2014-01", "2014-06-30", "half")),
        ("下半年开展演练", 2016, ("下半年", "2016-07", "2016-12-31", "half")),
        ("在2013年的基础上", 2014, ("2013年", "2013", "2013-12-31", "year")),
        ("2015年2月10日", 2015, ("2015年2月10日", "2015-02-10", "2015-02-10", "day")),
        ("12月31日前完成", 2016, ("12月31日", "2016-12-31", "2016-12-31", "day")),
        ("2016年上半年完成", 2015, ("2016年上半年", "2016-01", "2016-06-30", "half")),
        ("第三季度开展", 2015, ("第三季度", "2015-07", "2015-09-30", "quarter")),
        ("冬季开展", 2015, ("冬季", "2015-12", "2016-02-29", "season")),
        ("二〇一五年三月", 2014, ("二〇一五年三月", "2015-03", "2015-03-31", "month")),
        ("年底前出台", 2016, ("年底", "2016", "2016-12-31", "year")),
        ("2014年5月份开工", 2013, ("2014年5月份", "2014-05", "2014-05-31", "month")),
        ("2月29日", 2016, ("2月29日", "2016-02-29", "2016-02-29", "day")),
    ],
)
def test_dates(sentence: str, year: int, expected: tuple) -> None:
    got = [(d.surface, d.iso, d.end_date, d.kind) for d in find_dates(sentence, year)]
    assert expected in got


@pytest.mark.parametrize(
    "sentence", ["三年内完成", "3个月", "每月公布1次", "2013级学生", "《规划纲要(2011-2020年)》", "2月30日"]
)
def test_not_dates(sentence: str) -> None:
    assert find_dates(sentence, 2014) == []


def test_luzhou_item_26_dates() -> None:
    dates = find_dates(_line(LUZHOU, "26."), 2014)
    assert [d.surface for d in dates] == [
        "全年", "4月份", "5月份", "8月份", "2015年秋季", "5月份", "2015年秋季",
        "5月份", "8月份", "2015年秋季",
    ]
    assert {d.end_date for d in dates if d.kind == "season"} == {"2015-11-30"}


def test_luzhou_item_21_dates() -> None:
    dates = find_dates(_line(LUZHOU, "21."), 2014)
    assert [(d.surface, d.kind) for d in dates] == [
        ("6月", "month"), ("2013年", "year"), ("11月", "month"), ("2014年", "year"),
    ]


# --- cadences --------------------------------------------------------------------------


def test_luzhou_item_2_cadences() -> None:
    got = [(c.surface, c.duration, c.label_zh, c.count, c.unit)
           for c in find_cadences(_line(LUZHOU, "2."))]
    assert got == [
        ("每周", "P1W", "每周", 1, "条"),
        ("每月", "P1M", "每月", 1, "次"),
        ("每月", "P1M", "每月", 1, "次"),
        ("每年", "P1Y", "每年", None, None),
        ("每天", "P1D", "每天", None, None),
        ("每周", "P1W", "每周", None, None),
        ("每2周", "P2W", "每2周", 1, "课时"),
    ]


def test_repeated_character_cadences() -> None:
    got = [(c.surface, c.duration, c.label_zh) for c in find_cadences("确保安全工作做到周周讲,天天抓。")]
    assert got == [("周周", "P1W", "每周"), ("天天", "P1D", "每天")]


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("每两周召开1次会议", ("每两周", "P2W", "每2周", 1, "次")),
        ("每季度通报一次", ("每季度", "P3M", "每季度", 1, "次")),
        ("每学期至少组织2次应急疏散演练", ("每学期", "P6M", "每学期", 2, "次")),
        ("每个月报送", ("每个月", "P1M", "每月", None, None)),
        ("每日一报", ("每日", "P1D", "每天", None, None)),
        ("确保学生每天1小时校园体育活动", ("每天", "P1D", "每天", 1, "小时")),
    ],
)
def test_cadence_variants(sentence: str, expected: tuple) -> None:
    got = [(c.surface, c.duration, c.label_zh, c.count, c.unit) for c in find_cadences(sentence)]
    assert got == [expected]


@pytest.mark.parametrize("sentence", ["每个县力争引进1所", "在每一所学校", "每人"])
def test_not_cadences(sentence: str) -> None:
    assert find_cadences(sentence) == []


# --- citations -------------------------------------------------------------------------


def test_luzhou_citations() -> None:
    cites = find_citations(LUZHOU)
    assert len(cites) == 9
    by_title = {c.title: c for c in cites}
    broken = by_title["泸州市中长期教育改革和发展规划纲要(2011-2020年)"]
    assert broken.surface == "《泸州市中长期教育改革和发展规划纲要(2011-2020年》"
    assert broken.issuer is None
    assert by_title["教育部关于推进中小学教育质量综合评价改革的意见"].issuer == "教育部"
    assert by_title["泸州市人民政府关于当前发展学前教育的实施意见"].issuer == "泸州市人民政府"
    assert by_title["泸州市中小学生安全行为十不准"].issuer is None
    assert by_title["国家学生体质健康标准"].issuer is None


@pytest.mark.parametrize(
    "title,issuer",
    [
        ("中共中央 国务院关于深化教育改革全面推进素质教育的决定", "中共中央 国务院"),
        ("国务院办公厅关于加快发展学前教育的若干意见", "国务院办公厅"),
        ("四川省教育厅关于印发〈中小学管理规范〉的通知", "四川省教育厅"),
        ("四川省人民政府关于深化考试招生制度改革的实施意见", "四川省人民政府"),
        ("关于加强中小学管理的意见", None),
        ("宜宾市中小学管理规范", None),
    ],
)
def test_citation_issuer(title: str, issuer: str | None) -> None:
    (c,) = find_citations(f"认真贯彻《{title}》精神")
    assert (c.title, c.issuer) == (title, issuer)


def test_citation_balances_full_width_bracket() -> None:
    (c,) = find_citations("按照《某市教育规划（2016-2020年》要求")
    assert c.title == "某市教育规划（2016-2020年）"


# --- modalities ------------------------------------------------------------------------


def test_luzhou_modalities() -> None:
    keys = [m.key for m in find_modalities(LUZHOU)]
    assert keys.count("must") == 10
    assert keys.count("ensure") == 17
    assert keys.count("strive") == 7
    assert keys.count("explore") == 5
    assert keys.count("should") == 4
    assert keys.count("prohibit") == 1  # 不准安排学生…; the 十不准 titles are skipped


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("学校必须建立制度", ["must"]),
        ("确保责任到人", ["ensure"]),
        ("力争4月份开工", ["strive"]),
        ("各区县要按照规定", ["should"]),
        ("积极探索教学结构改革模式", ["explore"]),
        ("不准安排学生到危险地方活动", ["prohibit"]),
        ("严禁在职教师有偿补课", ["prohibit"]),
        ("管业务必须管安全", ["must"]),
        ("重要的是主要任务和工作要点", []),
        ("按照纲要要求", []),
    ],
)
def test_modalities(sentence: str, expected: list[str]) -> None:
    assert [m.key for m in find_modalities(sentence)] == expected


# --- enumerations ----------------------------------------------------------------------


def test_enumeration_parts() -> None:
    text = "重点做好三项工作:一是加强领导;二是完善制度;三是强化考核。其他工作照常。"
    parts = find_enumeration(text)
    assert [(p.group, p.index, p.marker, p.surface) for p in parts] == [
        (0, 1, "一是", "一是加强领导"),
        (0, 2, "二是", "二是完善制度"),
        (0, 3, "三是", "三是强化考核"),
    ]


def test_enumeration_with_sentence_breaks_and_full_width() -> None:
    text = "具体是：一是扩大资源。二是加强监管；三是开展试点。\n下一段"
    assert [p.surface for p in find_enumeration(text)] == ["一是扩大资源", "二是加强监管", "三是开展试点"]


def test_enumeration_groups_in_fixture_plans() -> None:
    assert {p.group for p in find_enumeration(YIBIN)} == {0, 1, 2}
    assert len(find_enumeration(YIBIN)) == 9
    assert len(find_enumeration(DEYANG)) == 6


@pytest.mark.parametrize("sentence", ["统一是关键", "一是加强领导。", "二是完善制度;三是强化考核"])
def test_not_enumerations(sentence: str) -> None:
    assert find_enumeration(sentence) == []


def test_luzhou_has_no_enumeration() -> None:
    assert find_enumeration(LUZHOU) == []
