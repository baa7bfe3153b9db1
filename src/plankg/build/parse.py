"""Structural parser: a plan's source text -> title, date, intro, pillars, items, tasks, annexes.

Offsets are Python string indices into the decoded file (Unicode code points, end exclusive), so
`text[start:end]` is always the exact source. Nothing is normalised before offsets are taken.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from plankg.errors import SourceError

log = logging.getLogger(__name__)

CN_DIGITS = "〇零一二三四五六七八九十百两"
_CN_VALUES = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}

PILLAR_RE = re.compile(rf"(?P<num>[{CN_DIGITS}]{{1,3}})、(?P<title>[^。;\uff1b\n]{{2,60}})$")
_ITEM_MARKS = rf"(?P<arabic>\d{{1,3}})\s*[.、\uff0e](?!\d)|[(\uff08](?P<cn>[{CN_DIGITS}]{{1,3}})[)\uff09]"  # 1. (一)
ITEM_RE = re.compile(rf"^(?:{_ITEM_MARKS})\s*")
# (1) / （1） (ASCII, full-width or mixed parentheses): the item level when a plan has no 1. items.
PAREN_ITEM_RE = re.compile(rf"^(?:{_ITEM_MARKS}|[(\uff08]\s*(?P<paren>\d{{1,3}})\s*[)\uff09])\s*")
TITLE_RE = re.compile(r"^[^。,\uff0c;\uff1b]{2,50}(?:工作要点|工作计划|工作安排|工作思路|要点|任务分解|任务分解表|分工方案|"
                      r"工作方案|实施方案|责任分工)$")
DATE_RE = re.compile(rf"^[\d{CN_DIGITS}]{{4}}年[\d{CN_DIGITS}]{{1,2}}月(?:[\d{CN_DIGITS}]{{1,3}}日)?$")
# 一、加强党建。… : a top-level heading with sentences after it is an item when the plan has no others.
CN_ITEM_RE = re.compile(rf"^(?P<cnitem>[{CN_DIGITS}]{{1,3}})、(?=[^。\n]{{2,60}}。)")
PREAMBLE_NUM_RE = re.compile(r"^\d{1,3}(?![\d年月.%])")
ANNEX_RE = re.compile(r"^附件\s*[:\uff1a\d]")
SENTENCE_END = "。;\uff1b!\uff01?\uff1f"
YEAR_RE = re.compile(r"(20\d\d)年")


def chinese_number(s: str) -> int:
    """Value of a small Chinese numeral (一 .. 九十九); arabic digits pass through."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return int("".join(str(_CN_VALUES[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (_CN_VALUES[tens] if tens else 1) * 10 + (_CN_VALUES[ones] if ones else 0)


@dataclass
class Span:
    """A range of the source text."""

    start: int
    end: int


@dataclass
class Task(Span):
    """One sentence of a work item after its heading."""

    number: int = 0
    text: str = ""


@dataclass
class Item(Span):
    """A numbered work item."""

    number: int = 0
    key: str = ""  # unique within the plan: "19", or "2.3" when numbering restarts per pillar
    label: str = ""  # the number as printed, e.g. "19." or "(三)"
    line: int = 0
    pillar: int | None = None
    section: int | None = None  # the (一) sub-heading it sits under, counted within its pillar
    title: str = ""
    title_span: Span = field(default_factory=lambda: Span(0, 0))
    text: str = ""
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Pillar(Span):
    """A top-level part, headed by 一、 二、 ... (its span runs from the heading to its last item)."""

    number: int = 0
    heading: Span = field(default_factory=lambda: Span(0, 0))
    numeral: str = ""
    title: str = ""
    line: int = 0
    items: list[Item] = field(default_factory=list)


@dataclass
class Plan:
    """A parsed work plan."""

    path: str
    text: str
    sha256: str
    title: str | None = None
    title_span: Span | None = None
    date: str | None = None
    year: int | None = None
    intro: Span | None = None
    pillars: list[Pillar] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    annexes: list[Span] = field(default_factory=list)
    sections: list[Span] = field(default_factory=list)  # sub-headings between pillars and items
    skipped: list[str] = field(default_factory=list)  # what the parser dropped, and why

    def item(self, key: str | int) -> Item:
        """The item with this key (its printed number when numbering is global)."""
        for it in self.items:
            if it.key == str(key):
                return it
        raise KeyError(key)


def read_source(path: Path) -> tuple[str, str]:
    """Decode a plan file as UTF-8, with errors naming the line and column of the first bad byte."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError("the file is empty", path=str(path))
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is read, not kept
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(f"not UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
                          "convert the file to UTF-8", path=str(path), line=line, column=column) from None
    return text, hashlib.sha256(data).hexdigest()


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(line number, start offset, line) for every line, without its newline."""
    out, pos = [], 0
    for n, line in enumerate(text.split("\n"), 1):
        out.append((n, pos, line.rstrip("\r")))
        pos += len(line) + 1
    return out


