"""Find the numeric provisions of one clause and say which kind each is (for ``rules_draft``).

Every proposal quotes its sentence verbatim and carries the figures as written, so loading checks
them against the quote. A sentence about a fund's size or a target is not support to an
applicant and is skipped; a figure that is only a condition (投资500万元以上的项目) is noted as
such; every other figure no pattern can express is reported, never approximated.
"""

from __future__ import annotations

import re

from assistant.knowledge.counted_steps import counted_list
from assistant.knowledge.multiples import figures as multiple_figures
from assistant.knowledge.multiples import multiple
from assistant.knowledge.per_unit import _per_unit, _person_paid, case_units
from assistant.knowledge.rate_forms import RATIO_OF, WHOLE, _ratio, _whole
from assistant.knowledge.tiers import ascending, case_list, counted_cases, level_words, standard_tiers
from assistant.knowledge.wording import (  # noqa: F401  (re-exported: drafting reads them from here)
    AMT,
    CAP,
    CAP_NOT_OVER,
    CNQ,
    CONDITION_AFTER,
    DASH,
    NOT_SET,
    NUM,
    RATE,
    UNITS,
    Proposal,
    _award_amount,
    _cap,
    _n,
    base_before,
    loan_ceiling,
)
from assistant.text.amounts import find_mentions

CUES = ("补贴", "贴息", "奖励", "补助", "资助", "支持", "纳入", "扶持", "配套", "经费", "奖金", "补偿", "救助", "津贴", "奖补", "减免", "激励")
# 最低生活保障标准为每人每月1200元 · 基本饮食标准为每人每月800元: a standard paid per person and period, named
# without an award word; a recognition threshold (认定标准, 准入标准) is no payment
STANDARD_PAID = re.compile(r"(?<!认定)(?<!准入)(?<!收入)标准(?:统一)?(?:为|是|提高到|提高至|调整为)?每人每(?:月|年|天|日)")
# 设立…专项资金 · 基金规模: a fund's size; 通过借款筹集资金的项目 names the projects, it sets up no fund
# 分别奖50万元、20万元 · 奖5万元: 奖 alone before the amount awards it
# …给予最高5万元伯乐奖 · 给予最高15万元安家费: an award named after its amount
BARE_AWARD = re.compile(rf"(?<![获得])奖\s*{AMT}|给予[^，。；\d]{{0,6}}?{AMT}[^，。；\d]{{0,8}}?(?:奖(?![励金补])|[^，。；\d]{{2}}费(?!用))")
FUND = re.compile(r"(设立|安排|统筹|筹集|设置)[^，。；]{0,12}(基金|专项资金|资金池|资金)(?!的[^，。；]{0,6}(?:项目|企业|单位))|总规模|基金规模|"
                  r"^本条款?(?:每年|年度|政策有效期内)?[^，。；\d]{0,6}?(?:额度|总额)")  # 本条款每年奖励额度最高80万元: its budget
TARGET = re.compile(r"力争|目标|到20\d\d年|至20\d\d年|\d+家(?!企业)|达到\d+家|突破\d+家")
AWARD = r"(?:一次性)?(?:奖励|补助|资助|补贴|扶持|支持|安家补贴|经费支持|建设经费支持|配套支持)"

