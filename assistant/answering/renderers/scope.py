"""Who the policy supports (the firm's facts checked against it), how to apply, and the overview of measures."""

from __future__ import annotations

from assistant.answering.composer import Composer, checklist, clause_name
from assistant.knowledge.eligibility import check_eligibility
from assistant.reading.plan import Plan
from assistant.text.formats import format_rate, format_yuan


def render_scope(plan: Plan, c: Composer, verdicts, follow) -> None:
    for doc in c.kb.docs.values():
        for unit in doc.units:
            if unit.kind == "scope":
                cit = doc.unit_citation(unit)
                c.head.append(f"{c.doc_name(doc.doc_id)}的支持对象和所指范围如下{c.cite(cit)}：")
                c.add_quote(cit)
        rule = next((r for r in c.kb.rules if r.doc_id == doc.doc_id and r.kind == "subsidy" and r.reviewed), None)
        if rule is None:
            continue
        kinds = {x.criterion for x in rule.conditions if x.kind in ("region", "industry")}
        facts = plan.facts
        found = [v for v in check_eligibility(rule, facts, facts.date or c.on, c.kb.validity(rule), c.kb.lexicon)
                 if v.criterion in kinds]
        checklist(c, found)
        verdicts.extend(found)
        follow.extend(v.ask for v in found if v.met is None and v.ask)


def render_procedure(plan: Plan, c: Composer) -> None:
    """How to apply: the text fixes no materials, steps or dates; say so, and who issued it."""
    for doc in c.kb.docs.values():
        # the issuing body as printed, else the title that names it
        unit = next((u for label in ("发文机关", "标题") for u in doc.units if u.label == label), None)
        issuers = "、".join(doc.meta.issuers) or "主管部门"
        ref = c.cite(doc.unit_citation(unit)) if unit else ""
        c.head.append(f"{c.doc_name(doc.doc_id)}原文未规定申报材料、流程、时间和受理渠道，具体以发文机关（{issuers}）{ref}"
                      "或主管部门发布的申报通知为准。")
    for doc_id, label in plan.clauses:  # the measure the question is about, as the text states it
        doc = c.kb.docs[doc_id]
        c.add_quote(doc.unit_citation(doc.unit(label)), "\n相关条款原文：\n")


def firm_checks(plan: Plan, c: Composer, verdicts, follow) -> None:
    """Who the firm is (region, industry) against who each cited document supports, without the whole scope quote."""
    cited = {x.doc_id for x in c.citations}
    for doc in (d for d in c.kb.docs.values() if d.doc_id in cited):
        rule = next((r for r in c.kb.rules if r.doc_id == doc.doc_id and r.kind == "subsidy" and r.reviewed), None)
        if rule is None:
            continue
        kinds = {x.criterion for x in rule.conditions if x.kind in ("region", "industry")}
        found = [v for v in check_eligibility(rule, plan.facts, plan.facts.date or c.on, c.kb.validity(rule), c.kb.lexicon)
                 if v.criterion in kinds]
        checklist(c, found)
        verdicts.extend(found)
        follow.extend(v.ask for v in found if v.met is None and v.ask)


def render_overview(c: Composer) -> None:
    for doc in c.kb.docs.values():
        rules = [r for r in c.kb.rules if r.doc_id == doc.doc_id]
        topics = [t for t in c.kb.rules.topics if t.doc_id == doc.doc_id and t.clause.startswith(("（", "第"))]
        c.head.append(f"{c.doc_name(doc.doc_id)}的主要支持措施：")
        items = sorted([(r.citation.start, r.clause, r.name, r.citation, r) for r in rules] +
                       [(doc.unit(t.clause).start, t.clause, t.name, doc.unit_citation(doc.unit(t.clause)), None)
                        for t in topics], key=lambda x: x[0])
        for _, clause, name, cit, rule in items:
            figure = ""
            if rule is not None and rule.reviewed and rule.kind == "subsidy":
                figure = f"：不超过{rule.base}的{format_rate(rule.rate)}，{rule.cap_per}最高{format_yuan(rule.cap)}"
            elif rule is not None and rule.reviewed and rule.kind == "cap_only":
                figure = f"：{rule.cap_per}最高{format_yuan(rule.cap)}"
            elif rule is not None and rule.reviewed and rule.kind == "threshold":
                figure = f"：{rule.base}{format_yuan(rule.threshold)}{rule.boundary}"
            c.lines.append(f"- {clause_name(clause)} {name}{figure}{c.cite(cit)}")
    c.lines.append("\n告诉我具体措施和相应金额，即可计算可获支持的上限。")