def split_sentences(text: str, base: int) -> list[Span]:
    """Sentence spans (ending with 。;!? included) of `text`, offset by `base`."""
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            if text[start:i].strip():
                spans.append(Span(base + start, base + i + 1))
            start = i + 1
    if text[start:].strip():
        spans.append(Span(base + start, base + len(text.rstrip())))
    return spans


def _pillar_at(line: str) -> re.Match[str] | None:
    """A pillar heading that is a whole line, or glued after the last sentence of a line."""
    for m in PILLAR_RE.finditer(line):
        before = line[: m.start()]
        if not before.strip() or before.rstrip()[-1] in SENTENCE_END:
            return m
    return None


def parse_plan(path: Path, text: str | None = None, sha256: str = "") -> Plan:
    """Parse a plan file (or `text` given for it) into its structure."""
    if text is None:
        text, sha256 = read_source(path)
    plan = Plan(path=str(path), text=text, sha256=sha256)
    current_pillar: Pillar | None = None
    current_item: Item | None = None
    preamble: list[tuple[int, int, str]] = []  # lines before the body starts
    body_started = False
    lines = _lines(text)
    item_re, section_style = _item_style(lines)
    section: int | None = None
    for n, start, line in lines:
        if not line.strip():
            continue
        m_item = item_re.match(line)
        if m_item and section_style and m_item[section_style]:
            plan.sections.append(Span(start, start + len(line)))  # (一) above 1. items: a sub-heading
            section = (section or 0) + 1
            current_item, body_started = None, True
            continue
        m_pillar = None if m_item else _pillar_at(line)
        if m_pillar:
            before = line[: m_pillar.start()]
            if before.strip():
                _continue(plan, current_item, preamble, n, start, before, body_started)
                body_started = True
            current_pillar = _new_pillar(plan, m_pillar, n, start)
            current_item, section = None, None
            body_started = True
        elif m_item and (body_started or plan.intro is not None or _item_number(m_item) == 1):
            current_item = _new_item(plan, m_item, current_pillar, n, start, line, section)
            body_started = True
        elif m_item or (not body_started and plan.intro is None and PREAMBLE_NUM_RE.match(line)):
            preamble.append((n, start, line))  # numbered lines before the intro: checked below
        elif ANNEX_RE.match(line):
            plan.annexes.append(Span(start, start + len(line)))
            current_item = None
        elif not body_started and plan.intro is None and TITLE_RE.match(line.strip()) and plan.title is None:
            plan.title, plan.title_span = line.strip(), Span(start, start + len(line))
        elif not body_started and plan.intro is None and DATE_RE.match(line.strip()) and plan.date is None:
            plan.date = line.strip()
        else:
            _continue(plan, current_item, preamble, n, start, line, body_started)
            body_started = body_started or current_item is not None
    _drop_scraping_artefacts(plan, preamble)
    _check(plan)
    plan.year = _year(plan)
    return plan


def _item_style(lines: list[tuple[int, int, str]]) -> tuple[re.Pattern[str], str | None]:
    """The item pattern for this plan, and which numbering (if any) marks sub-headings instead.

    With both (一) and 1. numbering, (一) lines are sub-headings and 1. lines the items; with
    neither, 一、 lines that carry sentences are the items. (1) lines are the items when there are
    no 1. items (under 一、 pillars, or under (一) sub-headings, which are then sub-headings); with
    1. items they are points inside an item, as are (1) lines under 一、 items that carry sentences.
    """
    found = [m for _, _, line in lines if (m := ITEM_RE.match(line))]
    arabic, paren = any(m["arabic"] for m in found), any(m["cn"] for m in found)
    numbered = any((m := PAREN_ITEM_RE.match(line)) and m["paren"] for _, _, line in lines)
    cn_items = any(CN_ITEM_RE.match(line) for _, _, line in lines)
    headings = any(_pillar_at(line) and not CN_ITEM_RE.match(line) for _, _, line in lines)
    if numbered and not arabic and (paren or headings or not cn_items):
        return PAREN_ITEM_RE, ("cn" if paren else None)
    if not found and cn_items:
        return CN_ITEM_RE, None
    return ITEM_RE, ("cn" if arabic and paren else None)


def _item_number(m: re.Match[str]) -> int:
    """The number an item marker gives (1. / (一) / 一、)."""
    groups = m.groupdict()
    if groups.get("arabic") or groups.get("paren"):
        return int(groups.get("arabic") or groups["paren"])
    return chinese_number(groups.get("cn") or groups["cnitem"])


def _continue(plan: Plan, item: Item | None, preamble: list, n: int, start: int, line: str,
              body_started: bool) -> None:
    """A line that is neither heading nor item: continues the current item, or is the intro."""
    if item is not None:
        item.end = start + len(line)
        item.text = plan.text[item.start:item.end]
    elif plan.intro is None and not plan.pillars:
        plan.intro = Span(start, start + len(line.rstrip()))
    elif plan.intro is not None and not plan.pillars:
        plan.intro.end = start + len(line.rstrip())
    else:
        preamble.append((n, start, line))


