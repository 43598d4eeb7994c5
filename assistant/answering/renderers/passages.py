"""The passages hybrid search found, when no measure or topic was chosen."""

from __future__ import annotations

import re

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
    part = _part_named(plan, c.kb)
    if part:  # "全生命周期关键节点的差异化支持包括哪几项": the clauses under the part heading the question quotes
        doc, heading, units = part
        c.head.append(f"原文“{heading}”部分包括以下{len(units)}条：")
        for u in units:
            c.add_quote(doc.unit_citation(u))
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


def _part_named(plan: Plan, kb):
    """(document, heading, its clauses) of the part heading whose words (eight characters at least, its number left
    out) the question quotes, or None."""
    for doc in kb.docs.values():
        if plan.docs is not None and doc.doc_id not in plan.docs:
            continue
        for unit in doc.units:
            if unit.kind != "part":
                continue
            words = re.sub(r"^\s*(?:第[一二三四五六七八九十]+[章节部分]|[一二三四五六七八九十]+、)\s*", "", unit.text.strip())
            if len(words) >= 8 and any(words[i : i + 8] in plan.text for i in range(len(words) - 7)):
                units = [u for u in doc.units if u.kind == "measure" and u.section == unit.section]
                if units:
                    return doc, unit.text.strip(), units
    return None
