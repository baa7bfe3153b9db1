"""Entity recognition: places, organisations, posts and groups named in a plan, with normalised names.

Rules, not a list per plan: gazetteer names (and their short forms), organisation names found by
their endings (学校, 学院, 职高 ...) starting at a place name or at 市, departments named after their
authority (市教育局安全信访科), posts by pattern. Each mention keeps its surface form and span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pypinyin import lazy_pinyin

CJK = "\u4e00-\u9fff"
_NAME_STOP = set("的和与及或对在从向为是把将由等、,\uff0c。;\uff1b:\uff1a“”‘’《》()\uff08\uff090123456789 \n")
_CITY_PREFIX_BLOCK = set("级内域场民直上委区县属中场辖情")
_BEFORE_CITY_BLOCK = set("全各本城我每该")
# A place name plus one of these is a kind of school, not the name of one (泸州市中小学).
_GENERIC_NAMES = {"中小学", "中小学校", "学校", "各学校", "农村学校", "中小学生", "高校", "院校", "中职学校",
                  "职业院校", "高中学校", "义务教育学校"}
# A run of text with one of these verbs in it is a clause, not a name (绵竹市推进义务教育学校).
_VERBS = re.compile("推进|开展|实施|加强|建设|完成|启动|加快|创建|探索|组织|推动|深化|落实|提升|支持|指导|依托|新建|"
                    "改扩建|评选|确保|力争|实现|做好|抓好|引进|举办|申办|更名|迎接|开工|竣工|完工|发挥|通过|培养|两地")


@dataclass
class Entity:
    """A place, organisation, post or group, with its normalised name and surface forms."""

    kind: str  # "place" | "org" | "post" | "group"
    key: str  # stable IRI slug
    name: str  # normalised zh name
    type: str  # ontology class local name (County, School, ...) or "Post"/"AgentGroup"
    en: str | None = None
    alt: set[str] = field(default_factory=set)
    props: dict[str, Any] = field(default_factory=dict)  # within, code, role, unit_of, member_of ...


@dataclass
class Mention:
    """An entity named at a span of the source text."""

    entity: Entity
    start: int
    end: int
    surface: str


def slug(name: str) -> str:
    """A stable ASCII slug for a Chinese name (pinyin, hyphenated)."""
    parts = [p for p in re.split(r"[^a-z0-9]+", "-".join(lazy_pinyin(name)).lower()) if p]
    return "-".join(parts) or "x"


@cache
def gazetteer() -> dict[str, Any]:
    """The project's gazetteer (graph/gazetteer.yaml)."""
    return yaml.safe_load(resources.files("plankg.build").joinpath("gazetteer.yaml").read_text("utf-8"))


def short_form(name: str) -> str | None:
    """合江县 -> 合江, 泸州市 -> 泸州; None when the rest would be a single character."""
    if name[-1] in "县区市省" and len(name) >= 3:
        return name[:-1]
    return None