FEN = re.compile(rf"分别(?:一次性)?(?:给予|奖励|补助|补贴|资助|增加)?(?P<obj>[^，。；\d]{{0,12}}?)\s*(?P<list>{AMT}(?:\s*[、和及]\s*{AMT})+)")
# 一次性补助5万元、2万元 · 得奖金7万元、5万元、3万元: a list of awards in the order of the cases before it, 分别 left out
AWARD_LIST = re.compile(rf"(?:给予|补助|奖励|补贴|资助|奖金)(?P<obj>[^，。；\d]{{0,6}}?)\s*(?P<list>{AMT}(?:\s*、\s*{AMT})+)")
ITEM = r"[^\s、，。；的为对获得评定在给被成和及]{0,7}(?:等奖|星级|级|奖|类|档|人才|院士|专家)"
LABELS = re.compile(rf"{ITEM}(?:、{ITEM})+")
FEN_RATE = re.compile(rf"分别(?:给予|按|补助|补贴|资助|奖励)?(?P<obj>[^，。；\d]{{0,8}}?)\s*(?P<list>{RATE}(?:\s*[、和及]\s*{RATE})+)")
STEPS = re.compile(rf"(?P<word>突破|达到|超过)\s*(?P<list>{AMT}(?:\s*、\s*{AMT})+)")
MQ = rf"{NUM}\s*(?:万|亿)?(?:美元|港元|欧元|元)?"
BAND_ITEM = rf"{MQ}\s*(?:[（(]含[）)])?\s*(?:(?:至|到|-|—|－)\s*{MQ}\s*(?:[（(]含[）)])?)?\s*(?:以上|以下)?"
BAND_LIST = re.compile(rf"(?P<list>{BAND_ITEM}(?:\s*、\s*{BAND_ITEM})+)")
STAGES = re.compile(r"环节|阶段|步骤|节点")
AMT_RANGE = re.compile(rf"(?P<low>{NUM}\s*(?:万|亿)?元?){DASH}(?P<high>{AMT})")
RATE_RANGE = re.compile(rf"(?P<low>{RATE}){DASH}(?P<high>{RATE})")
RANGE_BASE = re.compile(r"按(?:照)?其?(?P<base>[^，、；%\d按]{2,20}?)(?:的|给予)*\s*\d")
MIN_RATE = re.compile(rf"不低于(?P<base>[^，、；%\d]{{0,16}}?)的?(?P<rate>{RATE})")
RATE_MAX = re.compile(rf"不超过(?P<base>[^，。；%％]{{0,24}}?)的?(?P<rate>{RATE})")
RATE_OF = re.compile(rf"按(?:照)?其?(?P<base>[^，。；%\d按]{{2,16}}?)的(?P<rate>{RATE})")
BASE_BEFORE = re.compile(r"按(?:照)?其?(?P<base>[^，。；%\d按]{2,16}?)给予(?:不超过|不低于)")
BASE_OF = re.compile(r"对(?P<base>[^，；。]{2,20}?)，?按(?:照)?不低于")
FIXED = re.compile(rf"(?:给予|奖励|补助|资助)[^，。；\d]{{0,6}}?(?P<amount>{AMT})(?:的)?{AWARD}|{AWARD}(?P<amount2>{AMT})")
THRESHOLD = re.compile(rf"(?P<base>总投资|投资额|投资)?[^，。；\d]{{0,4}}?(?:达到)?(?P<amount>{AMT})(?P<word>（含）以上|以上|及以上)")


def classify(s: str, cued: bool = False) -> tuple[Proposal | None, str]:
    """The provision of one sentence, or None with the reason ("fund", "target", "none"). ``cued``: the
    clause's lead-in names the award (按以下标准予以一次性资助：), so its items need no award word of their own."""
    if FUND.search(s):
        return None, "fund"
    if TARGET.search(s) and not any(c in s for c in ("奖励", "补贴", "补助", "资助", "扶持资金", "奖补", "激励")):
        return None, "target"
    if not cued and not any(c in s for c in CUES) and not STANDARD_PAID.search(s) and not BARE_AWARD.search(s):
        return None, "none"
    from assistant.knowledge.schedules import _schedule, _shares, _staged_total, _yearly, paid_rest

    if "分别" in s:  # several figures for several cases: a tiered kind or nothing (never one of them alone)
        p = _yearly(s) or _tiered(s) or next(iter(case_units(s)), None)
        if p or not _one_award(s[s.index("分别"):]):
            return (p, "") if p else (None, "none")
        # 每个项目分别最高奖励3万元 · 分别按照国家、省级支持金额的30%、最高50万元: one award (and its cap) after
        # 分别, the same for each case
    if NO_KIND.search(s) or FLOOR.search(s) or MONEY_STEP.search(s):
        return (p, "") if (p := paid_rest(s)) else (None, "none")
    for finder in (_shares, _yearly, _staged_total, _schedule, _tiered, _range, multiple, _per_unit, _min_rate, _rated, _single,
                   _threshold):
        p = finder(s)
        if p is not None and p.kind == "per_unit":
            p = _person_paid(s, p)
        if p is not None:
            return (None, "none") if p.kind == "unexpressible" else (p, "")
    return None, "none"


