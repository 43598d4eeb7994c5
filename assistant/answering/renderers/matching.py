"""Profile matching inside the chat: every measure against what the user said of the firm."""

from __future__ import annotations

from assistant.answering.composer import Composer, clause_name
from assistant.reading.plan import Plan
from assistant.text.formats import format_yuan


def render_match(plan: Plan, c: Composer, calcs, verdicts, follow) -> None:
    """政策匹配 in the chat: every measure with its upper bound, from the facts given so far."""
    from assistant.answering.match import match_profile

    f = plan.facts
    profile = {"registered_in": f.registered_in, "industry": f.industry, "project_in_library": f.project_in_library,
               "uses_listed_products": f.uses_listed_products, "date": c.on.isoformat(),
               **{k: str(v) for k, v in plan.roles.items()}}
    if f.not_registered_in and not f.registered_in:
        profile["registered_in"] = f"{f.not_registered_in}以外"
    labels = {"computed": "可申请", "needs_confirm": "需确认", "not_eligible": "条件不符", "needs_input": "待补充金额", "unreviewed": "规则未审核"}
    c.head.append("根据您提供的情况，可能适用的支持措施如下（金额均为上限，按金额排序）：")
    c.lines.append("| 状态 | 措施 | 最高可获 | 依据 |")
    c.lines.append("|---|---|---|---|")
    for m in match_profile(c.kb, profile, c.on):
        ref = c.cite(m.rule.citation)
        where = (c.doc_name(m.rule.doc_id) if c.many else "") + (clause_name(m.rule.clause) or "")
        if m.calculation:
            calcs.append(m.calculation)
            amount = format_yuan(m.calculation.amount_yuan)
        elif m.status == "needs_input":
            amount = f"需提供{m.rule.base}"
        else:
            amount = "—"
        c.lines.append(f"| {labels[m.status]} | {m.rule.name} | {amount} | {where}{ref} |")
        verdicts.extend(m.verdicts)
    for calc in calcs:
        c.lines.append(f"\n- {calc.trace}")
    follow.extend(v.ask for v in verdicts if v.met is None and v.ask)
    if not plan.roles:
        bases = "、".join(dict.fromkeys(r.base for r in c.kb.rules if r.reviewed and r.kind == "subsidy" and r.base))
        follow.append(f"请提供相关金额（{bases or '各项措施的计算基数'}），以便逐项计算。")
