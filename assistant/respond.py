"""The grounded (no-LLM) answer composer: calculator figures, verbatim quotes, templated Chinese.

Every number in the text comes from a Calculation, a Verdict built from the rule file, a cited
quote, the user's own figures, or the date asked about, so ``verify`` can check it.
"""

from __future__ import annotations

import datetime as dt
import re

from .answer import Answer
from .calculator import Calculation, Facts, Verdict, calculate, check_eligibility, check_threshold
from .corpus import Citation
from .errors import PolicyError
from .knowledge import Knowledge
from .money import format_rate, format_yuan
from .rules import Rule
from .understand import NUMERIC_INTENTS, Question

MARK = {True: "✅ 满足", False: "❌ 不满足", None: "❓ 待确认"}
DOMAIN = re.compile(r"新基建|新型基础设施|补贴|补助|资助|扶持|奖励|项目库|平台|贴息|基金|REITs|智慧城市|场景|5G|算力|"
                    r"数据|互联网|车联网|人工智能|专项债|首试用|措施|申报|申请|健康宝|清单|新技术|新产品|中小企业|"
                    r"有效|支持|经信局|财政局|重大项目|保费|贷款|实验室|体验中心|小批量|税|信贷|融资")
OTHER_POLICY = re.compile(r"(上海|天津|重庆|广东|广州|深圳|浙江|杭州|江苏|南京|苏州|四川|成都|湖北|武汉|山东)\S{0,6}"
                          r"(的|有什么|有哪些|出台)\S{0,6}(政策|补贴|措施|办法)")
OWN_FIRM = re.compile(r"我们|我司|本公司|本企业|企业是|注册在|注册地")


class Composer:
    """Builds an Answer; citations are numbered in order of first use: [1] [2] …"""

    def __init__(self, kb: Knowledge, on: dt.date):
        self.kb, self.on = kb, on
        self.citations: list[Citation] = []
        self.lines: list[str] = []

    def cite(self, c: Citation) -> str:
        for i, old in enumerate(self.citations, 1):
            if (old.doc_id, old.start, old.end) == (c.doc_id, c.start, c.end):
                return f"[{i}]"
        self.citations.append(c)
        return f"[{len(self.citations)}]"

    def doc_name(self, doc_id: str) -> str:
        meta = self.kb.docs[doc_id].meta
        return f"《{meta.title}》" + (f"（{meta.doc_number}）" if meta.doc_number else "")

    def quote_block(self, c: Citation) -> str:
        parts = (self.doc_name(c.doc_id) if len(self.kb.docs) > 1 else None, c.section, _clause_name(c.clause))
        where = " · ".join(x for x in parts if x)
        return f"> {self.cite(c)} “{c.quote}”（{where}）"


def _clause_name(clause: str | None) -> str | None:
    if clause and clause.startswith("（"):
        return f"第{clause}条"
    return clause


FIGURE_ASK = re.compile(r"多少|几|比例|上限|标准|怎么算|如何计算|计算|门槛|最高|金额|能补|能拿|可获|补贴额|条件|够不够|算不算")


def in_scope(q: Question) -> bool:
    from .retrieval import POLICY_TERMS

    if q.chit_chat:
        return False
    if OTHER_POLICY.search(q.text) and not OWN_FIRM.search(q.text):
        return False
    return bool(q.intents) or bool(DOMAIN.search(q.text)) or any(t in q.text for t in POLICY_TERMS)


def asks_for_figures(q: Question) -> bool:
    """A measure named without a figure or a question about figures is a question about its text."""
    return bool(q.amounts or q.bad_amounts or q.carried or FIGURE_ASK.search(q.text))


def out_of_scope_answer(kb: Knowledge) -> str:
    titles = "、".join(f"《{d.meta.title}》" for d in kb.docs.values())
    return (f"抱歉，这个问题不在本助手收录的政策范围内。目前收录的政策是{titles}，"
            "可以回答其中的补贴计算、申报条件、有效期和条款原文等问题。")


