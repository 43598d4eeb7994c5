"""Read one message: its amounts (each whole, with the base it is), the enterprise's facts, the
form of the question, its language and its subject.

Nothing here belongs to one policy: the words that say which base an amount is come from the rule
book (each rule's ``base_terms``), facts from ``facts.py`` with the lexicon and the rule book's
flag terms. What is true of every question in Chinese or English (how a yes/no question, a request
for a clause's wording or a follow-up "那…呢" is phrased) is written here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from assistant.knowledge.aliases import edges
from assistant.knowledge.rules import Condition, RuleBook
from assistant.knowledge.types import Facts
from assistant.reading.cues import BaseWords, specific_first
from assistant.reading.facts import Evidence, read_facts
from assistant.reading.lists import _each_said, _same_label
from assistant.text.amounts import MAX_YUAN, Mention, find_mentions
from assistant.text.lexicon import Lexicon

_W = r"[^，,。；;！!？?\n]"
# Words that make an amount a *claim about the policy* rather than the user's own base figure.
CLAIM_WORDS = re.compile(rf"(上限|封顶|最高|比例|补贴标准|应为|就是|规定是|按|cap is|cap of|limit is|set to)\s*{_W}{{0,3}}\s*$", re.I)
# "能补1500万", "可获360万", "cap ... is 50 million": a figure stated as the outcome or as a policy
# figure (in the same clause), not as the user's own base.
OUTCOME_BEFORE = re.compile(rf"(能补|可补|(?:^|(?<=[，,\s]))补|补贴|补助|可获|能获|获得|能拿|可拿|拿到|给予|返还|receive|get|grant)"
                            rf"\s*(了|到|为|是)?\s*{_W}{{0,2}}$", re.I)
# "总投资4000万（含土建1500万）": a part of the figure before it, named in brackets: never a base of its own
PART_OF = re.compile(r"[（(]\s*(?:含|其中|包括|包含)[^（()）]{0,12}$")
POLICY_FIGURE = re.compile(rf"(上限|封顶|最高额|比例|\bcap\b|\blimit\b|maximum){_W}{{0,40}}?(是|为|改为|改成|设为|\bis\b|\bbe\b|\bto\b)\s*{_W}{{0,2}}$", re.I)
# "1000万以下的项目", "2亿元以上的": a bound that names a class of projects, not the user's figure.
BOUND_AFTER = re.compile(r"^\s*(?:元)?\s*(?:[（(]含[）)])?\s*(?:以下|以上|以内|及以上|及以下|或以上|或以下)\s*的")
# "合计1,850万元", "一共3.5亿": the sum of the items listed before it; the sum is the figure, not each item.
# one more item of a kind said before: "再加一笔保费800万", "又交了一笔保费", "另一份保单保费300万", "第二笔保费1000万",
# "我们还有另一个车间，投资2400万"
ANOTHER = re.compile(r"(?:(?:再|又|另|还)(?:加|有|来|买|投|交|缴|付|建)?了?(?:[一1]|一次)?|第[二三四五2-5])(?:笔|份|单|个|家|座|套)"
                     r"[^，,。；;！!？?\d]{0,6}[，,]?[^，,。；;！!？?\d]{0,4}$")  # "还有另一个车间，投资2400万"
# the message corrects the figure it just gave: "花了快一千万，准确说是980万", "1200万，不对，应该是1250万"
CORRECTION = re.compile(r"(?:(?:准确|确切|精确|具体)(?:地|来|点)?说(?:是|的话)?|准确(?:数字|金额|数)(?:是|为)|更正(?:一下)?(?:为|是)?|"
                        r"不对[，,]?(?:应该)?是|应该是|\bactually\b|to be (?:exact|precise)|correction:?)\s*[:：]?\s*$", re.I)
MONEY_WORD_BEFORE = re.compile(r"(?:金额|投资额?|投入|保费|保险费|贷款(?:本金)?|费用|成本|造价|预算|花了|投了)\s*(?:是|为|约|共|达)?\s*[:：]?\s*$")
BOUGHT = re.compile(r"(?:买|购买|采购|购置|购入|bought|purchased)")
NEGATIVE_BEFORE = re.compile(r"(-|－|−|负|minus)\s*[¥￥]?\s*$", re.I)

FORMS: dict[str, re.Pattern[str]] = {
    "yes_no": re.compile(
        rf"(能|可以|可否|能否|能不能|可不可以|是否可以|是否能|有没有资格)\s*(?:再|还|也|继续|重新)?\s*(申请|申报|享受|拿到?|领|报|参加|适用|获得|得到)"
        rf"(?:(?!多少|几|什么|啥|怎么|如何){_W}){{0,14}}?(吗|么|\?|？|$)|"
        rf"(符合|够|满足){_W}{{0,8}}?(条件|要求|资格)(吗|么|\?|？)|"
        # a modal, getting the award, and a closing 吗, no question word between: "能评示范基地拿那个补贴吗" (not
        # "健康宝数据能对接吗", which asks about a provision, not about getting its award)
        r"(?:能|可以|可否)(?:(?!多少|几|什么|啥|怎么|如何|哪)[^。？?！!，,；;]){0,12}(?:拿|领|获得|享受)"
        r"(?:(?!多少|几|什么|啥|怎么|如何|哪)[^。？?！!，,；;]){0,14}(?:吗|么)(?:[？?]|$)|"
        rf"^\s*够{_W}{{0,8}}(吗|么|\?|？)|"
        r"能申请吗|可以申请吗|能不能申请|能否申请|可否申请|能申报吗|可以申报吗|能享受吗|可以享受吗|能不能享受|能否享受|"
        r"符合条件吗|符合吗|符不符合|是否符合|够条件吗|够不够条件|有资格吗|有没有资格|够格吗|能不能拿|能拿到吗|能拿吗|能报吗|"
        r"能不能|可不可以|行不行|能否|可以吗|能吗|是否可以|有份吗|沾得上|\beligible\b|qualify|can we apply|can we get|"
        r"are we able|is it possible|^\s*(?:can|could|may|do|does|is|are|would)\b[^?]*\b(?:apply|eligible|qualify|claim|get)\b", re.I),
    "figure": re.compile(r"多少|几|比例|上限|标准|怎么算|如何计算|计算|算一下|算算|帮我算|门槛|最高|最多|金额|能补|能拿|可获|补贴额|封顶|"
                         r"how much|what amount|\bcap\b|maximum|\brate\b|percent", re.I),
    "wording": re.compile(r"原文|原话|内容|怎么写|怎么规定|如何规定|写的什么|写了什么|写的是|说了什么|说的什么|讲了什么|讲的什么|讲的是|"
                          r"具体规定|规定了什么|全文|条文|怎么说|说的啥|讲啥|写啥|original|wording|verbatim|text of|say\b|says\b", re.I),
    "issuer": re.compile(r"谁发布|谁发的|谁出的|谁印发|谁制定|发文单位|发文机关|发布单位|发布部门|发文部门|哪个部门|哪些部门|哪个单位|哪家单位|"
                         r"出台部门|制定部门|印发单位|牵头部门|主管部门是|issued by|issuer|who issued|who published|which department|"
                         r"which authority|which agency|\bissued\b|哪几个部门|联合发|联合印发|哪些部门发|谁联合", re.I),
    "basis": re.compile(r"依据哪个文件|根据哪个文件|依据什么文件|根据什么文件|依据的是|上位文件|为了贯彻|贯彻落实哪|制定依据|"
                        r"依据是什么|based on which|under which (?:plan|document)", re.I),
    "doc_number": re.compile(r"文号|发文字号|文件号|字号|document number|reference number", re.I),
    "published": re.compile(r"发布日期|发布时间|什么时候发布|何时发布|哪天发布|哪年发布|什么时候出台|何时出台|哪年出台|印发时间|发文时间|"
                            r"什么时候发的|哪天发的|哪年发的|when was it (?:issued|published)|publication date|date of issue", re.I),
    "validity": re.compile(r"有效期|还有效|有效吗|有效到|过期|失效|截止|到期|什么时候结束|期限|施行|实施时间|还能申请吗|还能申报吗|还能报吗|"
                           r"来得及|还能申|还可以申|晚不晚|晚了吗|还赶得上|"
                           r"现在还能|今年还能|还在执行|还执行吗|\bvalid\b|expire|still in force|in effect|deadline|"
                           # applying at a time, asked yes or no: "现在才申报还算吗", "明年申请行不行"
                           r"(?:现在|目前|今年|明年|眼下)[^，,。；;]{0,3}?(?:申报|申请|提交)[^，,。；;]{0,6}?(?:吗|么|行不行|可不可以|还算|还行)",
                           re.I),
    "title": re.compile(r"文件名称|文件全称|全称|叫什么名|标题是|title of|name of the (?:policy|document)", re.I),
    "overview": re.compile(r"有哪些支持|有什么支持|哪些支持|支持措施有|有哪些措施|什么措施|都有什么|都有啥|有哪些政策|有什么政策|主要内容|"
                           r"哪些补贴|有什么补贴|有哪些补贴|有啥补贴|有啥支持|有啥政策|概括|总结一下|介绍一下|讲讲|"
                           r"主要讲什么|讲的是什么|是关于什么|讲了哪些|what support|which support|what subsidies|what measures|overview|summary|"
                           r"summarize|what is (?:this|the) (?:policy|document) about|what does (?:this|the) policy (?:cover|offer)", re.I),
    "match": re.compile(r"(我们|我司|本公司|我企业|我们企业|我们公司|我单位|本单位|we|our company)\S{0,8}"
                        r"(能享受哪些|可以享受哪些|能申请哪些|可以申请哪些|能拿哪些|都能拿|适用哪些|符合哪些|能拿什么|能申请什么|可以申请什么|"
                        r"能享受什么|哪些能申请|what can we (?:get|apply))", re.I),
    "scope": re.compile(r"支持对象|哪些企业|什么企业|什么样的企业|哪类企业|谁可以|谁能|适用范围|申请条件|申报条件|什么条件|哪些条件|"
                        r"哪些领域|哪些设施|管哪些|涵盖哪些|包括哪些设施|是指什么|指的是什么|范围是什么|who can apply|which companies|what companies|"
                        r"who is eligible", re.I),
    # how to apply: materials, steps, timing, where — what a policy text usually leaves to the call for applications
    "procedure": re.compile(r"(怎么|如何|怎样|去哪|哪里|在哪|到哪)\S{0,3}(申请|申报|报名|提交)|(申请|申报)\S{0,2}(材料|流程|程序|步骤|入口|"
                            r"时间|窗口|渠道|系统|网址|通知|指南)|需要(什么|哪些)材料|什么时候(开始)?(申请|申报)|"
                            r"how (?:do|can) (?:we|i) apply|application (?:process|procedure|materials)", re.I),
    "draft": re.compile(r"写一份|起草|拟一份|草拟|拟个|写个|答复函|回复函|复函|帮我写|帮忙写|代拟|draft (?:a |the )?(?:reply|response|letter)", re.I),
}
# "那2000万呢" / "换成保费的话" / "如果是5000万": continues the last topic with a new figure or fact.
ELLIPTIC = re.compile(r"^\s*(那|那么|那如果|如果|要是|假如|换成|改成|再问|还有|另外|那要是|what about|and if|how about)|呢[？?！!。.\s]*$|的话[？?]?\s*$", re.I)
# A bare 第X is a clause only where no word follows it: 第一次, 第三方, 第二批, 第五年 count other things.
CLAUSE_REF = re.compile(r"第\s*[（(]?\s*([一二三四五六七八九十]+|\d{1,2})\s*[）)]?\s*"
                        r"(条|项|款|点|部分|(?![\u4e00-\u9fff])|(?=[里中说讲规写提呢吗的]))|[（(]([一二三四五六七八九十]+)[）)]"
                        r"|(?:clause|article|item|measure)\s*\(?(\d{1,2})\)?", re.I)
# "第二个", "前者", "the second one": which of the items an earlier message listed. Index, -1 for the last.
ORDINAL = re.compile(r"第\s*([一二两三四五1-5])\s*(?:个|项|笔|份|家|张)|(前者|前一个|前面那个|前面的那个|上一个|后者|后一个|后面那个|"
                     r"后面的那个|最后一个)|\b(?:the\s+)?(first|second|third|former|latter|last)\s*(?:one|project|item)?\b", re.I)
_ORDINAL_INDEX = {"一": 0, "1": 0, "二": 1, "两": 1, "2": 1, "三": 2, "3": 2, "四": 3, "4": 3, "五": 4, "5": 4,
                  "前者": 0, "前一个": 0, "前面那个": 0, "前面的那个": 0, "上一个": 0, "first": 0, "former": 0,
                  "second": 1, "third": 2, "后者": -1, "后一个": -1, "后面那个": -1, "后面的那个": -1, "最后一个": -1,
                  "latter": -1, "last": -1}
_CN_NUM = dict(zip("一二三四五六七八九十", range(1, 11), strict=True))
CN_NUMERALS = "零一二三四五六七八九十"


@dataclass
class Reading:
    """One message, read on its own."""

    text: str
    lang: str = "zh"  # "zh" | "en"
    amounts: list[Mention] = field(default_factory=list)  # the user's own base figures, in order
    roles: dict[str, Decimal] = field(default_factory=dict)  # base key -> amount, by the words before it
    exclusive: set[str] = field(default_factory=set)  # base keys named by words that name only that base
    role_amounts: dict[str, list[Decimal]] = field(default_factory=dict)  # every amount per base, in order
    unbound: list[Mention] = field(default_factory=list)  # amounts no words tie to a base
    claims: list[Mention] = field(default_factory=list)  # figures the user asserts about the policy
    attributes: list[Mention] = field(default_factory=list)  # figures about the firm (注册资本), never a base
    added: list[Mention] = field(default_factory=list)  # amounts added to a base figure said before ("再加400万")
    bought: list[Mention] = field(default_factory=list)  # lone amounts said as a price paid for goods ("买产品花了")
    another: set[str] = field(default_factory=set)  # bases of which the message adds one more item ("再加一笔保费800万")
    bad_amounts: list[str] = field(default_factory=list)  # figures we refuse, with the reason
    foreign: list[Mention] = field(default_factory=list)  # amounts in another currency (500万美元)
    foreign_roles: set[str] = field(default_factory=set)  # the bases those amounts are (for rules in that currency only)
    facts: Facts = field(default_factory=Facts)
    evidence: list[Evidence] = field(default_factory=list)
    forms: set[str] = field(default_factory=set)
    clause_refs: list[int] = field(default_factory=list)  # "第六条" -> 6
    subjects: set[str] = field(default_factory=set)  # individual / procedure / chit_chat
    elliptic: bool = False
    items: list[tuple[Mention, frozenset[str] | None]] = field(default_factory=list)  # each base amount, its keys
    cue_terms: dict[int, str] = field(default_factory=dict)  # where an amount starts -> the base word that tied it
    each: dict[int, int] = field(default_factory=dict)  # where a figure said once for each of n items starts -> n
    scale: Decimal | None = None  # "那翻一倍呢": the earlier base times this, in a follow-up with no figure of its own
    ordinal: int | None = None  # "第二个呢": the index of an item an earlier message listed


def language(text: str) -> str:
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return "en" if latin > 3 * cjk and latin >= 6 else "zh"


def clause_number(label: str) -> int | None:
    """（六） / 第六条 / 6. -> 6."""
    m = re.search(r"([一二三四五六七八九十]+|\d{1,2})", label or "")
    if not m:
        return None
    return int(m[1]) if m[1].isdigit() else _cn_small(m[1])


def _cn_small(s: str) -> int | None:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_NUM.get(s[1:], 0)
    if s.endswith("十"):
        return _CN_NUM.get(s[:-1], 0) * 10
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_NUM.get(a, 0) * 10 + _CN_NUM.get(b, 0)
    return _CN_NUM.get(s)


def foreign_message(m: Mention) -> str:
    return f"金额“{m.text}”不是人民币，本助手只按人民币金额计算，请换算为人民币后再问"


# Questions about the document itself: a cue there must begin a word (字号 is no 文号 in 中华老字号).
DOCUMENT_FORMS = frozenset({"issuer", "doc_number", "published", "title", "basis"})


def _forms(text: str) -> set[str]:
    forms, cut = set(), None
    for name, rx in FORMS.items():
        for m in rx.finditer(text):
            if name in DOCUMENT_FORMS:
                cut = edges(text) if cut is None else cut
                if m.start() not in cut:  # begins inside a word (老字号); it may end inside one (联合发 of 联合发布)
                    continue
            forms.add(name)
            break
    return forms


class Reader:
    """Reads messages against one rule book and lexicon."""

    def __init__(self, rules: RuleBook, lexicon: Lexicon):
        self.lexicon = lexicon
        self.flags: list[Condition] = [c for r in rules for c in r.conditions if c.kind == "flag"]
        self.minimums: list[Condition] = list({c.id: c for r in rules for c in r.conditions if c.kind == "minimum"}.values())
        self.words = BaseWords(rules, lexicon)

    def read(self, text: str) -> Reading:
        r = Reading(text=text, lang=language(text))
        mentions = find_mentions(text)
        ranged = _ranges(text, mentions)
        items, totals = self.words.totals(text, [m for m in mentions if id(m) not in ranged])
        for m in mentions:
            if id(m) in ranged or id(m) in items:
                continue
            if m.kind == "amount" and id(m) not in totals and self.words.joint(text, m):
                r.bad_amounts.append(f"“{m.text}”是几个项目的合计金额，每个项目单独计算、单独封顶，请分别提供每一个的金额")
                continue
            self._amount(r, m, totals.get(id(m)))
        for a, b in sorted(set(ranged.values())):
            r.bad_amounts.append(f"“{text[a:b]}”是一个金额范围，无法按范围计算，请提供确切金额")
        r.facts, r.evidence = read_facts(text, self.lexicon, self.flags)
        self._minimums(r, mentions)
        r.forms = _forms(text)
        r.clause_refs = self._clause_refs(text)
        low = text.lower()
        for kind, words in self.lexicon.subjects.items():
            if any(_has(low, w.lower()) for w in words):
                r.subjects.add(kind)
        specific_first(r)
        _each_said(r)  # "A车间和B车间各投了800万": one figure for each of the items named
        if not r.amounts and (m := SCALE.search(text)):
            r.scale = Decimal(2) if m["up"] else Decimal("0.5")
        r.ordinal = _ordinal(text) if len(r.amounts) <= 1 else None  # "前面那个如果投资变成3500万呢": one new figure
        r.elliptic = bool(ELLIPTIC.search(text)) or (len(text) <= 14 and bool(r.amounts) and not r.forms - {"figure"})
        return r

    def _minimums(self, r: Reading, mentions: list[Mention]) -> None:
        """The firm's figure for each minimum an award requires (注册资本只有800万 against 注册资本在1000万元（含）以上),
        named in the figure's own clause, compared with the threshold: a yes/no fact of the condition."""
        text, found = r.text, {}
        for cond in self.minimums:
            for m in mentions:
                if m.kind != "amount" or m.value is None or cond.threshold is None:
                    continue
                cut = max(text.rfind(p, 0, m.start) for p in "，,。；;！!？?\n")
                if any(t in text[cut + 1 : m.start] for t in cond.terms):
                    found[cond.fact] = m.value >= cond.threshold if cond.inclusive else m.value > cond.threshold
                    r.evidence.append(Evidence(cond.fact, found[cond.fact], text[cut + 1 : m.end]))
                    break
        if found:
            r.facts = replace(r.facts, other=tuple(sorted({**dict(r.facts.other or ()), **found}.items())))

    @staticmethod
    def _withdraw(r: Reading, m: Mention) -> frozenset[str] | None:
        """An amount the message corrects right after it: no figure of the message any more; its base, if any,
        is what the correction is."""
        keys = next((k for a, k in r.items if a is m), None)
        r.amounts.remove(m)
        r.items = [(a, k) for a, k in r.items if a is not m]
        r.unbound = [a for a in r.unbound if a is not m]
        for key in keys or ():
            r.role_amounts[key] = [v for v in r.role_amounts.get(key, []) if v != m.value]
            if not r.role_amounts[key]:
                del r.role_amounts[key]
                r.roles.pop(key, None)
        return keys or None

    def _amount(self, r: Reading, m: Mention, keys: frozenset[str] | None = None) -> None:
        text = r.text
        if m.kind == "unreadable":
            r.bad_amounts.append(f"无法完整识别金额“{m.text}”，请用“数字加单位”的完整写法（阿拉伯数字或中文大小写数字，单位元、万元或亿元）重新输入")
            return
        if m.kind == "foreign":
            r.bad_amounts.append(foreign_message(m))
            r.foreign.append(m)  # a rule whose bands are in that currency reads it; every other refuses it
            r.foreign_roles |= self.words.role(text, m) or frozenset()
            return
        if m.kind == "number" and m.value is not None and m.value >= 100000 and m.value == m.value.to_integral_value() \
                and MONEY_WORD_BEFORE.search(text[max(0, m.start - 8) : m.start]):
            m = replace(m, kind="amount")  # "项目投资额10000000": digits a money word names, in yuan
        if m.kind != "amount" or m.value is None:
            return
        before = text[max(0, m.start - 8) : m.start]
        clause = re.split(r"[，,。；;！!？?\n]|\.\s", text[max(0, m.start - 40) : m.start])[-1]  # English ends at ". "
        if CLAIM_WORDS.search(before) or OUTCOME_BEFORE.search(before) or POLICY_FIGURE.search(clause):
            r.claims.append(m)
            return
        part = PART_OF.search(text[max(0, m.start - 16) : m.start])
        if part and not ("其中" in part[0] and r.items and r.items[-1][1] and self.words.role(text, m) == r.items[-1][1]):
            r.attributes.append(m)  # "总投资2000万（含设备800万）": a part, not the figure
            return  # (but "贷款总额3亿（其中固定资产投资贷款2亿…）": the part of the same base is the base)
        if NEGATIVE_BEFORE.search(text[max(0, m.start - 6) : m.start]):
            r.bad_amounts.append(f"金额“-{m.text}”是负数，投资、保费或贷款金额应大于零")
            return
        if m.value <= 0 or m.value > MAX_YUAN:
            why = "为零" if m.value <= 0 else "超出合理范围（超过1万亿元）"
            r.bad_amounts.append(f"金额“{m.text}”{why}，投资、保费或贷款金额应为大于零的实际金额")
            return
        if CORRECTION.search(text[max(0, m.start - 10) : m.start]) and r.amounts \
                and self.words.last_cue(text[r.amounts[-1].end : m.start].lower(), non_base=True) is None:
            keys = keys if keys is not None else self._withdraw(r, r.amounts[-1])  # "快一千万了，准确说是980万"
        keys = keys if keys is not None else self.words.change(text, m)
        if keys is None:
            keys = self.words.role(text, m)
            r.cue_terms[m.start] = self.words.last_term or ""  # the word that tied it, whose documents use it
        if keys is None and r.items and r.items[-1][1] and (
                re.fullmatch(r"\s*(?:和|与|及|、|或)\s*", text[r.items[-1][0].end : m.start]) or _same_label(text, r.items[-1][0], m)):
            keys = r.items[-1][1]  # "建设投资分别为1000万和2000万", "望京那个投资2400万，亦庄那个投资4000万": the same list
        if BOUND_AFTER.match(text[m.end : m.end + 12]):
            keys = frozenset()
        if keys is not None and not keys:
            r.attributes.append(m)  # 注册资本2000万: about the firm, never a base
            if self.words.added(text, m):
                r.added.append(m)
            return
        if keys and r.items and r.items[-1][1] == keys and "其中" in text[r.items[-1][0].end : m.start]:
            whole = r.items.pop()[0]  # "贷款总额3亿元，其中固定资产投资贷款2亿元": the part is the base, not the whole
            r.amounts.remove(whole)
            r.attributes.append(whole)
            for key in keys:
                r.role_amounts[key] = [v for v in r.role_amounts.get(key, []) if v != whole.value]
        r.amounts.append(m)
        r.items.append((m, keys))
        if keys and ANOTHER.search(text[max(0, m.start - 12) : m.start]):
            r.another |= keys
        if not keys:
            r.unbound.append(m)
            if BOUGHT.search(re.split(r"[，,。；;！!？?\n]", text[max(0, m.start - 16) : m.start])[-1]):
                r.bought.append(m)  # "买设备花了2000万": a price paid for goods
        for key in keys or ():
            r.roles[key] = m.value
            r.role_amounts.setdefault(key, []).append(m.value)
            if len(keys) == 1:
                r.exclusive.add(key)

    def _clause_refs(self, text: str) -> list[int]:
        out = []
        for m in CLAUSE_REF.finditer(text):
            raw = m[1] or m[3] or m[4]
            if m[1] and m[2] in (None, "") and not re.match(r"第", m[0]):
                continue
            if m[2] == "部分":
                continue
            n = int(raw) if raw.isdigit() else _cn_small(raw)
            if n:
                out.append(n)
        return out


