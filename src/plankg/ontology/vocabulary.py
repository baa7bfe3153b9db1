"""The plankg vocabulary as data: every class, property and SKOS concept with zh/en labels and a definition.

`ontology/model.py` turns these tables into an OWL ontology with owlready2; nothing else defines terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plankg.config import ONTOLOGY_NS

# Standard vocabularies reused by the ontology and the data.
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
OA = "http://www.w3.org/ns/oa#"
FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class Term:
    """One class or property of the ontology."""

    name: str
    zh: str
    en: str
    definition: str
    parents: tuple[str, ...] = ()  # superclasses / superproperties, as "org:Post" or "plan:Task"
    domain: str | None = None
    range: str | None = None
    inverse: str | None = None
    characteristics: tuple[str, ...] = ()  # "transitive", "symmetric", "functional"


@dataclass(frozen=True)
class Concept:
    """One SKOS concept of a plankg concept scheme."""

    name: str
    zh: str
    en: str
    definition: str
    alt_zh: tuple[str, ...] = ()
    broader: str | None = None
    extra: dict[str, object] = field(default_factory=dict)  # e.g. {"chainRank": 1}


CLASSES: list[Term] = [
    # -- the text of a plan
    Term("WorkPlan", "工作计划", "work plan",
         "A government work plan (工作要点/工作计划) for one body and period: the document as a plan of action.",
         ("prov:Plan",)),
    Term("Pillar", "工作板块", "pillar",
         "A top-level part of a work plan, headed by a Chinese ordinal such as 一、, grouping work items.",
         ("prov:Plan",)),
    Term("WorkItem", "工作条目", "work item",
         "A numbered item of a work plan (1. / 1、 / (一)): a heading sentence followed by its tasks.",
         ("prov:Plan",)),
    Term("Task", "工作任务", "task",
         "One sentence of a work item after its heading: a single commitment, duty or measure of the plan.",
         ("prov:Plan",)),
    Term("TextSpan", "原文片段", "text span",
         "An exact character span of the plan's source file (Unicode code points, end exclusive) "
         "that states a fact; the evidence an auditor checks.",
         ("oa:SpecificResource",)),
    Term("CitedDocument", "引用文件", "cited document",
         "A document the plan cites by its title in 《》: a law, regulation, plan, standard or opinion.",
         ("prov:Entity", "foaf:Document")),
    Term("Annex", "附件", "annex", "An annex the plan announces (附件), such as a task breakdown table.",
         ("prov:Entity",)),
    # -- agents
    Term("GovernmentBody", "政府机关", "government body",
         "A people's government, ministry or other state organ that is not an education authority.",
         ("org:FormalOrganization",)),
    Term("EducationAuthority", "教育行政部门", "education authority",
         "A government body administering education in a territory: the ministry, a provincial department, "
         "a city or county education bureau.",
         ("org:FormalOrganization",)),
    Term("Department", "科室", "department",
         "An internal section of an education authority or school (科, 室, 办公室).",
         ("org:OrganizationalUnit",)),
    Term("School", "学校", "school",
         "A school or kindergarten: primary, secondary, vocational or special education.",
         ("org:FormalOrganization",)),
    Term("VocationalSchool", "职业学校", "vocational school",
         "A secondary vocational school (职高, 职业技术学校, 职业中学, 建校).", ("plan:School",)),
    Term("HigherEducationInstitution", "高等院校", "higher education institution",
         "A university, college, vocational college or TV university (大学, 学院, 电大).",
         ("org:FormalOrganization",)),
    Term("Facility", "教育设施", "education facility",
         "An institution-like facility such as a practice base (实践基地) or a community university.",
         ("org:FormalOrganization",)),
    Term("Alliance", "联盟", "alliance", "A collaboration of education bodies (联盟, 集团化办学).",
         ("org:OrganizationalCollaboration",)),
    Term("Team", "工作团队", "team",
         "A team formed for a task, of experts or officials sent or assigned together (专家服务团, 工作队, "
         "工作组, 工作专班, 督导组).", ("org:Organization",)),
    Term("Company", "企业", "company", "A business enterprise (集团, 公司).", ("org:FormalOrganization",)),
    Term("Hospital", "医疗卫生机构", "health institution",
         "A hospital, health centre, clinic or disease-control centre (医院, 卫生院, 保健院, 疾病预防控制中心).",
         ("org:FormalOrganization",)),
    Term("PartyOrgan", "党组织", "party organ",
         "A body of the Communist Party inside or beside a government body (党组, 党委, 机关党委, 纪检组, 市委).",
         ("org:FormalOrganization",)),
    Term("PublicInstitution", "事业单位", "public institution",
         "A public service unit of a government body (中心, 研究院, 站, 支队) that is not a school or hospital.",
         ("org:FormalOrganization",)),
    Term("AgentGroup", "责任主体类别", "agent group",
         "A collective the plan names as bearer of a duty without naming its members, "
         "e.g. 学校 (schools), 教育行政部门 (education authorities), 其他局领导 (the other bureau leaders).",
         ("prov:Agent", "foaf:Group")),
    # -- places
    Term("Place", "地点", "place", "A geographic place the plan refers to.", ("prov:Location",)),
    Term("AdministrativeArea", "行政区", "administrative area",
         "A place that is an administrative division of China.", ("plan:Place",)),
    Term("City", "市", "city", "A prefecture-level city (地级市) or county-level city.",
         ("plan:AdministrativeArea",)),
    Term("District", "区", "district", "A city district (市辖区).", ("plan:AdministrativeArea",)),
    Term("County", "县", "county", "A county (县).", ("plan:AdministrativeArea",)),
    Term("Township", "乡镇", "township", "A township, town or subdistrict (乡, 镇, 街道).", ("plan:AdministrativeArea",)),
    Term("Province", "省级行政区", "province",
         "A province, autonomous region or municipality directly under the central government.",
         ("plan:AdministrativeArea",)),
    Term("DevelopmentZone", "开发区", "development zone",
         "A development zone, high-tech zone or industrial park with its own administration (开发区, 高新区, 园区).",
         ("plan:AdministrativeArea",)),
    # -- work and programmes
    Term("WorkArea", "工作领域", "work area",
         "A line of work a responsibility is about, e.g. 安全稳定工作 (safety and stability work).",
         ("prov:Activity",)),
    Term("Programme", "项目计划", "programme",
         "A named programme, project, plan or campaign the plan commits to (计划, 工程, 项目, 活动).",
         ("prov:Activity",)),
    Term("PilotProgramme", "试点", "pilot programme",
         "A programme run first in selected places or units (试点, 实验区).", ("plan:Programme",)),
    Term("DemonstrationProgramme", "示范创建", "demonstration programme",
         "A programme that selects or builds model units (示范, 特色, 先进).", ("plan:Programme",)),
    Term("ConstructionProject", "建设工程", "construction project",
         "A building project with phases and milestones (工程, 建设).", ("plan:Programme",)),
    Term("Participation", "参与", "participation",
         "The n-ary fact that a place or body takes part in a programme in a role (e.g. 省级试点市).",
         ("prov:Influence",)),
    # -- commitments
    Term("Responsibility", "责任", "responsibility",
         "A duty assigned by the plan: who holds it, of which type, over what scope, for which task, "
         "with the sentence that states it.",
         ("prov:Association",)),
    Term("Commitment", "量化承诺", "quantified commitment",
         "Every quantity the plan commits to, once or at a cadence: its targets and its recurring duties.",
         ("prov:Entity",)),
    Term("Target", "量化目标", "target",
         "A quantity the plan commits to: value, unit, what is counted, modality and deadline.",
         ("plan:Commitment",)),
    Term("Milestone", "时间节点", "milestone",
         "A dated event the plan schedules for a body or project, e.g. 二期工程5月份开工.",
         ("prov:Entity",)),
    Term("Recurrence", "周期性要求", "recurring duty",
         "A duty the plan requires at a cadence (每周, 每月, 每天), with its count per period.",
         ("plan:Commitment",)),
    Term("Mention", "提及", "mention",
         "A place, body or programme named in a task, with the surface form and its span.",
         ("prov:Entity",)),
]

DISJOINT: list[tuple[str, ...]] = [
    ("plan:WorkPlan", "plan:Pillar", "plan:WorkItem", "plan:Task", "plan:TextSpan", "plan:CitedDocument"),
    ("plan:Place", "prov:Agent"),
    ("plan:Place", "plan:Responsibility", "plan:Target", "plan:Milestone"),
    ("plan:School", "plan:EducationAuthority", "plan:GovernmentBody", "plan:HigherEducationInstitution",
     "plan:Company"),
    ("plan:City", "plan:District", "plan:County", "plan:Township"),
    ("org:Post", "plan:Place"),
]

OBJECT_PROPERTIES: list[Term] = [
    # structure
    Term("hasPillar", "包含板块", "has pillar", "A work plan's pillar.", ("dcterms:hasPart",),
         "plan:WorkPlan", "plan:Pillar", "plan:pillarOf"),
    Term("pillarOf", "所属计划", "pillar of", "The work plan a pillar belongs to.", ("dcterms:isPartOf",),
         "plan:Pillar", "plan:WorkPlan"),
    Term("hasItem", "包含条目", "has item", "A pillar's numbered work item.", ("dcterms:hasPart",),
         "plan:Pillar", "plan:WorkItem", "plan:inPillar"),
    Term("inPillar", "所属板块", "in pillar", "The pillar a work item belongs to.", ("dcterms:isPartOf",),
         "plan:WorkItem", "plan:Pillar"),
    Term("hasTask", "包含任务", "has task", "A work item's task (one sentence).", ("dcterms:hasPart",),
         "plan:WorkItem", "plan:Task", "plan:taskOf"),
    Term("taskOf", "所属条目", "task of", "The work item a task belongs to.", ("dcterms:isPartOf",),
         "plan:Task", "plan:WorkItem"),
    Term("inPlan", "所属工作计划", "in plan", "The work plan any of its parts or facts comes from.",
         (), None, "plan:WorkPlan"),
    Term("hasAnnex", "附件", "has annex", "An annex a work plan announces.", (), "plan:WorkPlan", "plan:Annex"),
    # provenance
    Term("evidence", "原文依据", "evidence",
         "The exact span of the source text that states this fact.", (), None, "plan:TextSpan"),
    Term("statedIn", "出处条目", "stated in",
         "The work item whose text states this fact.", (), None, "plan:WorkItem", "plan:states"),
    Term("states", "陈述", "states", "A fact stated in this work item.", (), "plan:WorkItem"),
    Term("inTask", "出处任务", "in task",
         "The task (sentence) whose text states this fact or contains this span.", (), None, "plan:Task"),
    Term("spanOf", "片段所属", "span of", "The document or item a text span is cut from.", ()),
    Term("basis", "依据类型", "basis",
         "How the fact was obtained: stated in the text, normalised, derived by a rule, or curated.",
         (), None, "skos:Concept"),
    # mentions and citations
    Term("mentions", "提及", "mentions", "A place, body, programme or document named in this text.",
         (), None, None, "plan:mentionedIn"),
    Term("mentionedIn", "被提及于", "mentioned in", "A text (task or item) that names this thing.", ()),
    Term("mentionsPlace", "提及地点", "mentions place", "A place named in this text.",
         ("plan:mentions", "dcterms:spatial"), None, "plan:Place"),
    Term("mentionsAgent", "提及机构", "mentions agent", "A body, post or group named in this text.",
         ("plan:mentions",), None, "prov:Agent"),
    Term("mentionsProgramme", "提及项目", "mentions programme", "A programme named in this text.",
         ("plan:mentions",), None, "plan:Programme"),
    Term("cites", "引用", "cites", "A document this text cites in 《》.", ("dcterms:references",),
         None, "plan:CitedDocument", "plan:citedIn"),
    Term("citedIn", "被引用于", "cited in", "A text that cites this document.", ("dcterms:isReferencedBy",),
         "plan:CitedDocument"),
    Term("mentionOf", "提及对象", "mention of", "The thing a mention refers to.", (), "plan:Mention"),
    # responsibilities
    Term("holder", "责任主体", "holder",
         "The post, body or group that bears a responsibility.", ("prov:agent",),
         "plan:Responsibility", "prov:Agent", "plan:holdsResponsibility"),
    Term("holdsResponsibility", "承担责任", "holds responsibility",
         "A responsibility this post, body or group bears.", (), "prov:Agent", "plan:Responsibility"),
    Term("responsibilityType", "责任类型", "responsibility type",
         "The kind of responsibility, from the plankg responsibility-type scheme.", ("prov:hadRole",),
         "plan:Responsibility", "skos:Concept"),
    Term("forTask", "责任任务", "for task", "The task a responsibility is assigned for.", (),
         "plan:Responsibility", "plan:Task", "plan:hasResponsibility"),
    Term("hasResponsibility", "任务责任", "has responsibility", "A responsibility assigned for this task.",
         (), "plan:Task", "plan:Responsibility"),
    Term("forWork", "责任领域", "for work", "The line of work a responsibility is about.",
         (), "plan:Responsibility", "prov:Activity"),
    Term("scope", "责任范围", "scope",
         "The units, group or place over which a responsibility is held (e.g. the schools a leader liaises with).",
         (), "plan:Responsibility"),
    Term("scopeCategory", "范围类别", "scope category",
         "The kind of unit a responsibility covers (直属学校, 县区 ...), from the unit-type scheme.",
         (), "plan:Responsibility", "skos:Concept"),
    Term("underRule", "依据规定", "under rule",
         "The rule that imposes a responsibility, e.g. 一岗双责.", (), "plan:Responsibility", "skos:Concept"),
    Term("answersTo", "向上负责", "answers to",
         "The next responsibility up the chain to which this one answers (具体工作 -> 直接领导 -> 第一责任).",
         ("plan:answersToTransitively",), "plan:Responsibility", "plan:Responsibility",
         "plan:oversees"),
    Term("oversees", "领导", "oversees", "A responsibility one step down the chain from this one.",
         (), "plan:Responsibility", "plan:Responsibility"),
    Term("answersToTransitively", "逐级负责", "answers to (transitively)",
         "Any responsibility above this one in its chain.", (), "plan:Responsibility",
         "plan:Responsibility", None, ("transitive",)),
    Term("pairedDuty", "双责对应", "paired duty",
         "Under 一岗双责, the line-of-work duty and the safety duty held by the same post.",
         (), "plan:Responsibility", "plan:Responsibility", None, ("symmetric",)),
    # derived by property chains (see model.CHAINS)
    Term("responsibleAgent", "责任主体(推导)", "responsible agent",
         "A post, body or group that answers for this task or item (derived from its responsibilities).",
         ("prov:wasAssociatedWith",), None, "prov:Agent"),
    Term("accountableTo", "对其负责", "accountable to",
         "The holder of a responsibility one step up the chain (derived: holder -> answersTo -> holder).",
         (), "prov:Agent", "prov:Agent"),
    # organisations
    Term("subGroupOf", "所属类别", "sub-group of",
         "A wider group every member of this group belongs to (市直属学校 -> 学校).", (),
         "plan:AgentGroup", "plan:AgentGroup", None, ("transitive",)),
    Term("liaisesWith", "联系", "liaises with",
         "A unit, group of units or territory a post (or each post of a group of leaders) is assigned to "
         "liaise with (联系直属学校/县区).", ()),
    Term("inChargeOf", "分管", "in charge of", "A line of work or department a post is in charge of (分管).",
         (), "org:Post"),
    Term("jurisdiction", "管辖区域", "jurisdiction",
         "The territory a government body or education authority administers.", ("dcterms:spatial",),
         "org:FormalOrganization", "plan:Place"),
    Term("locatedIn", "所在地", "located in", "The place where a body is located.", ("dcterms:spatial",),
         None, "plan:Place"),
    Term("withinPlace", "隶属", "within place",
         "The larger administrative area a place belongs to.", (), "plan:Place", "plan:Place", None,
         ("transitive",)),
    Term("renamedTo", "更名为", "renamed to", "The new name-bearer of a body the plan says is to be renamed.",
         (), "org:Organization", "org:Organization"),
    # programmes
    Term("programme", "所属项目", "programme", "The programme of a participation.", (),
         "plan:Participation", "plan:Programme", "plan:hasParticipation"),
    Term("hasParticipation", "参与记录", "has participation", "A participation in this programme.",
         (), "plan:Programme", "plan:Participation"),
    Term("participant", "参与者", "participant", "The place or body that takes part.", (),
         "plan:Participation", None, "plan:takesPart"),
    Term("takesPart", "参与记录(参与者)", "takes part", "A participation of this place or body.", (), None, "plan:Participation"),
    Term("participantRole", "参与角色", "participant role", "The role in the programme, e.g. 省级试点县.",
         (), "plan:Participation", "skos:Concept"),
    Term("participatesIn", "参与项目", "participates in",
         "A programme this place or body takes part in (derived from participations).", (), None,
         "plan:Programme"),
    Term("level", "级别", "level", "The administrative level of a programme or title (国家级/省级/市级).",
         (), None, "skos:Concept"),
    # targets, milestones, recurrences
    Term("hasTarget", "量化目标", "has target", "A target stated in this task.", (), "plan:Task",
         "plan:Target", "plan:targetOf"),
    Term("targetOf", "目标所属任务", "target of", "The task that states this target.", (),
         "plan:Target", "plan:Task"),
    Term("hasMilestone", "时间节点", "has milestone", "A milestone stated in this task.", (), "plan:Task",
         "plan:Milestone", "plan:milestoneOf"),
    Term("milestoneOf", "节点所属任务", "milestone of", "The task that states this milestone.", (),
         "plan:Milestone", "plan:Task"),
    Term("hasRecurrence", "周期性要求", "has recurring duty", "A recurring duty stated in this task.", (),
         "plan:Task", "plan:Recurrence", "plan:recurrenceOf"),
    Term("recurrenceOf", "周期要求所属任务", "recurring duty of", "The task that states this recurring duty.",
         (), "plan:Recurrence", "plan:Task"),
    Term("concerns", "涉及", "concerns", "The body, place or programme a target or milestone is about.", ()),
    Term("modality", "承诺强度", "modality", "How strongly the plan commits: 必须, 确保, 力争, 要, 探索.",
         (), None, "skos:Concept"),
    Term("dueBy", "截止时间", "due by", "The instant by which a target or milestone is due (end of the period).",
         (), None, "time:Instant"),
    Term("duringPeriod", "所在时段", "during period",
         "The period of the year a target, milestone or duty falls in, when the plan names one "
         "(2015年秋季, 上半年, 第三季度); plan:dueBy keeps its last day to sort by.", (), None,
         "time:ProperInterval"),
    Term("periodKind", "时段类型", "period kind",
         "Which part of a year a period is (spring, the first half, the third quarter ...).", (),
         "time:ProperInterval", "skos:Concept"),
    Term("cadence", "频次", "cadence", "How often a recurring duty recurs (每周, 每月 ...).", (), None,
         "skos:Concept"),
    Term("hasPublisher", "发文机关", "issued by", "The body that issued a cited document.",
         ("dcterms:publisher",), "plan:CitedDocument", "prov:Agent"),
]

DATA_PROPERTIES: list[Term] = [
    Term("number", "序号", "number", "The number of a pillar (1-7) or work item (1-45) as printed.",
         (), None, "xsd:integer"),
    Term("text", "原文", "text", "The full text of a plan, pillar, item or task as in the source.",
         (), None, "xsd:string"),
    Term("start", "起始位置", "start offset",
         "Offset of a span's first character in the source file (Unicode code points, from 0).",
         ("oa:start",), "plan:TextSpan", "xsd:integer", None, ("functional",)),
    Term("end", "结束位置", "end offset",
         "Offset just past a span's last character (code points, end exclusive).",
         ("oa:end",), "plan:TextSpan", "xsd:integer", None, ("functional",)),
    Term("quote", "原文引文", "quote", "The exact text of a span, as in the source file.",
         ("oa:exact",), "plan:TextSpan", "xsd:string"),
    Term("value", "数值", "value", "The number of a target, as a plain number (13亿 -> 1300000000).",
         (), "plan:Target", "xsd:decimal"),
    Term("unitText", "单位", "unit", "The unit or classifier of a target as written (套, 台, 所, 元 ...).",
         (), None, "xsd:string"),
    Term("counts", "计量对象", "counts", "What a target counts, e.g. 多媒体教学设备.", (), None, "xsd:string"),
    Term("deadlineText", "时限原文", "deadline text", "The deadline as written (5月份, 全年, 2015年秋季).",
         (), None, "xsd:string"),
    Term("event", "节点事件", "event", "What happens at a milestone (开工, 竣工, 启动, 搬迁 ...).", (), "plan:Milestone",
         "xsd:string"),
    Term("phase", "工程阶段", "phase", "The project phase a milestone is about (一期工程, 二期工程 ...).",
         (), "plan:Milestone", "xsd:string"),
    Term("countPerPeriod", "每期次数", "count per period", "How many times or units per cadence period.",
         (), "plan:Recurrence", "xsd:decimal"),
    Term("surfaceForm", "原文形式", "surface form", "A name as written in the text, before normalisation.",
         (), None, "xsd:string"),
    Term("sha256", "SHA-256", "SHA-256", "The SHA-256 digest of the source file's bytes.", (),
         "plan:WorkPlan", "xsd:string"),
    Term("chainRank", "责任层级", "chain rank",
         "The position of a responsibility type in the accountability chain (1 = first responsible).",
         (), "skos:Concept", "xsd:integer"),
    Term("duration", "周期", "period", "The length of a cadence's period as an xsd:duration.", (),
         "skos:Concept", "xsd:string"),
    Term("year", "年度", "year", "The year a work plan is for.", (), "plan:WorkPlan", "xsd:gYear"),
    Term("divisionCode", "行政区划代码", "division code", "The GB/T 2260 administrative division code.",
         (), "plan:AdministrativeArea", "xsd:string"),
]

# Property chains that make "who answers for this?" follow from the data (non-recursive, OWL RL safe).
CHAINS: list[tuple[str, tuple[str, ...]]] = [
    ("responsibleAgent", ("hasResponsibility", "holder")),
    ("responsibleAgent", ("states", "holder")),
    ("accountableTo", ("holdsResponsibility", "answersTo", "holder")),
    ("participatesIn", ("takesPart", "programme")),
]

SCHEMES: dict[str, tuple[str, str, str, list[Concept]]] = {
    "ResponsibilityTypes": ("责任类型", "responsibility types", "Kinds of responsibility a work plan assigns.", [
        Concept("FirstResponsibility", "第一责任", "first responsibility",
                "The head who answers first and overall for a line of work in a region or body.",
                ("第一责任人",), None, {"chainRank": 1}),
        Concept("DirectLeadershipResponsibility", "直接领导责任", "direct leadership responsibility",
                "The deputy in charge who leads the work directly and answers to the first responsible.",
                (), None, {"chainRank": 2}),
        Concept("SpecificWorkResponsibility", "具体工作责任", "specific work responsibility",
                "The department that carries out the work and answers to the leader in charge.",
                (), None, {"chainRank": 3}),
        Concept("DualDutySafetyResponsibility", "一岗双责安全责任", "one-post-two-duties safety responsibility",
                "The safety and stability duty a leader holds, besides their own line of work, for the units "
                "they liaise with (一岗双责).", (), None, {"chainRank": 2}),
        Concept("DirectManagementResponsibility", "直管责任", "direct management responsibility",
                "Under 一岗双责, a leader's duty of direct management for the directly-affiliated schools "
                "they liaise with.", (), "DualDutySafetyResponsibility", {"chainRank": 2}),
        Concept("GuidanceInspectionResponsibility", "指导督查责任", "guidance and inspection responsibility",
                "Under 一岗双责, a leader's duty to guide and inspect the districts and counties they liaise with.",
                (), "DualDutySafetyResponsibility", {"chainRank": 2}),
        Concept("LineOfWorkResponsibility", "业务工作责任", "line-of-work responsibility",
                "The duty for one's own line of work (管业务), the first of the two duties of 一岗双责.",
                ("管业务",), None, {"chainRank": 2}),
        Concept("PrincipalResponsibility", "主体责任", "principal responsibility",
                "The duty of the bodies that do the work (schools) to make it happen.", (), None,
                {"chainRank": 4}),
        Concept("SupervisoryResponsibility", "监管责任", "supervisory responsibility",
                "The duty of the administrations (教育行政部门) to supervise those that hold principal "
                "responsibility.", (), None, {"chainRank": 3}),
        Concept("ImplementationResponsibility", "落实责任", "implementation responsibility",
                "The duty of a named body to carry out a task of the plan (the task's subject).", (), None,
                {"chainRank": 5}),
        Concept("LeadResponsibility", "牵头责任", "lead responsibility",
                "In a task breakdown (任务分解), the unit or leader named 牵头单位/牵头领导: it leads the task and "
                "answers for it.", ("牵头单位", "牵头领导"), None, {"chainRank": 3}),
        Concept("CoResponsibility", "责任单位责任", "co-responsibility",
                "In a task breakdown, a unit named 责任单位: it carries out the task under the lead unit.",
                ("责任单位",), None, {"chainRank": 4}),
        Concept("SupportResponsibility", "配合责任", "supporting responsibility",
                "In a task breakdown, a unit named 配合单位 or 协办单位: it supports the lead unit.",
                ("配合单位", "协办单位"), None, {"chainRank": 5}),
        Concept("GuidanceResponsibility", "指导责任", "guidance responsibility",
                "The duty to guide or support another body in a task (指导, 支持).", (), None, {"chainRank": 5}),
    ]),
    "Modalities": ("承诺强度", "modalities", "How strongly the plan commits to something.", [
        Concept("Must", "必须", "must", "An obligation without exception."),
        Concept("Ensure", "确保", "ensure", "A commitment to guarantee an outcome."),
        Concept("Strive", "力争", "strive", "An aim the plan strives for without guaranteeing it."),
        Concept("Should", "要", "should", "A requirement stated with 要."),
        Concept("Explore", "探索", "explore", "An intent to try out or explore."),
        Concept("Prohibit", "不准", "prohibited", "A prohibition (不准, 严禁, 不得).", ("严禁", "不得")),
        Concept("Plan", "计划", "planned", "A planned action stated without a modal word."),
    ]),
    "Levels": ("级别", "levels", "Administrative levels of programmes and titles.", [
        Concept("National", "国家级", "national", "Run or recognised at national level.", ("国家", "全国")),
        Concept("Provincial", "省级", "provincial", "Run or recognised at provincial level.", ("省",)),
        Concept("Municipal", "市级", "municipal", "Run or recognised at city level.", ("市",)),
        Concept("CountyLevel", "县级", "county level", "Run or recognised at county level.", ("县",)),
    ]),
    "Roles": ("角色", "roles", "Roles of posts and of participants in programmes.", [
        Concept("BureauDirector", "局长", "bureau director", "The head of an education bureau."),
        Concept("DeputyDirector", "副局长", "deputy director", "A deputy head of an education bureau."),
        Concept("BureauLeader", "局领导", "bureau leader", "A member of a bureau's leadership."),
        Concept("SchoolPrincipal", "校长", "school principal", "The head of a school or kindergarten.",
                ("园长",)),
        Concept("ResponsibleInspector", "责任督学", "responsible school inspector",
                "An inspector assigned to a set of schools (责任督学挂牌督导)."),
        Concept("SafetyOfficeHead", "安办主任", "head of safety office", "The head of a school's safety office."),
        Concept("SchoolSafetyLeader", "分管安全工作校领导", "school leader in charge of safety",
                "The school leader in charge of safety work."),
        Concept("Spokesperson", "新闻发言人", "spokesperson", "A body's official spokesperson."),
        Concept("ClassTeacher", "班主任", "class teacher", "A teacher in charge of a class."),
        Concept("Leader", "领导职务", "leader", "A leading post of a body (书记, 局长, 主任, 县长, 班子成员 ...)."),
        Concept("StaffRole", "工作人员", "staff", "Staff the plan assigns work to (教师, 医生, 干部, 执法人员, 网格员 ...)."),
        Concept("TargetGroup", "工作对象", "target group",
                "People the plan addresses or serves (离退休干部, 留守儿童, 残疾人, 退役军人 ...)."),
        Concept("PilotCity", "试点市", "pilot city", "A city taking part in a pilot programme."),
        Concept("PilotCountyDistrict", "试点区县", "pilot district or county",
                "A district or county taking part in a pilot programme.", ("试点县", "试点区")),
        Concept("PilotSchool", "试点学校", "pilot school", "A school taking part in a pilot programme."),
        Concept("ModelUnit", "示范单位", "model unit", "A unit selected or built as a model (示范校)."),
        Concept("EvaluatedUnit", "受评单位", "evaluated unit", "A unit that is to be evaluated or inspected."),
    ]),
    "UnitTypes": ("单位类别", "unit types", "Kinds of units a responsibility can cover.", [
        Concept("DirectlyAffiliatedSchool", "直属学校", "directly-affiliated school",
                "A school directly under the city education bureau.", ("市直属学校",)),
        Concept("CountyDistrict", "县区", "district or county",
                "A district or county and its education bureau.", ("区县",)),
        Concept("SchoolUnit", "学校", "school", "Any school."),
        Concept("AdministrationUnit", "教育行政部门", "education administration", "Any education authority."),
        Concept("Region", "区域", "region", "The whole territory of the authority."),
    ]),
    "Rules": ("责任规定", "rules", "Rules of accountability the plan invokes.", [
        Concept("YiGangShuangZe", "一岗双责", "one post, two duties",
                "Every leader answers for their own line of work and for safety and stability in the units "
                "they liaise with."),
        Concept("GuanYeWuGuanAnQuan", "管业务必须管安全", "who manages the work manages its safety",
                "Whoever is in charge of a line of work is also in charge of its safety."),
    ]),
    "PeriodKinds": ("时段类型", "period kinds", "Parts of a year a plan schedules work by.", [
        Concept("Spring", "春季", "spring", "March to May.", ("春",)),
        Concept("Summer", "夏季", "summer", "June to August.", ("夏",)),
        Concept("Autumn", "秋季", "autumn", "September to November (also the autumn school term).",
                ("秋",)),
        Concept("Winter", "冬季", "winter", "December to February of the next year.", ("冬",)),
        Concept("FirstHalfYear", "上半年", "first half of the year", "January to June.", ()),
        Concept("SecondHalfYear", "下半年", "second half of the year", "July to December.", ()),
        Concept("FirstQuarter", "第一季度", "first quarter", "January to March.", ("一季度",)),
        Concept("SecondQuarter", "第二季度", "second quarter", "April to June.", ("二季度",)),
        Concept("ThirdQuarter", "第三季度", "third quarter", "July to September.", ("三季度",)),
        Concept("FourthQuarter", "第四季度", "fourth quarter", "October to December.", ("四季度",)),
    ]),
    "Cadences": ("频次", "cadences", "How often a recurring duty recurs.", [
        Concept("Daily", "每天", "daily", "Every day.", ("天天",), None, {"duration": "P1D"}),
        Concept("Weekly", "每周", "weekly", "Every week.", ("周周",), None, {"duration": "P7D"}),
        Concept("Fortnightly", "每2周", "every two weeks", "Every two weeks.", ("每两周",), None,
                {"duration": "P14D"}),
        Concept("Monthly", "每月", "monthly", "Every month.", (), None, {"duration": "P1M"}),
        Concept("PerTerm", "每学期", "every term", "Every school term.", (), None, {"duration": "P6M"}),
        Concept("Yearly", "每年", "yearly", "Every year.", (), None, {"duration": "P1Y"}),
    ]),
    "Bases": ("依据类型", "bases of facts", "How a fact of the graph was obtained from the plan.", [
        Concept("Stated", "原文明示", "stated", "The text states the fact in the cited span."),
        Concept("Normalised", "规范化", "normalised",
                "The text states the fact with a short or variant name, normalised to the full official name."),
        Concept("DerivedByRule", "规则推导", "derived by rule",
                "Derived from stated facts by a documented rule (e.g. the order of a responsibility chain)."),
        Concept("Curated", "人工审核", "curated", "Added from the reviewed curation file, with its quote."),
        Concept("ImpliedIssuer", "发文机关默认", "implied issuer",
                "The text names no body for the task, so the plan's issuing authority is taken to answer for it."),
    ]),
}

PREFIXES: dict[str, str] = {
    "org": ORG, "prov": PROV, "skos": SKOS, "dcterms": DCTERMS, "time": TIME, "oa": OA, "foaf": FOAF,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}

# Every prefix the project writes (answers, dumps, pages): plan:, rdf:, the reused vocabularies.
ALL_PREFIXES: dict[str, str] = {
    "plan": ONTOLOGY_NS, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", **PREFIXES,
    "vann": "http://purl.org/vocab/vann/",
}

# Axioms of the reused vocabularies that reasoning needs (copied from the W3C specs, not redefined).
EXTERNAL_SUBCLASSES: list[tuple[str, str]] = [
    ("org:FormalOrganization", "org:Organization"),
    ("org:OrganizationalUnit", "org:Organization"),
    ("org:OrganizationalCollaboration", "org:Organization"),
    ("org:Organization", "prov:Agent"),
    ("org:Organization", "foaf:Agent"),
    ("org:Post", "prov:Agent"),
    ("prov:Plan", "prov:Entity"),
    ("prov:Association", "prov:Influence"),
    ("foaf:Group", "foaf:Agent"),
]