def compose(q: Question, kb: Knowledge, on: dt.date, retriever=None) -> Answer:
    if not in_scope(q):
        return Answer(answer=out_of_scope_answer(kb), in_scope=False)
    c = Composer(kb, on)
    calcs: list[Calculation] = []
    verdicts: list[Verdict] = []
    follow: list[str] = []
    numeric = [i for i in q.intents if i in NUMERIC_INTENTS]
    if q.intent == "match":
        _match(q, c, calcs, verdicts, follow)
    elif numeric and (asks_for_figures(q) or not _passages(q, c, retriever, calcs, verdicts, follow)):
        chosen = [i for i in numeric if kb.rules.get(i).base_key in q.roles] or numeric[:1]
        for intent in chosen:
            try:
                _numeric(kb.rules.get(intent), q, c, calcs, verdicts, follow)
            except PolicyError as exc:  # e.g. an amount the calculator refuses: say so, ask again
                c.lines.append(f"⚠️ {exc}")
                follow.append("请提供正确的人民币金额，以便计算。")
    elif q.intent == "validity":
        _validity(c, kb)
    elif q.intent == "scope":
        _scope(q, c, verdicts, follow)
    else:
        if not _passages(q, c, retriever, calcs, verdicts, follow):
            return Answer(answer=out_of_scope_answer(kb), in_scope=False)
    for bad in q.bad_amounts:
        c.lines.insert(0, f"⚠️ {bad}。\n")
        follow.insert(0, "请提供正确的人民币金额（如“1200万元”“2.5亿”），以便计算。")
    if q.claims:
        said = "、".join(f"“{m.text}”" for m in q.claims)
        c.lines.append(f"\n注意：您提到的{said}不是本助手依据原文核算的数额，以上金额均按政策原文和规则计算，不因对话内容改变。")
    _validity_notice(c, kb, verdicts)
    return Answer(answer="\n".join(c.lines).strip(), citations=c.citations, calculations=calcs,
                  eligibility=_dedupe(verdicts), follow_up=_unique(follow))


def _numeric(rule: Rule, q: Question, c: Composer, calcs, verdicts, follow) -> None:
    base = q.roles.get(rule.base_key or "", q.base() if len(q.amounts) == 1 or not q.roles else None)
    if rule.kind == "threshold":
        if base is None:
            c.lines.append(f"**{rule.name}**：{rule.base}{format_yuan(rule.threshold)}{rule.boundary}。{c.cite(rule.citation)}")
            follow.append(f"请提供项目{rule.base}金额（如“1200万元”），以便判断是否达到门槛。")
        else:
            v = check_threshold(rule, base)
            verdicts.append(v)
            c.lines.append(f"**{'达到' if v.met else '未达到'}{rule.name}**：{v.detail}。{c.cite(rule.citation)}")
        c.lines.append(c.quote_block(rule.citation))
        return
    if rule.kind == "subsidy" and base is None:
        c.lines.append(f"**{rule.name}**（{_clause_name(rule.clause)}）：按不超过{rule.base}的{format_rate(rule.rate)}"
                       f"给予补贴，{rule.cap_per}最高不超过{format_yuan(rule.cap)}。{c.cite(rule.citation)}")
        follow.append(f"请提供{rule.base}金额（如“1200万元”），以便计算可获补贴上限。")
    else:
        calc = calculate(rule, base)
        calcs.append(calc)
        c.lines.append(f"**{rule.name}：最高可获{format_yuan(calc.amount_yuan)}**（{_clause_name(rule.clause)}）"
                       f"{c.cite(rule.citation)}")
        c.lines.append(f"\n计算过程：{calc.trace}")
        c.lines.append("\n“不超过”是上限：实际金额以主管部门评审核定为准。")
    c.lines.append("\n政策依据：\n" + c.quote_block(rule.citation))
    _siblings(rule, base, c, calcs)
    for note in rule.open_terms:
        c.lines.append(f"\n说明：{note}")
    facts = q.facts if q.facts.date else Facts(**{**q.facts.__dict__, "date": c.on})
    found = check_eligibility(rule, facts, facts.date, c.kb.validity(rule))
    _checklist(c, found)
    verdicts.extend(found)
    follow.extend(v.ask for v in found if v.met is None and v.ask)


def _siblings(rule: Rule, base, c: Composer, calcs) -> None:
    """The same kind of support in other documents: shown side by side, never merged."""
    others = [r for r in c.kb.rules if r.doc_id != rule.doc_id and r.base_key and r.base_key == rule.base_key]
    if not others:
        return
    c.lines.append("\n其他文件中的同类支持（各自独立适用，数额以各文件为准，请勿合并计算）：")
    for other in others:
        name = c.doc_name(other.doc_id)
        if not other.reviewed:
            c.lines.append(f"- {name}{_clause_name(other.clause)}：原文有相关数额，但该规则尚未人工审核，暂不计算。"
                           f"原文：“{other.quote}”{c.cite(other.citation)}")
        elif base is not None and other.kind == "subsidy":
            calc = calculate(other, base)
            calcs.append(calc)
            c.lines.append(f"- {name}{_clause_name(other.clause)}：{calc.trace}{c.cite(other.citation)}")
        else:
            c.lines.append(f"- {name}{_clause_name(other.clause)}：“{other.quote}”{c.cite(other.citation)}")


def _checklist(c: Composer, found: list[Verdict]) -> None:
    if not found:
        return
    c.lines.append("\n资格自查：")
    for v in found:
        ref = c.cite(v.citation) if v.citation else ""
        c.lines.append(f"- {MARK[v.met]} {v.criterion}：{v.detail}{ref}")


