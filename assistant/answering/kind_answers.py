"""How the grounded answer states a rule of the kinds in ``kinds.py``: what the user's facts select
(level, quantity, band, year, tier) and the calculator's result, or the rule's figures as the text
states them and a question for each missing input. Every figure comes from the calculator's trace
or the rule's own quoted figures."""

from __future__ import annotations

from decimal import Decimal

from assistant.knowledge.kind_calc import compute, missing
from assistant.knowledge.kinds import ask, describe
from assistant.knowledge.types import Inputs


def render_kind(rule, given, c, calcs: list, follow: list[str], where: str) -> None:
    inputs = given if isinstance(given, Inputs) else Inputs(base=given)
    lacking = missing(rule, inputs)
    if lacking:
        c.head.append(f"**{rule.name}**（{where}）：{describe(rule)}。{c.cite(rule.citation)}")
        follow.extend(ask(rule, w) for w in lacking)
        return
    calc = compute(rule, inputs)
    calcs.append(calc)
    result = calc.trace.rsplit(" → ", 1)[-1]
    if calc.amount_yuan == Decimal(0):
        result = "按您提供的情况不在原文规定的奖励范围内"
    c.head.append(f"**{rule.name}：{result}**（{where}）{c.cite(rule.citation)}")
    c.lines.append(f"计算过程：{calc.trace}")
    if rule.kind == "range":
        c.lines.append("原文规定的是一个范围：具体数额由主管部门评审确定，“最高”是其上限，不是承诺金额。")
    elif rule.kind == "min_rate" and not calc.capped:
        c.lines.append("原文规定“不低于”：所列金额是下限，实际金额以主管部门核定为准。")
