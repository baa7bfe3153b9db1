"""Teams formed for a task (专家服务团, 工作队, 工作专班, 督导组) are bodies of their own class."""

from __future__ import annotations

import pytest

from plankg.build.recognise import Recogniser


@pytest.mark.parametrize(("text", "team"), [
    ("选派专家服务团到永顺县开展服务。", "专家服务团"),
    ("成立疫情防控工作专班,统筹推进。", "疫情防控工作专班"),
    ("向重点村派驻驻村工作队。", "驻村工作队"),
    ("组建教育督导组开展专项督导。", "教育督导组"),
])
def test_a_team_is_recognised_with_its_name_as_printed(text: str, team: str) -> None:
    rec = Recogniser("某市人力资源和社会保障局")
    rec.prime(text)
    found = {(m.entity.name, m.entity.type) for m in rec.find(text, 0)}
    assert (team, "Team") in found


def test_a_word_ending_like_a_team_inside_a_verb_phrase_is_not_one() -> None:
    text = "加强工作组织领导。"
    rec = Recogniser("某市教育局")
    rec.prime(text)
    assert not [m for m in rec.find(text, 0) if m.entity.type == "Team"]