RANGE_JOIN = re.compile(r"^\s*(到|至|~|～|-|－|—|–|或|或者|to|or)\s*$", re.I)


def _ranges(text: str, mentions: list[Mention]) -> dict[int, tuple[int, int]]:
    """Amounts that are the ends of a range ("100万到200万", "一两千万" is the reader's): by id, with the span."""
    out: dict[int, tuple[int, int]] = {}
    money = [m for m in mentions if m.kind in ("amount", "number")]
    for a, b in zip(money, money[1:], strict=False):
        if b.kind == "amount" and RANGE_JOIN.match(text[a.end : b.start]):
            out[id(a)] = out[id(b)] = (a.start, b.end)
    return out


def _ordinal(text: str) -> int | None:
    """The item a short follow-up picks out ("第二个呢？", "前者呢", "And the second one?"), or None."""
    if len(text) > 40:
        return None
    m = ORDINAL.search(text)
    if not m:
        return None
    if m[3] and not re.search(r"\bone\b|\bthe\b|呢|\?|？", text, re.I):
        return None  # "first use" is a measure's name, not an ordinal
    return _ORDINAL_INDEX.get((m[1] or m[2] or m[3] or "").lower())


def _has(low: str, word: str) -> bool:
    if word.isascii():
        return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", low) is not None
    return word in low


SCALE = re.compile(r"(?P<up>翻(?:了)?(?:一)?倍|翻(?:一)?番|\bdoubled?\b|\btwice\b)|(?P<down>减半|减少一半|砍半|\bhalved?\b)", re.I)
