"""The structural parser on the Luzhou plan, on two further plans of the genre, and on bad input."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from plankg.errors import SourceError
from plankg.build.parse import parse_plan, read_source
from plankg.build.pipeline import default_sources

DATA = Path(__file__).resolve().parent.parent / "data"
PLANS = DATA / "plans"
BAD = DATA / "bad"


@pytest.fixture(scope="module")
def luzhou():
    return parse_plan(default_sources()[0])


def test_luzhou_structure(luzhou) -> None:
    assert [len(p.items) for p in luzhou.pillars] == [5, 11, 9, 3, 2, 10, 5]
    assert [i.number for i in luzhou.items] == list(range(1, 46))
    assert luzhou.pillars[4].title == "坚定不移大力发展民办教育"
    assert luzhou.year == 2014
    assert luzhou.item(19).title == "建立教育优质资源共享平台"
    assert sum(len(i.tasks) for i in luzhou.items) > 150


def test_luzhou_pillar_glued_to_intro(luzhou) -> None:
    """Pillar 一's heading follows the intro's last sentence on the same line."""
    first = luzhou.pillars[0]
    assert luzhou.text[first.heading.start:first.heading.end] == "一、坚定不移强化学校安全稳定工作"
    assert luzhou.text[first.start:first.end].endswith("维护群众合法权益。")
    assert luzhou.text[luzhou.intro.start:luzhou.intro.end].endswith("影响力。")


def test_scraping_artefact_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        plan = parse_plan(default_sources()[0])
    assert len(plan.skipped) == 2
    assert all("item 19" in s for s in plan.skipped)
    assert "line 1" in plan.skipped[0] and "line 2" in plan.skipped[1]
    assert "scraping artefact" in caplog.text
    # the real item 19 is the one inside pillar 三, not the copy at the top of the file
    assert luzhou_item_line(plan, 19) > 20


def luzhou_item_line(plan, n: int) -> int:
    return plan.text.count("\n", 0, plan.item(n).start) + 1


def test_every_span_is_exact(luzhou) -> None:
    for item in luzhou.items:
        assert luzhou.text[item.start:item.end] == item.text
        assert luzhou.text[item.title_span.start:item.title_span.end] == item.title
        for t in item.tasks:
            assert luzhou.text[t.start:t.end] == t.text
            assert item.start <= t.start < t.end <= item.end


def expectations(name: str) -> dict[str, object]:
    """Title, date, items per pillar and cited titles, read from tests/data/plans/README.md."""
    readme = (PLANS / "README.md").read_text("utf-8")
    section = readme.split(f"## {name}")[1].split("\n## ")[0]
    return {
        "title": re.search(r"\* Title: `([^`]+)`", section)[1],
        "date": re.search(r"\* Date: `([^`]+)`", section)[1],
        "per_pillar": [int(n) for n in re.search(r"items per pillar: \*\*([\d, ]+)\*\*", section)[1].split(",")],
        "citations": re.findall(r": `([^`]+)`(?: \(issuer [^)]+\))?$", section.split("* Cited documents")[1]
                                .split("\n* ")[0], re.M),
    }


@pytest.mark.parametrize("name", ["yibin-2015-education-work-plan.txt", "deyang-2016-education-work-plan.txt"])
def test_other_plans_of_the_genre(name: str) -> None:
    want = expectations(name)
    plan = parse_plan(PLANS / name)
    assert plan.title == want["title"]
    assert plan.date == want["date"]
    assert [len(p.items) for p in plan.pillars] == want["per_pillar"]
    assert plan.annexes, "the annex line is recognised"
    assert "附件" in plan.text[plan.annexes[0].start:plan.annexes[0].end]
    assert not plan.skipped


def test_numbering_restarting_per_pillar_gets_unique_keys() -> None:
    plan = parse_plan(PLANS / "deyang-2016-education-work-plan.txt")
    keys = [i.key for i in plan.items]
    assert len(set(keys)) == len(keys)
    assert keys[:2] == ["1.1", "1.2"]
    assert plan.item("2.1").label in ("（一）", "(一)")


@pytest.mark.parametrize(("name", "line", "words"), [
    ("empty.txt", None, "empty"),
    ("skipped-item.txt", 8, "out of sequence"),
    ("repeated-item.txt", 8, "repeated"),
    ("empty-pillar.txt", 6, "has no items"),
    ("not-utf8.txt", 1, "not UTF-8"),
])
def test_bad_input_names_file_line_and_problem(name: str, line: int | None, words: str) -> None:
    with pytest.raises(SourceError) as err:
        parse_plan(BAD / name)
    assert err.value.path.endswith(name)
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(str(BAD / name))


def test_item_errors_name_the_item() -> None:
    with pytest.raises(SourceError) as err:
        parse_plan(BAD / "skipped-item.txt")
    assert err.value.item == 4


def test_read_source_returns_digest() -> None:
    text, digest = read_source(default_sources()[0])
    assert len(text) == 7935
    assert re.fullmatch("[0-9a-f]{64}", digest)


def test_three_levels_make_the_parenthesised_lines_sub_headings() -> None:
    plan = parse_plan(PLANS / "county-2017-three-level-work-plan.txt")
    assert [len(p.items) for p in plan.pillars] == [3, 1]
    assert [i.key for i in plan.items] == ["1", "2", "3", "4"]
    assert [plan.text[s.start:s.end] for s in plan.sections] == ["(一)落实安全责任", "(二)加强安全教育", "(一)改善办学条件"]
    assert plan.title is None and plan.intro is not None


def test_top_level_chinese_numbered_lines_with_sentences_are_items() -> None:
    plan = parse_plan(PLANS / "gulin-2016-flat-work-plan.txt")
    assert plan.pillars == []
    assert [(i.number, i.title) for i in plan.items] == [(1, "加强安全管理"), (2, "推进均衡发展"), (3, "加强教师队伍建设")]
    assert plan.title == "古蔺县教育局2016年工作要点"