def _new_pillar(plan: Plan, m: re.Match[str], n: int, line_start: int) -> Pillar:
    p = Pillar(start=line_start + m.start(), end=line_start + m.end(), number=chinese_number(m["num"]),
               heading=Span(line_start + m.start(), line_start + m.end()),
               numeral=m["num"], title=m["title"].strip(), line=n)
    expected = len(plan.pillars) + 1
    if p.number != expected:
        raise SourceError(f"pillar {m['num']}、 found where pillar number {expected} was expected",
                          path=plan.path, line=n, column=m.start() + 1)
    plan.pillars.append(p)
    return p


def _new_item(plan: Plan, m: re.Match[str], pillar: Pillar | None, n: int, start: int, line: str,
              section: int | None = None) -> Item:
    number = _item_number(m)
    prev = plan.items[-1] if plan.items else None
    restart = prev is not None and pillar is not None and number == 1 and (
        prev.pillar != pillar.number or (section is not None and prev.section != section))
    expected = 1 if (prev is None or restart) else prev.number + 1
    if number != expected:
        problem = "repeated" if prev and number <= prev.number else "out of sequence"
        raise SourceError(f"item number {m.group(0).strip()} is {problem}: expected item {expected}",
                          path=plan.path, line=n, column=1, item=number)
    restarting = restart or any(it.key != str(it.number) for it in plan.items) or bool(m.groupdict().get("cn"))
    key = f"{pillar.number}.{number}" if (restarting and pillar) else str(number)
    body_start = start + m.end()
    item = Item(start=start, end=start + len(line), number=number, key=key, label=m.group(0).strip(),
                line=n, pillar=pillar.number if pillar else None, section=section, text=line)
    sentences = split_sentences(plan.text[body_start:item.end], body_start)
    if sentences:
        first = sentences[0]
        item.title_span = Span(first.start, first.end - (1 if plan.text[first.end - 1] in SENTENCE_END else 0))
        item.title = plan.text[item.title_span.start:item.title_span.end]
    plan.items.append(item)
    if pillar:
        pillar.items.append(item)
        pillar.end = item.end
    return item


def _drop_scraping_artefacts(plan: Plan, preamble: list[tuple[int, int, str]]) -> None:
    """Numbered lines before the body that copy (in full or truncated with ...) a later item are dropped."""
    for n, _start, line in preamble:
        m = re.match(r"^(\d{1,3})\s*[.、\uff0e]?\s*(.*?)(?:\.\.\.|…+)?$", line)
        copy = m and next((it for it in plan.items if str(it.number) == m[1]
                           and (it.text[len(it.label):].strip().startswith(m[2].strip()))), None)
        if copy:
            why = "truncated copy" if line.rstrip().endswith(("...", "…")) else "copy"
            plan.skipped.append(f"line {n}: skipped a {why} of item {copy.number} before the plan's start "
                                "(scraping artefact)")
            log.warning("%s: %s", plan.path, plan.skipped[-1])
        elif line.strip():
            raise SourceError("unexpected text before the plan's start (not a title, date or intro)",
                              path=plan.path, line=n, column=1)


def _check(plan: Plan) -> None:
    """Structural checks: at least one item; every pillar has items; the tasks of every item."""
    if not plan.items:
        raise SourceError("no numbered items found (expected lines like '1.', '1、', '(一)' or '(1)')",
                          path=plan.path)
    for p in plan.pillars:
        if not p.items:
            raise SourceError(f"pillar {p.numeral}、{p.title} has no items", path=plan.path, line=p.line,
                              column=1)
    by_section = any(a.pillar == b.pillar and a.section != b.section and b.number == 1
                     for a, b in zip(plan.items, plan.items[1:]))
    if by_section:  # 1. restarts under every (一): pillar.section.number
        for it in plan.items:
            it.key = f"{it.pillar}.{it.section or 0}.{it.number}"
    elif any("." in it.key for it in plan.items):  # numbering restarts in some pillar: every key names its pillar
        for it in plan.items:
            if "." not in it.key and it.pillar is not None:
                it.key = f"{it.pillar}.{it.number}"
    for item in plan.items:
        item.text = plan.text[item.start:item.end]
        spans = split_sentences(plan.text[item.title_span.end:item.end], item.title_span.end)
        spans = [s for s in spans if plan.text[s.start:s.end].strip() not in SENTENCE_END]
        for i, s in enumerate(spans or [item.title_span], 1):
            s_start = s.start + (len(plan.text[s.start:s.end]) - len(plan.text[s.start:s.end].lstrip("。;\uff1b ")))
            item.tasks.append(Task(start=s_start, end=s.end, number=i, text=plan.text[s_start:s.end]))


def _year(plan: Plan) -> int | None:
    """The plan's year: from the title, else the first year the intro names."""
    for span in (plan.title_span, plan.intro):
        if span:
            m = YEAR_RE.search(plan.text[span.start:span.end])
            if m:
                return int(m[1])
    m = YEAR_RE.search(Path(plan.path).name) or re.search(r"(20\d\d)", Path(plan.path).name)
    return int(m[1]) if m else None
