"""Items numbered (1) / （1） (issue 9): the item level under 一、 pillars, or the third level under （一）.

Small inline plans; the parser is given the text, so nothing is read from disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plankg.build.parse import parse_plan
from plankg.errors import SourceError

TWO_LEVELS = """某市卫生健康局2023年工作要点
一、加强党的建设
（1）落实全面从严治党主体责任。每季度召开1次专题会议。
（2）加强干部队伍建设。举办培训班2期。
二、深化医药卫生体制改革
（1）推进紧密型县域医共体建设。年底前完成评估。
（2）完善分级诊疗制度。
（3）推进公立医院高质量发展。
"""

THREE_LEVELS = """某县人民政府2021年工作要点
一、推动经济高质量发展
（一）做强实体经济
（1）培育规模以上工业企业。全年新增30家。
（2）推进技术改造。
（二）扩大有效投资
（1）抓好重大项目建设。
二、增进民生福祉
（一）办好人民满意的教育
（1）新建幼儿园3所。
（2）培育骨干教师100名。
"""


def _parse(text: str):
    return parse_plan(Path("inline-plan.txt"), text=text)


def test_two_levels_paren_items_restart_in_every_pillar() -> None:
    plan = _parse(TWO_LEVELS)
    assert [len(p.items) for p in plan.pillars] == [2, 3]
    assert [it.key for it in plan.items] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    assert [it.label for it in plan.items] == ["（1）", "（2）", "（1）", "（2）", "（3）"]
    assert plan.item("1.1").title == "落实全面从严治党主体责任"
    assert plan.item("2.3").title == "推进公立医院高质量发展"
    assert [t.text for t in plan.item("1.2").tasks] == ["举办培训班2期。"]
    assert plan.sections == []
    for it in plan.items:
        assert plan.text[it.start:it.end] == it.text
        assert plan.text[it.title_span.start:it.title_span.end] == it.title


def test_ascii_paren_items_numbered_through_the_plan() -> None:
    text = "一、安全稳定\n(1)完善安全制度。\n(2)开展安全检查。\n二、教育改革\n(3)推进考试招生改革。\n"
    plan = _parse(text)
    assert [it.key for it in plan.items] == ["1", "2", "3"]
    assert [it.pillar for it in plan.items] == [1, 1, 2]
    assert plan.item(3).title == "推进考试招生改革"


def test_mixed_full_width_and_ascii_parentheses_are_one_numbering() -> None:
    text = "一、安全稳定\n（1)完善安全制度。\n(2）开展安全检查。\n( 3 )落实安全责任。\n二、教育改革\n（1）推进考试招生改革。\n"
    plan = _parse(text)
    assert [it.key for it in plan.items] == ["1.1", "1.2", "1.3", "2.1"]
    assert [it.label for it in plan.items] == ["（1)", "(2）", "( 3 )", "（1）"]
    assert plan.item("1.2").title == "开展安全检查"


def test_three_levels_paren_items_under_chinese_numbered_sub_headings() -> None:
    plan = _parse(THREE_LEVELS)
    assert len(plan.sections) == 3
    assert plan.text[plan.sections[0].start:plan.sections[0].end] == "（一）做强实体经济"
    assert [it.key for it in plan.items] == ["1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.1.2"]
    assert [it.section for it in plan.items] == [1, 1, 2, 1, 1]
    assert [len(p.items) for p in plan.pillars] == [3, 2]
    assert plan.item("2.1.1").title == "新建幼儿园3所"


def test_paren_numbers_under_arabic_items_stay_points_of_their_item() -> None:
    text = "一、安全稳定\n1.完善安全制度。具体如下:\n(1)建立台账。\n（2）定期检查。\n2.开展安全教育。\n"
    plan = _parse(text)
    assert [it.key for it in plan.items] == ["1", "2"]
    assert plan.item(1).text.endswith("（2）定期检查。")
    assert "(1)建立台账。" in plan.item(1).text


def test_paren_numbers_under_flat_chinese_items_stay_points_of_their_item() -> None:
    text = "某县教育局2016年工作要点\n一、加强党建。全年开展活动。\n（1）开展学习。\n二、抓好安全。落实责任。\n"
    plan = _parse(text)
    assert [it.label for it in plan.items] == ["一、", "二、"]
    assert "（1）开展学习。" in plan.item(1).text


def test_paren_number_inside_a_line_is_not_an_item() -> None:
    text = "一、安全稳定\n（1）完善制度,包括:（1）台账;（2）检查。\n（2）开展演练。\n"
    plan = _parse(text)
    assert [it.key for it in plan.items] == ["1", "2"]
    assert plan.item(1).text == "（1）完善制度,包括:（1）台账;（2）检查。"


def test_paren_items_out_of_sequence_name_the_item() -> None:
    text = "一、安全稳定\n（1）完善制度。\n（3）开展演练。\n"
    with pytest.raises(SourceError) as err:
        _parse(text)
    assert "（3）" in str(err.value) and "expected item 2" in str(err.value)
