"""Rules that turn a parsed plan and its entity mentions into facts, each with the span that states it.

Clause by clause (a task sentence split at , ; ): responsibilities (担负…责任, 是…第一责任人, a clause
whose subject is a named body), targets, milestones, recurring duties, pilot/evaluation lists,
renamings, citations and mentions. Then the chain rules: who answers to whom.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass, field

from plankg.build import extract as X
from plankg.build.parse import Item, Plan, Task
from plankg.build.recognise import Entity, Mention, Recogniser, slug

log = logging.getLogger(__name__)

CLAUSE_SPLIT = re.compile(r"[,\uff0c;\uff1b:\uff1a]")
RESP_TYPES = {
    "第一责任人": "FirstResponsibility", "第一责任": "FirstResponsibility",
    "直接领导责任": "DirectLeadershipResponsibility", "具体工作责任": "SpecificWorkResponsibility",
    "直管责任": "DirectManagementResponsibility", "指导督查责任": "GuidanceInspectionResponsibility",
    "主体责任": "PrincipalResponsibility", "监管责任": "SupervisoryResponsibility",
}
RESP_RE = re.compile("|".join(sorted(RESP_TYPES, key=len, reverse=True)))
# Who a chain responsibility answers to, by type (the order of the 安全稳定 chain of command).
CHAIN_UP = {
    "SpecificWorkResponsibility": "DirectLeadershipResponsibility",
    "DirectLeadershipResponsibility": "FirstResponsibility",
    "DirectManagementResponsibility": "FirstResponsibility",
    "GuidanceInspectionResponsibility": "FirstResponsibility",
    "LineOfWorkResponsibility": "FirstResponsibility",
    "SupervisoryResponsibility": "FirstResponsibility",
    "PrincipalResponsibility": "SupervisoryResponsibility",
    "CoResponsibility": "LeadResponsibility",
    "SupportResponsibility": "LeadResponsibility",
}
SCOPE_CATEGORY = {"directly-affiliated-schools": "DirectlyAffiliatedSchool",
                  "county-education-bureaus": "CountyDistrict", "schools": "SchoolUnit",
                  "education-administrations": "AdministrationUnit"}
MODALITY = {"must": "Must", "ensure": "Ensure", "strive": "Strive", "should": "Should", "explore": "Explore",
            "prohibit": "Prohibit"}
CADENCE = {"P1D": "Daily", "P1W": "Weekly", "P7D": "Weekly", "P2W": "Fortnightly", "P14D": "Fortnightly",
           "P1M": "Monthly", "P1Y": "Yearly"}
EVENT_RE = re.compile(r"开工|竣工|完工|启动|搬迁|使用|完成|验收|复评|评估|认定|举办|召开|开展|实施")
PHASE_RE = re.compile(r"[一二三四五六七八九十\d]+期工程")
LEVELS = {"国家级": "National", "国家": "National", "全国": "National", "省级": "Provincial", "省": "Provincial",
          "市级": "Municipal", "县级": "CountyLevel"}
LIST_TAIL_RE = re.compile(
    r"^等?(?P<n>\d+|[一二三四五六七八九十两]+)(?P<cls>个|所|家|项|名)(?P<rest>[^,\uff0c。;\uff1b]{0,24})")
PILOT_TAIL_RE = re.compile(r"^(?P<level>国家级|省级|市级)?试点(?P<what>市|县|区|区县|学校|校|单位)")
PROGRAMME_RE = re.compile(r"[\u4e00-\u9fff“”]{2,16}?(?:计划|工程|项目)")
LEADING_VERBS = re.compile(r"^(?:大力|继续|加快|着力|扎实|认真|全面|深入|积极|进一步)*"
                           r"(?:实施|推进|启动|建设|建立|开展|做好|加强|深化|抓好|推动|完善)*")
# Named programmes: “国培计划”, “3313”工程, or 实施…计划/工程 (the verb marks where the name starts).
NAMED_PROGRAMME_RE = re.compile(
    r"“(?P<q>[^”]{2,24}?(?:计划|工程|项目|行动|活动))”"
    r"|“(?P<q2>[^”]{2,12})”(?P<kind>工程|计划|项目|行动计划)"
    r"|(?:实施|启动|推出|推进|继续|开展)(?P<bare>[\u4e00-\u9fff]{4,18}?(?:行动计划|计划|工程))(?![\u4e00-\u9fff]*[”])")
PROGRAMME_LEVEL_RE = re.compile(r"^(?:国家|全国)|^省级?|^市级?")
# Fields of a task breakdown (重点工作任务分解): 牵头单位：…；责任单位：…；配合单位：…；完成时限：…
FIELD_RE = re.compile(r"^\s*(?P<field>牵头单位|牵头领导|牵头部门|责任单位|责任部门|责任领导|配合单位|配合部门|协办单位|参与单位|"
                      r"完成时限|完成时间|时间节点|时限)\s*[:\uff1a]")
FIELD_TYPES = {"牵头单位": "LeadResponsibility", "牵头领导": "LeadResponsibility", "牵头部门": "LeadResponsibility",
               "责任领导": "LeadResponsibility", "责任单位": "CoResponsibility", "责任部门": "CoResponsibility",
               "配合单位": "SupportResponsibility", "配合部门": "SupportResponsibility",
               "协办单位": "SupportResponsibility", "参与单位": "SupportResponsibility"}
LEAD_FIELD_RE = re.compile(r"(?:牵头单位|牵头领导|牵头部门|责任单位|责任部门|责任领导)\s*[:\uff1a]")
DEADLINE_FIELD_RE = re.compile(r"(?:完成时限|完成时间|时间节点|时限)\s*[:\uff1a]\s*(?P<v>[^;\uff1b。\n]+)")
# A body followed by one of these verbs is the subject of its clause, wherever the clause starts (X申办Y).
SUBJECT_VERB_RE = re.compile(r"申办|申报|牵头|负责|做好|开展|组织|完成|承办|主办|推进|实施|落实|创建|建成|指导|组建|"
                             r"召开|发布|开通|举办|启动|参加|加强|会同|配合|与")
DATE_TAIL_RE = re.compile(r"^(?:底|末|前|中旬|上旬|下旬|以前|之前)")
RENAME_RE = re.compile(r"更名[为]?[“\"](?P<new>[^”\"]{2,20})[”\"]")


@dataclass
class Evidence:
    """Where a fact is stated: a span of the source inside one item (and task)."""

    start: int
    end: int
    item: str
    task: int | None = None


@dataclass
class Fact:
    """One statement of the plan (or derived from it), with its evidence and how it was obtained."""

    kind: str  # responsibility | target | milestone | recurrence | participation | citation | mention | rename
    evidence: Evidence
    basis: str = "Stated"  # a concept of plan:Bases
    data: dict = field(default_factory=dict)
    id: str = ""  # local id, unique in the plan, set by `number_facts`
    also_evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Programme:
    """A programme the plan runs (pilot, demonstration, construction ...)."""

    key: str
    name: str
    type: str = "Programme"
    level: str | None = None
    en: str | None = None
    item: str | None = None
    evidence: Evidence | None = None


@dataclass
class PlanFacts:
    """Everything the rules found in one plan."""

    facts: list[Fact] = field(default_factory=list)
    programmes: dict[str, Programme] = field(default_factory=dict)
    work_areas: dict[str, str] = field(default_factory=dict)  # key -> zh name

    def of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]


def clauses(task: Task) -> list[tuple[int, int]]:
    """Absolute (start, end) of the clauses of a task sentence, split at , ; : outside brackets."""
    spans, start, depth = [], 0, 0
    text = task.text
    for i, ch in enumerate(text):
        depth += (ch in "“(《\uff08") - (ch in "”)》\uff09")
        if depth <= 0 and (CLAUSE_SPLIT.match(ch) or ch in "。!\uff01?\uff1f"):
            if text[start:i].strip():
                spans.append((task.start + start, task.start + i))
            start, depth = i + 1, 0
    if text[start:].strip():
        spans.append((task.start + start, task.start + len(text)))
    return spans


class FactFinder:
    """Applies the rules to one plan."""

    def __init__(self, plan: Plan, rec: Recogniser, plan_key: str,
                 programmes: dict[str, Programme] | None = None) -> None:
        self.plan, self.rec, self.plan_key = plan, rec, plan_key
        self.out = PlanFacts(programmes=dict(programmes or {}))
        self.text = plan.text
        self._counted_by_unit: dict[tuple[str, int], dict[str, str]] = {}  # per task: unit -> last thing counted

    # -- helpers
    def _ev(self, start: int, end: int, item: Item, task: Task | None) -> Evidence:
        while start < end and self.text[start] in " \u3000":
            start += 1
        return Evidence(start, end, item.key, task.number if task else None)

    def _add(self, kind: str, ev: Evidence, basis: str = "Stated", **data: object) -> Fact:
        f = Fact(kind, ev, basis, data)
        self.out.facts.append(f)
        return f

    def run(self) -> PlanFacts:
        """All facts of the plan."""
        for item in self.plan.items:
            self._item(item)
        self._chain()
        for n, f in enumerate(self.out.facts, 1):
            f.id = f"{f.kind}-{n}"
        return self.out

    # -- per item / task / clause
    def _item(self, item: Item) -> None:
        cites = X.find_citations(item.text)
        excluded = [(item.start + c.start, item.start + c.end) for c in cites]
        title_mentions = self.rec.find(item.title, item.title_span.start,
                                       [e for e in excluded if item.title_span.start <= e[0] < item.title_span.end])
        for m in title_mentions:
            self._mention(m, item, None)
        self._named_programmes(item, item.title, item.title_span.start, None)
        for task in item.tasks:
            mentions = self.rec.find(task.text, task.start, [e for e in excluded if task.start <= e[0] < task.end])
            for c in X.find_citations(task.text):
                self._citation(c, item, task)
            self._named_programmes(item, task.text, task.start, task)
            self._task(item, task, mentions)

    def _dates(self, text: str) -> list[X.DateMention]:
        """Dates of a text, with the 底/前/末 that follows a month kept in the surface (6月底)."""
        out = []
        for d in X.find_dates(text, self.plan.year or 2014):
            tail = DATE_TAIL_RE.match(text[d.end:])
            if tail and d.kind in ("month", "day", "season", "half", "quarter"):
                d = dataclasses.replace(d, end=d.end + tail.end(), surface=d.surface + tail[0])
            out.append(d)
        return out

    def _item_deadline(self, item: Item) -> tuple[X.DateMention | None, str | None]:
        """The 完成时限 of a task-breakdown item: its date (if it names one) and its text (长期坚持)."""
        m = DEADLINE_FIELD_RE.search(item.text)
        if not m:
            return None, None
        value = m["v"].strip()
        dates = self._dates(value)
        return (dates[0] if dates else None), value

    def _field_task(self, item: Item, task: Task, mentions: list[Mention], field: str) -> None:
        """牵头单位：A、B；责任单位：C: each named body (or leader) holds a responsibility of the field's type."""
        typ = FIELD_TYPES.get(field)
        for m in mentions:
            self._mention(m, item, task)
        if typ is None:
            return
        due, due_text = self._item_deadline(item)
        ms = [m for m in mentions if m.entity.kind in ("org", "post", "place", "group")]
        for k, m in enumerate(ms):
            e = m.entity
            if e.kind == "place":  # 洛龙区、涧西区、伊川县教育局: the list's last body names what the places stand for
                last = next((x.entity for x in ms[k + 1:] if x.entity.kind == "org"), None)
                nxt = ms[k + 1:]
                if last is not None and nxt and last.props.get("jurisdiction") and last.name.startswith(
                        self.text[nxt[-1].start:nxt[-1].end][:2]):
                    rest = last.name[len(self.rec.entities.get(f"place:{last.props['jurisdiction']}", last).name):]
                    e = self.rec._add(Entity("org", slug(e.name + rest), e.name + rest, last.type, None, set(),
                                             {"jurisdiction": e.key}))
                else:
                    e = self.rec.authority_of(e)
            self._add("responsibility", self._ev(task.start, task.end, item, task), holder=e, type=typ,
                      due=due, deadline_text=due_text)

    def _task(self, item: Item, task: Task, mentions: list[Mention]) -> None:
        field_m = FIELD_RE.match(task.text)
        if field_m:
            self._field_task(item, task, mentions, field_m["field"])
            return
        subject: list[Entity] = []
        carried_date: X.DateMention | None = None
        carried_modality: str | None = None
        carried_work: str | None = None
        states_types = bool(RESP_RE.search(task.text))
        for n, (cs, ce) in enumerate(clauses(task)):
            clause = self.text[cs:ce]
            ms = [m for m in mentions if cs <= m.start and m.end <= ce]
            holders = self._holders(clause, cs, ms) or self._subjects(clause, cs, ms)
            for m in ms:
                self._mention(m, item, task)
            modal = X.find_modalities(clause)
            modality = MODALITY.get(modal[0].key) if modal else carried_modality
            carried_modality = modality or carried_modality
            types = list(RESP_RE.finditer(clause))
            if types:
                if not holders:  # 两级人社部门主要负责人是…第一责任人: the one named right before 是/担负
                    holders = [m.entity for m in ms if m.end <= cs + types[0].start()
                               and re.match(r"是|担负|负责|承担|履行", self.text[m.end:ce])][:1]
                if not holders and n > 0:
                    holders = subject
                carried_work = self._responsibilities(item, task, cs, ce, holders, types, carried_work)
            elif holders and not states_types:
                for h in holders:
                    self._add("responsibility", self._ev(cs, ce, item, task), holder=h,
                              type="ImplementationResponsibility", modality=modality)
            if holders:
                subject = holders
            dates = [d for d in X.find_dates(clause, self.plan.year or 2014) if d.kind != "year" or d.surface == "全年"]
            if not dates and carried_date:
                dates = [carried_date]
            elif dates and dates[0].kind in ("year", "half"):
                carried_date = dates[0]
            self._quantities(item, task, cs, ce, clause, subject, modality, dates)
            self._milestone(item, task, cs, ce, clause, subject, modality, dates)
            self._lists(item, task, cs, ce, clause, ms)
            self._rename(item, task, cs, ce, clause, ms)
        own = [f for f in self.out.facts if f.kind == "responsibility" and f.evidence.item == item.key
               and f.evidence.task == task.number]
        if not own and not LEAD_FIELD_RE.search(item.text):
            own.append(self._add("responsibility", self._ev(task.start, task.end, item, task), basis="ImpliedIssuer",
                                 holder=self.rec.authority, type="ImplementationResponsibility"))
        dates = [d for d in self._dates(task.text) if d.kind != "year" or d.surface in ("全年", "年底", "年内")]
        for f in own:
            if dates and f.data.get("due") is None:
                f.data["due"] = dates[0]

    def _subjects(self, clause: str, cs: int, ms: list[Mention]) -> list[Entity]:
        """Bodies named as the subject of a verb inside the clause (…和泸州老窖集团申办四川白酒职业学院)."""
        out = []
        for m in ms:
            if m.entity.kind in ("org",) and SUBJECT_VERB_RE.match(self.text, m.end) \
                    and self.text[m.start - 1:m.start] in ("和", "、", "”", "及", "与") and not out:
                out.append(m.entity)
        return out

    def _holders(self, clause: str, cs: int, ms: list[Mention]) -> list[Entity]:
        """The bodies a clause starts with (X、Y和Z ...): the clause's subject."""
        lead = len(clause) - len(clause.lstrip(" \u3000各由"))
        holders: list[Entity] = []
        pos = cs + lead
        for m in ms:
            if m.start not in (pos, cs) or (m.start == cs and pos != cs + lead):
                break
            e = m.entity
            if e.kind == "place":
                e = self.rec.authority_of(e)
            holders.append(e)
            pos = m.end
            while pos < cs + len(clause) and self.text[pos] in "、和及与":
                pos += 1
        tail = self.text[pos:cs + len(clause)]
        if holders and (tail.startswith("的") or LIST_TAIL_RE.match(tail) or PILOT_TAIL_RE.match(tail)):
            return []  # 学校的… is a possessive; 江阳区、叙永县3个试点区县 is a list, not a subject
        return holders

    def _responsibilities(self, item: Item, task: Task, cs: int, ce: int, holders: list[Entity],
                          types: list[re.Match[str]], work: str | None) -> str | None:
        clause = self.text[cs:ce]
        rule = "YiGangShuangZe" if "一岗双责" in self.text[task.start:task.end] else None
        prev = 0
        for m in types:
            segment = clause[prev:m.start()]
            work = self._work(segment) or work
            scope = next((x.entity for x in self.rec.find(segment, cs + prev) if x.entity.kind == "group"), None)
            if scope is None and "区域" in segment and self.rec.city():
                scope = self.rec.city()
            for h in holders:
                self._add("responsibility", self._ev(cs, ce, item, task), holder=h, type=RESP_TYPES[m[0]],
                          work=work, scope=scope, rule=rule, liaises=scope is not None and "联系" in segment,
                          scope_category=SCOPE_CATEGORY.get(scope.props["category"]) if scope and scope.kind == "group"
                          else ("Region" if scope else None))
            prev = m.end()
        return work

    def _work(self, segment: str) -> str | None:
        """The line of work a responsibility is about: 安全稳定 in 担负安全稳定工作的主体责任."""
        phrase = re.split(r"担负|负责|是", segment)[-1]
        phrase = re.sub(r"^(?:和|及|区域内|全市|对联系(?:直属学校|县区|区县)|教育(?!教学))+", "", phrase)
        phrase = re.sub(r"(?:工作)?的?$", "", phrase)
        if not 2 <= len(phrase) <= 10 or not re.fullmatch(r"[\u4e00-\u9fff]+", phrase):
            return None
        key = slug(phrase)
        self.out.work_areas.setdefault(key, phrase + "工作")
        return key

    def _quantities(self, item: Item, task: Task, cs: int, ce: int, clause: str, subject: list[Entity],
                    modality: str | None, dates: list[X.DateMention]) -> None:
        cadences = X.find_cadences(clause)
        for c in cadences:
            self._add("recurrence", self._ev(cs, ce, item, task), cadence=CADENCE.get(c.duration),
                      cadence_text=c.label_zh, count=c.count, unit=c.unit, concerns=subject[0] if subject else None)
        counted_by_cadence = {c.unit for c in cadences if c.count is not None}
        elided = self._counted_by_unit.setdefault((item.key, task.number), {})
        for q in X.find_quantities(clause):
            if q.in_quote or (q.unit in counted_by_cadence and cadences):
                continue
            if not q.counted and q.unit in elided and q.unit not in X._SHARE_UNITS:
                q = dataclasses.replace(q, counted=elided[q.unit])  # 新建中小学校2所,改扩建3所: 3所 中小学校
            why = X.not_a_target(clause, q)
            if why:
                log.debug("item %s: %s is not a target: %s", item.key, q.surface, why)
                continue
            elided[q.unit] = q.counted
            due = dates[0] if dates else None
            surface = q.surface + (q.action or "")
            self._add("target", self._ev(cs, ce, item, task), value=q.value, unit=q.unit, counts=q.counted,
                      surface=surface, approx=q.approx, modality=modality, due=due,
                      concerns=subject[0] if subject else self._item_programme(item))

    def _milestone(self, item: Item, task: Task, cs: int, ce: int, clause: str, subject: list[Entity],
                   modality: str | None, dates: list[X.DateMention]) -> None:
        own = [d for d in X.find_dates(clause, self.plan.year or 2014) if d.kind not in ("year",)]
        if not own:
            return
        events = list(EVENT_RE.finditer(clause, own[0].end))
        if not events:
            return
        phase = PHASE_RE.search(clause)
        self._add("milestone", self._ev(cs, ce, item, task), event=events[-1][0], phase=phase[0] if phase else None,
                  due=own[0], modality=modality, concerns=subject[0] if subject else self._item_programme(item))
        # 上半年开展消防演练、下半年开展地震演练: every further date with its own event is a milestone too
        for k, d in enumerate(own[1:], 1):
            stop = own[k + 1].start if k + 1 < len(own) else len(clause)
            ev = EVENT_RE.search(clause, d.end, stop)
            if ev and ev.start() - d.end <= 2 and clause[own[k - 1].end:d.start].find("、") >= 0:
                self._add("milestone", self._ev(cs, ce, item, task), event=ev[0], phase=None, due=d,
                          modality=modality, concerns=subject[0] if subject else self._item_programme(item))

    def _item_programme(self, item: Item) -> Entity | None:
        p = self.out.programmes.get(f"item:{item.key}")
        return Entity("programme", p.key, p.name, p.type) if p else None

    def _programme_for(self, item: Item, kind: str, level: str | None, label: str | None = None) -> Programme:
        """The programme a list in this item belongs to: curated, named in the title, or minted."""
        curated = self.out.programmes.get(f"item:{item.key}")
        if curated and (kind == "pilot") == (curated.type == "PilotProgramme"):
            return curated
        key = f"{self.plan_key}-{kind}-{item.key}"
        if label is None:
            named = PROGRAMME_RE.search(LEADING_VERBS.sub("", item.title))
            label = LEADING_VERBS.sub("", named[0]) if named else item.title
        typ = {"pilot": "PilotProgramme", "model": "DemonstrationProgramme"}.get(kind, "Programme")
        return self.out.programmes.setdefault(key, Programme(key, label, typ, level, item=item.key))

    def _lists(self, item: Item, task: Task, cs: int, ce: int, clause: str, ms: list[Mention]) -> None:
        """江阳区、叙永县、古蔺县3个省级试点区县 / 对A、B等4所高中学校…督导评估 -> participations."""
        i = 0
        while i < len(ms):
            run = [ms[i]]
            while i + 1 < len(ms) and self.text[run[-1].end:ms[i + 1].start] in ("、", "和", "及"):
                i += 1
                run.append(ms[i])
            i += 1
            tail = self.text[run[-1].end:ce]
            count = LIST_TAIL_RE.match(tail)
            pilot = PILOT_TAIL_RE.match(tail)
            if count:
                n = X.parse_number(count["n"])
                if n != len(run):
                    log.info("item %s: a list of %d names followed by %s: not taken as a list", item.key,
                             len(run), count[0])
                    continue
                rest = count["rest"]
            elif pilot and len(run) == 1:
                rest = pilot[0]
            else:
                continue
            level = next((v for k, v in LEVELS.items() if k in rest), None)
            if "试点" in rest:
                kind, role = "pilot", self._pilot_role(run[0].entity)
            elif re.search(r"评估|督导|验收|检查|考核", clause):
                kind, role = "evaluation", "EvaluatedUnit"
            elif "示范" in rest:
                kind, role = "model", "ModelUnit"
            else:
                continue
            label = None if kind == "pilot" else (rest + "(第" + item.key + "条)")
            prog = self._programme_for(item, kind, level, label)
            for m in run:
                self._add("participation", self._ev(cs, ce, item, task), participant=m.entity,
                          programme=prog.key, role=role, level=level)

    @staticmethod
    def _pilot_role(e: Entity) -> str:
        if e.kind == "place":
            return "PilotCity" if e.type == "City" else "PilotCountyDistrict"
        return "PilotSchool"

    def _rename(self, item: Item, task: Task, cs: int, ce: int, clause: str, ms: list[Mention]) -> None:
        m = RENAME_RE.search(clause)
        if not m:
            return
        old = [x for x in ms if x.end <= cs + m.start()]
        new = [x for x in ms if cs + m.start("new") <= x.start]
        if old and new:
            self._add("rename", self._ev(cs, ce, item, task), old=old[-1].entity, new=new[0].entity)

    def _citation(self, c: X.Citation, item: Item, task: Task) -> None:
        issuer = None
        if c.issuer:
            found = self.rec.find(c.issuer)
            issuer = found[0].entity if found and found[0].entity.kind == "org" else None
        self._add("citation", self._ev(task.start + c.start, task.start + c.end, item, task), title=c.title,
                  surface=c.surface.strip("《》"), issuer=issuer)

    def _named_programmes(self, item: Item, text: str, base: int, task: Task | None) -> None:
        """Programmes the text names (“国培计划”, 农村义务教育薄弱学校改造计划): mentions of plan:Programme."""
        for m in NAMED_PROGRAMME_RE.finditer(text):
            name = m["q"] or (f"“{m['q2']}”{m['kind']}" if m["q2"] else None) or LEADING_VERBS.sub("", m["bare"])
            if len(name) < 3:
                continue
            key = f"{self.plan_key}-{slug(name)}"
            level = PROGRAMME_LEVEL_RE.match(name)
            typ = "PilotProgramme" if "试点" in name else "DemonstrationProgramme" if "示范" in name else "Programme"
            prog = self.out.programmes.setdefault(
                key, Programme(key, name, typ, LEVELS.get(level[0]) if level else None, item=item.key))
            start = base + (m.start("bare") if m["bare"] else m.start())
            self._add("mention", self._ev(start, base + m.end(), item, task),
                      entity=Entity("programme", prog.key, prog.name, prog.type), surface=self.text[start:base + m.end()])

    def _mention(self, m: Mention, item: Item, task: Task | None) -> None:
        if m.entity.kind == "group":
            return  # 学校 in running text names no one in particular
        self._add("mention", self._ev(m.start, m.end, item, task), entity=m.entity, surface=m.surface)

    # -- chain rules
    def _chain(self) -> None:
        """Link responsibilities into chains (answersTo) and add the line-of-work half of 一岗双责."""
        resp = self.out.of("responsibility")
        for f in [f for f in resp if f.data.get("rule") == "YiGangShuangZe"
                  and f.data["type"] in ("DirectManagementResponsibility", "GuidanceInspectionResponsibility")]:
            line = next((g for g in self.out.facts if g.kind == "responsibility"
                         and g.data["type"] == "LineOfWorkResponsibility" and g.data["holder"] is f.data["holder"]),
                        None)
            if line is None:
                line = self._add("responsibility", f.evidence, basis="DerivedByRule", holder=f.data["holder"],
                                 type="LineOfWorkResponsibility", rule="YiGangShuangZe", work=None)
                quote = self.text.find("管业务必须管安全", self.plan.item(f.evidence.item).start)
                if 0 <= quote < self.plan.item(f.evidence.item).end:
                    line.also_evidence.append(Evidence(quote, quote + 8, f.evidence.item))
            f.data.setdefault("paired", []).append(line)
        chain = [f for f in self.out.of("responsibility") if f.data["type"] in CHAIN_UP or
                 f.data["type"] in ("FirstResponsibility", "LeadResponsibility")]
        for f in chain:
            up_type = CHAIN_UP.get(f.data["type"])
            same_item = [g for g in chain if g.evidence.item == f.evidence.item]
            up = next((g for g in same_item if g.data["type"] == up_type), None)
            if up is None and up_type == "SupervisoryResponsibility":
                up = next((g for g in same_item if g.data["type"] == "FirstResponsibility"), None)
            if up is not None:
                f.data["answers_to"] = up
        self._implementation_chain(chain)

    def _implementation_chain(self, chain: list[Fact]) -> None:
        """A body's task in a pillar answers to the chain duty that body (or its group) holds in that pillar."""
        pillar_of = {it.key: it.pillar for it in self.plan.items}
        for f in self.out.of("responsibility"):
            if f.data["type"] != "ImplementationResponsibility" or f.basis != "Stated":
                continue
            holders = self._groups_of(f.data["holder"])
            up = next((g for h in holders for g in chain if g.data["holder"] is h
                       and pillar_of[g.evidence.item] == pillar_of[f.evidence.item]), None)
            if up is not None:
                f.data["answers_to"] = up

    def _groups_of(self, e: Entity) -> list[Entity]:
        """The entity and the groups it belongs to, nearest first."""
        out = [e]
        while out[-1].props.get("member_of"):
            nxt = self.rec.entities.get(f"group:{out[-1].props['member_of']}")
            if nxt is None or nxt in out:
                break
            out.append(nxt)
        return out

