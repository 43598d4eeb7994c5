"""Pure functions: subsidy amounts and eligibility verdicts, with traces and citations.

No I/O, ``Decimal`` throughout, nothing rounded: amounts are exact (16,666,666元 × 30% is
4,999,999.80元). Formatting for display lives in ``money``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.errors import AmountError, RuleError
from assistant.knowledge.documents import Citation
from assistant.knowledge.rules import Condition, Rule
from assistant.text.amounts import format_plain_yuan, format_rate, format_yuan
from assistant.text.lexicon import Lexicon, default_lexicon


@dataclass(frozen=True)
class Facts:
    """What we know about the enterprise and project; None means not known."""

    registered_in: str | None = None
    industry: str | None = None
    not_registered_in: str | None = None  # "我们不是北京的企业": where the firm is *not* registered
    project_in_library: bool | None = None
    uses_listed_products: bool | None = None
    date: dt.date | None = None

    def flag(self, name: str) -> bool | None:
        return getattr(self, name, None)


@dataclass(frozen=True)
class Calculation:
    rule_id: str
    clause: str
    base_yuan: Decimal | None
    rate: Decimal | None
    cap_yuan: Decimal | None
    amount_yuan: Decimal
    capped: bool
    trace: str
    citation: Citation
    notes: tuple[str, ...] = ()
    low_yuan: Decimal | None = None  # a range's other end (最低)
    selected: str = ""  # what the user's facts selected: a level, a band, a year, a tier

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "clause": self.clause,
            "base_yuan": None if self.base_yuan is None else format_plain_yuan(self.base_yuan),
            "rate": None if self.rate is None else _plain(self.rate),
            "cap_yuan": None if self.cap_yuan is None else format_plain_yuan(self.cap_yuan),
            "amount_yuan": format_plain_yuan(self.amount_yuan),
            "capped": self.capped,
            "trace": self.trace,
        }


@dataclass(frozen=True)
class Verdict:
    criterion: str
    met: bool | None
    clause: str | None
    detail: str
    citation: Citation | None = None
    ask: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        return {"criterion": self.criterion, "met": self.met, "clause": self.clause, "detail": self.detail}


@dataclass(frozen=True)
class Inputs:
    """What a question gives a rule: an amount (base), a level or tier label, a quantity in the
    rule's unit, a year of support (1 = the first). None: not given."""

    base: Decimal | None = None
    level: str | None = None
    quantity: Decimal | None = None
    year: int | None = None


