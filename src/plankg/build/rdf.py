"""Parsed plan + facts -> one rdflib Graph (the plan's named graph)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

from plankg.build import extract as X
from plankg.build.facts import Evidence, Fact, PlanFacts, Programme
from plankg.build.ids import PLAN, Ids
from plankg.build.parse import Plan
from plankg.build.recognise import IN_CHARGE_RE, Entity, Recogniser, slug
from plankg.ontology.model import bind_prefixes
from plankg.ontology.vocabulary import SCHEMES

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")

KIND_SEGMENT = {"place": "place", "org": "org", "post": "post", "group": "group", "programme": "programme"}
PLACE_CLASS = {"Province": "AdministrativeArea"}
CONCEPT_ZH = {c.name: c.zh for (_, _, _, concepts) in SCHEMES.values() for c in concepts}
CONCEPT_EN = {c.name: c.en for (_, _, _, concepts) in SCHEMES.values() for c in concepts}
KIND_EN = {"place": "place", "org": "body", "post": "post", "group": "group", "programme": "programme"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


# (kind of date mention, first month) -> the PeriodKinds concept
PERIODS = {("season", 3): "Spring", ("season", 6): "Summer", ("season", 9): "Autumn", ("season", 12): "Winter",
           ("half", 1): "FirstHalfYear", ("half", 7): "SecondHalfYear", ("quarter", 1): "FirstQuarter",
           ("quarter", 4): "SecondQuarter", ("quarter", 7): "ThirdQuarter", ("quarter", 10): "FourthQuarter"}


def period_kind(due: X.DateMention) -> str | None:
    """The part of the year a date mention names (2015年秋季 -> Autumn), if it names one."""
    return PERIODS.get((due.kind, int(due.iso[5:7]))) if len(due.iso) == 7 else None


def english(text: str | None) -> str | None:
    """An English label, or None when it would carry Chinese (the label rule: no half-Chinese)."""
    return text if text and not CJK.search(text) else None


@dataclass
class PlanMeta:
    """What a built plan is called and who issued it."""

    key: str
    title: str
    title_en: str
    authority: Entity


class GraphBuilder:
    """Writes one plan into an rdflib Graph, minting IRIs with `Ids`."""

    def __init__(self, plan: Plan, meta: PlanMeta, facts: PlanFacts, rec: Recogniser, ids: Ids) -> None:
        self.plan, self.meta, self.facts, self.rec, self.ids = plan, meta, facts, rec, ids
        self.g = bind_prefixes(Graph(bind_namespaces="core"))
        self.key = meta.key
        self.doc = ids.plan(meta.key)
        self.fact_iris: dict[int, URIRef] = {}

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        if o is None:
            return
        self.g.add((s, p, o if isinstance(o, (URIRef, Literal)) else Literal(o)))

    def label(self, s: URIRef, zh: str, en: str | None = None) -> None:
        """The display labels (README, "Labels"): rdfs:label in Chinese as printed, and in English
        where the English words are known; other printed forms go to skos:altLabel."""
        self.add(s, RDFS.label, Literal(zh, lang="zh"))
        if en := english(en):
            self.add(s, RDFS.label, Literal(en, lang="en"))

    # -- the text
    def build(self) -> Graph:
        """The whole plan graph."""
        self._document()
        self._structure()
        self._facts()
        self._programmes()
        self._entities()
        return self.g

    def _document(self) -> None:
        p, d = self.plan, self.doc
        self.add(d, RDF.type, PLAN.WorkPlan)
        self.label(d, self.meta.title, self.meta.title_en)
        self.add(d, DCTERMS.title, Literal(self.meta.title, lang="zh"))
        self.add(d, DCTERMS.publisher, self.entity_iri(self.meta.authority))
        self.add(d, DCTERMS.language, Literal("zh"))
        self.add(d, PLAN.sha256, Literal(p.sha256))
        self.add(d, PLAN.text, Literal(p.text))
        self.add(d, DCTERMS.source, Literal(p.path.rsplit("/", 1)[-1]))
        if p.year:
            self.add(d, PLAN.year, Literal(str(p.year), datatype=XSD.gYear))
        if p.date:
            self.add(d, DCTERMS.date, Literal(p.date))
        if p.intro:
            self.add(d, DCTERMS.abstract, Literal(p.text[p.intro.start:p.intro.end], lang="zh"))
            for c in X.find_citations(p.text[p.intro.start:p.intro.end]):  # documents the preamble cites
                doc = self.ids.entity("document", slug(c.title)[:80])
                self.add(d, PLAN.cites, doc)
                self.add(doc, RDF.type, PLAN.CitedDocument)
                self.add(doc, DCTERMS.title, Literal(c.title, lang="zh"))
                self.label(doc, c.title)
                self.add(doc, PLAN.evidence, self.span(p.intro.start + c.start, p.intro.start + c.end))
        for n, a in enumerate(p.annexes, 1):
            annex = self.ids.annex(self.key, n)
            self.add(d, PLAN.hasAnnex, annex)
            self.add(annex, RDF.type, PLAN.Annex)
            self.label(annex, p.text[a.start:a.end].strip(), f"annex {n}")
            self.add(annex, PLAN.evidence, self.span(a.start, a.end))
        for note in p.skipped:
            self.add(d, RDFS.comment, Literal(note, lang="en"))

    def _structure(self) -> None:
        p = self.plan
        for pillar in p.pillars:
            pi = self.ids.pillar(self.key, pillar.number)
            self.add(self.doc, PLAN.hasPillar, pi)
            self.add(pi, RDF.type, PLAN.Pillar)
            self.add(pi, PLAN.number, Literal(pillar.number))
            self.add(pi, DCTERMS.title, Literal(pillar.title, lang="zh"))
            self.label(pi, f"{pillar.numeral}、{pillar.title}", f"pillar {pillar.number}")
            self.add(pi, PLAN.inPlan, self.doc)
            self.add(pi, PLAN.evidence, self.span(pillar.heading.start, pillar.heading.end))
        for item in p.items:
            it = self.ids.item(self.key, item.key)
            self.add(it, RDF.type, PLAN.WorkItem)
            self.add(it, PLAN.number, Literal(item.number))
            self.add(it, DCTERMS.identifier, Literal(item.key))
            self.add(it, DCTERMS.title, Literal(item.title, lang="zh"))
            self.label(it, f"{item.label}{item.title}", f"item {item.key}")
            self.add(it, PLAN.text, Literal(item.text))
            self.add(it, PLAN.inPlan, self.doc)
            self.add(it, PLAN.evidence, self.span(item.start, item.end))
            if item.pillar is not None:
                self.add(self.ids.pillar(self.key, item.pillar), PLAN.hasItem, it)
            for task in item.tasks:
                t = self.ids.task(self.key, item.key, task.number)
                self.add(it, PLAN.hasTask, t)
                self.add(t, RDF.type, PLAN.Task)
                self.add(t, PLAN.number, Literal(task.number))
                self.add(t, PLAN.text, Literal(task.text))
                self.label(t, f"{item.key}.{task.number} {task.text}", f"item {item.key}, task {task.number}")
                self.add(t, PLAN.inPlan, self.doc)
                self.add(t, PLAN.evidence, self.span(task.start, task.end))

    def span(self, start: int, end: int, item: str | None = None, task: int | None = None) -> URIRef:
        """The TextSpan node for [start, end), with Web Annotation selectors."""
        s = self.ids.span(self.key, start, end)
        if (s, RDF.type, PLAN.TextSpan) not in self.g:
            quote = self.plan.text[start:end]
            self.add(s, RDF.type, PLAN.TextSpan)
            self.add(s, PLAN.start, Literal(start))
            self.add(s, PLAN.end, Literal(end))
            self.add(s, PLAN.quote, Literal(quote))
            self.add(s, OA.hasSource, self.doc)
            self.add(s, PLAN.spanOf, self.doc)
            pos, q = URIRef(f"{s}#position"), URIRef(f"{s}#quote")
            self.add(s, OA.hasSelector, pos)
            self.add(pos, RDF.type, OA.TextPositionSelector)
            self.add(s, OA.hasSelector, q)
            self.add(q, RDF.type, OA.TextQuoteSelector)
            self.add(q, OA.exact, Literal(quote))
            self.add(q, OA.prefix, Literal(self.plan.text[max(0, start - 8):start]))
            self.add(q, OA.suffix, Literal(self.plan.text[end:end + 8]))
        if item is not None:
            self.add(s, PLAN.statedIn, self.ids.item(self.key, item))
        if task is not None:
            self.add(s, PLAN.inTask, self.ids.task(self.key, item, task))
        return s

    # -- facts
    def _evidence(self, node: URIRef, ev: Evidence) -> None:
        self.add(node, PLAN.evidence, self.span(ev.start, ev.end, ev.item, ev.task))
        self.add(node, PLAN.statedIn, self.ids.item(self.key, ev.item))
        if ev.task is not None:
            self.add(node, PLAN.inTask, self.ids.task(self.key, ev.item, ev.task))
        self.add(node, PLAN.inPlan, self.doc)

    def _facts(self) -> None:
        counters: Counter[tuple[str, str]] = Counter()
        for f in self.facts.facts:
            counters[(f.evidence.item, f.kind)] += 1
            self.fact_iris[id(f)] = self.ids.fact(self.key, f.evidence.item, f.kind, counters[(f.evidence.item, f.kind)])
        for f in self.facts.facts:
            node = self.fact_iris[id(f)]
            self._evidence(node, f.evidence)
            for extra in f.also_evidence:
                self.add(node, PLAN.evidence, self.span(extra.start, extra.end, extra.item, extra.task))
            self.add(node, PLAN.basis, PLAN[f.basis])
            getattr(self, f"_fact_{f.kind}")(node, f)

    def _task_of(self, f: Fact) -> URIRef | None:
        return self.ids.task(self.key, f.evidence.item, f.evidence.task) if f.evidence.task else None

    def _fact_responsibility(self, node: URIRef, f: Fact) -> None:
        d = f.data
        holder = self.entity_iri(d["holder"])
        self.add(node, RDF.type, PLAN.Responsibility)
        self.add(node, PLAN.holder, holder)
        self.add(node, PLAN.responsibilityType, PLAN[d["type"]])
        self.add(node, PLAN.forTask, self._task_of(f))
        type_zh = CONCEPT_ZH[d["type"]]
        type_en = CONCEPT_EN[d["type"]]
        holder_en = english(d["holder"].en)
        self.label(node, f"{d['holder'].name}:{type_zh}",
                   f"{holder_en}: {type_en}" if holder_en else f"{type_en} (item {f.evidence.item})")
        if d.get("work"):
            work = self.ids.entity("work", f"{self.key}-{d['work']}")
            self.add(node, PLAN.forWork, work)
            self.add(work, RDF.type, PLAN.WorkArea)
            self.label(work, self.facts.work_areas[d["work"]])
        if d.get("scope") is not None:
            self.add(node, PLAN.scope, self.entity_iri(d["scope"]))
            if d.get("liaises") and d["holder"].kind in ("post", "group"):  # 对联系直属学校…的直管责任
                self.add(self.entity_iri(d["holder"]), PLAN.liaisesWith, self.entity_iri(d["scope"]))
        if d.get("scope_category"):
            self.add(node, PLAN.scopeCategory, PLAN[d["scope_category"]])
        if d.get("rule"):
            self.add(node, PLAN.underRule, PLAN[d["rule"]])
        if d.get("modality"):
            self.add(node, PLAN.modality, PLAN[d["modality"]])
        if d.get("answers_to") is not None:
            self.add(node, PLAN.answersTo, self.fact_iris[id(d["answers_to"])])
        for other in d.get("paired", []):
            self.add(node, PLAN.pairedDuty, self.fact_iris[id(other)])
        self._due(node, d.get("due"))
        if d.get("deadline_text") and (d.get("due") is None or d["due"].surface != d["deadline_text"]):
            self.add(node, PLAN.deadlineText, Literal(d["deadline_text"]))

    def _due(self, node: URIRef, due: X.DateMention | None) -> None:
        if due is None:
            return
        self.add(node, PLAN.dueBy, self._instant(due.end_date))
        self.add(node, PLAN.deadlineText, Literal(due.surface))
        if kind := period_kind(due):
            start = f"{due.iso}-01"
            period = self.ids.interval(start, due.end_date)
            self.add(node, PLAN.duringPeriod, period)
            self.add(period, RDF.type, TIME.ProperInterval)
            self.add(period, TIME.hasBeginning, self._instant(start))
            self.add(period, TIME.hasEnd, self._instant(due.end_date))
            self.add(period, PLAN.periodKind, PLAN[kind])
            self.label(period, f"{due.iso[:4]}年{CONCEPT_ZH[kind]}", f"{CONCEPT_EN[kind]} {due.iso[:4]}")

    def _instant(self, date: str) -> URIRef:
        instant = self.ids.instant(date)
        self.add(instant, RDF.type, TIME.Instant)
        self.add(instant, TIME.inXSDDate, Literal(date, datatype=XSD.date))
        self.add(instant, TIME.inXSDgYearMonth, Literal(date[:7], datatype=XSD.gYearMonth))
        self.label(instant, date)
        return instant

    def _concerns(self, node: URIRef, e: Entity | None) -> None:
        if e is not None:
            self.add(node, PLAN.concerns, self.entity_iri(e))

    def _fact_target(self, node: URIRef, f: Fact) -> None:
        d = f.data
        self.add(node, RDF.type, PLAN.Target)
        self.add(node, PLAN.value, Literal(Decimal(d["value"]), datatype=XSD.decimal))
        self.add(node, PLAN.unitText, Literal(d["unit"]))
        self.add(node, PLAN.counts, Literal(d["counts"]) if d.get("counts") else None)
        self.label(node, _target_label(self.plan.text[f.evidence.start:f.evidence.end], d["surface"], d.get("counts")),
                   f"target: {d['value']}" + (f" by {d['due'].end_date}" if d.get("due") else "")
                   + f" (item {f.evidence.item})")
        if f.evidence.task:
            self.add(self._task_of(f), PLAN.hasTarget, node)
        self.add(node, PLAN.modality, PLAN[d["modality"]] if d.get("modality") else None)
        self._due(node, d.get("due"))
        self._concerns(node, d.get("concerns"))

    def _fact_milestone(self, node: URIRef, f: Fact) -> None:
        d = f.data
        self.add(node, RDF.type, PLAN.Milestone)
        self.add(node, PLAN.event, Literal(d["event"]))
        self.add(node, PLAN.phase, Literal(d["phase"]) if d.get("phase") else None)
        clause, who = self.plan.text[f.evidence.start:f.evidence.end], d.get("concerns")
        named = who is None or any(n in clause for n in {who.name, *who.alt})
        self.label(node, clause if named else f"{who.name}:{clause}", f"milestone by {d['due'].end_date} (item {f.evidence.item})")
        if f.evidence.task:
            self.add(self._task_of(f), PLAN.hasMilestone, node)
        self.add(node, PLAN.modality, PLAN[d["modality"]] if d.get("modality") else None)
        self._due(node, d["due"])
        self._concerns(node, d.get("concerns"))

    def _fact_recurrence(self, node: URIRef, f: Fact) -> None:
        d = f.data
        self.add(node, RDF.type, PLAN.Recurrence)
        self.add(node, PLAN.cadence, PLAN[d["cadence"]] if d.get("cadence") else None)
        self.add(node, PLAN.countPerPeriod, Literal(Decimal(d["count"]), datatype=XSD.decimal)
                 if d.get("count") is not None else None)
        self.add(node, PLAN.unitText, Literal(d["unit"]) if d.get("unit") else None)
        cadence = CONCEPT_EN.get(d.get("cadence") or "", f"item {f.evidence.item}")
        self.label(node, self.plan.text[f.evidence.start:f.evidence.end], f"recurring duty ({cadence})")
        if f.evidence.task:
            self.add(self._task_of(f), PLAN.hasRecurrence, node)
        self._concerns(node, d.get("concerns"))

    def _fact_participation(self, node: URIRef, f: Fact) -> None:
        d = f.data
        self.add(node, RDF.type, PLAN.Participation)
        self.add(node, PLAN.participant, self.entity_iri(d["participant"]))
        self.add(node, PLAN.programme, self.ids.entity("programme", d["programme"]))
        self.add(node, PLAN.participantRole, PLAN[d["role"]])
        who = english(d["participant"].en)
        self.label(node, f"{d['participant'].name}({d['role']})",
                   f"participation of {who}" if who else f"participation in a programme (item {f.evidence.item})")

    def _fact_mention(self, node: URIRef, f: Fact) -> None:
        d = f.data
        e = self.entity_iri(d["entity"])
        self.add(node, RDF.type, PLAN.Mention)
        self.add(node, PLAN.mentionOf, e)
        self.add(node, PLAN.surfaceForm, Literal(d["surface"]))
        what = english(d["entity"].en)
        self.label(node, f"提及:{d['surface']}", f"mention of {what}" if what else
                   f"mention of a {KIND_EN.get(d['entity'].kind, 'thing')} (item {f.evidence.item})")
        prop = {"place": PLAN.mentionsPlace, "programme": PLAN.mentionsProgramme}.get(d["entity"].kind, PLAN.mentionsAgent)
        for text_node in (self.ids.item(self.key, f.evidence.item), self._task_of(f)):
            if text_node is not None:
                self.add(text_node, prop, e)

    def _fact_citation(self, node: URIRef, f: Fact) -> None:
        d = f.data
        doc = self.ids.entity("document", slug(d["title"])[:80])
        self.add(node, RDF.type, PLAN.Mention)
        self.add(node, PLAN.mentionOf, doc)
        self.add(node, PLAN.surfaceForm, Literal(d["surface"]))
        self.label(node, f"引用:《{d['surface']}》", "citation")
        self.add(doc, RDF.type, PLAN.CitedDocument)
        self.add(doc, DCTERMS.title, Literal(d["title"], lang="zh"))
        self.label(doc, d["title"])
        if d["surface"] != d["title"]:
            self.add(doc, SKOS.altLabel, Literal(d["surface"], lang="zh"))
        if d.get("issuer") is not None:
            self.add(doc, PLAN.hasPublisher, self.entity_iri(d["issuer"]))
        for text_node in (self.ids.item(self.key, f.evidence.item), self._task_of(f)):
            if text_node is not None:
                self.add(text_node, PLAN.cites, doc)

    def _fact_rename(self, node: URIRef, f: Fact) -> None:
        self.add(self.entity_iri(f.data["old"]), PLAN.renamedTo, self.entity_iri(f.data["new"]))
        self.add(node, RDF.type, PLAN.Mention)
        self.add(node, PLAN.mentionOf, self.entity_iri(f.data["new"]))
        self.add(node, PLAN.surfaceForm, Literal(f.data["new"].name))
        self.label(node, f"更名:{f.data['old'].name} -> {f.data['new'].name}", "renaming")

    def _programmes(self) -> None:
        for p in {p.key: p for p in self.facts.programmes.values()}.values():
            self._programme(p)

    def _programme(self, p: Programme) -> None:
        node = self.ids.entity("programme", p.key)
        self.add(node, RDF.type, PLAN[p.type])
        self.label(node, p.name, p.en)
        self.add(node, PLAN.level, PLAN[p.level] if p.level else None)
        self.add(node, PLAN.inPlan, self.doc)
        if p.item:
            self.add(node, PLAN.statedIn, self.ids.item(self.key, p.item))
        if p.evidence:
            self.add(node, PLAN.evidence, self.span(p.evidence.start, p.evidence.end, p.evidence.item, p.evidence.task))

    # -- entities
    def entity_iri(self, e: Entity) -> URIRef:
        return self.ids.entity(KIND_SEGMENT[e.kind], e.key)

    def _entities(self) -> None:
        """Describe every entity the facts refer to (and their parents), once."""
        used = {o for o in self.g.objects() if isinstance(o, URIRef)}
        by_iri = {self.entity_iri(e): e for e in self.rec.entities.values()}
        todo = [iri for iri in by_iri if iri in used or by_iri[iri] is self.meta.authority]
        done: set[URIRef] = set()
        while todo:
            iri = todo.pop()
            if iri in done:
                continue
            done.add(iri)
            todo += [x for x in self._entity(iri, by_iri[iri]) if x in by_iri and x not in done]

    def _entity(self, iri: URIRef, e: Entity) -> list[URIRef]:
        """Triples for one entity; returns the IRIs of the entities it links to."""
        links: list[URIRef] = []
        cls = {"post": ORG.Post, "group": PLAN.AgentGroup}.get(e.kind) or PLAN[PLACE_CLASS.get(e.type, e.type)]
        self.add(iri, RDF.type, cls)
        self.label(iri, e.name, e.en)
        for alt in sorted(e.alt - {e.name}):
            self.add(iri, SKOS.altLabel, Literal(alt, lang="zh"))
        props = e.props
        if e.kind == "place":
            if e.key.isdigit():  # GB/T 2260 (6 digits) or the NBS township code (9); unlisted places have none
                self.add(iri, PLAN.divisionCode, Literal(e.key))
            if props.get("within"):
                links.append(self.ids.entity("place", props["within"]))
                self.add(iri, PLAN.withinPlace, links[-1])
            if props.get("wikidata"):
                self.add(iri, SKOS.exactMatch, WD[props["wikidata"]])
        for prop, pred, kind in (("jurisdiction", PLAN.jurisdiction, "place"), ("located_in", PLAN.locatedIn, "place"),
                                 ("unit_of", ORG.unitOf, "org"), ("post_in", ORG.postIn, "org"),
                                 ("member_of", PLAN.subGroupOf, "group")):
            if props.get(prop):
                links.append(self.ids.entity(kind, props[prop]))
                self.add(iri, pred, links[-1])
        if props.get("role"):
            self.add(iri, ORG.role, PLAN[props["role"]])
        if e.kind == "post" and (m := IN_CHARGE_RE.search(e.name)):  # 分管安全稳定的副局长: in charge of 安全稳定工作
            area = m[1].removesuffix("工作")
            work = self.ids.entity("work", f"{self.key}-{slug(area)}")
            self.add(iri, PLAN.inChargeOf, work)
            self.add(work, RDF.type, PLAN.WorkArea)
            self.label(work, f"{area}工作")
        if e.kind in ("org", "post", "group"):
            self.add(iri, RDF.type, OWL.NamedIndividual)
        return links



def _target_label(clause: str, surface: str, counts: str | None) -> str:
    """The shortest run of the clause holding both the quantity and what it counts (7个乡镇, 新建中小学校9所)."""
    at = clause.find(surface)
    if not counts or at < 0:
        return f"{counts or ''}{surface}"
    c = clause.find(counts, at + len(surface))  # what it counts, nearest after the number (两个县) ...
    if c < 0 or c > at + len(surface) + 12:
        c = clause.rfind(counts, 0, at)  # ... or before it (新建中小学校9所)
    if c < 0:
        return f"{counts}{surface}"
    return clause[min(at, c):max(at + len(surface), c + len(counts))]
