"""Eligibility verdicts: each condition of a rule against what is known of the firm (met / not met /
unknown with what is missing), and whether a policy is in force on a date, in the text's own words.
"""

from __future__ import annotations

import datetime as dt

from assistant.knowledge.rules import Condition, Rule
from assistant.knowledge.types import Facts, Verdict
from assistant.text.lexicon import Lexicon, default_lexicon


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
        if facts.applicant:  # a university, an institution, a person: not an enterprise of any trade
            return verdict(False, f"申请主体为{facts.applicant}，不是企业，不属于本政策支持的企业类型")
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
    if cond.kind == "minimum":  # the reader compared the firm's figure with the threshold (facts.flag)
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
