"""Which measure is meant: the candidates, each with its clause, and the question back."""

from __future__ import annotations

from assistant.answering.composer import Composer, clause_name
from assistant.reading.plan import Plan


def render_clarify(plan: Plan, c: Composer, follow: list[str]) -> None:
    cands = plan.candidates
    if not cands:
        c.head.append("请说明您想了解哪一项支持措施。")
        return
    c.head.append("您的问题可能涉及以下几项支持措施，请说明是哪一项，以便准确计算：" if plan.amounts
                  else "您的问题可能涉及以下几项，请说明是哪一项：")
    for t in cands:
        unit = c.kb.docs[t.doc_id].unit(t.clause)
        doc = c.doc_name(t.doc_id) if c.many else ""
        cit = t.rule.citation if t.rule else c.kb.docs[t.doc_id].unit_citation(unit)
        c.lines.append(f"- {doc}{clause_name(t.clause)} {t.name}{c.cite(cit)}")
    follow.append("请问您咨询的是哪一项支持措施？" + ("（金额将按该项的计算基数核算）" if plan.amounts else ""))
