"""Every competency question has a named query whose answer on the built graph is the documented one.

The answers are read from tests/data/competency-questions.md (a copy of the questions users asked),
never typed into this file: the first projected variable of CQnn.rq is compared with the answer.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from plankg.kb.queries import list_queries, load_query
from plankg.kb.results import value

QUESTIONS = Path(__file__).parent / "data" / "competency-questions.md"


def competency_questions() -> dict[str, tuple[str, list]]:
    """{"cq01": (answer kind, answer list)} from the markdown."""
    out = {}
    for m in re.finditer(r"^## (CQ\d+) \((\w+)\).*?^- answer: ([^\n]+)$", QUESTIONS.read_text("utf-8"), re.M | re.S):
        out[m[1].lower()] = (m[2], json.loads(m[3]))
    return out


CQS = competency_questions()


def normalise(value: object) -> object:
    """Numbers compare as numbers, everything else as its string."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)


def test_every_question_has_a_query() -> None:
    assert len(CQS) == 20
    names = {q.name for q in list_queries()}
    assert set(CQS) <= names


@pytest.mark.parametrize("name", sorted(CQS))
def test_competency_answer(name: str, kb: Any) -> None:
    kind, expected = CQS[name]
    reply = kb.query(load_query(name))
    got = [normalise(value(row[0])) for row in reply.rows if row[0] is not None]
    want = [normalise(v) for v in expected]
    if kind == "set":
        assert set(got) == set(want)
    else:  # count / number: one value
        assert got[:1] == want