def _validity(c: Composer, kb: Knowledge) -> None:
    for doc in kb.docs.values():
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if unit:
            c.lines.append(f"《{doc.meta.title}》的施行期限：{c.cite(doc.unit_citation(unit))}")
            c.lines.append(c.quote_block(doc.unit_citation(unit)))


def _validity_notice(c: Composer, kb: Knowledge, verdicts: list[Verdict]) -> None:
    """Always say, first, whether the policy is in force on the date asked about."""
    cited = list(dict.fromkeys(x.doc_id for x in c.citations)) or list(kb.docs)[:1]
    for doc in (kb.docs[d] for d in cited):
        start, end = doc.meta.valid_from, doc.meta.valid_to
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if not end or not unit:
            continue
        if len(cited) > 1:
            verdicts = [v for v in verdicts if v.citation is None or v.citation.doc_id == doc.doc_id]
        ref = c.cite(doc.unit_citation(unit))
        stated = f"原文规定“{unit.text.rstrip('。')}”{ref}"
        on = next((v for v in verdicts if v.criterion.startswith("申请时间")), None)
        day = on_day = c.on
        if on is not None and on.met is not None:
            ended = on.met is False
        else:
            ended = on_day > end or bool(start and on_day < start)
        if ended:
            c.lines.insert(0, f"> ⚠️ **有效期提示**：{stated}，截至{_d(day)}已不在有效期内，目前不能再按本措施申报；"
                              "以下说明的是政策有效期内的规定。\n")
        else:
            c.lines.append(f"\n有效期：{stated}，{_d(day)}在有效期内。")


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _scope(q: Question, c: Composer, verdicts, follow) -> None:
    for doc in c.kb.docs.values():
        for unit in doc.units:
            if unit.kind == "scope":
                cit = doc.unit_citation(unit)
                c.lines.append(f"本措施的支持对象和所指新基建范围如下{c.cite(cit)}：")
                c.lines.append(c.quote_block(cit))
    rule = next((r for r in c.kb.rules if r.kind == "subsidy"), None)
    if rule is None:
        return
    scope_checks = [x for x in rule.conditions if x.kind in ("region", "industry")]
    facts = q.facts
    found = [v for v in check_eligibility(rule, facts, facts.date or c.on, c.kb.validity(rule))
             if v.criterion in {x.criterion for x in scope_checks}]
    _checklist(c, found)
    verdicts.extend(found)
    follow.extend(v.ask for v in found if v.met is None and v.ask)


def _match(q: Question, c: Composer, calcs, verdicts, follow) -> None:
    """政策匹配 in the chat: every measure with its upper bound, from the facts given so far."""
    from .match import match_profile

    f = q.facts
    profile = {"registered_in": f.registered_in, "industry": f.industry, "project_in_library": f.project_in_library,
               "uses_listed_products": f.uses_listed_products, "date": c.on.isoformat(),
               **{k: str(v) for k, v in q.roles.items()}}
    labels = {"computed": "可申请", "not_eligible": "条件不符", "needs_input": "待补充金额", "unreviewed": "规则未审核"}
    c.lines.append("根据您提供的情况，可能适用的支持措施如下（金额均为上限，按金额排序）：\n")
    c.lines.append("| 状态 | 措施 | 最高可获 | 依据 |")
    c.lines.append("|---|---|---|---|")
    for m in match_profile(c.kb, profile, c.on):
        ref = c.cite(m.rule.citation)
        where = (c.doc_name(m.rule.doc_id) if len(c.kb.docs) > 1 else "") + _clause_name(m.rule.clause)
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
    missing = [v.ask for v in verdicts if v.met is None and v.ask]
    follow.extend(missing)
    if not q.roles:
        follow.append("请提供相关金额（平台建设投资、项目投资额、保费、贷款本金等），以便逐项计算。")


def _passages(q: Question, c: Composer, retriever, calcs, verdicts, follow) -> bool:
    if retriever is None:
        return False
    try:
        hits = retriever.search(q.text, k=3)
    except PolicyError:
        return False
    if not hits:
        return False
    top = hits[0].citation
    rules = [r for r in c.kb.rules if (r.doc_id, r.clause) == (top.doc_id, top.clause) and r.kind != "threshold"]
    if rules and rules[0].reviewed and (q.amounts or asks_for_figures(q) or rules[0].kind == "cap_only"):
        _numeric(rules[0], q, c, calcs, verdicts, follow)
        return True
    c.lines.append("根据政策原文，相关规定如下：")
    for p in hits:
        c.lines.append(c.quote_block(p.citation))
    for r in rules:
        if not r.reviewed:
            c.lines.append(f"\n说明：{c.doc_name(r.doc_id)}{_clause_name(r.clause)}中有具体数额，但相应规则尚未人工审核，"
                           "暂不计算，请以原文为准。")
    return True


def _dedupe(verdicts: list[Verdict]) -> list[Verdict]:
    seen, out = set(), []
    for v in verdicts:
        key = (v.criterion, v.met, v.detail)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
