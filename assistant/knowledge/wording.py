"""The words every kind of provision is read with (for ``provisions`` and ``schedules``): numbers, amounts,
rates and units as policies write them, a proposal and its figures, the cap of an award (最高/最多/不超过)
and the one set amount a sentence awards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NUM = r"\d[\d,，]*(?:\.\d+)?"
# 50万元 · 1亿元; an amount in 万 closing its sentence (…的奖励企业50万) is money too, its 元 left out
AMT = rf"(?:{NUM}\s*(?:万|亿)?元|{NUM}\s*(?:万|亿)(?=\s*$))"
RATE = rf"{NUM}\s*[%％]"
CNQ = r"\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百千万]+"
UNITS = r"平方米|人次|专列|批次|标准箱|千瓦|亩|间|人|夜|月|天|日|床|张|辆|台|套|块|场|吨|件|项|户|名|枚|部(?![门署委分])|集(?![团体中聚成])"
# an item's heading sentence on its own: "（一）创建补贴", "2.运营补贴"
ITEM_HEAD = re.compile(r"(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])\s*(?P<head>[^，,。；;：:\d（()）]{2,12})")
SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")  # a sentence or a clause ended by ；
DASH = r"\s*[—\-－~～至到]\s*"
CONDITION_AFTER = re.compile(r"^\s*(?:（含）)?(?:及以上|以上|以下|以内)")
CAP = re.compile(rf"(?P<per>(?:单个|每家|每个|每人)[^，。；\d最]{{0,5}}?(?=每年|最高|补贴|贴息|支持|奖励)(?:每年)?|每年)?[^，。；]{{0,10}}?最(?:高|多)[^，。；\d]{{0,6}}?(?:不超过)?(?P<cap>{AMT})")


@dataclass
class Proposal:
    kind: str
    quote: str
    fields: dict = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the figure texts this proposal expresses


def _n(text: str) -> str:
    return re.sub(r"\s+", "", text)


def spelled(text, quote: str):
    """A figure as ``quote`` spells it (8万元 in "最高 8 万元" → "8 万元"); as it is when the quote has it or lacks it."""
    if not isinstance(text, str) or not text or text in quote or not re.match(r"\d", text):
        return text
    m = re.search(r"(?<![\d.])" + r"\s*".join(map(re.escape, text)), quote)
    return m[0] if m else text


CAP_NOT_OVER = re.compile(rf"(?P<per>(?:单个|每家|每个|每人)[^，。；\d]{{0,6}}?)?(?:金额|额度|总额|合计|资助|补贴|奖励)?不超过\s*(?P<cap>{AMT})"
                          r"(?!\s*(?:[（(]含[）)])?\s*的(?!(?:一次性)?(?:奖励|补贴|补助|资助|扶持|贴息)))")
# 投资额不超过500万元（含）的: a band, not a cap; 给予不超过50万元的奖励: the award's cap


# 贷款额度最高不超过30万元 · 创业担保贷款最高额度为20万元 · 可申请最高30万元创业担保贷款: how much may be borrowed
LOAN_CEILING = re.compile(rf"贷款(?:(?!贴息|补贴|补助|奖励|资助)[^，。；\d]){{0,8}}?(?:最高|最多|不超过|为|提高至|提高到)[^，。；\d]{{0,4}}?(?P<amt>{AMT})|"
                          rf"(?:最高|最多|不超过|额度为?)\s*(?P<amt2>{AMT})的?(?:(?!贴息|补贴|补助|奖励|资助)[^，。；\d]){{0,8}}?贷款(?!贴息|补贴|补助)")


def loan_ceiling(s: str, amount: str) -> bool:
    """Whether ``amount`` is the ceiling of a loan in ``s`` (the annotation's reading: no support figure)."""
    return any(_n(m["amt"] or m["amt2"]) == _n(amount) for m in LOAN_CEILING.finditer(s))


# 贴息贷款最高不超过200万元 · 贷款额度在200万元以下（含200万元）的 · 贷款额超过5000万元的，按5000万元计算: the most of
# the base a rate is paid on (the award is rate × min(base, ceiling)), not a cap on the award
BASE_CEILING = re.compile(rf"(?:贷款|借款)(?:额度|金额|本金|额)?在?\s*(?P<amt>{AMT})\s*以(?:下|内)|"
                          rf"超过\s*(?P<amt2>{AMT})的?(?:部分)?[，,]?\s*(?:均)?(?:按|以)\s*(?P<amt3>{AMT})(?:计算|计)")


def base_ceiling(s: str) -> str | None:
    """The ceiling of the base a rate of ``s`` is paid on (a loan's counted amount), or None."""
    for m in BASE_CEILING.finditer(s):
        if m["amt"] or _n(m["amt2"]) == _n(m["amt3"]):
            return _n(m["amt"] or m["amt2"])
    found = {_n(m["amt"] or m["amt2"]) for m in LOAN_CEILING.finditer(s)}
    return found.pop() if len(found) == 1 else None


def _cap(s: str, p: Proposal, per_unit: str | None = None) -> None:
    # 每平方米每月最高40元…每年补贴总额最高200万元: the per-unit maximum is the amount, the cap comes after it
    found = [m for m in (*CAP.finditer(s), *CAP_NOT_OVER.finditer(s)) if _n(m["cap"]) != per_unit
             and not loan_ceiling(s, m["cap"])]
    m = min(found, key=lambda x: x.start()) if found else None
    if m:
        p.fields["cap"] = _n(m["cap"])
        per = re.sub(r"(?<=..)的[^的]*$", "", m["per"] or "")  # 单个项目的贴息额度不超过…: per project
        p.fields["cap_per"] = per or ("每年" if "每年" in s else "单个项目")
        p.used.add(_n(m["cap"]))
        # …对同一项目的奖励最高100万元，对一家基金每年的奖励金额最高300万元 · 单笔…，累计奖励不超过1000万元:
        # a second cap over a wider scope (a year, all awards together)
        later = [x for x in found if x.start() >= m.end() and _n(x["cap"]) != p.fields["cap"]
                 and WIDER.search(s[m.end():x.start("cap")])]
        if later:
            t = min(later, key=lambda x: x.start())
            scope = s[max(s.rfind(c, 0, t.start("cap")) for c in "，,；;") + 1:t.start("cap")]
            scope = re.sub(r"(?:的)?(?:奖励|补贴|资助|补助|扶持)?(?:金额|额度|资金|总额)?(?:最高|最多)?(?:不超过)?$", "", scope)
            p.fields["total_cap"], p.fields["total_cap_per"] = _n(t["cap"]), re.sub(r"^对", "", scope) or "累计"
            p.used.add(_n(t["cap"]))


WIDER = re.compile(r"每年|年度|当年|累计|合计|总额")


AWARD_VERB = re.compile(r"(?:给予|奖励|补助|资助|补贴|扶持|支持)[^，。；\d]{0,14}$")
AWARD_NOUN = re.compile(r"^(?:的)?[^，。；\d]{0,8}?(?:奖励|补助|资助|补贴|扶持|支持|资金)")
NOT_SET = re.compile(r"最高|不超过|不低于|上限|以内|至少|不少于")


def _award_amount(s: str) -> str | None:
    """The one amount the sentence awards as it stands (给予1000万元的资金奖励, 一次性给予基础设施建设扶持
    资金100万元, 每年给予30万元维权援助服务费用资助): an award verb just before it or an award noun just
    after it, no 最高/不超过/不低于 around it, and not a condition (达到…以上的)."""
    found = []
    for m in re.finditer(AMT, s):
        before, after = s[max(0, m.start() - 16):m.start()], s[m.end():m.end() + 12]
        if NOT_SET.search(s[max(0, m.start() - 8):m.start()]) or CONDITION_AFTER.match(after):
            continue
        if re.search(rf"(?:达到|超过|突破|在)\s*$|每(?:{UNITS})[^，。；\d]{{0,6}}$", before) or re.match(r"^\s*/", after):
            continue  # a condition, or an amount per unit (每平方米每月20元, 20万元/家)
        if AWARD_VERB.search(before) or AWARD_NOUN.match(after):
            found.append(_n(m[0]))
    return found[0] if len(found) == 1 else None


def base_before(text: str, start: int) -> str | None:
    """What the bands are of: the words right before the first band, back to a comma, bracket or 的
    ("…，实缴注册外资1000万（含）至…" → 实缴注册外资; "年营业收入达到…" → 年营业收入)."""
    head = text[:start]
    cut = max(head.rfind(c) for c in "，,；;：:（()）、的对")
    words = re.sub(r"(?:达到|超过|突破|在|为|是|满|累计)$", "", head[cut + 1 :].strip())
    return words if 2 <= len(words) <= 10 and re.fullmatch(r"[\u4e00-\u9fa5]+", words) else None
