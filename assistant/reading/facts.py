"""Facts about the enterprise, read with their grammar: whose place, which trade, said or denied.

A fact keeps the words it came from (``Evidence``) so an answer can say why a condition is met.
A place counts as the place of registration only when the words tie it to the firm (注册在X,
我们是X的企业); an office or a lender is not the firm's registration or trade; a negation flips
a fact; a question about a fact ("能入库吗") states nothing. When unsure, the fact stays unknown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from assistant.knowledge.rules import Condition
from assistant.knowledge.types import Facts
from assistant.text.lexicon import Lexicon

_W = r"[^，,。；;！!？?\n]"  # a character inside one clause of a sentence
NEGATION = re.compile(r"(不是|并非|并不是|不属于|非|没有在?|没在|没进|没上|没列入|未列入|未进|未在|没|未|尚未|还没有?|还未|不在|无|暂未|暂时没有?|not|n't|no)\s*$", re.I)
# After a flag's words: a question about it, or talk about the thing rather than the firm's state.
ASKING_AFTER = re.compile(rf"^(了|过)?(吗|么|嘛|与否|没有?|不)[？?]?|^{_W}{{0,2}}?(的?门槛|的?标准|的?条件|的?要求|的?流程|的?程序|需要|要求|怎么|如何)")
STATED_BEFORE = re.compile(r"(已|已经|早已|已于|都|均)\s*$")
ASKING_BEFORE = re.compile(rf"(能|能否|可否|是否|可以|怎么|怎样|如何|才能|要|需要|需|申请|想|准备|打算|whether|how to|can we)\s*{_W}{{0,2}}$", re.I)
FIRM_AFTER = re.compile(rf"^{_W}{{0,6}}?(企业|公司|厂|店|馆|行业|集团|单位|机构|连锁|事务所|商|厂商|供应商|company|firm|enterprise|business|chain|group|maker)"
                        r"|^\s*(能不能|能否|可以|可不可以|是否|能|想|要)\s*(申请|申报|享受|拿)", re.I)  # "连锁超市能不能申请"
FIRM_BEFORE = re.compile(rf"(是一家|是家|是个|一家|是|为|系|做|搞|开|从事|主营|经营|属于|干|我们|我司|本公司|本企业|we are an?|we're an?|we run an?)\s*{_W}{{0,4}}$|(?:we are an?|we're an?|\ban?)\s+[\w -]{{0,24}}$"
                         r"|(企业|公司|单位|我司|我单位|本公司)[（(][^）)]{0,16}$", re.I)
REGISTERED_BEFORE = re.compile(r"(注册在|注册于|注册地(?:是|为|在)?|注册地址(?:是|在)?|登记在|在|registered in|incorporated in|"
                               r"registered and operating in|registered and based in)\s*$", re.I)
REGISTERED_AFTER = re.compile(rf"^{_W}{{0,4}}?(注册|登记|registered|incorporated)", re.I)
IDENTITY_BEFORE = re.compile(r"(我们|我司|我单位|本单位|本公司|本企业|我们公司|公司|企业|单位|总部|一家|\ba|\ban|we are a|we're a)\s*(是|为|系)?\s*(在|位于|设在)?\s*$"
                             r"|(企业|公司|单位|我司|我单位|本公司)[（(][^）)]{0,10}$", re.I)
IDENTITY_AFTER = re.compile(rf"^(?:市|省)?{_W}{{0,6}}?(的企业|的公司|企业|公司|本地企业|本地公司|-based|based| company| firm)"
                            r"|^(?:市|省|区)?的(?=[，,。\s]|$|一家|企业|公司|单位|工厂|厂)"
                            rf"|^{_W}{{0,16}}?(企业|公司|工厂|集团)(?!{_W}{{0,6}}(政策|补贴))", re.I)  # 北京经开区的集成电路制造企业
OFFICE_AFTER = re.compile(rf"^{_W}{{0,4}}?(有办公室|有分公司|有办事处|设有|设立了?分|办公|经营|运营|有个?(?:办公|分|研发中心|团队)|office|branch)", re.I)
POLICY_AFTER = re.compile(rf"^(?:市|省|区)?{_W}{{0,16}}?(政策|补贴|补助|措施|办法|资助|奖励|扶持|subsid|polic)", re.I)
LENDER_NEAR = re.compile(rf"^{_W}{{0,4}}?(贷款|借|授信|放贷|贷了|给我们贷|loan)", re.I)
DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
YEAR_RE = re.compile(r"(?<![\d\-])(20\d{2})\s*年(?![\d\-])(?!内)")
EN_YEAR = re.compile(r"\b(?:in|during)\s+(20\d{2})\b(?!\s*[-/年]|\.\d)", re.I)
EN_DONE = re.compile(r"\b(?:signed|built|founded|established|started|completed|bought|purchased|registered|made|paid|"
                     r"granted|issued|launched|set up|took out|since)\b[^.?!,;]{0,24}$", re.I)
MONTH_RE = re.compile(r"(?<![\d\-])(20\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")
YEAR_CONTEXT = re.compile(r"申请|申报|的时候|时|那年|当年|今年|明年|去年|in 20\d\d|apply|"
                          r"还有(?:这个|这项|该)?(?:补贴|政策|支持|措施)|还(?:有效|在执行|执行)", re.I)
SELF_BEFORE = re.compile(rf"(我们|我司|本公司|本单位|我单位|我行|本行|we are|we're)\s*(是|为|系)?\s*(一家|家|个)?{_W}{{0,6}}$", re.I)
# "我们是清华的一个高校实验室", "我单位是事业单位", "我们是一个行业协会": what the asker says it is.
APPLICANT_BEFORE = re.compile(rf"(我们|我方|我单位|本单位|我们单位|我|we are|we're)\s*(是|为|系|属于|就是|are)\s*{_W}{{0,9}}$|(我们|本单位|我单位|我)\s*$|"
                              r"\b(?:we are|we're|i am|i'm)\s+(?:an?|the)?\s*(?:[a-z-]+\s+){0,3}$", re.I)  # "We are a public university"
APPLICANT_AFTER = re.compile(r"^\s*(性质|身份|名义)")
# the applicant word heads its clause's subject ("北京大学某课题组想申请…"): the clause starts at most a place
# before it, with no one it works with (和/与/给/帮…), and its verb follows within a few characters
SUBJECT_BEFORE = re.compile(r"(?:^|[，,。；;？?！!\n])\s*[^，,。；;？?！!\n和与跟同给为帮对向替]{0,6}$")
SUBJECT_AFTER = re.compile(r"^(?:(?!公司|企业|厂|集团)[^，,。；;？?！!\n的和与跟]){0,8}?(?:想|要|能|可以|可否|能否|是否|申请|拟|打算|准备|计划)")
UNIT_OF = re.compile(r"的?[^，,。；;？?！!\n的和与跟]{0,6}?(?:实验室|课题组|团队|研究中心|学院|院系|研究所|研究院)")
# "Can a university research lab apply…": the applicant word heads the subject of an English question
EN_SUBJECT_BEFORE = re.compile(r"\b(?:can|could|may|is|are|does|do|would)\s+(?:an?|the|our|my)?\s*(?:[a-z-]+\s+){0,2}$", re.I)
EN_SUBJECT_AFTER = re.compile(r"^(?:\s+[a-z-]+){0,3}?\s+(?:apply|get|receive|qualify|claim|be eligible|eligible)\b", re.I)
POLICY_PHRASE = re.compile(r"工业和软件信息服务业|工业和软件和信息服务业")


@dataclass(frozen=True)
class Evidence:
    fact: str
    value: object
    words: str  # the user's own words the fact was read from


def read_facts(text: str, lexicon: Lexicon, flags: list[Condition]) -> tuple[Facts, list[Evidence]]:
    """Facts stated in one message, with the words each came from."""
    found: list[Evidence] = []
    place = _registration(text, lexicon)
    if place:
        found.append(place)
    trade = _trade(text, lexicon)
    if trade:
        found.append(trade)
    who = _applicant(text, lexicon)
    if who:
        found.append(who)
    for cond in _unique_flags(flags):
        hit = _flag(text, cond)
        if hit:
            found.append(hit)
    offset = read_year_offset(text)
    day = read_date(text) if offset is None else None  # "2022年签的合同，明年还能申请吗": the year asked is 明年
    if day:
        found.append(Evidence("date", day, str(day)))
    if offset is not None:
        found.append(Evidence("year_offset", offset, text))
    facts = Facts.of({e.fact: e.value for e in found})
    return facts, found


def _unique_flags(flags: list[Condition]) -> list[Condition]:
    seen: dict[str, Condition] = {}
    for c in flags:
        if c.kind == "flag" and c.fact and (c.terms or c.negative_terms):
            old = seen.get(c.fact)
            seen[c.fact] = c if old is None else replace(
                old, terms=tuple(sorted(set(old.terms) | set(c.terms), key=lambda w: -len(w))),
                negative_terms=tuple(sorted(set(old.negative_terms) | set(c.negative_terms), key=lambda w: -len(w))))
    return list(seen.values())


def _hits(text: str, words: list[tuple[str, str]]) -> list[tuple[int, int, str, str]]:
    """Non-overlapping occurrences of ``words`` (longest first), as (start, end, word, tag)."""
    taken = [False] * len(text)
    out = []
    low = text.lower()
    for word, tag in words:
        w = word.lower()
        at = low.find(w)
        while at >= 0:
            end = at + len(w)
            ascii_word = w.isascii()
            bounded = not ascii_word or ((at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()))
            if bounded and not any(taken[at:end]):
                out.append((at, end, text[at:end], tag))
                for i in range(at, end):
                    taken[i] = True
            at = low.find(w, at + 1)
    return sorted(out)


def _registration(text: str, lex: Lexicon) -> Evidence | None:
    registered = identity = denied = None
    short = [(n, r) for r, names in lex.places.items() for n in names if len(n) == 1]
    long = _hits(text, lex.place_names())
    for start, end, name, _region in long + [  # "京注册" alone, never the 京 of a 北京 already found
            h for h in _hits(text, short) if re.match(r"^\s*(注册|登记)", text[h[1]:])
            and not any(a <= h[0] < b for a, b, _, _ in long)]:
        reach = 28 if text[max(0, start - 28) : start].isascii() else 8  # English says more before a place
        before, after = text[max(0, start - reach) : start], text[end : end + 12]
        if NEGATION.search(before.rstrip("的在")) or re.search(r"(不是|并非|非|不)\s*(在)?\s*$", before):
            denied = denied or Evidence("not_registered_in", name, text[max(0, start - 4) : end + 3])
            continue
        if re.match(rf"^{_W}{{0,3}}?(没有|没|未|不是|并未)\s*(注册|登记|registered)", after):
            denied = Evidence("not_registered_in", name, text[start : end + 6])
            continue
        if REGISTERED_BEFORE.search(before) and not OFFICE_AFTER.search(after) \
                and re.search(r"(注册|登记|registered|incorporated)[^，,。；;）)]*$", before, re.I):  # in this place's clause
            registered = Evidence("registered_in", name, text[max(0, start - 4) : end])
        elif REGISTERED_AFTER.search(after) and not re.match(r"^\S{0,3}(的?(政策|补贴))", after):
            registered = registered or Evidence("registered_in", name, text[start : end + 4])
        elif re.match(r"^(市|省|区)?(的)?(企业|公司|单位|厂|本地企业)", after):
            identity = identity or Evidence("registered_in", name, text[max(0, start - 4) : end + 4])
        elif POLICY_AFTER.search(after) and not IDENTITY_BEFORE.search(before):
            continue  # "上海有什么补贴": a place the question is about, not the firm's
        elif OFFICE_AFTER.search(after) or (re.search(r"在\s*$", before) and not IDENTITY_BEFORE.search(before)):
            continue  # an office or operations there say nothing about registration
        elif IDENTITY_BEFORE.search(before) or IDENTITY_AFTER.search(after):
            identity = identity or Evidence("registered_in", name, text[max(0, start - 4) : end + 4])
    chosen = registered or identity
    if chosen:
        return chosen
    return denied


def _applicant(text: str, lex: Lexicon) -> Evidence | None:
    """A non-enterprise applicant the asker says it is (高校, 事业单位, 个人…), never one it works with."""
    for start, end, _word, kind in _hits(text, lex.applicant_words()):
        before = text[max(0, start - (30 if text[max(0, start - 30) : start].isascii() else 14)) : start]
        if NEGATION.search(before[-4:]) or re.search(r"不是\S{0,6}$", before) \
                or re.search(r"\b(?:not|neither|nor)\s+(?:an?\s+|the\s+)?(?:[a-z-]+\s+){0,2}$", before, re.I):
            continue
        opening = re.fullmatch(r"\s*[^，,。；;？?！!]{0,10}的\s*", text[:start]) is not None  # "北京注册的个体工商户，…"
        part = UNIT_OF.match(text[end:])  # "清华大学的实验室能申请": a unit of the institution asks as the institution
        subject = SUBJECT_BEFORE.search(text[max(0, start - 8) : start] if start >= 8 else "\n" + text[:start]) \
            and SUBJECT_AFTER.match(text[end + (part.end() if part else 0) :])
        subject = subject or (EN_SUBJECT_BEFORE.search(text[max(0, start - 30) : start]) and EN_SUBJECT_AFTER.match(text[end:]))
        if APPLICANT_BEFORE.search(before) or APPLICANT_AFTER.match(text[end:]) or opening or start == 0 or subject:
            return Evidence("applicant", kind, text[max(0, start - 4) : end + 2])
    return None


def _word_starts(text: str) -> set[int]:
    """Where words begin (jieba), so 家电 is not read inside 一家电脑."""
    from assistant.search.retrieval import _tokenizer

    starts, at = set(), 0
    for w in _tokenizer().lcut(text):
        starts.add(at)
        at += len(w)
    return starts


def _trade(text: str, lex: Lexicon) -> Evidence | None:
    policy_spans = [m.span() for m in POLICY_PHRASE.finditer(text)]
    starts = None
    for start, end, word, _code in _hits(text, lex.trade_words()):
        if any(a <= start < b for a, b in policy_spans):
            continue  # the policy's own words quoted back
        if not word.isascii():
            starts = starts if starts is not None else _word_starts(text)
            if start not in starts:
                continue
        reach = 30 if text[max(0, start - 30) : start].isascii() else 8
        before, after = text[max(0, start - reach) : start], text[end : end + 8]
        if word in lex.lenders or any(word.startswith(x) or x in word or text.startswith(x, start) for x in lex.lenders):
            # "银行贷款", "贷款银行是工商银行": who lends. A lender is the firm's own trade only when the
            # user says so of themselves ("我们是一家商业银行").
            if LENDER_NEAR.search(after) or not SELF_BEFORE.search(text[max(0, start - 12) : start]):
                continue
        if NEGATION.search(before[-4:]):
            continue  # "不是制造业": says what the firm is not; what it is stays unknown
        wide = text[max(0, start - 24) : start]  # "某科技公司（北京海淀注册经营，软件和信息技术服务业…）"
        if FIRM_AFTER.search(after) or FIRM_BEFORE.search(before) or re.search(r"(企业|公司|单位|我司|我单位|本公司)[（(][^）)]{0,22}$", wide):
            return Evidence("industry", word, text[max(0, start - 3) : min(len(text), end + 3)])
    return None


NEGATED_NEAR = re.compile(rf"(没有|没|未|尚未|还没有?|还未|不在|不是|并未|not|n't)\s*(进|在|列入|纳入|进入|入|上)?{_W}{{0,10}}$", re.I)


def _flag(text: str, cond: Condition) -> Evidence | None:
    for start, end, _word, _ in _hits(text, [(t, "") for t in cond.negative_terms]):
        if not NEGATION.search(text[max(0, start - 4) : start]):  # "只给集团内部用": the fact is false
            return Evidence(cond.fact or "", False, text[max(0, start - 4) : end])
    result = None
    for start, end, _word, _ in _hits(text, [(t, "") for t in cond.terms]):
        before, after = text[max(0, start - 16) : start], text[end : end + 8]
        if NEGATION.search(before[-4:]) or NEGATED_NEAR.search(before):
            # "我们不是本市重点项目的承担单位，能作为参与单位申报吗": the firm's own denial stands, whatever it then asks
            return Evidence(cond.fact or "", False, text[max(0, start - 3) : end])
        elif (ASKING_AFTER.search(after) or ASKING_BEFORE.search(before)) and not STATED_BEFORE.search(before):
            continue  # "能入库吗", "入库门槛": asks about it, states nothing
        else:
            result = Evidence(cond.fact or "", True, text[max(0, start - 2) : end])
    return result


# After a date: what the project did then (签了合同, 建成, 付了保费), a fact about it, not the date of the application.
EVENT_AFTER = re.compile(r"^\s*(?:年底|年初|年中|年内)?\s*(?:就|已经?|已)?\s*(?:签|建成|建设|建好|开工|完工|竣工|投产|投用|上线|付|支付|交|缴|投保|"
                         r"采购|购买|买|立项|成立|注册|拿|获|获得|评上|认定|入库|开始建|启动|签订|签署)")
# "明年还能申请吗", "今年申报": the year of the application, counted from the day asked.
RELATIVE_YEAR = re.compile(r"(今年|明年|后年|this year|next year)(?=[^，,。；;？?！!]{0,8}(申请|申报|报|补报|apply|来得及|赶得上|还能|还可以))"
                           r"|(申请|申报|apply)[^，,。；;？?！!]{0,4}(今年|明年|后年|this year|next year)", re.I)
_OFFSET = {"今年": 0, "this year": 0, "明年": 1, "next year": 1, "后年": 2}


# The clause a date is in says what it is the date of: an application (打算2025年3月再提交申请) or something
# the project or firm did (贷款是2021年放的, 2010年在北京注册的, 预计2026年才竣工).
APPLY_IN_CLAUSE = re.compile(r"申请|申报|提交|补报|报送|apply", re.I)
EVENT_IN_CLAUSE = re.compile(r"签|建成|建好|开工|完工|竣工|投产|投用|上线|支付|付了|缴|投保|采购|购买|买的|买了|立项|成立|注册|做的|做了|做完|完成|"
                             r"放的|放款|发放|贷的|借的|拿到|获得|评上|认定|入库|启动|到账|signed|built|completed|registered", re.I)


def _clause_of(text: str, start: int, end: int) -> str:
    a = max(text.rfind(p, 0, start) for p in "，,。；;！!？?\n") + 1
    ends = [i for p in "，,。；;！!？?\n" if (i := text.find(p, end)) >= 0]
    return text[a : min(ends, default=len(text))]


def _fact_date(text: str, m) -> bool:
    """The date of something done, not of the application: by an event right after it, or by its clause."""
    after = re.sub(r"^\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?\s*(?:份|底|初|中)?\s*(?:才|刚|就|已经|已|会|将)?", "", text[m.end() :])
    if EVENT_AFTER.match(after):
        return True
    clause = _clause_of(text, m.start(), m.end())
    return not APPLY_IN_CLAUSE.search(clause) and bool(EVENT_IN_CLAUSE.search(clause))


def read_date(text: str) -> dt.date | None:
    """The date of the application the question asks about, when it names one; a date of something the
    project did (2022年签的合同, 贷款是2021年放的) is not it."""
    for m in DATE_RE.finditer(text):
        line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        if _fact_date(text, m) or not text[m.end() :].strip(" \t\r\n。.") \
                or re.search(r"(日期|落款|来函时间)\s*[:：]?\s*$", line):
            continue  # what the project did then, or the date a letter was signed: not the application's
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    if not YEAR_CONTEXT.search(text):
        return None
    for y in MONTH_RE.finditer(text):  # "打算2025年3月再提交申请": that month
        if not _fact_date(text, y) and 1 <= int(y[2]) <= 12:
            return dt.date(int(y[1]), int(y[2]), 1)
    for y in YEAR_RE.finditer(text):
        if not _fact_date(text, y):
            return dt.date(int(y[1]), 7, 1)  # mid-year: a year-only question is about the whole year
    for y in EN_YEAR.finditer(text):  # "still valid in 2026?", "apply in 2025"; not "the contract signed in 2022"
        if not EN_DONE.search(text[max(0, y.start() - 40) : y.start()]):
            return dt.date(int(y[1]), 7, 1)
    return None


def read_year_offset(text: str) -> int | None:
    """明年 -> 1, 今年 -> 0: the application's year relative to the day asked, when the question says so."""
    m = RELATIVE_YEAR.search(text)
    if not m:
        return None
    return _OFFSET.get((m[1] or m[4] or "").lower())


def merge_facts(old: Facts, new: Facts, lexicon: Lexicon | None = None) -> Facts:
    """Later statements win; a stated registration replaces an earlier denial and vice versa. A firm
    registered somewhere else than the earlier one ("我们是上海的企业" after a Beijing firm) is another
    subject: nothing said of the earlier firm carries over."""
    if lexicon is not None and _another_firm(old, new, lexicon):
        return new
    merged = old.merged(new)
    if new.registered_in:
        merged = replace(merged, not_registered_in=None)
    elif new.not_registered_in:
        merged = replace(merged, registered_in=None)
    return merged


def _another_firm(old: Facts, new: Facts, lexicon: Lexicon) -> bool:
    said, before = new.registered_in or new.not_registered_in, old.registered_in or old.not_registered_in
    if not said or not before:
        return False
    same = lexicon.region_of(said) == lexicon.region_of(before)
    negated = bool(new.not_registered_in) != bool(old.not_registered_in)
    return not same if not negated else False
