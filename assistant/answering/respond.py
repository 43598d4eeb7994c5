"""The grounded (no-LLM) answer composer: renders a Plan once, answer first.

Every number in the text comes from a Calculation, a Verdict built from the rule file, a cited
quote, the user's own figures, or the date asked about, so ``verify`` can check it.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.answering.answer import Answer
from assistant.answering.composer import Composer, dedupe, out_of_scope_answer, unique, verdict_first
from assistant.answering.renderers.clarify import render_clarify
from assistant.answering.renderers.document import render_meta, render_wording
from assistant.answering.renderers.matching import render_match
from assistant.answering.renderers.measures import firm_totals, render_measure
from assistant.answering.renderers.passages import render_passages
from assistant.answering.renderers.scope import firm_checks, render_overview, render_procedure, render_scope
from assistant.answering.renderers.validity import render_validity, render_validity_verdicts, validity_notice
from assistant.errors import PolicyError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.kinds import EXTRA_KINDS, needs
from assistant.knowledge.types import Calculation, Verdict
from assistant.reading.plan import Plan

MONEY_ASK = re.compile(r"多少钱|能拿多少|能补多少|补多少|拿多少|补贴多少|算算|帮我算|how much", re.I)  # asks for a sum


def compose(plan: Plan, kb: Knowledge, on: dt.date, retriever=None) -> Answer:
    many = len(kb.docs) > 1
    if plan.docs and set(plan.docs) < set(kb.docs) and all(r.doc_id in plan.docs for r, _ in plan.tasks) \
            and all(d in plan.docs for d, _ in plan.clauses) and all(t.doc_id in plan.docs for t in plan.candidates):
        kb = kb.only(plan.docs)  # the places the question names: only their documents are answered from
    if plan.kind == "out_of_scope":
        return Answer(answer=out_of_scope_answer(kb, plan.out_reason, plan.lang), in_scope=False,
                      small_talk=plan.out_reason == "chit_chat")
    c = Composer(kb, on, plan.lang, many)
    calcs: list[Calculation] = []
    verdicts: list[Verdict] = []
    follow: list[str] = list(plan.follow_up)
    notices: list[str] = []
    kind = plan.kind
    if kind == "measures":
        tasks, joined = firm_totals(plan)
        for rule, base in tasks:
            try:
                render_measure(rule, base, plan, c, calcs, verdicts, follow, joined.get(rule.id))
            except PolicyError as exc:  # e.g. an amount the calculator refuses: say so, ask again
                c.lines.append(f"⚠️ {exc}")
                follow.append("请提供正确的人民币金额，以便计算。")
        for rule in plan.same:  # the same award in another document: cited beside it, never added to it
            c.lines.append(f"\n{c.doc_name(rule.doc_id)}{rule.clause}有相同规定{c.cite(rule.citation)}，按上述金额计算一次。")
        if len({rule.doc_id for rule, _ in plan.tasks}) > 1:
            c.lines.append("\n以上措施分别出自不同文件，各自独立适用，数额以各文件为准，请勿合并计算。")
        if plan.yes_no:
            verdict_first(c, verdicts)
    elif kind == "clarify":
        render_clarify(plan, c, follow)
    elif kind == "wording":
        render_wording(plan, c)
    elif kind == "meta":
        render_meta(plan, c)
    elif kind == "validity":
        render_validity(c, kb, verdict_said=True)
        render_validity_verdicts(plan, c, verdicts)
    elif kind == "scope":
        render_scope(plan, c, verdicts, follow)
        if not c.head and not c.lines:  # documents that state no scope of their own: the passages asked about
            render_passages(plan, c, retriever, notices)
        if plan.yes_no:
            verdict_first(c, verdicts)
    elif kind == "overview":
        render_overview(c)
    elif kind == "procedure":
        render_procedure(plan, c)
    elif kind == "match":
        render_match(plan, c, calcs, verdicts, follow)
    else:
        found = render_passages(plan, c, retriever, notices)
        if not found and not notices:
            return Answer(answer=out_of_scope_answer(kb, "unrelated", plan.lang), in_scope=False)
    if ((kind in ("overview", "scope", "passages") and plan.facts.date) or (kind == "overview" and plan.yes_no)) and not calcs \
            and not any(v.criterion.startswith("申请时间") for v in verdicts):
        render_validity_verdicts(plan, c, verdicts, lead=plan.yes_no)  # "2026年还有这个补贴吗": the year asked about
    if MONEY_ASK.search(plan.text) and not calcs and kind in ("overview", "scope", "passages") and not follow:
        # "帮我算算补贴", "营收5亿能拿多少": which measure, and its own figure
        follow.append("Which measure do you mean, and what is its own figure (the investment, premium or loan "
                      "principal)?" if plan.lang == "en" else "请问您想申请哪一项支持措施？请提供该措施计算所依据的金额"
                      "（如项目投资额、保费或贷款本金），以便计算。")
    if not c.head and not c.lines and kind != "passages":  # nothing of its kind to say: the passages asked about
        if not render_passages(plan, c, retriever, notices) and not notices:
            return Answer(answer=out_of_scope_answer(kb, "unrelated", plan.lang), in_scope=False)
    if plan.read_as and calcs:  # a mistyped measure name: say how it was read, before the figure is relied on
        typed, alias = plan.read_as
        c.head.insert(0, f"Read “{typed}” as “{alias}”." if plan.lang == "en" else f"按“{alias}”理解（您写的是“{typed}”）。")
    if plan.claims:  # the planted figure is not repeated: a quoted line of the reply must not carry it
        c.lines.append("\nNote: the figure given in your message is not one this assistant computed from the text; the "
                       "amounts above follow the policy text and its rules only." if plan.lang == "en" else
                       "\n注意：您在问题中给出的数额不是本助手依据原文核算的，以上金额均按政策原文和规则计算，不因对话内容改变。")
    if plan.draft:
        c.lines.append("\n如需正式答复函，可在“答复起草”页（或命令 `python -m assistant draft`）据此生成可编辑的答复草稿。")
    if kind in ("validity", "measures") and (plan.facts.registered_in or plan.facts.not_registered_in or plan.facts.industry) \
            and not any(v.criterion.startswith(("在", "属于")) for v in verdicts):
        firm_checks(plan, c, verdicts, follow)  # the firm's own facts, checked even when the measure has no conditions
    if kind not in ("validity", "meta", "wording", "out_of_scope"):
        validity_notice(c, kb, verdicts, glue=kind == "measures")
    if plan.bad_amounts and kind == "measures" and plan.tasks and not any(_takes_amount(r) for r, _ in plan.tasks):
        # "改造投了2000多万，奖励是多少" of a set award: no amount is computed on, so none is asked for
        said = "、".join(f"“{x}”" for bad in plan.bad_amounts for x in re.findall(r"“([^”]+)”", bad)[:1])
        c.lines.append(f"\n说明：您提到的{said or '金额'}不是该项支持的计算依据，未用于计算，不影响以上结果。")
    elif plan.bad_amounts:  # the figure that could not be read is what the answer is about
        c.head[:0] = [f"⚠️ {bad}。" for bad in plan.bad_amounts]
        follow.insert(0, "请提供正确的人民币金额（如“1200万元”“2.5亿元”），以便计算。")
    text = c.text()  # renumbers the citations
    return Answer(answer=text, citations=c.citations, calculations=calcs,
                  eligibility=dedupe(verdicts), follow_up=unique(follow), notices=notices)


def _takes_amount(rule) -> bool:
    """Whether the rule computes on, or compares, an amount the user gives (a set award or a tier does not)."""
    return rule.kind in ("subsidy", "threshold") or (rule.kind in EXTRA_KINDS and "base" in needs(rule))
