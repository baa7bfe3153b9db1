"""Rule-based extractors for Chinese government work plans (工作要点 / 工作计划).

Pure functions over a string, no RDF. Every result carries ``start``/``end`` (code-point
offsets into the string passed in, ``end`` exclusive) and ``surface == text[start:end]``,
so a caller working on a slice adds its own base offset. Nothing here is specific to one
city or one plan: the rules are about the genre (numbers + classifiers, month/season
deadlines, 每周-style cadences, 《》 citations, modal verbs, 一是/二是 sub-lists).

Conventions worth knowing:

* Mentions inside a cited title 《…》 are never reported by the quantity, date and modality
  extractors (a title is a name, not a target or a deadline).
* Money is normalised to 元 and the multiplier is folded into the value:
  ``总投资13亿元`` -> value 1300000000, unit ``元``; likewise ``1.5万人`` -> 15000 人.
* A quantity inside “…” is kept only when the quote names N counted things (“十项改革试点”,
  flagged ``in_quote``); slogans and names such as “1234”, “9+3”, “18条” are dropped.
* A quantity is not yet a target: ``not_a_target`` names why one is not (a number that is part of a
  name or title such as 三年行动计划 / 八项规定 / 学前三年毛入园率, a rank such as 降低1个考核等次, a
  percentage that does not say of what, 不让一个学生 "not a single one"); a target needs a thing
  counted, which a percentage finds in a measure (覆盖率达到90%, 名额的70%) or, for a share of units
  doing something (在村小必须100%开展), in the units it is a share of.
* 每学期 is given the duration P6M (half a school year); a cadence's count is the first
  quantity after it in the same clause (每周编发1条 -> 1 条).
* Seasons: spring = Mar–May, summer = Jun–Aug, autumn = Sep–Nov, winter = Dec–Feb (ends in
  the following year). ``DateMention.iso`` is the first month of the period it denotes and
  ``end_date`` its last day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "Quantity",
    "DateMention",
    "Cadence",
    "Citation",
    "Modality",
    "Span",
    "parse_number",
    "find_quantities",
    "find_targets",
    "not_a_target",
    "find_dates",
    "find_cadences",
    "find_citations",
    "find_modalities",
    "find_enumeration",
]


# ---------------------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number with its classifier, e.g. ``1200套`` (counted: 多媒体教学设备)."""

    value: Decimal
    unit: str
    counted: str | None
    start: int
    end: int
    surface: str
    approx: bool = False  # 余/多 between number and unit (``20余所``)
    in_quote: bool = False  # inside “…” (only kept when the quote names N counted things)
    action: str | None = None  # for a share of units: what they do (100%开展 -> 开展), right after it


@dataclass(frozen=True)
class DateMention:
    """A month, day, season, half-year or year mention; ``end_date`` is its last day."""

    iso: str
    end_date: str
    kind: str  # "day" | "month" | "quarter" | "half" | "season" | "year"
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Cadence:
    """A recurrence such as 每周 (P1W), optionally with the per-period count (每周编发1条)."""

    duration: str
    label_zh: str
    count: Decimal | None
    unit: str | None
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Citation:
    """A cited document 《…》; ``title`` has balanced brackets, ``surface`` is verbatim."""

    title: str
    issuer: str | None
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Modality:
    """A modal / deontic marker (必须 -> must, 力争 -> strive, 严禁 -> prohibit ...)."""

    key: str
    start: int
    end: int
    surface: str


@dataclass(frozen=True)
class Span:
    """One part of a 一是…二是… sub-list; ``group`` numbers the lists within the text."""

    index: int  # 1-based position in its list
    group: int  # 0-based id of the list within the text
    marker: str  # e.g. "二是"
    start: int
    end: int
    surface: str


# ---------------------------------------------------------------------------------------
# Shared regex table
# ---------------------------------------------------------------------------------------

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10**4, "亿": 10**8}