def _plain(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s


def calculate(rule: Rule, base: Decimal | None = None) -> Calculation:
    """The upper bound of a subsidy: min(base × rate, cap), with a one-line trace."""
    if not rule.reviewed:
        raise RuleError(f"规则 {rule.id} 尚未人工审核，不能用于计算；原文为：“{rule.quote}”")
    if rule.kind == "threshold":
        raise AmountError(f"规则 {rule.id} 是投资门槛，不计算补贴金额，请用门槛判断")
    if rule.kind not in ("subsidy", "cap_only"):
        from assistant.knowledge.kind_calc import compute

        return compute(rule, Inputs(base=base))
    if rule.kind == "cap_only" and not rule.upper:  # a set award ("给予一次性奖励50万元")
        trace = f"原文规定给予{format_yuan(rule.cap)}，未规定比例或计算基数 → 可获{format_yuan(rule.cap)}"
        return Calculation(rule.id, rule.clause, None, None, rule.cap, rule.cap, False, trace, rule.citation,
                           rule.open_terms)
    if rule.kind == "cap_only":
        trace = f"原文未规定补贴比例，{rule.cap_per}支持金额最高不超过{format_yuan(rule.cap)} → 最高可获{format_yuan(rule.cap)}"
        return Calculation(rule.id, rule.clause, None, None, rule.cap, rule.cap, False, trace, rule.citation,
                           rule.open_terms)
    if base is None:
        raise AmountError(f"计算{rule.name}需要{rule.base}金额，例如“1200万元”")
    if base <= 0:
        raise AmountError(f"{rule.base}应为大于0的金额，实际为{format_yuan(base)}")
    raw = base * rate_of(rule)
    capped = raw > rule.cap
    amount = rule.cap if capped else raw
    head = f"{format_yuan(base)} × {format_rate(rule.rate)} = {format_yuan(raw)}"
    if capped:
        mid = f"超过{rule.cap_per}上限{format_yuan(rule.cap)}，按上限计"
    elif raw == rule.cap:
        mid = f"恰好等于{rule.cap_per}上限{format_yuan(rule.cap)}"
    else:
        mid = f"未超过{rule.cap_per}上限{format_yuan(rule.cap)}"
    trace = f"{head}，{mid} → 最高可获{format_yuan(amount)}"
    return Calculation(rule.id, rule.clause, base, rule.rate, rule.cap, amount, capped, trace, rule.citation,
                       rule.open_terms)


def compute(rule: Rule, inputs: Inputs) -> Calculation:
    """Any kind of rule with what the question gives; AmountError names a missing input."""
    if rule.kind in ("subsidy", "cap_only", "threshold"):
        return calculate(rule, inputs.base)
    if not rule.reviewed:
        raise RuleError(f"规则 {rule.id} 尚未人工审核，不能用于计算；原文为：“{rule.quote}”")
    from assistant.knowledge.kind_calc import compute as compute_kind

    return compute_kind(rule, inputs)


def rate_of(rule: Rule) -> Decimal:
    if rule.rate is None:
        raise AmountError(f"规则 {rule.id} 原文未规定补贴比例")
    return rule.rate


def base_needed_for_cap(rule: Rule) -> Decimal | None:
    """The base at which the cap starts to bind (cap / rate), exact."""
    if rule.kind != "subsidy":
        return None
    return rule.cap / rule.rate


def check_threshold(rule: Rule, amount: Decimal) -> Verdict:
    """Whether ``amount`` reaches a threshold rule, by the rule's boundary word."""
    if not rule.reviewed:
        raise RuleError(f"规则 {rule.id} 尚未人工审核，不能用于判断；原文为：“{rule.quote}”")
    if rule.kind != "threshold":
        raise AmountError(f"规则 {rule.id} 不是投资门槛")
    if amount <= 0:
        raise AmountError(f"{rule.base}应为大于0的金额，实际为{format_yuan(amount)}")
    met = amount >= rule.threshold if rule.inclusive else amount > rule.threshold
    word = "（含）以上" if rule.inclusive else "以上（不含本数）"
    verb = "达到" if met else "未达到"
    detail = f"{rule.base}{format_yuan(amount)}，{verb}{format_yuan(rule.threshold)}{word}的{rule.name}"
    return Verdict(rule.name, met, rule.clause, detail, rule.citation)


def check_condition(cond: Condition, facts: Facts, on: dt.date, valid: tuple[dt.date | None, dt.date | None],
                    lexicon: Lexicon | None = None) -> Verdict:
    lex = lexicon or default_lexicon()

    def verdict(met: bool | None, detail: str) -> Verdict:
        return Verdict(cond.criterion, met, cond.clause, detail, cond.citation, cond.ask if met is None else "")

    if cond.kind == "region":
        region = (cond.region or "").removesuffix("市").removesuffix("省")
        place = (facts.registered_in or "").strip()
        if not place:
            if facts.not_registered_in and lex.region_of(facts.not_registered_in) == region:
                return verdict(False, f"企业不是在{region}注册经营的企业，不属于本政策支持对象")
            return verdict(None, f"尚不清楚企业注册经营地：{cond.ask}")
        if lex.region_of(place) == region:
            return verdict(True, f"企业在{place}注册经营，属于本地企业")
        return verdict(False, f"企业注册地为{place}，不在{region}，不属于本政策支持对象")
    if cond.kind == "industry":
        trade = (facts.industry or "").strip()
        if not trade:
            return verdict(None, f"尚不清楚企业所属行业：{cond.ask}")
        code = lex.sector_of(trade)
        covered = "、".join(lex.sector_name(c) for c in cond.sectors)
        if code is None or not cond.sectors:
            return verdict(None, f"无法判断“{trade}”是否在本政策支持的行业范围内，请说明主营业务")
        if code in cond.sectors:
            return verdict(True, f"企业属于{trade}（{lex.sector_name(code)}），在支持的行业范围（{covered}）内")
        return verdict(False, f"企业属于{trade}（{lex.sector_name(code)}），不在支持的行业范围（{covered}）内")
    if cond.kind == "flag":
        value = facts.flag(cond.fact or "")
        if value is None:
            return verdict(None, f"尚不清楚：{cond.ask}")
        return verdict(bool(value), ("已满足：" if value else "不满足：") + cond.criterion)
    if cond.kind == "validity":
        return validity_verdict(cond, on, valid)
    return verdict(None, cond.detail or "原文未规定具体标准")


def validity_verdict(cond: Condition, on: dt.date, valid: tuple[dt.date | None, dt.date | None]) -> Verdict:
    """In force on ``on``? Said in the text's own words (its quote), not as dates the text does not state."""
    start, end = valid
    stated = f"原文规定“{cond.citation.quote.rstrip('。')}”" if cond.citation and cond.citation.quote else \
        f"政策有效期为{_d(start)}至{_d(end)}"
    if start and on < start:
        met, detail = False, f"{_d(on)}早于政策施行期（{stated}）"
    elif end and on > end:
        met, detail = False, f"{stated}，截至{_d(on)}已届满，目前不能再按本措施申请；所述金额为政策有效期内的支持标准"
    elif start or end:
        met, detail = True, f"{_d(on)}在政策有效期内（{stated}）"
    else:
        met, detail = None, "原文未写明有效期"
    return Verdict(cond.criterion, met, cond.clause, detail, cond.citation)


def _d(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "未写明"


def check_eligibility(rule: Rule, facts: Facts, on: dt.date, valid: tuple[dt.date | None, dt.date | None],
                      lexicon: Lexicon | None = None) -> list[Verdict]:
    """One verdict per condition of the rule: met / not met / unknown (with what is missing)."""
    return [check_condition(c, facts, on, valid, lexicon) for c in rule.conditions]