def _one_award(after: str) -> bool:
    """The words after 分别 state one award: one figure, or one rate and its cap (…的30%、最高50万元)."""
    figures = re.findall(f"{AMT}|{RATE}", after)
    rates = re.findall(RATE, after)
    caps = re.findall(rf"(?:最高|不超过)\s*{AMT}", after)
    return len(figures) == 1 or (len(rates) == 1 and len(figures) == 2 and len(caps) == 1)


# Provisions no kind expresses, whose figures a single kind would misstate: a public fund's equity investment
# (采用股权投资方式支持…，财政资金所占股份比例不超过30%: a stake, not a grant), rates by slices of an
# amount (500万元（含）以下的部分按4%), a cap on several awards together (两项合计最多不超过…的20%),
# and how money is paid out (预拨总额不超过资助金额的80%).
NO_KIND = re.compile(r"(?:采用|采取|以|通过)(?:股权|跟进)投资的?(?:方式|形式)[^，。；\d]{0,4}(?:支持|扶持|给予|投入)|的部分[，,]?(?:按|准予)|(?:两项|合计|总额)[^，。；]{0,12}(?:最高|最多|不超过)[^，。；%％]{0,30}[%％]|预拨|"
                     r"拨付(?:剩余)?的?(?:补助|资助|补贴|奖励)")

# 年产值每新上一个2亿元台阶 · 每增加500万元: an award for each step of an amount, which no kind counts in
MONEY_STEP = re.compile(rf"每(?:新上|新增|增加|提高|跨上|迈上|上)?(?:一个|1个)?\s*{AMT}(?:级)?(?:台阶)?(?![/／])")

# 计算所得不足200元的，按200元发放: a floor the result is raised to, not an award of its own
FLOOR = re.compile(rf"不足\s*(?P<floor>{AMT})的?[，,]?\s*(?:均)?按(?:照)?\s*(?P=floor)")


def _tiered(s: str) -> Proposal | None:
    if p := standard_tiers(s):
        return p
    m = FEN.search(s) or AWARD_LIST.search(s)
    if not m:
        return _rate_list(s)
    amounts = [_n(a) for a in re.findall(AMT, m["list"])]
    head = s[: m.start()]
    if counted := counted_list(s, head, amounts):  # 达50件、100件以上的，分别…: thresholds of a count
        return counted
    steps = list(STEPS.finditer(head))
    if steps:
        st = steps[-1]
        thresholds = [_n(a) for a in re.findall(AMT, st["list"])]
        if len(thresholds) != len(amounts):
            return None
        subject = re.sub(r"[（(][^（()）]*[）)]\s*$", "", re.split(r"[对，的、]", head[: st.start()])[-1])  # 投资额（不含土地）
        base = re.sub(r"^.*?(企业|单位|机构|项目)", "", re.sub(r"(首次|年度|当年|累计)$", "", subject)) or subject
        p = Proposal("tiered_threshold", s, {"base": base or None, "boundary": st["word"],
                                             "tiers": ascending(zip(thresholds, amounts, strict=True))})
        p.used |= set(thresholds) | set(amounts)
        return p
    listed = list(BAND_LIST.finditer(head))
    if listed and (p := _band_list(s, listed[-1], amounts)):
        return p
    if re.search(r"每(?:人每)?(?:月|天|日)", m["obj"]):
        return None  # 每月3000元、2000元: paid by the month, for a time the list does not give
    names = case_list(head, len(amounts), s[m.end():])
    if not names:
        return None
    if STAGES.search(head):  # 按完成改制、辅导验收…四个环节分别给予: paid stage by stage, not one of them
        p = Proposal("schedule", s, {"years": [{"text": n, "first": i, "last": i, "amount": a}
                                               for i, (n, a) in enumerate(zip(names, amounts, strict=True), 1)]})
        p.used |= set(amounts)
        return p
    unit, names = counted_cases(head, names)
    tiers = [{"label": n, "amount": a} | ({"words": w} if w else {})
             for n, a, w in zip(names, amounts, level_words(names), strict=True)]
    p = Proposal("tiered", s, {"tiers": tiers} | ({"unit": unit} if unit else {}))
    p.used |= set(amounts)
    if unit:  # …分别给予500元、800元…，同一院校每年最高5万元: the cap of what is paid for them all
        _cap(s, p, per_unit=amounts[-1])
    return p