_CN_D = "〇零一二两三四五六七八九"
_CN_NUM = f"[{_CN_D}十][{_CN_D}十百千万亿]*"
_AR_MULT = r"(?:万亿|[十百千]?万|[十百千]?亿|千|百)"
_AR_FULL = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?{_AR_MULT}?"

# Classifiers / measure words, longest first; value = canonical unit name.
UNITS: dict[str, str] = {
    "个百分点": "百分点", "百分点": "百分点", "微克/立方米": "微克/立方米", "毫克/立方米": "毫克/立方米",
    "平方米": "平方米", "平方公里": "平方公里",
    "个工作日": "工作日", "个月": "个月", "人次": "人次", "课时": "课时", "学时": "学时",
    "小时": "小时", "分钟": "分钟", "公里": "公里", "千米": "公里",
    "元": "元", "套": "套", "台": "台", "间": "间", "所": "所", "个": "个", "项": "项",
    "条": "条", "次": "次", "亩": "亩", "人": "人", "名": "名", "位": "位", "年": "年",
    "周": "周", "天": "天", "家": "家", "座": "座", "栋": "栋", "幢": "幢", "处": "处",
    "张": "张", "辆": "辆", "本": "本", "册": "册", "件": "件", "份": "份", "种": "种",
    "类": "类", "门": "门", "节": "节", "场": "场", "支": "支", "户": "户", "吨": "吨",
    "岁": "岁", "倍": "倍", "期": "期", "%": "%", "％": "%", "‰": "‰",
}
# Units whose counted thing is the phrase before the number (比例/金额), never after it.
_BEFORE_ONLY_UNITS = {"%", "‰", "百分点", "倍", "元"}
# Unit followed by these characters forms another word (一次性, 一年级, 十周年 ...).
_UNIT_BLOCKERS = {"次": "性", "年": "级", "周": "年", "条": "龙", "个": "别", "名": "义单额次",
                  "门": "槛", "支": "持出付", "节": "约日", "本": "科领", "类": "似"}

_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
RE_QUANTITY = re.compile(
    rf"(?P<num>{_AR_FULL}|{_CN_NUM})(?P<approx>[余多])?(?P<unit>{_UNIT_RE})"
)
RE_NUMBER_PREFIX = re.compile(rf"\s*(?:(?P<ar>{_AR_FULL})|(?P<cn>{_CN_NUM}))")

# Punctuation in ASCII and full-width forms (plans use both: "," and "\uff0c", "(" and "\uff08").
CLAUSE_PUNCT = ",;!?\uff0c\uff1b\uff01\uff1f。\n"
COLONS = ":\uff1a"
PUNCT = CLAUSE_PUNCT + COLONS + "、()\uff08\uff09[]【】“”\"‘’「」『』《》〈〉 \t\u3000"
_CLOSE_QUOTES = "”」』’"
_OPEN_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’"}

# Words trimmed off a counted phrase taken from before the number (verbs, scope, time).
_LEAD_WORDS = (
    "新创建", "改扩建", "新增", "新建", "新征", "新招", "新购", "改建", "扩建", "建设", "建成",
    "建立", "创建", "评选", "命名", "表扬", "引进", "完成", "实现", "开设", "开展", "组织",
    "举办", "投入", "培训", "招聘", "招录", "达到", "累计", "总计", "共计", "增加", "购置",
    "配备", "配置", "采购", "安装", "资助", "发放", "争取", "力争", "确保", "全年", "年内",
    "共有", "现有", "拥有", "今年", "全市", "全县", "全区", "全省", "市域内", "区域内", "直接",
    "降低", "提高", "超过", "不少于", "年底前", "年底",
)
_TRAIL_WORDS = (
    "必须", "达到", "提高到", "提升到", "保持在", "控制在", "保持", "不低于", "不少于", "超过", "分别",
    "要", "为", "达", "各",
)
# Words where a counted phrase taken from after the classifier stops.
RE_AFTER_STOP = re.compile(
    r"以上|以下|以内|之内|左右|以及|或者|开展|实施|进行|必须|得到|达到|通过|完成|实现|参加|参与|接受|纳入|"
    r"[的和与及或在要因]"
)
# Last verb/preposition in a phrase before the number: the counted phrase starts after it.
RE_BEFORE_CUT = re.compile(
    r"督查|检查|暗访|公布|编发|推进|落实|开展|完成|实现|组织|举办|建设|建成|新建|改扩建|组建|"
    r"评选|命名|表扬|整改|排查|投入|发放|新增|培训|配备|购置|购买|添置|更新|引进|招聘|化解|"
    r"培育|吸纳|改造(?!资金|经费|项目|工程|任务)|接待|创建|共建|设置|淘汰|选派|"
    r"每(?:天|日|周|月|年|学期|季度)|及(?!以[上下])|[到对在和与向把将由让使]"
)