class Recogniser:
    """Finds entity mentions in one plan; keeps the entities it has seen so names resolve consistently."""

    def __init__(self, authority: str, authority_en: str | None = None) -> None:
        g = gazetteer()
        self.entities: dict[str, Entity] = {}
        self.lexicon: dict[str, Entity] = {}  # surface form -> entity
        for p in g["places"]:
            e = self._add(Entity("place", p["code"], p["name"], p["type"], p.get("en"),
                                 set(p.get("alt", [])), {k: p[k] for k in ("within", "wikidata", "code") if k in p}))
            if short_form(p["name"]) and p["type"] != "Province":
                e.alt.add(short_form(p["name"]))  # type: ignore[arg-type]
        for a in g["agents"]:
            self._add(Entity("org", a["key"], a["name"], a["type"], a.get("en"), set(a.get("alt", []))))
        self.suffixes = sorted(g["org_suffixes"], key=lambda s: -len(s.get("suffix", "")))
        self.authority = self._authority(authority, authority_en)
        for gr in g["groups"]:
            self._group(gr)
        self.posts = g["posts"]
        for e in self.entities.values():
            self._index(e)

    # -- registry
    def _add(self, e: Entity) -> Entity:
        key = f"{e.kind}:{e.key}"
        if key in self.entities:
            self.entities[key].alt |= e.alt
            return self.entities[key]
        self.entities[key] = e
        self._index(e)
        return e

    def _index(self, e: Entity) -> None:
        for form in {e.name, *e.alt}:
            if form and len(form) >= 2:
                self.lexicon.setdefault(form, e)

    def _authority(self, name: str, en: str | None) -> Entity:
        """The plan's issuing authority, e.g. 泸州市教育局, also named 市教育局 / 我局 in the text."""
        city = self.place_prefix(name)
        alts = {"市教育局", "我局", "本局"} if city and city.type == "City" else {"县教育局"}
        e = self._add(Entity("org", slug(name), name, "EducationAuthority", en, alts,
                             {"jurisdiction": city.key if city else None}))
        return e

    def _group(self, gr: dict[str, Any]) -> Entity:
        """A collective named relative to this plan's authority: 学校 here means the schools it oversees."""
        auth = self.authority
        name, alts = gr["name"], {gr["name"], *gr.get("alt", [])}
        if gr.get("internal"):  # 其他局领导 -> 泸州市教育局其他局领导
            name = auth.name + re.sub(r"^市教育局", "", name)
        member_of = f"{auth.key}-{gr['member_of']}" if gr.get("member_of") else None
        return self._add(Entity("group", f"{auth.key}-{gr['key']}", name, "AgentGroup",
                                f"{gr.get('en')} ({auth.en or auth.name})", alts - {name},
                                {"member_of": member_of, "group_of": auth.key, "category": gr["key"]}))

    def place_prefix(self, name: str) -> Entity | None:
        """The gazetteer place a name starts with (its full or short form), longest first."""
        best = None
        for form, e in self.lexicon.items():
            if e.kind == "place" and name.startswith(form) and (best is None or len(form) > len(best[0])):
                best = (form, e)
        return best[1] if best else None

    def city(self) -> Entity | None:
        """The city whose authority issued the plan."""
        j = self.authority.props.get("jurisdiction")
        return self.entities.get(f"place:{j}") if j else None

    def education_authority_of(self, place: Entity) -> Entity:
        """The education bureau of a place (泸县 -> 泸县教育局), created on first use."""
        name = place.name + "教育局"
        en = f"{place.en} Education Bureau" if place.en else None
        return self._add(Entity("org", slug(name), name, "EducationAuthority", en, {place.name[:-1] + "教育局"}
                                if short_form(place.name) else set(), {"jurisdiction": place.key}))

    # -- recognition
    def prime(self, text: str) -> None:
        """Learn the names a plan defines once in full (市教育局安全信访科) so bare mentions resolve too."""
        self._find_departments(text)

    def find(self, text: str, base: int = 0, exclude: list[tuple[int, int]] = ()) -> list[Mention]:
        """All non-overlapping mentions in `text` (offsets shifted by `base`), longest match first."""
        found: list[Mention] = []
        found += self._find_departments(text)
        found += self._find_posts(text)
        found += self._find_orgs(text)
        found += self._find_lexicon(text)
        chosen: list[Mention] = []
        taken = [range(s, e) for s, e in exclude]
        for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if any(m.start < r.stop and r.start < m.end for r in taken):
                continue
            chosen.append(m)
            taken.append(range(m.start, m.end))
        for m in chosen:
            m.start += base
            m.end += base
        return sorted(chosen, key=lambda m: m.start)

    def _find_lexicon(self, text: str) -> list[Mention]:
        out = []
        for form, e in self.lexicon.items():
            for m in re.finditer(re.escape(form), text):
                if e.kind == "place" and form == short_form(e.name) and text[m.end():m.end() + 1] in ("市", "县", "区"):
                    continue
                out.append(Mention(e, m.start(), m.end(), form))
        return out

    def _find_departments(self, text: str) -> list[Mention]:
        """市教育局安全信访科 -> the department 安全信访科 of the plan's authority."""
        out = []
        alts = "|".join(map(re.escape, sorted({self.authority.name, *self.authority.alt}, key=len, reverse=True)))
        pattern = (rf"(?:{alts})([{CJK}]{{2,6}}?(?:科|股|处|室|办公室|中心))(?=[{CJK}])"
                   rf"|(?:^|(?<=[,\uff0c;\uff1b。]))([{CJK}]{{2,6}}?[科股])(?=担负|负责|牵头|要|每)")
        for m in re.finditer(pattern, text):
            name = m[1] or m[2]
            if name in ("安全办公室",):
                continue
            e = self._add(Entity("org", f"{self.authority.key}-{slug(name)}", name, "Department", None, set(),
                                 {"unit_of": self.authority.key}))
            out.append(Mention(e, m.start(), m.end(), m[0]))
        return out

    def _find_posts(self, text: str) -> list[Mention]:
        out = []
        auth = self.authority
        alts = "|".join(map(re.escape, sorted({auth.name, *auth.alt}, key=len, reverse=True)))
        for p in self.posts:
            for m in re.finditer(p["pattern"].replace("{authority_alts}", alts), text):
                what = m.groupdict().get("what") or ""
                name = p["name"].format(authority=auth.name, what=what)
                en = p["en"].format(authority_en=auth.en or auth.name, what=what)
                key = f"{auth.key}-" + p["key"].format(slug=slug(what))
                e = self._add(Entity("post", key, name, "Post", en, {m[0]} - {name},
                                     {"role": p["role"], "post_in": auth.key if p.get("in_authority") else None}))
                out.append(Mention(e, m.start(), m.end(), m[0]))
        return out

    def _find_orgs(self, text: str) -> list[Mention]:
        """Organisation names: a place name (or 市) followed by a name ending in a known suffix."""
        out = []
        starts = [(m.start(), m.end(), e) for form, e in self.lexicon.items() if e.kind == "place"
                  for m in re.finditer(re.escape(form), text)]
        starts += [(m.start(), m.end(), None) for m in re.finditer("市", text)
                   if (m.start() == 0 or text[m.start() - 1] not in _BEFORE_CITY_BLOCK)
                   and text[m.end():m.end() + 1] not in _CITY_PREFIX_BLOCK]
        for s, prefix_end, place in starts:
            hit = self._org_at(text, s, prefix_end)
            if hit:
                end, typ = hit
                surface = text[s:end]
                name = surface
                city = self.city()
                if place is None and city:  # 市职业技术学校 -> 泸州市职业技术学校
                    name = city.name + surface[1:]
                if name in self.lexicon and self.lexicon[name].kind != "org":
                    continue
                e = self._add(Entity("org", slug(name), name, typ, None, {surface} - {name},
                                     {"located_in": (place or city).key if (place or city) else None}))
                out.append(Mention(e, s, end, surface))
        return out

    def _org_at(self, text: str, start: int, prefix_end: int) -> tuple[int, str] | None:
        """(end, class) of an organisation name starting at `start`, ending at the first known suffix."""
        for end in range(prefix_end + 1, min(len(text), start + 14) + 1):
            if text[end - 1] in _NAME_STOP:
                return None
            window = text[start:end]
            for s in self.suffixes:
                suffix = s.get("suffix")
                ok = window.endswith(suffix) if suffix else re.search(s["suffix_pattern"] + "$", window)
                if not ok:
                    continue
                core = len(window) - (len(suffix) if suffix else 2) - (prefix_end - start)
                if core < 0:
                    continue
                if text[prefix_end:end] in _GENERIC_NAMES or _VERBS.search(window):
                    return None
                return end, s["type"]
        return None