def _rate_list(s: str) -> Proposal | None:
    """省、市级…分别给予70%、50%配套: a rate for each level named before the list."""
    m = FEN_RATE.search(s)
    if not m:
        return None
    rates = [_n(r) for r in re.findall(RATE, m["list"])]
    names = case_list(s[: m.start()], len(rates), s[m.end():])
    if not names:
        return None
    tiers = [{"label": n, "rate": r} | ({"words": w} if w else {}) for n, r, w in zip(names, rates, level_words(names), strict=True)]
    p = Proposal("tiered", s, {"tiers": tiers, "base": "项目资金"})
    p.used |= set(rates)
    return p


def _band_list(s: str, m: re.Match, amounts: list[str]) -> Proposal | None:
    """Bands of an amount listed before 分别 (1000万（含）至2000万美元、2000万（含）至1亿美元、1亿美元（含）以上的,
    分别给予…): awards by thresholds, each band's lower bound as written its threshold; a foreign currency
    is kept, never converted."""
    items = re.split(r"\s*、\s*", m["list"])
    if len(items) != len(amounts) or not all(re.search(r"[（(]含[）)]|至|到|以上", x) for x in items[1:]):
        return None
    lows = [_n(re.match(MQ, x)[0]) for x in items]
    currency = next((c for c in ("美元", "港元", "欧元") if c in m["list"]), None)
    word = next((w for w in ("（含）", "(含)", "以上") if w in m["list"]), None)
    if word is None:
        return None
    base = base_before(s, m.start("list"))
    p = Proposal("tiered_threshold", s, {"boundary": word, "tiers": [{"threshold": lo, "amount": a} for lo, a in
                                                                    zip(lows, amounts, strict=True)]} | ({"currency": currency} if currency else {})
                 | ({"base": base} if base else {}))
    p.used |= set(lows) | set(amounts)
    return p


def _range(s: str) -> Proposal | None:
    m = RATE_RANGE.search(s)
    if m and re.match(r"\s*(?:[（(]不?含[）)])?\s*的", s[m.end():]) and re.search(RATE, s[m.end():]):
        return None  # 占比30%至60%（不含）的给予20%支持: the range is the case a rate is paid for, not the rate
    if m:
        base = RANGE_BASE.search(s[: m.end()])
        p = Proposal("range", s, {"low": _n(m["low"]), "high": _n(m["high"]), "base": base["base"] if base else None})
        p.used |= {_n(m["low"]), _n(m["high"])}
        _cap(s, p)
        return p
    m = AMT_RANGE.search(s)
    if m and re.match(r"\s*(?:[（(]不?含[）)])?\s*(?:以内)?的", s[m.end():]) and re.search(AMT, s[m.end():]):
        return None  # 投资额在5000万元至1亿元的每个奖励3万元: the range is the case an award is paid for
    if m:
        p = Proposal("range", s, {"low": _n(m["low"]), "high": _n(m["high"])})
        p.used |= {_n(m["low"]), _n(m["high"])}
        return p
    return None


# 按研发投入的3%以上、最高给予200万元支持: a rate of support written as a floor with 以上 after it (…以上的企业 is a condition)
RATE_AT_LEAST = re.compile(rf"按(?:照)?其?(?P<base>[^，。；%\d按]{{2,16}}?)的(?P<rate>{RATE})(?:[（(]含[）)])?以上(?!的)")


