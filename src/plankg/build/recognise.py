"""Entity recognition: places, organisations, posts and groups named in a plan, with normalised names.

Rules, not a list per plan: gazetteer names (and their short forms), organisation names found by
their endings (学校, 学院, 职高 ...) starting at a place name or at 市, departments named after their
authority (市教育局安全信访科), posts by pattern. Each mention keeps its surface form and span.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pypinyin import lazy_pinyin

from plankg.build import divisions as D

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


# -- generic recognition tables: the genre's name endings and words, not names seen in one plan
def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _in_title(text: str, pos: int) -> bool:
    """True inside 《…》: a title is a name, not a mention of what it names."""
    return text.count("《", 0, pos) > text.count("》", 0, pos)


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[“《][^”》\n]*[”》]", text)]


# a one-character-core county (高县, 威县, 嵩县) is read only after a boundary or one of these
_PLACE_LEFT_OK = set("在和与及对到至由向从、")
_ONE_CHAR_BLOCK = set("域城级委直属内情")
_AREA_RE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:(?P<zone>经济技术开发区|高新技术产业开发区|经济开发区|高新区|开发区|"
                      r"工业园区|产业园区|工业园|产业园)|(?P<town>街道(?!办)|镇(?![长村])|乡(?![镇村长贤土])))")
_AREA_CORE_BLOCK = set("乡镇村城各全每本该级省市县区个所名家户")
_AREA_GENERIC = {"卫生", "特色", "重点", "中心", "集镇", "城镇", "农村", "美丽", "全域", "小城", "示范", "历史文化",
                 "生态", "园林", "森林", "文明", "旅游", "城郊", "边远", "贫困", "家", "家乡", "返乡", "下乡"}

# name endings of bodies -> (class, strong): a strong ending makes a name even after a verb (组建X联盟)
_BODY_SUFFIXES: dict[str, tuple[str, bool]] = {
    "有限责任公司": ("Company", True), "股份有限公司": ("Company", True), "有限公司": ("Company", True),
    "公司": ("Company", True), "集团": ("Company", True), "联盟": ("Alliance", True),
    "人民政府": ("GovernmentBody", False), "政府": ("GovernmentBody", False),
    "纪检监察组": ("PartyOrgan", False), "纪检组": ("PartyOrgan", False), "机关党委": ("PartyOrgan", False),
    "党工委": ("PartyOrgan", False), "党委": ("PartyOrgan", False), "党组": ("PartyOrgan", False),
    "市委": ("PartyOrgan", False), "县委": ("PartyOrgan", False), "区委": ("PartyOrgan", False),
    "省委": ("PartyOrgan", False),
    "领导小组办公室": ("GovernmentBody", False), "领导小组": ("GovernmentBody", False),
    "委员会": ("GovernmentBody", False), "办公室": ("Department", False), "研究室": ("Department", False),
    "督导室": ("Department", False), "教研室": ("Department", False), "室": ("Department", False),
    "办": ("Department", False), "科": ("Department", False), "股": ("Department", False), "处": ("Department", False),
    "局": ("GovernmentBody", False), "厅": ("GovernmentBody", False), "委": ("GovernmentBody", False),
    "部": ("GovernmentBody", False),
    "人民医院": ("Hospital", True), "医院": ("Hospital", True), "卫生院": ("Hospital", True),
    "保健院": ("Hospital", True), "疾病预防控制中心": ("Hospital", False), "疾控中心": ("Hospital", False),
    "仲裁院": ("PublicInstitution", False), "法院": ("GovernmentBody", False), "检察院": ("GovernmentBody", False),
    "设计院": ("PublicInstitution", False), "科学院": ("PublicInstitution", False),
    "研究院": ("PublicInstitution", True), "研究所": ("PublicInstitution", False), "中心": ("PublicInstitution", False),
    "支队": ("PublicInstitution", False), "大队": ("PublicInstitution", False), "站": ("PublicInstitution", False),
    "矿": ("Company", False), "工作室": ("Facility", False),
    "服务团": ("Team", True), "服务队": ("Team", True), "工作队": ("Team", True), "工作组": ("Team", True),
    "工作专班": ("Team", True), "专班": ("Team", True), "督导组": ("Team", True), "督查组": ("Team", True),
    "检查组": ("Team", True),
    "大学": ("HigherEducationInstitution", True), "学院": ("HigherEducationInstitution", True),
    "职业技术学院": ("HigherEducationInstitution", True), "高级中学": ("School", True), "中学校": ("School", True),
    "小学校": ("School", True), "中学": ("School", True),
    "小学": ("School", True), "学校": ("School", True), "幼儿园": ("School", True), "高中": ("School", False),
    "职业学校": ("VocationalSchool", True), "职业技术学校": ("VocationalSchool", True),
}
_CONNECTOR_OK = {"局", "委", "委员会", "科", "厅", "办", "室", "办公室", "中心", "股", "处", "部"}
_GENERIC_INSIDE = re.compile("示范|特色|先进|优质|民办|公办|普惠|薄弱|中小学|义务教育|各级|各类|试点|标准化|阶段|"
                             "一流|高水平|星级|等级")
# a level word right after these is part of another word (地区, 城区, 社区, 区县), not a place of the plan
_LEVEL_WORD_BEFORE = {"区": "地城社园山景辖片新市县矿校学街郊灾战", "县": "区郡", "市": "城都超门集股", "州": "神九"}
_GENERIC_SECTIONS = {"办公室", "研究室", "督导室", "教研室", "机关党委", "党组", "纪检组", "纪检监察组", "党委", "办"}
_SECTION_SUFFIXES = {"办公室", "研究室", "督导室", "教研室", "室", "办", "科", "股", "处", "机关党委", "党组", "纪检组",
                     "纪检监察组", "党委"}
_BODY_SUFFIX_RE = re.compile("|".join(sorted(map(re.escape, _BODY_SUFFIXES), key=len, reverse=True)))
# an ending followed by these is part of a longer word (科学, 局面, 委托, 办法, 站点, 中心城区 ...)
_BODY_CONTINUES = {"科学", "科技", "科研", "局面", "委托", "办法", "办理", "办学", "办园", "站点", "中心城", "部署",
                   "部门", "处理", "处置", "处罚", "室内", "股份", "公司化", "政府采", "高中阶", "学校安", "中学生",
                   "小学生", "大学生", "厅局", "委员", "集团化", "院校", "医院感", "科级", "处级", "股级", "局级",
                   "站位", "中心校", "部分", "办好", "办实", "办事", "办成", "处于", "局长", "科城", "科普", "处室"}
_BODY_BOUNDARY = set(",，;；:：。、()（）“”\"《》 \u3000\n!！?？")
# words of official names that hold a verb (组织人事科, 住房和城乡建设局, 发展和改革委员会)
_NAME_WORDS = re.compile("组织人事|组织部|城乡建设|规划建设|建设管理|建设发展|发展和改革|发展改革|发展规划|发展研究|"
                         "服务中心|促进中心|推进办|落实办|督查室|督查办|创建办|规范化")
_LEAD_RE = re.compile(r"(?:[一二三四五六七八九十]+是|其中|由|对|在|和|与|及|会同|配合|联合|协调|支持|指导|请|按照|依托|"
                      r"督促|组织(?!人事|部)|推动|推进|积极|主动|要|各|并|同|向|继续|建设|加快|大力|认真|深入|全面|着力|"
                      r"扎实|进一步|做好|抓好|制定|完善|成立|组建|组成|选派|派出|派驻)+")
_VERB_BEFORE_RE = re.compile(r"(?:组建|成立|组成|选派|派出|派驻|创建|建设|建立|申办|申报|引进|依托|支持|指导|配合|会同|与|和|及|联合|推动|"
                             r"加快|打造|培育|命名|评选|认定)$")
_INNER_VERBS = re.compile(
    "推进|开展|实施|加强|完成|启动|组织|做好|负责|牵头|组建|会同|配合|指导|支持|申办|申报|创建|落实|加快|深化|推动|"
    "提升|确保|力争|实现|抓好|引进|举办|迎接|通过|培养|培育|建成|新建|改造|召开|巡查|按照|根据|围绕|履行|担负|承担|"
    "参加|选派|招聘|合作|共建|吸纳|发布|部署|达到|保持|扩大|优化|做实|建立|健全|完善|整治|排查|修订|审核|设置|淘汰|"
    "督查|督办|发挥|办好|接待|帮扶|结对|迁建|挂职|开设|评选|表扬|命名|创办|投入|新增|统筹|做强|提高|改善|强化|推行|"
    "探索|鼓励|协调|参与|纳入|覆盖|对接|每|要|是|将|把|向|为|以|从|到|全面|进一步|更名|两地|在|对|继续|严格|认真|"
    "建设|制定|培训|统一|畅通|交流|轮岗|开发(?!区)|"
    "执行|营造|尊重|关心|调动|筑牢|改扩建|规范|增强|合理|坚决|防止|纠正|涉及|严肃|加大|改进|查处|查办|发展|关爱|"
    "重视|注重|突出|坚持|深入|扎实|大力|积极|切实|着力|努力|主动|及时|依法|认真|组织|安排|配备|招收|录用|引导")
_NOT_BODY_ENDINGS = ("干部", "全部", "内部", "局部", "外部", "东部", "西部", "南部", "北部", "中部", "格局", "布局", "结局",
                     "开局", "大局", "全局", "举办", "创办", "申办", "督办", "承办", "主办", "开办", "兴办", "合办", "民办",
                     "公办", "教室", "课室", "寝室", "会议室", "实验室", "卫生室", "卫生站", "监测站", "工作站", "服务站",
                     "之处", "到处", "好处", "益处", "本科", "学科", "专科", "全科", "工科", "理科", "文科", "医科",
                     "外科", "内科", "各局", "一办", "各级政府", "地方政府", "各中心", "查处", "查办", "分科", "惩处", "包办",
                     "筹办", "代办", "交办", "结合部")
_BODY_CORE_BLOCK = set("域级内直属上下各全每本该其")
_GENERIC_START = re.compile(r"^(?:[一二三四五六七八九十两\d]|省级|市级|县级|国家级|高水平|优质|公办|民办|普惠|重点|示范|"
                            r"特色|标准化|薄弱|农村|城区|乡镇|基层|相应|有关|各类|各级|现代|新型|综合|专业|直属|省一级|"
                            r"一流|高等|普通|全国|区域|县域|市域|村|社区|二级|三级|一级|甲等|定点|紧密型|智慧|数字|中小|"
                            r"中心|少年|青少年|公立|私立|各)")

# heads of posts and roles -> role concept; a head in _NEEDS_MODIFIER names a post only with words before it
_ROLE_HEADS: dict[str, str] = {
    **{h: "Leader" for h in ("党组书记", "书记", "副书记", "局长", "副局长", "主任", "副主任", "县长", "副县长", "市长",
                              "副市长", "区长", "副区长", "镇长", "乡长", "校长", "副校长", "园长", "院长", "副院长",
                              "组长", "站长", "科长", "处长", "所长", "河长", "湖长", "林长", "班子成员", "领导",
                              "负责人")},
    **{h: "StaffRole" for h in ("班主任", "教师", "医生", "医师", "护士", "护士长", "干部", "党员", "发言人", "督学",
                                 "网格员", "人员", "专家", "辅导员", "指导员", "志愿者", "名师", "师范生", "教练员",
                                 "社工", "教职工", "师资", "队员", "医学生", "研究生", "毕业生", "医务人员")},
    **{h: "TargetGroup" for h in ("退役军人", "残疾人", "儿童", "学生", "老年人", "农户", "农民", "群众", "职工", "农民工",
                                   "劳动力", "人才", "困难群众")},
}
_NEEDS_MODIFIER = {"负责人", "劳动力", "人才", "队员", "人员", "领导", "干部", "儿童", "学生", "农户", "农民", "群众", "职工", "组长", "主任", "书记",
                   "专家", "师资"}
_ROLE_HEAD_RE = re.compile("|".join(sorted(map(re.escape, _ROLE_HEADS), key=len, reverse=True)) + "|村医(?![生师院疗])")
_ROLE_HEADS["村医"] = "StaffRole"
_ROLE_CONTINUES = {"教师": "节资队", "学生": "会宿公食活资体", "儿童": "节", "干部": "队", "领导": "小力干责",
                   "群众": "来路", "人员": "密", "主任": "委", "专家": "库组", "校长": "室", "名师": "工名",
                   "党员": "大干", "农民": "工", "职工": "医"}
_ROLE_STOP_WORDS = {"学校", "单位", "机关", "地区", "山区", "部门", "两级", "三级", "普通", "籍", "全体", "广大", "各级", "全市", "全县", "所有", "每个",
                    "有关", "相关", "一批", "重点", "部分", "优秀", "一线", "一支", "全员", "每名", "在职", "名", "个", "位", "人",
                    "以上", "以下", "余名", "多名"}
_ROLE_ONE_CHAR = set("村驻局县市区乡镇校院组委")
IN_CHARGE_RE = re.compile(r"分管([\u4e00-\u9fff]{2,10}?)的")  # 分管安全稳定的副局长: the line of work
_AUTH_HEADS = {"局长", "副局长", "党组书记", "班子成员", "县长", "副县长", "市长", "副市长", "区长", "副区长", "厅长",
               "副厅长", "主任", "副主任"}
_ROLE_OK_VERBS = {"驻", "留守", "随迁", "退役", "离退休", "监测", "执法", "驻村", "分管", "进城务工", "就业", "脱贫", "失业",
                  "创业", "返乡", "进城", "务工", "在职", "退休", "离职", "支教", "援外", "挂职"}
_LEVEL_MOD = re.compile(r"^(?:市级|县级|省级|国家级|区级|市内|全市|全县|中学|小学|中小学|高中|初中)")


def _abbreviates(short: str, full: str) -> bool:
    """True when `short` is the usual short name of `full` (its characters in order, same start and ending)."""
    if full.endswith("委员会") and short.endswith("委"):
        full = full[:-3] + "委"  # 县发改委 = 县发展和改革委员会
    if not (3 <= len(short) < len(full) - 1) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


@cache
def _jieba():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


@cache
def _pos_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """Words and their part-of-speech tags (jieba, which ships its dictionary)."""
    return tuple((w.word, w.flag) for w in _jieba().cut(text))


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
        self._jurisdiction: D.Division | None = None
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
        if e.kind == "place":
            return  # places are found through the division index, with their own rules
        for form in {e.name, *e.alt}:
            if form and len(form) >= 2:
                self.lexicon.setdefault(form, e)

    def _authority(self, name: str, en: str | None) -> Entity:
        """The plan's issuing authority, e.g. 泸州市教育局, also named 市教育局 / 我局 in the text."""
        hit = self._division_prefix(name)
        self._jurisdiction = hit[1] if hit else None
        city = self.place(hit[1]) if hit else None
        rest = name[len(hit[0]):] if hit else name
        typ = "EducationAuthority" if re.search(r"教育(?:局|厅|委员会|和体育局|体育局)$|教委$", name) else "GovernmentBody"
        if city is not None and rest:
            level = {"City": "市", "County": "县", "District": "区", "Province": "省"}.get(city.type, "")
            if city.type == "City" and hit and hit[1].level == 3:
                level = "市"
            if city.name.endswith("州") and not city.name.endswith("市"):
                level = "州"
            alts = {level + rest} if level else set()
            if rest.endswith("局"):
                alts |= {"我局", "本局"}
            if rest == "人民政府":
                alts |= {level + "政府"} if level else set()
        else:
            alts = {"县教育局"} if typ == "EducationAuthority" else set()
        if typ == "EducationAuthority" and city is not None and city.type == "City" and rest == "教育局":
            alts = {"市教育局", "我局", "本局"}
        e = self._add(Entity("org", slug(name), name, typ, en, alts - {name},
                             {"jurisdiction": city.key if city else None}))
        return e

    @property
    def _levels(self) -> str:
        """Level words that stand for a place of this plan (市 县 区 省, and 州 in an autonomous prefecture)."""
        j = self._jurisdiction
        chain = [j, *D.ancestors(j)] if j else []
        return "市县区省" + ("州" if any(d.name.endswith("州") for d in chain) else "")

    @property
    def self_char(self) -> str:
        """The character by which the plan calls its own issuer (局党组, 委党组, 驻委纪检监察组)."""
        n = self.authority.name
        return "委" if n.endswith(("委员会", "委")) else "厅" if n.endswith("厅") else "府" if n.endswith("政府") else "局"

    def _own_heads(self) -> set[str]:
        """Heads of the issuing body's own leaders, named bare in its plan (局长; 主任 of a 委员会; 县长)."""
        n = self.authority.name
        heads = {"党组书记", "班子成员"}
        if n.endswith("局"):
            heads |= {"局长", "副局长"}
        elif n.endswith(("委员会", "委", "办公室", "中心")):
            heads |= {"主任", "副主任"}
        elif n.endswith("厅"):
            heads |= {"厅长", "副厅长"}
        elif n.endswith("政府"):
            heads |= {"县长", "副县长", "市长", "副市长", "区长", "副区长", "省长", "副省长", "镇长", "乡长"}
        return heads

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
        """The place a name starts with (its full or short form), longest first."""
        hit = self._division_prefix(name)
        return self.place(hit[1]) if hit else None

    def _division_prefix(self, name: str) -> tuple[str, D.Division] | None:
        idx = D.index()
        for n in range(min(len(name), D.max_len()), 1, -1):
            forms = idx.get(name[:n])
            if forms:
                return name[:n], self._choose(forms).division
        return None

    def _choose(self, forms: list[D.Form]) -> D.Form:
        """Of the divisions a form can name, the one nearest the plan's own territory."""
        j = self._jurisdiction
        if j is None or len(forms) == 1:
            return forms[0]
        for n in (4, 2):
            near = [f for f in forms if f.division.code[:n] == j.code[:n]]
            if near:
                return near[0]
        return forms[0]

    def place(self, d: D.Division) -> Entity:
        """The entity of a division (and of the divisions it lies in), created on first use."""
        key = f"place:{d.code}"
        if key in self.entities:
            return self.entities[key]
        for a in D.ancestors(d):
            self.place(a)
        alt = D.short_forms(d.name, d.type) | {a for a in d.alt if len(a) >= 2}
        props = {"within": d.within, "code": d.code}
        if d.wikidata:
            props["wikidata"] = d.wikidata
        return self._add(Entity("place", d.code, d.name, d.type, d.en, alt, props))

    def level_place(self, ch: str) -> Entity | None:
        """The place 市/县/区/省 refers to in this plan: the authority's own territory or the one above it."""
        j = self._jurisdiction
        if j is None:
            return None
        chain = [j, *D.ancestors(j)]
        for d in chain:
            if ch == "省" and d.level == 1:
                return self.place(d)
            if ch == "市" and d.level in (2, 3) and d.name.endswith("市"):
                return self.place(d)
            if ch == "州" and d.level == 2 and d.name.endswith("州"):
                return self.place(d)
            if ch == "县" and d.level == 3 and d.name.endswith("县"):
                return self.place(d)
            if ch == "区" and d.level == 3 and d.name.endswith("区"):
                return self.place(d)
        return None

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

    def authority_of(self, place: Entity) -> Entity:
        """The body of a place that matches the issuing authority (洛龙区 -> 洛龙区教育局 in an education plan,
        天荒坪镇 -> 天荒坪镇人民政府 in a county government's)."""
        if place.kind != "place":
            return place
        if self.authority.type == "EducationAuthority" and place.type not in ("Township", "DevelopmentZone"):
            return self.education_authority_of(place)
        j = self.authority.props.get("jurisdiction")
        jur = self.entities.get(f"place:{j}") if j else None
        rest = self.authority.name[len(jur.name):] if jur and self.authority.name.startswith(jur.name) else "人民政府"
        if place.type == "DevelopmentZone":
            rest = "管理委员会"
        elif place.type == "Township":
            rest = "人民政府"
        name = place.name + rest
        return self._add(Entity("org", slug(name), name, self.authority.type, None, set(),
                                {"jurisdiction": place.key}))

    # -- recognition
    def prime(self, text: str) -> None:
        """Learn the names a plan defines once in full (市教育局安全信访科) so bare mentions resolve too, and
        the short names it gives in brackets after a full one (县发展和改革局（县发改局）)."""
        self._find_departments(text)
        for line in text.split("\n"):
            ms = self.find(line)
            for a, b in itertools.pairwise(ms):
                between = line[a.end:b.start]
                if a.entity.kind == b.entity.kind == "org" and between in ("（", "(") \
                        and line[b.end:b.end + 1] in ("）", ")") and a.entity is not b.entity:
                    self._alias(b.entity, a.entity)

        orgs = [e for e in self.entities.values() if e.kind == "org" and e.type in ("GovernmentBody", "EducationAuthority")]
        for short in orgs:
            full = next((f for f in orgs if f is not short and _abbreviates(short.name, f.name)), None)
            if full is not None:  # 州人社局 = 州人力资源和社会保障局, 县发改委 = 县发展和改革委员会
                self._alias(short, full)

    def _alias(self, short: Entity, full: Entity) -> None:
        """`short` is another name of `full`: one node."""
        if short.kind != full.kind or short.props.get("unit_of") == full.key:
            return
        self.entities.pop(f"{short.kind}:{short.key}", None)
        full.alt |= {short.name, *short.alt} - {full.name}
        for form in {short.name, *short.alt}:
            if len(form) >= 2:
                self.lexicon[form] = full

    def find(self, text: str, base: int = 0, exclude: list[tuple[int, int]] = ()) -> list[Mention]:
        """All non-overlapping mentions in `text` (offsets shifted by `base`), longest match first."""
        places = self._find_places(text)
        areas = self._find_areas(text, places)
        found: list[Mention] = []
        found += self._find_departments(text)
        patterned = self._find_posts(text)
        found += patterned
        found += self._find_orgs(text, places)
        found += self._find_lexicon(text)
        found += places + areas
        bodies = self._find_bodies(text, places + areas, found)
        found += bodies
        found += self._find_roles(text, found, patterned)
        chosen: list[Mention] = []
        taken = [range(s, e) for s, e in exclude]
        for m in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if any(m.start < r.stop and r.start < m.end for r in taken):
                continue
            if m.entity.kind == "place" and _in_title(text, m.start):
                continue
            chosen.append(m)
            taken.append(range(m.start, m.end))
        for m in chosen:
            m.entity = self._register(m.entity)
            m.start += base
            m.end += base
        return sorted(chosen, key=lambda m: m.start)

    def _register(self, e: Entity) -> Entity:
        """The registered entity for a found one (its parents registered first)."""
        for parent in e.props.pop("_parents", []):
            self._register(parent)
        if e.kind == "place" and "_division" in e.props:
            return self.place(e.props["_division"])
        known = self.entities.get(f"{e.kind}:{e.key}")
        if known is not None:
            known.alt |= e.alt - {known.name}
            for form in e.alt:
                if len(form) >= 2:
                    self.lexicon.setdefault(form, known)
            return known
        return self._add(e)

    def _find_lexicon(self, text: str) -> list[Mention]:
        out = []
        for form, e in self.lexicon.items():
            for m in re.finditer(re.escape(form), text):
                out.append(Mention(e, m.start(), m.end(), form))
        return out

    # -- places: the national division table, townships, development zones
    def _find_places(self, text: str) -> list[Mention]:
        """Divisions named in full or by a short form, with the genre's traps ruled out."""
        out: list[Mention] = []
        idx, by_first = D.index(), D.lengths_by_first_char()
        j = self._jurisdiction
        for i in range(len(text)):
            for n in by_first.get(text[i], ()):
                if i + n > len(text):
                    continue
                forms = idx.get(text[i:i + n])
                if not forms:
                    continue
                form = self._choose(forms)
                d, surface = form.division, text[i:i + n]
                prev, nxt = text[i - 1:i], text[i + n:i + n + 1]
                if form.short:
                    if nxt in ("市", "县", "区", "省", "州", "旗"):
                        continue  # 泸县 inside 泸县县城 is fine; 合江 in 合江县 is the full name's job
                    near = j is not None and d.code[:2] == j.code[:2]
                    if not (near or d.level == 1 or surface in d.alt):
                        continue
                elif len(d.name) == 2 and prev and _is_cjk(prev) and prev not in _PLACE_LEFT_OK:
                    continue  # 提高县域: 高县 needs a boundary before it
                elif len(d.name) == 2 and nxt in _ONE_CHAR_BLOCK:
                    continue
                e = Entity("place", d.code, d.name, d.type, d.en, set(), {"_division": d})
                out.append(Mention(e, i, i + n, surface))
                break
        return out

    def _find_areas(self, text: str, places: list[Mention]) -> list[Mention]:
        """Townships (XX镇, XX乡, XX街道) and development zones (XX经济开发区, XX工业园区)."""
        out: list[Mention] = []
        starts = {m.start: m for m in places}
        ends = {m.end: m for m in places}
        for m in _AREA_RE.finditer(text):
            s, e = m.start(), m.end()
            name = m[0]
            zone = bool(m["zone"])
            # the name starts at a boundary, or right after the county it lies in
            begin = s
            while begin < e and not (begin == 0 or not _is_cjk(text[begin - 1]) or text[begin - 1] in "和与及在到"
                                     or begin in ends or begin in starts):
                begin += 1
            while text[begin] in "在到和与及对" and e - begin > len(m["zone"] or m["town"]) + 2:
                begin += 1  # 在大兴经济开发区 at the start of a text: the preposition is not the name's
            name = text[begin:e]
            core = name[: -len(m["zone"] or m["town"])]
            if begin in starts and starts[begin].end <= e - 2:
                parent = starts[begin]
            else:
                parent = ends.get(begin)
            if len(core) < 2 or _VERBS.search(name) or any(c in core for c in _AREA_CORE_BLOCK) \
                    or core in _AREA_GENERIC or (not zone and len(core) > 3 and parent is None):
                continue
            if not zone and text[begin - 1:begin] and text[begin - 1] == "级":
                continue
            within = parent.entity.props["_division"] if parent else self._jurisdiction
            code = within.code if within else "000000"
            typ = "DevelopmentZone" if zone else "Township"
            key = f"{code}-{slug(name)}"
            if official := D.township(name, within):  # township-level zones are in the NBS table too
                key, county = official  # its NBS code, and the county it lies in
                within = D.table().get(county, within)
                code = within.code if within else county
            ent = Entity("place", key, name, typ, None, set(), {"within": code if within else None})
            if within is not None:
                ent.props["_parents"] = [Entity("place", within.code, within.name, within.type, None, set(),
                                                {"_division": within})]
            out.append(Mention(ent, begin, e, name))
        return out

    # -- bodies by their name endings, anywhere in China
    def _find_bodies(self, text: str, places: list[Mention], others: list[Mention]) -> list[Mention]:
        """Bodies named by a generic ending (局, 委, 办, 科, 中心, 医院, 集团 ...) after a place, a level word
        (市 县 区 省), a body it belongs to, or at the start of a phrase."""
        out: list[Mention] = []
        place_at = {m.start: m for m in places}
        for m in _BODY_SUFFIX_RE.finditer(text):
            end = m.end()
            suffix = m[0]
            typ, strong = _BODY_SUFFIXES[suffix]
            if any(len(c) > len(suffix) and text.startswith(c, end - len(suffix)) for c in _BODY_CONTINUES):
                continue
            run = end - len(suffix)
            while run > 0 and text[run - 1] not in _BODY_BOUNDARY and end - run < 26:
                run -= 1
            lead = _LEAD_RE.match(text, run, end)
            first = lead.end() if lead else run
            starts = {first: True}
            for i in range(first, end - len(suffix)):
                sc = self.self_char
                if i in place_at or text[i] in self._levels or text.startswith("驻" + sc, i) or text.startswith(sc + "党", i):
                    starts.setdefault(i, False)
                if strong and i > first and _VERB_BEFORE_RE.search(text[first:i]):
                    starts[i] = True
            for s in sorted(starts):
                hit = self._body(text, s, end, suffix, typ, place_at, starts[s])
                if hit is not None:
                    out.append(hit)
                    break
        return out

    def _body(self, text: str, s: int, end: int, suffix: str, typ: str, place_at: dict[int, Mention],
              at_phrase_start: bool) -> Mention | None:
        surface = text[s:end]
        bare_own = at_phrase_start and surface in ("机关党委", "纪检组", "纪检监察组")
        if len(surface) > 24 or (len(surface) <= len(suffix) and not bare_own) \
                or _INNER_VERBS.search(_NAME_WORDS.sub("", surface)) \
                or any(surface.endswith(x) for x in _NOT_BODY_ENDINGS) or "的" in surface \
                or re.search(r"\d|等[一二三四五六七八九十两]", surface):
            return None
        for conn in re.finditer("[和与及、]", surface):  # A与B: two bodies, not one
            if _BODY_SUFFIX_RE.search(surface[:conn.start()]) or _ROLE_HEAD_RE.search(surface[:conn.start()]) \
                    or suffix not in _CONNECTOR_OK:
                return None
        place = place_at.get(s)
        prefix_len = 0
        parent: Entity | None = None
        name = surface
        if place is not None and place.end <= end:
            prefix_len = place.end - s
        elif surface[0] in self._levels and not (s > 0 and text[s - 1] in _BEFORE_CITY_BLOCK and not at_phrase_start) \
                and not (s > 0 and text[s - 1] in _LEVEL_WORD_BEFORE.get(surface[0], "")):
            if surface[1:2] in _CITY_PREFIX_BLOCK and not surface.startswith(("市委", "县委", "区委", "省委")) \
                    and not (surface[1:2] == "中" and surface[2:3] not in "小心学"):
                return None
            if _GENERIC_INSIDE.search(surface):
                return None  # 县义务教育薄弱学校 is a kind of school, not one
            lp = self.level_place(surface[0])
            prefix_len = 1
            if lp is not None:
                name = lp.name + surface[1:]
        elif surface.startswith(("驻" + self.self_char, self.self_char + "党", self.self_char + "机关")):
            name = self.authority.name + surface.removeprefix("驻")[1:]
            parent = self.authority
            prefix_len = 2 if surface.startswith("驻") else 1
        elif at_phrase_start and surface in ("机关党委", "党组", "纪检组", "纪检监察组") and self.authority.name != "发文机关":
            name = self.authority.name + surface  # 机关党委担负具体工作责任: the issuer's own
            parent = self.authority
        elif not at_phrase_start:
            return None
        core = surface[prefix_len:len(surface) - len(suffix)]
        if typ in ("PartyOrgan",) and suffix in ("市委", "县委", "区委", "省委"):
            if place is None:
                return None
        elif not core and suffix not in ("人民政府", "政府", "党组", "机关党委", "纪检组", "纪检监察组") \
                and len(suffix) < 4 and not (place is not None and _BODY_SUFFIXES[suffix][1]) \
                and not (place is not None and len(suffix) >= 3):
            return None
        if core[:1] and (core[0] in _BODY_CORE_BLOCK or core[:1].isdigit() or core[0] in "一二三四五六七八九十两" or (
                _GENERIC_START.match(core) and not (prefix_len == 0 and suffix in _SECTION_SUFFIXES))):
            return None
        if prefix_len == 0 and parent is None and (len(core) < 2 or (_GENERIC_START.match(surface) and suffix not in _SECTION_SUFFIXES)
                                or _GENERIC_INSIDE.search(surface)
                                or suffix in ("局", "厅", "委", "委员会", "政府", "人民政府", "部")):
            return None  # 教育局 with no place before it names no one in particular
        if surface[prefix_len:] in _GENERIC_NAMES or core in _GENERIC_NAMES:
            return None
        # a section of a body named before it (市卫生健康局医政医管科), or of the issuing authority
        section = suffix in _SECTION_SUFFIXES
        owner = None
        if section or typ == "PartyOrgan":
            forms = sorted({self.authority.name, *self.authority.alt} | {f for f, e in self.lexicon.items()
                                                                         if e.kind == "org" and len(f) >= 3},
                           key=len, reverse=True)
            for f in forms:
                if surface.startswith(f) and len(surface) > len(f) + 1:
                    owner = self.lexicon.get(f) if f in self.lexicon else self.authority
                    if f in (self.authority.name, *self.authority.alt):
                        owner = self.authority
                    break
        if owner is not None:
            part = surface[len(next(f for f in sorted({owner.name, *owner.alt}, key=len, reverse=True)
                                    if surface.startswith(f))):]
            if owner is self.authority and section:
                label = owner.name + part if part in _GENERIC_SECTIONS else part
                e = Entity("org", f"{owner.key}-{slug(part)}", label, "Department", None, {surface} - {label},
                           {"unit_of": owner.key})
            else:
                full = owner.name + part
                e = Entity("org", slug(full), full, "Department" if section else typ, None, {surface} - {full},
                           {"unit_of": owner.key})
            return Mention(e, s, end, surface)
        if parent is not None:
            e = Entity("org", slug(name), name, typ, None, {surface} - {name}, {"unit_of": parent.key})
            return Mention(e, s, end, surface)
        if prefix_len == 0 and section and self.authority.name != "发文机关":
            e = Entity("org", f"{self.authority.key}-{slug(surface)}", surface, "Department", None, set(),
                       {"unit_of": self.authority.key})
            return Mention(e, s, end, surface)
        if name in self.lexicon and self.lexicon[name].kind == "org":
            known = self.lexicon[name]
            return Mention(Entity("org", known.key, known.name, known.type, None, {surface} - {known.name}), s, end, surface)
        if typ == "Department" and prefix_len:
            typ = "GovernmentBody"
        if typ == "GovernmentBody" and "教育" in surface and suffix in ("局", "厅", "委", "委员会"):
            typ = "EducationAuthority"
        props: dict[str, Any] = {}
        if place is not None:
            props["located_in"] = place.entity.key
            props["_parents"] = [place.entity]
        return Mention(Entity("org", slug(name), name, typ, None, {surface} - {name}, props), s, end, surface)

    # -- posts and roles
    def _find_roles(self, text: str, found: list[Mention], patterned: list[Mention] = ()) -> list[Mention]:
        """Posts and roles by their heads (局长, 书记, 主任, 教师, 医生, 干部 ...), with the words before them as
        printed (骨干教师, 心理健康教师, 离退休干部), in the body they belong to when one is named first."""
        out: list[Mention] = []
        taken = [(m.start, m.end) for m in patterned]
        bodies = [m for m in found if m.entity.kind == "org"]
        quotes = _quoted(text)
        for m in _ROLE_HEAD_RE.finditer(text):
            h0, end = m.start(), m.end()
            head = m[0]
            if any(a <= h0 < b for a, b in quotes) or text[end:end + 1] in _ROLE_CONTINUES.get(head, ""):
                continue
            if any(a < end and h0 < b for a, b in taken):
                continue
            start = self._role_start(text, h0)
            deputy = IN_CHARGE_RE.search(text, max(0, h0 - 14), h0)
            if deputy and deputy.end() == h0 and head.startswith("副"):
                start = deputy.start()  # 分管党建工作的副主任
            surface = text[start:end]
            role = _ROLE_HEADS[head]
            own = self._own_heads()
            if head in _NEEDS_MODIFIER and start == h0 and head not in own:
                continue
            if role == "StaffRole" and re.search("离退休|退休", surface):
                role = "TargetGroup"
            owner = None
            for b in bodies:
                if b.start == start and b.end < end:
                    owner, rest = b.entity, text[b.end:end]
                    break
            if owner is None and surface.startswith(self.self_char) and not surface.startswith(tuple(own)):
                owner, rest = self.authority, surface[1:]
            auth = self.authority
            if owner is None and (start == h0 or surface.startswith("分管")) and head in own | _AUTH_HEADS \
                    and auth.name != "发文机关" and (head in own or head in ("局长", "副局长")):
                owner, rest = auth, surface
            if owner is not None:
                owner = self.entities.get(f"org:{owner.key}", owner)
                name = owner.name + rest
                key = f"{owner.key}-{slug(rest)}"
                alts = {surface, rest} if start == h0 else {surface}
                e = Entity("post", key, name, "Post", None, alts - {name},
                           {"role": role, "post_in": owner.key if role == "Leader" else None,
                            "_parents": [owner] if owner is not auth else []})
            else:
                alts = {surface} | {x for x in (_LEVEL_MOD.sub("", surface),) if len(x) >= 2}
                e = Entity("post", f"{auth.key}-{slug(surface)}", surface, "Post", None, alts - {surface},
                           {"role": role})
            out.append(Mention(e, start, end, surface))
        return out

    def _role_start(self, text: str, head_start: int) -> int:
        """Where the printed name of a post begins: up to two modifier words before its head."""
        lo = max(0, head_start - 10)
        window = text[lo:head_start]
        if not window:
            return head_start
        toks = _pos_tokens(window)
        start = head_start
        for used, (word, flag) in enumerate(reversed(toks)):
            if used >= 3 or word in _ROLE_STOP_WORDS or not _is_cjk(word[0]):
                break
            if not (flag[:1] in ("n", "b", "j", "a", "i", "l", "z") or flag == "vn" or word in _ROLE_OK_VERBS):
                break
            if flag == "ns" or word in D.index():
                break
            verb = _INNER_VERBS.search(word)
            if (verb and (len(verb[0]) >= 2 or len(word) == 1)) or word in ("和", "与", "及", "的") \
                    or (len(word) == 1 and word not in _ROLE_ONE_CHAR):
                break
            start -= len(word)
        while start < head_start and text[start] in "各和与及对是":
            start += 1
        return start

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
            if m[0] != name and m[1]:
                e.alt.add(m[0])
                self.lexicon.setdefault(m[0], e)
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

    def _find_orgs(self, text: str, places: list[Mention] = ()) -> list[Mention]:
        """Organisation names: a place name (or 市) followed by a name ending in a known suffix."""
        out = []
        starts = [(m.start, m.end, self.place(m.entity.props["_division"])) for m in places]
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
                if name in self.lexicon and self.lexicon[name].kind != "org" or name in D.index():
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
                if text[prefix_end:end] in _GENERIC_NAMES or _VERBS.search(window) \
                        or re.search("阶段|薄弱|义务教育", window):
                    return None
                return end, s["type"]
        return None