_RE_LEAD = re.compile(
    "^(?:[一二三四五六七八九十]+是|其中|" + "|".join(map(re.escape, _LEAD_WORDS)) + ")+"
)
_RE_TRAIL = re.compile("(?:" + "|".join(map(re.escape, _TRAIL_WORDS)) + ")+$")


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------


def _parse_cn(s: str) -> Decimal | None:
    """Chinese numeral -> Decimal (十 = 10, 一百二十 = 120, 三千万, 二〇一四 digit by digit)."""
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s):  # 二〇一四, 两, 〇
        return Decimal("".join(str(CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch in CN_BIG_UNITS:
            section += digit or 0
            big = CN_BIG_UNITS[ch]
            if big > 10**4 or total == 0:  # 亿 scales everything so far; 万 its section
                total = (total + section) * big
            else:
                total += section * big
            section, digit = 0, None
        else:
            return None
    return Decimal(total + section + (digit or 0))


def _parse_ar(s: str) -> Decimal | None:
    """Arabic numeral with optional 万/亿/千/百 multiplier -> Decimal."""
    m = re.fullmatch(rf"((?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)({_AR_MULT})?", s)
    if not m:
        return None
    try:
        value = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    mult = _parse_cn("一" + m.group(2)) if m.group(2) else Decimal(1)
    return value * mult


def _clean(value: Decimal) -> Decimal:
    """Drop a spurious fraction: Decimal('15000.0') -> Decimal('15000')."""
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()


def parse_number(s: str) -> Decimal | None:
    """Parse the numeral at the start of ``s`` (trailing text such as a classifier is ignored).

    Arabic ("2,200", "1.5"), Chinese ("三十四", "两", "〇") and either with 万/亿
    ("13亿", "1.5万", "三千万"). Returns None when ``s`` does not start with a numeral.
    """
    m = RE_NUMBER_PREFIX.match(s)
    if not m:
        return None
    value = _parse_ar(m.group("ar")) if m.group("ar") else _parse_cn(m.group("cn"))
    return None if value is None else _clean(value)


# ---------------------------------------------------------------------------------------
# Span helpers
# ---------------------------------------------------------------------------------------


def _bracket_spans(text: str, opens: dict[str, str]) -> list[tuple[int, int]]:
    """Spans of bracketed regions (outermost), tolerating an unclosed bracket at a line end."""
    spans, stack_open, start = [], None, 0
    for i, ch in enumerate(text):
        if stack_open is None and ch in opens:
            stack_open, start = ch, i
        elif stack_open is not None and ch == opens[stack_open]:
            spans.append((start, i + 1))
            stack_open = None
        elif stack_open is not None and ch == "\n":
            stack_open = None
    return spans


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return _bracket_spans(text, _OPEN_QUOTES)


def _title_spans(text: str) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in find_citations(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for a, b in spans:
        if a <= pos < b:
            return a, b
    return None


# ---------------------------------------------------------------------------------------
# Quantities
# ---------------------------------------------------------------------------------------


def _is_ordinal_or_year(text: str, m: re.Match[str]) -> bool:
    """True for 第二届, 每2周, 2014年, ranges (3-6岁), item numbers and unit-word compounds."""
    start, num, unit = m.start(), m.group("num"), m.group("unit")
    prev = text[start - 1] if start else " "
    if prev in "第每" or (prev.isascii() and (prev.isalnum() or prev == ".")):
        return True
    if prev in "-—~～至到" and start >= 2 and (text[start - 2].isdigit() or text[start - 2] in _CN_D):
        return True
    nxt = text[m.end()] if m.end() < len(text) else ""
    if nxt and nxt in _UNIT_BLOCKERS.get(unit, ""):
        return True
    if unit == "年":
        value = parse_number(num)
        if value is not None and 1900 <= value <= 2100 and value == int(value):
            return True
    if unit == "期" and (not num.isascii() or (nxt and nxt in "工建项")):
        return True  # 二期工程 is a phase; 培训班2期 counts sessions
    if unit == "年" and re.fullmatch(r"\d{1,2}\.(?:19|20)\d\d", num):
        return True  # "附件:1.2016年…": an item number glued to a year
    if num[0] in _CN_D and len(num) > 1 and all(ch in CN_DIGITS for ch in num):
        return True  # 二〇一四 / 一一: digit strings are codes or years, not counts
    return bool(re.search(r"[一二两三四五六七八九]{2}", num))  # 十三五, 两三个: a name or a guess, not a count


def _after_phrase(text: str, pos: int, limit: int) -> str:
    """Noun phrase right after a classifier: up to punctuation, a stop word or ``limit``."""
    j = pos
    while j < limit and text[j] not in PUNCT and not text[j].isdigit():
        j += 1
    phrase = text[pos:j]
    lead = re.match(r"(?:以上|以下|左右)(?=[\u4e00-\u9fff])", phrase)  # 1名以上乡村医生
    if lead and not RE_AFTER_STOP.match(phrase, lead.end()):
        phrase = phrase[lead.end():]
    stop = RE_AFTER_STOP.search(phrase)
    return phrase[: stop.start()] if stop else phrase


def _before_phrase(text: str, pos: int, limit: int) -> str:
    """Noun phrase right before a number, with leading verbs/scope and trailing modals trimmed."""
    if pos > limit + 1 and text[pos - 1] in _CLOSE_QUOTES:  # “护学岗”40个
        opening = max(text.rfind(q, limit, pos - 1) for q in _OPEN_QUOTES)
        if opening >= 0:
            return text[opening + 1: pos - 1]
    i = pos
    while i > limit and text[i - 1] not in PUNCT and not text[i - 1].isdigit():
        i -= 1
    bare = _RE_TRAIL.sub("", text[i:pos])
    if len(bare) < 2 and i > limit + 1 and text[i - 1] in _CLOSE_QUOTES:  # 事项“一网通办”率: the quote is in the name
        opening = max(text.rfind(q, limit, i - 1) for q in _OPEN_QUOTES)
        if opening >= 0:
            i = opening
            while i > limit and text[i - 1] not in PUNCT and not text[i - 1].isdigit():
                i -= 1
    phrase = text[i:pos].removesuffix("的")
    if "的" in phrase:
        phrase = phrase.rsplit("的", 1)[1]
    phrase = _RE_TRAIL.sub("", phrase)
    for cut in reversed(list(RE_BEFORE_CUT.finditer(phrase))):
        if len(phrase) - cut.end() >= 2:  # never leave a single character (配备|率)
            phrase = phrase[cut.end():]
            break
    return _RE_LEAD.sub("", phrase)


def find_quantities(text: str) -> list[Quantity]:
    """Numbers with classifiers (``1200套``, ``十项``, ``13亿元``, ``100%``), not ordinals/years."""
    titles, quotes = _title_spans(text), _quote_spans(text)
    raw = [m for m in RE_QUANTITY.finditer(text)
           if not _is_ordinal_or_year(text, m) and not _inside(m.start(), titles)]
    out: list[Quantity] = []
    for k, m in enumerate(raw):
        unit = UNITS[m.group("unit")]
        quote = _inside(m.start(), quotes)
        next_start = raw[k + 1].start() if k + 1 < len(raw) else len(text)
        prev_end = raw[k - 1].end() if k else 0
        after_limit = min(next_start, quote[1] - 1) if quote else next_start
        after = "" if unit in _BEFORE_ONLY_UNITS else _after_phrase(text, m.end(), after_limit)
        if quote and not after:
            continue  # a slogan or name such as “18条”, “3313”: not a target
        before_limit = max(prev_end, quote[0] + 1) if quote else prev_end
        counted = after or _before_phrase(text, m.start(), before_limit) or None
        action = None
        if unit in _SHARE_UNITS and not (counted and RE_MEASURE.search(counted)):
            act = RE_SHARE_ACTION.match(text, m.end())
            if act:  # 在村小必须100%开展: the share of the units named before it that do it
                action = act["verb"]
                counted = _share_units(text, m.start(), before_limit) or counted
        value = parse_number(m.group("num"))
        if value is None:
            continue
        out.append(Quantity(value, unit, counted, m.start(), m.end(), m.group(0),
                            approx=bool(m.group("approx")), in_quote=quote is not None, action=action))
    return out


# Units of a share (a percentage of something) and the words that say what a share is of.
_SHARE_UNITS = {"%", "‰", "百分点"}
RE_MEASURE = re.compile(r"率|比例|比重|占比|覆盖面|份额|名额|增长|增速|增幅|下降|降幅|减少|提高|提升|降低|浓度|指数")
# A share followed by what the units do: 100%开展, 100%覆盖, 100%达标.
RE_SHARE_ACTION = re.compile(r"(?:以上)?(?P<verb>开展|覆盖|落实|达标|完成|到位|合格|建成|配备|配齐|参加|参与|接种|"
                             r"入学|上岗|实施|执行|签约|接入|联网)")
# A number that is part of a name: N年行动计划, 一年试用期培训制度 (a duration qualifying a name).
_DURATION_UNITS = {"年", "个月", "周", "天"}
RE_NAME_HEAD = re.compile(r"(?:计划|规划|纲要|行动|工程|制度|机制|方案|攻坚)$")
# 八项规定, 六项禁令: a code of conduct named by its number.
RE_CODE_HEAD = re.compile(r"^(?:规定|禁令|纪律|准则|不准|严禁|承诺|原则)")
# 降低1个考核等次, 提升一个档次: a step on a scale of ranks.
RE_RANK = re.compile(r"^(?:考核|评价|评定|绩效|信用)?(?:等次|等级|档次|级别|名次|位次)")
RE_NOT_ONE = re.compile(r"(?:不让|不使|不落下|不漏掉|不放过|没有|无一)$")
RE_RANK_BEFORE = re.compile(r"(?:排名|位居|位列|名列|进入|跻身|居)[^,\uff0c;\uff1b。]{0,12}前$")


def _share_units(text: str, pos: int, limit: int) -> str:
    """The units a share is of: the clause's words before it, after its last 在/对 (在A、B必须100%开展 -> A、B)."""
    i = pos
    while i > limit and text[i - 1] not in CLAUSE_PUNCT + COLONS:
        i -= 1
    phrase = text[i:pos]
    cut = max(phrase.rfind("在"), phrase.rfind("对"))
    phrase = _RE_TRAIL.sub("", phrase[cut + 1:] if cut >= 0 else phrase)
    return _RE_LEAD.sub("", phrase)


def not_a_target(text: str, q: Quantity) -> str | None:
    """Why the quantity ``q`` of ``text`` is not a target (a number, a unit and a thing counted), or None.

    Rules of the genre: a percentage must say of what; a number that is part of a name or title
    (三年行动计划, 一年试用期培训制度, 学前三年毛入园率, 八项规定) and a rank (降低1个考核等次, 前三名)
    count nothing; 不让一个学生… is "not a single one".
    """
    after = text[q.end:]
    counted_after = bool(q.counted) and after.startswith(q.counted)
    if not q.counted:
        return "no thing counted"
    if q.unit in _SHARE_UNITS and not q.action and not RE_MEASURE.search(q.counted):
        return f"a percentage that does not say of what ({q.counted}{q.surface})"
    if counted_after and re.search(r"(?:率|比例|比重)$", q.counted):
        return f"part of the name of a measure ({q.surface}{q.counted})"
    if counted_after and q.unit in _DURATION_UNITS and RE_NAME_HEAD.search(q.counted):
        return f"part of a name ({q.surface}{q.counted})"
    if counted_after and not q.surface[0].isascii() and RE_CODE_HEAD.match(q.counted):
        return f"the name of a code ({q.surface}{q.counted})"
    if counted_after and RE_RANK.match(q.counted):
        return f"a rank, not a count ({q.surface}{q.counted})"
    if RE_RANK_BEFORE.search(text[max(0, q.start - 20):q.start]):
        return f"a rank, not a count (前{q.surface})"
    if q.value == 1 and RE_NOT_ONE.search(text[max(0, q.start - 4):q.start]):
        return f"not a single one ({q.surface}{q.counted})"
    return None


def find_targets(text: str) -> list[Quantity]:
    """The quantities of ``text`` that are targets: a number, a unit and a thing counted."""
    return [q for q in find_quantities(text) if not_a_target(text, q) is None]


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------

_YEAR = r"(?P<y>(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年"
_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
_MONTH_AR = r"(?P<m>1[0-2]|0?[1-9])月(?:份)?"
_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])[日号]"
_HALF = r"(?P<h>上|下)半年"
_SEASON = r"(?P<s>春|夏|秋|冬)季"
_QUARTER = r"第(?P<q>[一二三四1-4])季度"
_WHOLE_YEAR = r"(?P<w>全年|(?<![\d〇零一二两三四五六七八九十百])年(?:内|底))"

# Alternatives, most specific first (at one position the first that matches wins).
_DATE_ALTERNATIVES = (
    _YEAR + _MONTH + _DAY,
    _YEAR + _MONTH,
    _YEAR + _HALF,
    _YEAR + _SEASON,
    _YEAR + _QUARTER,
    r"(?P<y0>(?:19|20)\d{2})[-—~～至到](?P<y1>(?:19|20)\d{2})年",
    _YEAR,
    _MONTH_AR + _DAY,
    _MONTH_AR,
    _HALF,
    _SEASON,
    _QUARTER,
    _WHOLE_YEAR,
)


def _suffix_groups(pattern: str, i: int) -> str:
    """Rename (?P<y>…) to (?P<y_i>…): group names must be unique across alternatives."""
    return re.sub(r"\(\?P<(\w+)>", lambda g: f"(?P<{g.group(1)}_{i}>", pattern)


RE_DATE = re.compile(
    "|".join(rf"(?<![\d.])(?:{_suffix_groups(p, i)})" for i, p in enumerate(_DATE_ALTERNATIVES))
)

_SEASON_MONTHS = {"春": (3, 5), "夏": (6, 8), "秋": (9, 11), "冬": (12, 2)}


def _last_day(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _groups(m: re.Match[str]) -> dict[str, str]:
    """Matched named groups with the per-alternative suffix stripped (y_3 -> y)."""
    return {k.split("_")[0]: v for k, v in m.groupdict().items() if v is not None}


def _date_from(g: dict[str, str], plan_year: int) -> tuple[str, str, str] | None:
    """(iso, end_date, kind) for the named groups of one date match."""
    y = int(parse_number(g["y"])) if "y" in g else plan_year
    if "y0" in g:
        return g["y0"], _last_day(int(g["y1"]), 12), "year"
    if "m" in g:
        mo = int(parse_number(g["m"]))
        if "d" in g:
            d = int(g["d"])
            if d > calendar.monthrange(y, mo)[1]:
                return None
            iso = f"{y:04d}-{mo:02d}-{d:02d}"
            return iso, iso, "day"
        return f"{y:04d}-{mo:02d}", _last_day(y, mo), "month"
    if "h" in g:
        first, last = (1, 6) if g["h"] == "上" else (7, 12)
        return f"{y:04d}-{first:02d}", _last_day(y, last), "half"
    if "s" in g:
        first, last = _SEASON_MONTHS[g["s"]]
        return f"{y:04d}-{first:02d}", _last_day(y + (last < first), last), "season"
    if "q" in g:
        q = int(parse_number(g["q"]))
        return f"{y:04d}-{3 * q - 2:02d}", _last_day(y, 3 * q), "quarter"
    return f"{y:04d}", _last_day(y, 12), "year"


def find_dates(text: str, year: int) -> list[DateMention]:
    """Dates and periods; mentions without a year (6月, 上半年, 全年) take the plan ``year``."""
    titles = _title_spans(text)
    out: list[DateMention] = []
    for m in RE_DATE.finditer(text):
        if _inside(m.start(), titles):
            continue
        parsed = _date_from(_groups(m), year)
        if parsed:
            out.append(DateMention(*parsed, m.start(), m.end(), m.group(0)))
    return out


# ---------------------------------------------------------------------------------------
# Cadences
# ---------------------------------------------------------------------------------------

_PERIODS = {  # period word -> (xsd duration designator, multiplier, normalised word)
    "天": ("D", 1, "天"), "日": ("D", 1, "天"), "周": ("W", 1, "周"), "星期": ("W", 1, "周"),
    "月": ("M", 1, "月"), "个月": ("M", 1, "月"), "季度": ("M", 3, "季度"),
    "学期": ("M", 6, "学期"), "学年": ("Y", 1, "学年"), "年": ("Y", 1, "年"),
}
_PERIOD_RE = "|".join(sorted(map(re.escape, _PERIODS), key=len, reverse=True))
RE_CADENCE = re.compile(
    rf"每(?:隔)?(?P<n>\d+|[一二两三四五六七八九十]{{1,2}})?(?P<p>{_PERIOD_RE})"
    r"|(?P<rep>天天|日日|周周|月月|年年)"
)
_CLAUSE_END = re.compile(f"[{re.escape(CLAUSE_PUNCT)}]")


def find_cadences(text: str) -> list[Cadence]:
    """Recurrences (每天 P1D, 每2周 P2W, 每月 P1M, 每学期 ~P6M, 周周 P1W) with any count."""
    out: list[Cadence] = []
    for m in RE_CADENCE.finditer(text):
        if m.group("rep"):
            period, n = m.group("rep")[0], Decimal(1)
        else:
            period = m.group("p")
            n = parse_number(m.group("n")) if m.group("n") else Decimal(1)
        designator, mult, word = _PERIODS[period]
        n_int = int(n * mult)
        duration = f"P{n_int}{designator}"
        label = f"每{word}" if n == 1 else f"每{int(n)}{word}"
        clause_end = _CLAUSE_END.search(text, m.end())
        clause = text[m.end(): clause_end.start() if clause_end else len(text)]
        qs = [q for q in find_quantities(clause) if q.unit not in {"%", "‰", "百分点", "倍"}]
        count, unit = (qs[0].value, qs[0].unit) if qs else (None, None)
        out.append(Cadence(duration, label, count, unit, m.start(), m.end(), m.group(0)))
    return out


# ---------------------------------------------------------------------------------------
# Citations
# ---------------------------------------------------------------------------------------

RE_CITATION = re.compile(r"《(?P<title>[^《》\n]*)》")
_PARENS = {"(": ")", "\uff08": "\uff09", "〔": "〕", "[": "]", "〈": "〉", "【": "】"}
RE_ISSUER = re.compile(
    rf"^(?P<org>[^{re.escape(CLAUSE_PUNCT + COLONS)}、]{{1,40}}?"
    r"(?:人民政府|政府|办公厅|办公室|委员会|中央|党委|市委|县委|区委|省委|总局|协会|联合会"
    r"|中心|部门|部|厅|局|委|院|会))关于"
)


def _balance(title: str) -> str:
    """Close brackets left open inside a title, innermost first."""
    stack: list[str] = []
    for ch in title:
        if ch in _PARENS:
            stack.append(_PARENS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
    return title + "".join(reversed(stack))


def find_citations(text: str) -> list[Citation]:
    """Cited documents 《…》 with a balanced title and an issuer guessed from '…关于'."""
    out: list[Citation] = []
    for m in RE_CITATION.finditer(text):
        title = _balance(m.group("title").strip())
        if not title:
            continue
        issuer = RE_ISSUER.match(title)
        out.append(Citation(title, issuer.group("org").strip() if issuer else None,
                            m.start(), m.end(), m.group(0)))
    return out


# ---------------------------------------------------------------------------------------
# Modalities
# ---------------------------------------------------------------------------------------

MODALITIES: dict[str, str] = {
    "必须": "must", "务必": "must", "确保": "ensure", "力争": "strive", "争取": "strive",
    "探索": "explore", "不准": "prohibit", "严禁": "prohibit", "禁止": "prohibit",
    "不得": "prohibit", "要": "should",
}
RE_MODALITY = re.compile(
    r"必须|务必(?!须)|确保|力争|争取|探索|不准|严禁|禁止|不得(?!不)"
    # 要 as a modal verb, not inside 重要/主要/需要/纲要/要求/要点/要素 ...
    r"|(?<![重主需纲只首摘必简概提扼显紧不总机政将想纪次])要(?![求点素害闻领务件旨义么紧职])"
)


def find_modalities(text: str) -> list[Modality]:
    """Modal markers with an English key (must, ensure, strive, should, explore, prohibit)."""
    titles = _title_spans(text)
    return [Modality(MODALITIES[m.group(0)], m.start(), m.end(), m.group(0))
            for m in RE_MODALITY.finditer(text) if not _inside(m.start(), titles)]


# ---------------------------------------------------------------------------------------
# Enumerations (一是…二是…三是…)
# ---------------------------------------------------------------------------------------

RE_ENUM_MARKER = re.compile(
    rf"(?:^|(?<=[{re.escape(CLAUSE_PUNCT + COLONS)}\s]))(?P<n>[一二三四五六七八九十]{{1,2}})(?P<s>是|要)",
    re.M,
)
_PART_END = re.compile(r"[。\n]")
_TRAILING_SEP = CLAUSE_PUNCT + "、 \t\u3000"


def _runs(markers: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """Consecutive marker runs 一,二,三… with the same suffix; each at least two long."""
    runs: list[list[re.Match[str]]] = []
    for m in markers:
        n = int(parse_number(m.group("n")))
        last = runs[-1][-1] if runs else None
        if (last is not None and m.group("s") == last.group("s")
                and n == int(parse_number(last.group("n"))) + 1):
            runs[-1].append(m)
        elif n == 1:
            runs.append([m])
    return [r for r in runs if len(r) >= 2]


def find_enumeration(text: str) -> list[Span]:
    """Parts of 一是…;二是…;三是… (or 一要…二要…) sub-lists, one Span per part."""
    out: list[Span] = []
    for group, run in enumerate(_runs(list(RE_ENUM_MARKER.finditer(text)))):
        for k, m in enumerate(run):
            if k + 1 < len(run):
                end = run[k + 1].start()
            else:
                stop = _PART_END.search(text, m.end())
                end = stop.start() if stop else len(text)
            while end > m.end() and text[end - 1] in _TRAILING_SEP:
                end -= 1
            out.append(Span(k + 1, group, m.group(0), m.start(), end, text[m.start():end]))
    return out