def _min_rate(s: str) -> Proposal | None:
    m = MIN_RATE.search(s)
    if m is None and (at_least := RATE_AT_LEAST.search(s)):
        p = Proposal("min_rate", s, {"rate": _n(at_least["rate"]), "base": at_least["base"].strip("的 ")})
        p.used.add(_n(at_least["rate"]))
        _cap(s, p)
        return p
    if not m or re.match(r"^[^，。；]{0,3}的(?:企业|项目|单位)|^[^，。；]*的[，,]", s[m.end():]):
        return None  # 研发投入占比不低于5%的企业 · 且按不低于最低工资80%的标准支付补贴的，…: a condition, not a rate of support
    if not re.search(r"(?:按(?:照)?其?|给予|予以)\s*$", s[max(0, m.start() - 6):m.start()]):
        return None  # 提供/留取不低于…: what someone else must pay or keep, not the support's rate
    base = m["base"].strip("的 ") or None
    if base is None:
        b = BASE_OF.search(s)
        base = b["base"] if b else None
    p = Proposal("min_rate", s, {"rate": _n(m["rate"]), "base": base})
    p.used.add(_n(m["rate"]))
    _cap(s, p)
    return p


RATE_ANY = re.compile(rf"(?P<rate>{RATE})")
RATE_CONDITION = re.compile(r"(?:增长|增幅|增加|提高|下降|占比?|比重|达到|超过|高于|低于|不低于|不少于)[^，。；%\d]{0,4}$")
BASE_LEAD = re.compile(r"(?:按(?:照)?其?|给予其?)(?P<base>[^，。；%\d按给]{2,16}?)(?:的|给予)?(?:最高)?\s*$")
# …期间实际发生的场地租金总额的50%予以租金补贴: with no 按, the words right before "的50%" name the base
BASE_OF_RATE = re.compile(r"(?P<base>[^，。；、%％\d的（）()]{2,16})的\s*$")
BASE_LEAD_WORDS = re.compile(r"^.*(?:不高于|不超过|最高为|最高|原则上|为|是|中)")


def _base_of_rate(window: str) -> str:
    """The whole words right before "的50%" (不高于产品订货合同的20% → 产品订货合同), cut at a word's edge."""
    from assistant.knowledge.aliases import _tokenizer

    m = BASE_OF_RATE.search(window)
    if not m:
        return ""
    words = re.sub(r"^其(?!他)", "", BASE_LEAD_WORDS.sub("", m["base"]))
    edges, at = set(), 0
    for w in _tokenizer().lcut(window[: m.end("base")]):
        at += len(w)
        edges.add(at)
    start = m.end("base") - len(words)
    while words and start not in edges:  # a word cut in half (端智能装备) loses its piece
        words, start = words[1:], start + 1
    return words if len(words) >= 2 else ""


def _any_rate(s: str):
    """A percentage the sentence pays (给予70%的资金配套, 按地方经济贡献额80%奖励), not one it asks
    for (营业收入增长20%以上的): the first one that is no condition, with the words before it as base."""
    for m in RATE_ANY.finditer(s):
        before, after = s[max(0, m.start() - 16):m.start()], s[m.end():m.end() + 4]
        if RATE_CONDITION.search(re.sub(rf"{NUM}\s*[%％]?{DASH}$", "", before)) or re.search(r"不低于[^，。；%\d]{0,12}$", before) or re.match(r"^\s*(?:（含）|\(含\))?(?:及)?(?:以上|以下|的(?:企业|项目|单位))", after):
            continue
        lead = BASE_LEAD.search(s[max(0, m.start() - 24):m.start()])
        return m, (lead["base"] if lead else _base_of_rate(s[max(0, m.start() - 24):m.start()]))  # 增长14-16%: the end of a range asked for is a condition too
    return None


