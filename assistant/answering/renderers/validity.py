"""Whether the policy is in force on the date asked about, said once, in the text's own words."""

from __future__ import annotations

import datetime as dt

from assistant.answering.composer import Composer
from assistant.knowledge.base import Knowledge
from assistant.knowledge.eligibility import validity_verdict
from assistant.knowledge.types import Verdict
from assistant.reading.plan import Plan


def render_validity(c: Composer, kb: Knowledge, verdict_said: bool = False) -> None:
    """Each document's validity in its own words; whether the day asked is inside it, unless the verdict says so."""
    for doc in kb.docs.values():
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if not unit:
            continue
        cit = doc.unit_citation(unit)
        start, end = doc.meta.valid_from, doc.meta.valid_to
        state = ""
        if end and not verdict_said:
            ended = c.on > end or bool(start and c.on < start)
            state = (f"截至{day_text(c.on)}已不在有效期内，目前不能再按本措施申报。" if ended else f"{day_text(c.on)}在有效期内。")
        c.head.append(f"《{doc.meta.title}》原文规定“{unit.text.rstrip('。')}”{c.cite(cit)}" + (f"，{state}" if state else "。"))
        c.add_quote(cit)


def render_validity_verdicts(plan: Plan, c: Composer, verdicts: list[Verdict], lead: bool = True) -> None:
    """The day asked about ("2025年1月2号还能申报吗", today by default) judged against each document's period;
    ``lead``: the answer opens with it."""

    for doc in c.kb.docs.values():
        rule = next((r for r in c.kb.rules if r.doc_id == doc.doc_id and r.reviewed
                     and any(x.kind == "validity" for x in r.conditions)), None)
        if rule is None:
            continue
        cond = next(x for x in rule.conditions if x.kind == "validity")
        on = plan.facts.date or c.on
        v = validity_verdict(cond, on, c.kb.validity(rule))
        verdicts.append(v)
        start, _end = c.kb.validity(rule)
        if v.met:
            short = f"**能**：{day_text(on)}在有效期内。"
        elif v.met is False and start and on < start:
            short = f"**不能**：{day_text(on)}早于施行期。"
        elif v.met is False:
            short = f"**不能**：截至{day_text(on)}，本措施已不在有效期内，不能再按本措施申报。"
        else:
            short = "**需确认**：原文未写明有效期。"
        if lead:
            c.head.insert(0, short)  # the text's own words follow once, in the next sentence


def validity_notice(c: Composer, kb: Knowledge, verdicts: list[Verdict], glue: bool = True) -> None:
    """Whether the policy is in force on the date asked about, right after the answer."""
    cited = list(dict.fromkeys(x.doc_id for x in c.citations)) or list(kb.docs)[:1]
    for doc in (kb.docs[d] for d in cited):
        start, end = doc.meta.valid_from, doc.meta.valid_to
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if not end or not unit:
            continue
        mine = [v for v in verdicts if v.citation is None or v.citation.doc_id == doc.doc_id]
        ref = c.cite(doc.unit_citation(unit))
        stated = f"原文规定“{unit.text.rstrip('。')}”{ref}"
        on = next((v for v in mine if v.criterion.startswith("申请时间")), None)
        if on is not None and on.met is not None:
            ended = on.met is False
        else:
            ended = c.on > end or bool(start and c.on < start)
        if ended:
            # Said once, in the first sentence, together with the answer (not as a banner above it).
            ended_text = f"{stated}，截至{day_text(c.on)}已不在有效期内"
            if c.lang == "en":
                c.head.append(f"Note: the policy text says “{unit.text.rstrip('。')}”{ref}; as of {c.on.isoformat()} it is no longer in force, "
                              "so applications under it are closed (the figures above are what it provided).")
            elif c.head and c.head[0].startswith("**目前不能申报**"):
                c.head[0] = c.head[0].replace("政策有效期已届满", ended_text, 1)
            elif c.head and len(cited) == 1 and glue:  # led by it, then the standard of the validity period
                # the measure's own citation stays [1]: the figure is what the quote below it says
                c.head[0] = f"**目前不能申报**。有效期内的标准：{c.head[0].rstrip('。')}；{ended_text}。"
            elif c.head and len(cited) == 1:
                c.head.append(f"注意：{ended_text}，目前不能再按本措施申报。")
            else:
                c.head.append(f"{c.doc_name(doc.doc_id)}{ended_text}，目前不能再按该文件申报；以上为原规定。")
        elif c.lang == "en":
            c.lines.append(f"\nIn force: the text says “{unit.text.rstrip('。')}”{ref}; {c.on.isoformat()} is within it.")
        else:
            c.lines.append(f"\n有效期：{stated}，{day_text(c.on)}在有效期内。")


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
