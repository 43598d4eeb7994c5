"""The passages hybrid search found, when no measure or topic was chosen."""

from __future__ import annotations

from assistant.answering.composer import Composer, clause_name
from assistant.answering.renderers.scope import render_overview
from assistant.errors import PolicyError
from assistant.reading.plan import Plan


def render_passages(plan: Plan, c: Composer, retriever, notices: list[str]) -> bool:
    """Quote the clause the plan names, or the best search passages."""
    if plan.clauses:
        for doc_id, label in plan.clauses:
            doc = c.kb.docs[doc_id]
            cit = doc.unit_citation(doc.unit(label))
            c.head.append(f"根据政策原文{clause_name(label)}，相关规定如下：")
            c.add_quote(cit)
        return True
    if retriever is None:
        return False
    try:
        hits = retriever.search(plan.text, k=3, docs=plan.docs) if plan.docs is not None else retriever.search(plan.text, k=3)
    except PolicyError as exc:
        notices.append(f"检索暂不可用：{exc}")
        c.head.append("⚠️ 检索暂不可用，以下仅依据规则文件中的措施列表回答；请稍后再试或换一种问法。")
        render_overview(c)
        return True
    if not hits:
        return False
    c.head.append("根据政策原文，相关规定如下：")
    for p in hits:
        c.add_quote(p.citation)
    for r in c.kb.rules:
        if not r.reviewed and any((r.doc_id, r.clause) == (p.doc_id, p.clause) for p in hits):
            c.lines.append(f"\n说明：{c.doc_name(r.doc_id)}{clause_name(r.clause)}中有具体数额，但相应规则尚未人工审核，"
                           "暂不计算，请以原文为准。")
            break
    return True