def _rated(s: str) -> Proposal | None:
    of, most = RATE_OF.search(s), RATE_MAX.search(s)
    if of and most and of.end() <= most.start() and (b := most["base"].strip("的 ")) and b not in of["base"] and of["base"] not in b:
        return Proposal("unexpressible", s)  # 按贷款利率的50%，最高不超过贷款金额的2%: a rate bounded by a rate of another base
    m = most or of
    if not m:
        found = _any_rate(s)
        if not found:
            return _whole(s) or _ratio(s)
        m, lead = found
        base = lead.strip("按照对的 ") or None
        p = Proposal("rate", s, {"rate": _n(m["rate"]), "base": base})
        p.used.add(_n(m["rate"]))
        _cap(s, p)
        if "cap" in p.fields:
            p.kind = "subsidy"
        elif base and not BASE_LEAD.search(s[max(0, m.start() - 24):m.start()]):
            p.fields["base_shown"] = True  # read without 按 and paid without a cap: named, never computed on
        return p
    base = m["base"].strip("按照对的 ") or None
    if base and len(base) > 16 and "的" in base:  # 不超过项目中的高端智能装备…投资: what the last 的 qualifies
        base = base.rsplit("的", 1)[1] or None
    if base is None and (b := BASE_BEFORE.search(s)):
        base = b["base"]
    p = Proposal("rate", s, {"rate": _n(m["rate"]), "base": base})
    p.used.add(_n(m["rate"]))
    _cap(s, p)
    if "cap" in p.fields:
        p.kind = "subsidy"
    return p


# 补助上限原则上不超过200万元 · 同一平台支持金额不超过500万元: the award's maximum, without 最高
CAP_LIMIT = re.compile(rf"(?:上限|金额|额度|总额|资助|补助|补贴|奖励|支持)[^，。；\d]{{0,6}}?不(?:超过|高于)\s*(?P<cap>{AMT})"
                       r"(?!\s*(?:[（(]含[）)])?\s*(?:的|以))")


def _single(s: str) -> Proposal | None:
    m = CAP.search(s)
    if m and re.search("最高|最多", m[0]) or (m := CAP_LIMIT.search(s)):
        if loan_ceiling(s, m["cap"]):
            return None  # 贷款额度最高不超过30万元: how much may be borrowed, not an award
        p = Proposal("cap_only", s, {"cap": _n(m["cap"]), "cap_per": m.groupdict().get("per") or "单个企业"})
        p.used.add(_n(m["cap"]))
        return p
    m = FIXED.search(s)
    if m and NOT_SET.search(s[max(0, m.start("amount" if m["amount"] else "amount2") - 8):m.start("amount" if m["amount"] else "amount2")]):
        return None  # 给予不低于100万元的奖励: a floor, not a set award
    amount = _n(m["amount"] or m["amount2"]) if m else _award_amount(s)
    if amount:
        p = Proposal("cap_only", s, {"cap": amount, "cap_per": "单个企业"})  # a set award: no 最高 in the quote
        p.used.add(amount)
        return p
    return None


def _threshold(s: str) -> Proposal | None:
    m = THRESHOLD.search(s)
    if not m or not re.search(r"纳入[^，。；]{0,16}库|入库", s[m.end():]):
        return None  # the amount is what admits a project to a library (纳入…储备库), not a description
    p = Proposal("threshold", s, {"base": m["base"] or "项目总投资", "threshold": _n(m["amount"]), "boundary": m["word"]})
    p.used.add(_n(m["amount"]))
    return p


def figures(s: str) -> list[tuple[str, bool]]:
    """Every amount and rate in a sentence: (text as written, whether it is a condition: 以上的)."""
    out = []
    for m in find_mentions(s):
        if m.kind not in ("amount", "rate"):
            continue
        cond = bool(CONDITION_AFTER.match(s[m.end :])) or bool(re.search(r"(?:达到|超过|不低于)$", s[max(0, m.start - 3) : m.start])
                                                               and re.match(r"^[^，。；]{0,4}的(?:企业|项目)", s[m.end :]))
        out.append((_n(m.text), cond))
    out += [(m[0], False) for m in WHOLE.finditer(s)]  # 全额补贴给…, 相同额度: the whole of the base, a rate of 100%
    out += [(_n(m["rate"]), False) for m in RATIO_OF.finditer(s)]  # 按1:0.5的比例: a rate written as a ratio
    out += multiple_figures(s)  # 12个月…标准, 标准15倍: a multiple of a standard
    return out
