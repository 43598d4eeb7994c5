"""Questions about the text itself: a clause's wording, the issuer, 文号, dates, the basis document."""

from __future__ import annotations

from assistant.answering.composer import Composer, clause_name
from assistant.reading.plan import Plan


def render_wording(plan: Plan, c: Composer) -> None:
    for doc_id, label in plan.clauses:
        doc = c.kb.docs[doc_id]
        unit = doc.unit(label)
        c.head.append(f"{c.doc_name(doc_id) if c.many else ''}{clause_name(label)}原文如下：")
        c.add_quote(doc.unit_citation(unit))


def render_meta(plan: Plan, c: Composer) -> None:
    for doc in c.kb.docs.values():
        units = {u.kind: u for u in doc.units}
        by_label = {u.label: u for u in doc.units}
        name = f"《{doc.meta.title}》"
        en = c.lang == "en"
        if "issuer" in plan.meta:
            unit = by_label.get("发文机关") or units.get("issuer")
            ref = c.cite(doc.unit_citation(unit)) if unit else ""
            issuers = "、".join(doc.meta.issuers) or "（原文未写明）"
            c.head.append(f"{name} was issued by {issuers}.{ref}" if en else f"{name}的发文机关是{issuers}。{ref}")
        if "doc_number" in plan.meta:
            if doc.meta.doc_number:
                c.head.append(f"{name}的文号是{doc.meta.doc_number}。")
            else:
                c.head.append(f"{name}: the text states no document number." if en
                              else f"{name}原文未载明文号（本助手不推测文号）。")
        if "basis" in plan.meta:  # what the measures were made under: the preamble says it
            unit = next((u for u in doc.units if u.kind == "preamble" or u.label == "前言"), None)
            if unit:
                c.head.append(f"{name}的制定依据见其前言：")
                c.add_quote(doc.unit_citation(unit))
            else:
                c.head.append(f"{name}原文未写明制定依据。")
        if "title" in plan.meta:
            unit = by_label.get("标题")
            ref = c.cite(doc.unit_citation(unit)) if unit else ""
            c.head.append(f"文件全称：{name}{ref}")
        if "published" in plan.meta or "validity" in plan.meta:
            unit = next((u for u in doc.units if u.kind == "validity"), None)
            if unit:
                cit = doc.unit_citation(unit)
                lead = "原文未写明具体发布日期，只规定" if "published" in plan.meta else "施行期限："
                c.head.append(f"{name}{lead}“{unit.text.rstrip('。')}”。{c.cite(cit)}")
                c.add_quote(cit)
