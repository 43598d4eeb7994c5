"""Read a question: which measure it is about, the amounts it states, facts about the enterprise.

Intents are scored by keyword cues (weighted) plus, when an embedder is given, similarity to a
few exemplar questions, so paraphrases without the policy's words still land. Facts and the
measure carry over from earlier user turns of the history.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .calculator import Facts
from .money import MAX_YUAN, Mention, find_mentions

# intent -> (rule id or None, weighted keyword cues, exemplar questions)
INTENTS: dict[str, tuple[str | None, dict[str, float], tuple[str, ...]]] = {
    "platform_construction": ("platform_construction", {
        "公共服务平台": 3, "测试验证平台": 3, "验证平台": 2.5, "测试平台": 2.5, "平台建设": 2.5, "建设平台": 2,
        "第三方": 1.5, "平台": 1.2, "中小企业": 1, "建设补贴": 1}, (
        "我们建设了面向中小企业的测试验证公共服务平台，能补贴多少", "平台建设投资能拿多少建设补贴")),
    "scenario_lab": ("scenario_lab", {
        "场景实验室": 3, "创新体验中心": 3, "体验中心": 2.5, "实验室": 2, "展示体验": 2, "展厅": 1.5}, (
        "建创新体验中心或者场景实验室有补贴吗", "搭建展示体验中心投资能补多少")),
    "small_batch": ("small_batch", {
        "小批量": 3, "批量验证": 3, "实际工况": 2, "试产": 1.5, "测试投资": 1.5, "工况": 1.5}, (
        "新产品小批量测试验证的投入能补贴多少", "小批量试制验证补贴比例")),
    "insurance_premium": ("insurance_premium", {
        "保费": 3, "投保": 3, "保险": 2.5, "保单": 2}, (
        "采购新产品买了保险，保费能补多少", "投保费用补贴")),
    "list_application": ("list_application", {
        "两清单": 3, "标杆技术清单": 3, "攻关产品清单": 3, "清单内": 2.5, "清单": 1.5, "应用新产品": 1.5,
        "规模化推广": 2, "推广应用": 1.5}, (
        "在库项目用了清单里的新技术新产品，能补贴多少", "项目应用两清单产品的补贴")),
    "loan_interest": ("loan_interest", {
        "贴息": 3, "贷款利息": 3, "固定资产投资贷款": 3, "贷款": 2, "利息": 2, "借款": 1.5, "融资": 0.8}, (
        "固定资产贷款能贴息多少", "银行贷款的利息政府能补吗")),
    "rd_first_use": ("rd_first_use", {
        "首试用": 3, "攻关": 2.5, "研发": 2, "标准创制": 3, "攻关榜单": 3, "首台套": 2, "筑基工程": 2}, (
        "新技术新产品首试用和攻关有什么支持", "研发投入补贴最多多少")),
    "library_threshold": ("library_threshold", {
        "项目库": 3, "入库": 3, "在库": 1.5, "纳入": 1.5, "门槛": 2, "重点项目": 1.5}, (
        "项目投资多少才能进重点项目库", "怎样纳入市级新基建重点项目库")),
    "major_project": ("major_project", {
        "重大项目": 3, "重大投资项目": 3, "前期工作经费": 2.5, "谋划": 1.5}, (
        "总投资多大算新基建重大项目", "重大投资项目前期经费支持")),
    "validity": (None, {
        "有效期": 3, "还有效": 3, "过期": 3, "失效": 3, "截止": 2, "到期": 2.5, "什么时候": 1.2, "还能申请": 2,
        "施行": 2, "实施": 1, "有效": 1.5}, (
        "这个政策现在还有效吗", "政策什么时候到期")),
    "scope": (None, {
        "支持对象": 3, "哪些企业": 3, "什么企业": 2.5, "谁可以": 2.5, "能不能申请": 1.5, "适用": 2,
        "申请条件": 2, "新基建是指": 3, "能享受": 2, "可以享受": 2, "能申请吗": 2, "符合条件吗": 2, "范围": 1.5, "哪些领域": 2, "包括哪些": 1.5}, (
        "哪些企业可以享受这个政策", "新基建包括哪些领域")),
    "match": (None, {
        "哪些补贴": 3, "哪些政策": 2.5, "能享受哪些": 3, "哪些支持": 2.5, "可以申请哪些": 3, "都能拿": 2}, (
        "我们企业能享受哪些补贴", "我们能申请哪些支持")),
}

NUMERIC_INTENTS = {k for k, (rule, _, _) in INTENTS.items() if rule}

# Words that make an amount a *claim about the policy* rather than the user's own base figure.
CLAIM_WORDS = re.compile(r"(上限|封顶|最高|比例|补贴标准|改为|应为|就是|规定是|按)\S{0,3}$")
# Which base an amount is (a rule's base_key), by the nearest cue word just before it.
AMOUNT_ROLES = (
    ("insurance_premium", re.compile(r"保费|保险费|投保")),
    ("loan_principal", re.compile(r"贷款|借款|本金|授信")),
    ("total_investment", re.compile(r"总投资")),
    ("platform_investment", re.compile(r"平台")),
    ("lab_investment", re.compile(r"实验室|体验中心")),
    ("test_investment", re.compile(r"小批量|测试投资")),
    ("project_investment", re.compile(r"项目投资")),
)
FOREIGN_AMOUNT = re.compile(r"\d[\d,.，]*\s*(万|亿)?\s*(美元|美金|欧元|日元|港元|港币|英镑|卢布|dollars?|usd|USD|eur|EUR)")
PLACES = ("北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
          "江西", "山东", "河南", "湖北", "湖南", "广东", "广州", "深圳", "海南", "四川", "成都", "贵州", "云南",
          "陕西", "西安", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
          "杭州", "南京", "苏州", "武汉", "雄安", "海淀", "朝阳区", "亦庄", "中关村", "通州", "大兴", "昌平", "顺义",
          "丰台", "东城", "西城", "石景山")
INDUSTRY_RE = re.compile(
    r"(软件和信息服务业|软件信息服务业|软件|信息服务|互联网|集成电路|人工智能|制造业?|工业|餐饮\S{0,2}|零售|"
    r"房地产|金融|银行|教育培训|教育|物流|建筑|农业|酒店|旅游|批发|医药|汽车|电子|通信|半导体|芯片)"
    r"(?:行业|企业|公司|业)?")
YES_LIBRARY = re.compile(r"(已|已经|有|是|属于)\S{0,4}(入库|在库|纳入\S{0,6}项目库)|在库项目|已入库")
NO_LIBRARY = re.compile(r"(未|没有|没|不在|尚未|还没|不是)\S{0,4}(入库|在库|纳入|项目库)")
YES_LIST = re.compile(r"(列入|在|属于|进了)\S{0,4}(两清单|清单内|清单)")
NO_LIST = re.compile(r"(不在|未列入|没有列入|没进)\S{0,4}(两清单|清单)")
DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
YEAR_RE = re.compile(r"(?<![\d\-])(20\d{2})\s*年(?![\d\-])(?!内)")
OUT_OF_SCOPE = re.compile(r"天气|笑话|你是谁|你好|谢谢|股票|彩票|菜谱|翻译|写诗|电影|个人所得税|个税|社保|公积金|"
                          r"落户|签证|高考|房贷|医保|养老")


@dataclass
class Question:
    text: str
    intents: list[str] = field(default_factory=list)  # best first
    scores: dict[str, float] = field(default_factory=dict)
    amounts: list[Mention] = field(default_factory=list)  # the user's own base figures
    claims: list[Mention] = field(default_factory=list)  # figures the user asserts about the policy
    roles: dict[str, Decimal] = field(default_factory=dict)  # amount by base key (loan_principal, …)
    facts: Facts = field(default_factory=Facts)
    bad_amounts: list[str] = field(default_factory=list)  # figures we refuse, with the reason
    carried: bool = False  # intent came from an earlier turn
    chit_chat: bool = False

    @property
    def intent(self) -> str | None:
        return self.intents[0] if self.intents else None

    @property
    def rule_ids(self) -> list[str]:
        return [INTENTS[i][0] for i in self.intents if INTENTS[i][0]]

    def base(self) -> Decimal | None:
        return self.amounts[-1].value if self.amounts else None


class Understander:
    def __init__(self, embed: Callable[[list[str]], list[list[float]]] | None = None,
                 base_keys: dict[str, str] | None = None):
        self._embed = embed
        self.base_keys = base_keys or {}  # rule id -> base key, from the rule book
        self._cache: dict[str, Question] = {}
        self._exemplars: list[tuple[str, list[float]]] | None = None

    def _semantic(self, text: str) -> dict[str, float]:
        if self._embed is None:
            return {}
        if self._exemplars is None:
            pairs = [(name, ex) for name, (_, _, exs) in INTENTS.items() for ex in exs]
            vectors = self._embed([ex for _, ex in pairs])
            self._exemplars = [(name, vec) for (name, _), vec in zip(pairs, vectors, strict=True)]
        q = self._embed([text])[0]
        best: dict[str, float] = {}
        for name, vec in self._exemplars:
            best[name] = max(best.get(name, -1.0), _cos(q, vec))
        return best

    def read(self, text: str) -> Question:
        """One message on its own; cached, since every turn re-reads the earlier user turns."""
        cached = self._cache.get(text)
        if cached is None:
            cached = self._read(text)
            if len(self._cache) >= 512:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = cached
        return copy.deepcopy(cached)

    def _read(self, text: str) -> Question:
        q = Question(text=text)
        scores: dict[str, float] = {}
        for name, (_, cues, _) in INTENTS.items():
            s = sum(w for cue, w in cues.items() if cue in text)
            if s:
                scores[name] = s
        sims = sorted(self._semantic(text).items(), key=lambda kv: -kv[1])
        # e5 similarities sit in a narrow band (~0.75–0.92): only a clear winner adds weight.
        if len(sims) > 1 and sims[0][1] > 0.86 and sims[0][1] - sims[1][1] >= 0.015:
            name, sim = sims[0]
            # Alone, similarity may name a measure; the general intents (validity, scope,
            # match) need a keyword too, or every "有什么支持" would become a listing.
            if name in NUMERIC_INTENTS or name in scores:
                scores[name] = scores.get(name, 0) + min(2.0, (sim - 0.86) * 40)
        q.scores = scores
        q.intents = [n for n, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s >= 1.5]
        for m in find_mentions(text):
            if m.kind != "amount":
                continue
            before = text[max(0, m.start - 8) : m.start]
            if CLAIM_WORDS.search(before):
                q.claims.append(m)
                continue
            if re.search(r"(-|－|−|负)\s*[¥￥]?$", text[max(0, m.start - 2) : m.start]):
                q.bad_amounts.append(f"金额“-{m.text}”是负数，投资、保费或贷款金额应大于零")
                continue
            if m.value <= 0 or m.value > MAX_YUAN:
                why = "为零" if m.value <= 0 else "超出合理范围（超过1万亿元）"
                q.bad_amounts.append(f"金额“{m.text}”{why}，投资、保费或贷款金额应为大于零的实际金额")
                continue
            q.amounts.append(m)
            window = text[max(0, m.start - 12) : m.start]
            near = [(hit.end(), role) for role, rx in AMOUNT_ROLES for hit in rx.finditer(window)]
            if near:
                q.roles[max(near)[1]] = m.value
        for bad in FOREIGN_AMOUNT.finditer(text):
            q.bad_amounts.append(f"无法识别金额“{bad.group(0)}”：请用人民币金额")
        q.facts = read_facts(text)
        q.chit_chat = bool(OUT_OF_SCOPE.search(text)) and not q.intents
        return q

    def read_turn(self, text: str, history: list[dict] | None) -> Question:
        """The question in context: intent, amounts and facts carried over from earlier user turns."""
        q = self.read(text)
        earlier = [self.read(m.get("content", "")) for m in history or [] if m.get("role") == "user"]
        facts = Facts()
        for prev in earlier:
            facts = merge_facts(facts, prev.facts)
        q.facts = merge_facts(facts, q.facts)
        numeric_now = [i for i in q.intents if i in NUMERIC_INTENTS]
        last = next((p.intent for p in reversed(earlier) if p.intents), None)
        if last == "match" and q.intent != "match" and (len(q.roles) >= 2 or not numeric_now):
            # "我们能享受哪些补贴？" then the facts: keep matching, now with the figures.
            q.intents = ["match"] + q.intents
            q.carried = True
        elif not numeric_now and earlier and (q.amounts or not q.intents):
            for prev in reversed(earlier):
                if prev.intents:
                    q.intents = prev.intents + [i for i in q.intents if i not in prev.intents]
                    q.carried = True
                    if not q.amounts:
                        q.amounts, q.roles = prev.amounts, {**prev.roles, **q.roles}
                    break
        elif numeric_now and not q.amounts:
            # "那保费呢？" after giving figures: reuse the last amount only if it was for this role.
            key = self.base_keys.get(INTENTS[numeric_now[0]][0] or "")
            for prev in reversed(earlier):
                if key in prev.roles:
                    q.roles.setdefault(key, prev.roles[key])
                    break
        return q


def read_facts(text: str) -> Facts:
    registered = None
    for place in PLACES:
        if place in text:
            registered = place
            break
    industry = None
    m = INDUSTRY_RE.search(text)
    if m and not re.search(r"(服务业|工业)和软件", m.group(0)):
        industry = m.group(0)
    if re.search(r"工业和软件信息服务业", text) and industry in ("工业", "软件信息服务业"):
        industry = None  # the policy's own phrase quoted back, not a statement about the firm
    library = False if NO_LIBRARY.search(text) else (True if YES_LIBRARY.search(text) else None)
    listed = False if NO_LIST.search(text) else (True if YES_LIST.search(text) else None)
    return Facts(registered_in=registered, industry=industry, project_in_library=library,
                 uses_listed_products=listed, date=read_date(text))


def read_date(text: str) -> dt.date | None:
    m = DATE_RE.search(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    y = YEAR_RE.search(text)
    if y and re.search(r"申请|申报|的时候|时|那年|当年|今年|明年|去年", text):
        return dt.date(int(y[1]), 7, 1)  # mid-year: a year-only question is about the whole year
    return None


def merge_facts(old: Facts, new: Facts) -> Facts:
    return replace(old, **{k: v for k, v in new.__dict__.items() if v is not None})


def _cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
