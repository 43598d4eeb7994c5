"""Pure functions: subsidy amounts and threshold verdicts, with traces and citations.

No I/O, ``Decimal`` throughout, nothing rounded: amounts are exact (16,666,666元 × 30% is
4,999,999.80元). A rate with a cap (and a cap alone) is computed here; the other kinds of
``kinds.py`` by ``kind_calc``. Formatting for display lives in ``text.amounts``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from assistant.errors import AmountError, RuleError
from assistant.knowledge.kind_calc import compute as compute_kind
from assistant.knowledge.kind_calc import plain_quantity
from assistant.knowledge.kinds import needs
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Calculation, Inputs, Verdict
from assistant.text.formats import format_rate, format_yuan


def calculate(rule: Rule, base: Decimal | None = None) -> Calculation:
    """The upper bound of a subsidy: min(base × rate, cap), with a one-line trace."""
    if not rule.reviewed:
        raise RuleError(f"规则 {rule.id} 尚未人工审核，不能用于计算；原文为：“{rule.quote}”")
    if rule.kind == "threshold":
        raise AmountError(f"规则 {rule.id} 是投资门槛，不计算补贴金额，请用门槛判断")
    if rule.kind not in ("subsidy", "cap_only"):
        return compute_kind(rule, Inputs(base=base))
    if rule.kind == "cap_only" and not rule.upper:  # a set award ("给予一次性奖励50万元")
        trace = f"原文规定给予{format_yuan(rule.cap)}，未规定比例或计算基数 → 可获{format_yuan(rule.cap)}"
        return Calculation(rule.id, rule.clause, None, None, None, rule.cap, False, trace, rule.citation,
                           rule.open_terms)  # a set amount: no cap to show beside it
    if rule.kind == "cap_only":
        trace = f"原文未规定补贴比例，{rule.cap_per}支持金额最高不超过{format_yuan(rule.cap)} → 最高可获{format_yuan(rule.cap)}"
        return Calculation(rule.id, rule.clause, None, None, rule.cap, rule.cap, False, trace, rule.citation,
                           rule.open_terms)
    if base is None:
        raise AmountError(f"计算{rule.name}需要{rule.base}金额，例如“1200万元”")
    if base <= 0:
        raise AmountError(f"{rule.base}应为大于0的金额，实际为{format_yuan(base)}")
    counted, note = rule.counted(base)
    raw = counted * rate_of(rule)
    capped = raw > rule.cap
    amount = rule.cap if capped else raw
    head = f"{format_yuan(counted)} × {format_rate(rule.rate)} = {format_yuan(raw)}"
    head = f"{note}{head}" if note.endswith("；") else f"{head}{note}"
    if capped:
        mid = f"超过{rule.cap_per}上限{format_yuan(rule.cap)}，按上限计"
    elif raw == rule.cap:
        mid = f"恰好等于{rule.cap_per}上限{format_yuan(rule.cap)}"
    else:
        mid = f"未超过{rule.cap_per}上限{format_yuan(rule.cap)}"
    trace = f"{head}，{mid} → 最高可获{format_yuan(amount)}"
    return Calculation(rule.id, rule.clause, base, rule.rate, rule.cap, amount, capped, trace, rule.citation,
                       rule.open_terms)


def per_enterprise(rule: Rule) -> bool:
    """Whether the rule's cap bounds all of one firm's items together (单个企业/每家企业), not each item."""
    return bool(rule.cap is not None and rule.cap_per and any(w in rule.cap_per for w in ("企业", "单位", "enterprise", "firm")))


def within_firm_cap(rule: Rule, calc: Calculation, used: Decimal) -> Calculation:
    """``calc`` for one more item of a firm whose earlier items of ``rule`` already take ``used`` of a
    per-enterprise cap: the item gets at most what is left of the cap, and the trace says so."""
    if not per_enterprise(rule) or used <= 0 or calc.amount_yuan + used <= rule.cap:
        return calc
    left = max(rule.cap - used, Decimal(0))
    trace = (f"{calc.trace}；同一企业已计{format_yuan(used)}，合计不超过{rule.cap_per}上限{format_yuan(rule.cap)}"
             f" → 本项最高可获{format_yuan(left)}")
    return replace(calc, amount_yuan=left, capped=True, trace=trace)


def compute(rule: Rule, inputs: Inputs) -> Calculation:
    """Any kind of rule with what the question gives; AmountError names a missing input."""
    if rule.kind in ("subsidy", "cap_only", "threshold"):
        return within_total_cap(rule, calculate(rule, inputs.base))
    if not rule.reviewed:
        raise RuleError(f"规则 {rule.id} 尚未人工审核，不能用于计算；原文为：“{rule.quote}”")
    return within_total_cap(rule, compute_kind(rule, inputs))


def within_total_cap(rule: Rule, calc: Calculation) -> Calculation:
    """A second cap over a wider scope (对一家基金每年…最高300万元, 累计奖励不超过1000万元) bounds one award too."""
    if rule.total_cap is None or calc.amount_yuan <= rule.total_cap:
        return calc
    trace = f"{calc.trace}；超过{rule.total_cap_per or ''}上限{format_yuan(rule.total_cap)}，按上限计"
    return replace(calc, amount_yuan=rule.total_cap, capped=True, trace=trace)


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


def examples(rule: Rule) -> list[tuple[str, str]]:
    """Worked examples for review ("若为国家级 → 50万元"): (the assumed input, the calculator's result)."""
    r = replace(rule, reviewed=True)
    out: list[tuple[str, str]] = []

    def run(label: str, inputs: Inputs) -> None:
        try:
            c = compute(r, inputs)
            out.append((label, c.trace))
        except AmountError as exc:
            out.append((label, f"无法计算：{exc}"))

    base = Decimal(10_000_000)
    if r.kind in ("subsidy", "cap_only"):
        c = calculate(r, base if r.kind == "subsidy" else None)
        return [(f"若{r.base}为{format_yuan(base)}" if r.kind == "subsidy" else "无需输入", c.trace)]
    if r.kind == "tiered":
        for t in r.tiers:
            if t.rate is not None:
                run(f"若为{t.label}、{r.base or '基数'}{format_yuan(base)}", Inputs(level=t.label, base=base))
            else:
                run(f"若为{t.label}", Inputs(level=t.label))
    elif r.kind in ("per_unit", "banded"):
        qs = [Decimal(100)] if r.kind == "per_unit" else sorted({v for b in r.bands for v in (b.low, b.high) if v is not None})
        if r.kind == "per_unit" and r.step is not None:
            qs = [r.step * 3 + r.step / 2]
        for q in qs:
            if r.kind == "banded" and r.bands[0].rate is not None:  # rates by slices of an amount
                run(f"若{r.base or '基数'}为{format_yuan(q)}", Inputs(base=q))
                continue
            run(f"若{r.quantity or '数量'}为{plain_quantity(q)}{r.unit}", Inputs(quantity=q))
            if r.kind == "banded":
                run(f"若{r.quantity or '数量'}为{plain_quantity(q + 1)}{r.unit}", Inputs(quantity=q + 1))
    elif r.kind == "schedule" and "base" not in needs(r):  # stage amounts, or shares of a stated award
        for y in r.years or ():
            run(f"若为第{y.first}年（期）", Inputs(year=y.first))
        if not r.years:
            run("无需输入", Inputs())
    elif r.kind == "schedule":
        for y in r.years:
            run(f"若为第{y.first}年、{r.base}{format_yuan(base)}", Inputs(base=base, year=y.first))
    elif r.kind == "tiered_threshold":
        for t in r.tiers:
            for v in (t.threshold, t.threshold + 1):
                if r.unit:  # thresholds of a count
                    run(f"若{r.quantity or '数量'}为{plain_quantity(v)}{r.unit}", Inputs(quantity=v))
                else:
                    run(f"若{r.base}为{format_yuan(v)}", Inputs(base=v))
    else:
        run(f"若{r.base}为{format_yuan(base)}" if "base" in needs(r) else "无需输入", Inputs(base=base))
    return out
