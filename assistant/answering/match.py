"""Profile matching (政策匹配): every measure of every policy that could apply to an enterprise.

Each match carries the calculator's maximum amount (when the profile gives the base), its
conditions met / not met / unknown, and its citation; sorted by amount, largest first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.errors import AmountError, PolicyError
from assistant.knowledge.base import Knowledge, parse_date
from assistant.knowledge.calculator import calculate, compute
from assistant.knowledge.eligibility import check_eligibility
from assistant.knowledge.kind_calc import missing
from assistant.knowledge.kinds import EXTRA_KINDS, ask, describe, number
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Calculation, Facts, Inputs, Verdict
from assistant.reading.quantities import read_level, read_quantity, read_year
from assistant.text.amounts import parse_amount
from assistant.text.formats import format_yuan
from assistant.text.inputs import InputTypeError, as_amount_text, as_choice_text, as_text

FACT_KEYS = {"registered_in", "industry", "project_in_library", "uses_listed_products", "date", "support_year"}
BOOL_WORDS = {True: ("true", "是", "yes", "已入库", "在库", "1"), False: ("false", "否", "no", "未入库", "0")}


@dataclass
class Match:
    rule: Rule
    doc_title: str
    doc_number: str
    calculation: Calculation | None
    verdicts: list[Verdict] = field(default_factory=list)
    status: str = "computed"  # computed | needs_confirm | needs_input | unreviewed | not_eligible
    note: str = ""

    @property
    def amount(self) -> Decimal | None:
        return self.calculation.amount_yuan if self.calculation else None

    def to_dict(self) -> dict:
        return {
            "rule_id": self.rule.id,
            "doc_id": self.rule.doc_id,
            "doc_title": self.doc_title,
            "doc_number": self.doc_number or None,
            "clause": self.rule.clause,
            "name": self.rule.name,
            "status": self.status,
            "note": self.note,
            "calculation": self.calculation.to_dict() if self.calculation else None,
            "eligibility": [v.to_dict() for v in self.verdicts],
            "citation": self.rule.citation.to_dict(),
        }


def _bool(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    for result, words in BOOL_WORDS.items():
        if text in words:
            return result
    raise AmountError(f"无法识别“{value}”，请填写 true/false（是/否）")


def read_profile(profile: dict, today: dt.date, text_keys: frozenset[str] = frozenset(),
                 flag_keys: frozenset[str] = frozenset()) -> tuple[Facts, dict[str, Decimal], dt.date]:
    """Split a profile into enterprise facts and amounts by base key; bad values name their key.
    ``text_keys`` are rules' level/quantity fields (国家级, 300亩): kept as text, read per rule;
    ``flag_keys`` are the yes/no facts the rule files define (lead_unit …)."""
    if not isinstance(profile, dict):
        raise PolicyError("企业画像应为 JSON 对象，如 {\"registered_in\": \"北京\", \"platform_investment\": \"2000万元\"}")
    flag_keys = flag_keys - FACT_KEYS
    profile = _checked(profile, text_keys, flag_keys)
    amounts: dict[str, Decimal] = {}
    for key, value in profile.items():
        if key in FACT_KEYS or key in text_keys or key in flag_keys or value in (None, ""):
            continue
        try:
            amounts[key] = parse_amount(value)
        except AmountError as exc:
            raise AmountError(f"企业画像字段 {key}：{exc}") from None
    try:
        on = parse_date(profile["date"]) if profile.get("date") else today
        facts = Facts.of({"registered_in": profile.get("registered_in") or None,
                          "industry": profile.get("industry") or None,
                          "project_in_library": _bool(profile.get("project_in_library")),
                          "uses_listed_products": _bool(profile.get("uses_listed_products")), "date": on,
                          **{k: _bool(profile.get(k)) for k in flag_keys}})
    except AmountError as exc:
        raise AmountError(f"企业画像：{exc}") from None
    return facts, amounts, on


def _checked(profile: dict, text_keys: frozenset[str] = frozenset(), flag_keys: frozenset[str] = frozenset()) -> dict:
    """The profile with every value of the type its key needs (text, yes/no, amount); a number is
    an amount in yuan. A wrong type names its key instead of failing somewhere inside."""
    out = {}
    for key, value in profile.items():
        if not isinstance(key, str):
            raise InputTypeError(f"企业画像的字段名应为文字，实际为 {key!r}")
        what = f"企业画像字段 {key}"
        if key in ("registered_in", "industry", "date", "support_year") or key in text_keys:
            out[key] = as_text(value, what)
        elif key in ("project_in_library", "uses_listed_products") or key in flag_keys:
            out[key] = as_choice_text(value, what)
        else:
            out[key] = as_amount_text(value, what)
    return out


def _inputs(rule: Rule, profile: dict, amounts: dict[str, Decimal]) -> Inputs:
    """A rule's inputs from a profile: its base by base key, its level or quantity by its input key
    (read with the rule's own tier and unit words), the year of support from ``support_year``."""
    value = str(profile.get(rule.input_key or "") or "")
    quantity = None
    if value and rule.kind in ("per_unit", "banded"):
        quantity = read_quantity(rule, value) or (number(value) if re.fullmatch(r"[\d.]+", value) else None)
    year = str(profile.get("support_year") or "")
    return Inputs(base=amounts.get(rule.base_key or ""), level=read_level(rule, value) if value else None,
                  quantity=quantity, year=int(year) if year.isdigit() else read_year(year))


def match_profile(kb: Knowledge, profile: dict, today: dt.date) -> list[Match]:
    text_keys = frozenset(r.input_key for r in kb.rules if r.input_key)
    flag_keys = frozenset(c.fact for c in kb.flag_conditions())
    facts, amounts, on = read_profile(profile, today, text_keys, flag_keys)
    out: list[Match] = []
    for rule in kb.rules:
        if rule.kind == "threshold":
            continue
        meta = kb.docs[rule.doc_id].meta
        m = Match(rule, meta.title, meta.doc_number, None)
        if not rule.reviewed:
            m.status, m.note = "unreviewed", f"原文有相关数额但规则尚未审核，原文：“{rule.quote}”"
            out.append(m)
            continue
        m.verdicts = check_eligibility(rule, facts, on, kb.validity(rule))
        base = amounts.get(rule.base_key or "")
        if rule.kind in EXTRA_KINDS:
            inputs = _inputs(rule, profile, amounts)
            lacking = missing(rule, inputs)
            if lacking:
                m.status = "needs_input"
                m.note = "；".join(ask(rule, w) for w in lacking) + f"（{describe(rule)}）"
            else:
                m.calculation = compute(rule, inputs)
        elif rule.kind == "cap_only" or base is not None:
            m.calculation = calculate(rule, base)
        else:
            m.status = "needs_input"
            m.note = f"需提供{rule.base}（画像字段 {rule.base_key}）才能计算；{rule.cap_per}最高不超过{format_yuan(rule.cap)}"
        unknown = [v for v in m.verdicts if v.met is None]
        if any(v.met is False for v in m.verdicts):
            m.status = "not_eligible"
            m.note = "；".join(v.detail for v in m.verdicts if v.met is False)
        elif unknown and m.status == "computed":  # 可申请 only when every condition is known to be met
            m.status = "needs_confirm"
            m.note = "需确认：" + "；".join(v.criterion for v in unknown)
        out.append(m)
    order = {"computed": 0, "needs_confirm": 1, "not_eligible": 2, "needs_input": 3, "unreviewed": 4}
    out.sort(key=lambda m: (order[m.status], -(m.amount or 0)))
    return out
