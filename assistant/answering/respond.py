"""The grounded (no-LLM) answer composer: renders a Plan once, answer first.

Every number in the text comes from a Calculation, a Verdict built from the rule file, a cited
quote, the user's own figures, or the date asked about, so ``verify`` can check it.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant.answering.answer import Answer
from assistant.answering.kind_answers import render_kind
from assistant.errors import PolicyError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.calculator import calculate, check_threshold
from assistant.knowledge.documents import Citation
from assistant.knowledge.eligibility import check_eligibility
from assistant.knowledge.kinds import EXTRA_KINDS
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Calculation, Facts, Verdict
from assistant.reading.router import Plan
from assistant.text.formats import format_rate, format_yuan

MARK = {True: "✅ 满足", False: "❌ 不满足", None: "❓ 待确认"}
# English framing around the verbatim Chinese quotes and traces.
EN = {
    "amount": "Upper bound: **{amount}** ({name}, clause {clause})",
    "no_base": "**{name}** (clause {clause}): up to {rate} of {base}, capped at {cap} {per}. Please tell us the amount.",
    "trace": "Calculation (as the calculator wrote it):",
    "basis": "Policy text (verbatim, Chinese):",
    "upper": "“不超过” is an upper bound: the actual amount is set by the authority's review.",
    "check": "Eligibility check:",
    "yes": "**Yes**, on what you told us (final decision by the authority).",
    "no": "**No**: at least one condition is not met ({what}).",
    "unsure": "**Not yet certain**: please confirm {what}.",
    "out": "Sorry, this question is outside the policies this assistant covers: {titles}.",
}
OUT_REASON = {
    "individual": "本助手收录的是面向企业的支持政策，不涉及个人消费或个人事务。",
    "procedure": "这属于其他政务事项，不在本助手收录的政策范围内，请咨询相应主管部门。",
    "chit_chat": "",
    "unrelated": "",
}


class Composer:
    """Builds an Answer; citations are numbered in order of first use: [1] [2] …"""

    def __init__(self, kb: Knowledge, on: dt.date, lang: str = "zh"):
        self.kb, self.on, self.lang = kb, on, lang
        self.citations: list[Citation] = []
        self.lines: list[str] = []
        self.head: list[str] = []  # the answer itself: shown first
        self.quoted: set[tuple[str, int, int]] = set()

    def cite(self, c: Citation) -> str:
        for i, old in enumerate(self.citations, 1):
            if (old.doc_id, old.start, old.end) == (c.doc_id, c.start, c.end):
                return f"[{i}]"
        self.citations.append(c)
        return f"[{len(self.citations)}]"

    def doc_name(self, doc_id: str) -> str:
        meta = self.kb.docs[doc_id].meta
        return f"《{meta.title}》" + (f"（{meta.doc_number}）" if meta.doc_number else "")

    def quote_block(self, c: Citation) -> str | None:
        """A verbatim quote, once per answer (None when it was already shown)."""
        key = (c.doc_id, c.start, c.end)
        if key in self.quoted:
            return None
        self.quoted.add(key)
        parts = (self.doc_name(c.doc_id) if len(self.kb.docs) > 1 else None, c.section, _clause_name(c.clause))
        where = " · ".join(x for x in parts if x)
        return f"> {self.cite(c)} “{c.quote}”（{where}）"

    def add_quote(self, c: Citation, lead: str = "") -> None:
        block = self.quote_block(c)
        if block:
            self.lines.append(lead + block)

    def text(self) -> str:
        """The answer, with citations renumbered in reading order ([1] is the first one read)."""
        body = "\n".join([*self.head, *([""] if self.head and self.lines else []), *self.lines]).strip()
        order: list[int] = []
        for m in re.finditer(r"\[(\d+)\]", body):
            n = int(m[1])
            if 1 <= n <= len(self.citations) and n not in order:
                order.append(n)
        order += [n for n in range(1, len(self.citations) + 1) if n not in order]
        new = {old: i for i, old in enumerate(order, 1)}
        self.citations = [self.citations[old - 1] for old in order]
        return re.sub(r"\[(\d+)\]", lambda m: f"[{new.get(int(m[1]), int(m[1]))}]", body)


def _clause_name(clause: str | None) -> str | None:
    if clause and clause.startswith("（"):
        return f"第{clause}条"
    return clause


def out_of_scope_answer(kb: Knowledge, reason: str = "", lang: str = "zh") -> str:
    titles = "、".join(f"《{d.meta.title}》" for d in kb.docs.values())
    if lang == "en":
        return EN["out"].format(titles=titles)
    why = OUT_REASON.get(reason, "")
    if reason == "chit_chat":  # a greeting or thanks: answer it kindly and say what can be asked
        return (f"您好！我是政策助手，目前收录的政策是{titles}。可以问我其中的补贴计算、"
                "申报条件、有效期和条款原文等问题。")
    if reason.startswith("region:"):
        why = f"您问的是{reason[7:]}的政策，本助手目前只收录了以下文件，无法回答其他地区的政策。"
    return (f"抱歉，这个问题不在本助手收录的政策范围内。{why}目前收录的政策是{titles}，"
            "可以回答其中的补贴计算、申报条件、有效期和条款原文等问题。")


def compose(plan: Plan, kb: Knowledge, on: dt.date, retriever=None) -> Answer:
    if plan.kind == "out_of_scope":
        return Answer(answer=out_of_scope_answer(kb, plan.out_reason, plan.lang), in_scope=False)
    c = Composer(kb, on, plan.lang)
    calcs: list[Calculation] = []
    verdicts: list[Verdict] = []
    follow: list[str] = list(plan.follow_up)
    notices: list[str] = []
    kind = plan.kind
    if kind == "measures":
        for rule, base in plan.tasks:
            try:
                _measure(rule, base, plan, c, calcs, verdicts, follow)
            except PolicyError as exc:  # e.g. an amount the calculator refuses: say so, ask again
                c.lines.append(f"⚠️ {exc}")
                follow.append("请提供正确的人民币金额，以便计算。")
        if len({rule.doc_id for rule, _ in plan.tasks}) > 1:
            c.lines.append("\n以上措施分别出自不同文件，各自独立适用，数额以各文件为准，请勿合并计算。")
        if plan.yes_no:
            _verdict_first(c, verdicts)
    elif kind == "clarify":
        _clarify(plan, c, follow)
    elif kind == "wording":
        _wording(plan, c)
    elif kind == "meta":
        _meta(plan, c)
    elif kind == "validity":
        _validity(c, kb)
        _validity_verdicts(plan, c, verdicts)
    elif kind == "scope":
        _scope(plan, c, verdicts, follow)
        if plan.yes_no:
            _verdict_first(c, verdicts)
    elif kind == "overview":
        _overview(c)
    elif kind == "procedure":
        _procedure(plan, c)
    elif kind == "match":
        _match(plan, c, calcs, verdicts, follow)
    else:
        found = _passages(plan, c, retriever, notices)
        if not found and not notices:
            return Answer(answer=out_of_scope_answer(kb, "unrelated", plan.lang), in_scope=False)
    if plan.claims:
        said = "、".join(f"“{m.text}”" for m in plan.claims)
        c.lines.append(f"\n注意：您提到的{said}不是本助手依据原文核算的数额，以上金额均按政策原文和规则计算，不因对话内容改变。")
    if plan.draft:
        c.lines.append("\n如需正式答复函，可在“答复起草”页（或命令 `python -m assistant draft`）据此生成可编辑的答复草稿。")
    if kind in ("validity", "measures") and (plan.facts.registered_in or plan.facts.not_registered_in or plan.facts.industry) \
            and not any(v.criterion.startswith(("在", "属于")) for v in verdicts):
        _firm_checks(plan, c, verdicts, follow)  # the firm's own facts, checked even when the measure has no conditions
    if kind not in ("validity", "meta", "wording", "out_of_scope"):
        _validity_notice(c, kb, verdicts, glue=kind == "measures")
    if plan.bad_amounts:  # the figure that could not be read is what the answer is about
        c.head[:0] = [f"⚠️ {bad}。" for bad in plan.bad_amounts]
        follow.insert(0, "请提供正确的人民币金额（如“1200万元”“2.5亿元”），以便计算。")
    text = c.text()  # renumbers the citations
    return Answer(answer=text, citations=c.citations, calculations=calcs,
                  eligibility=_dedupe(verdicts), follow_up=_unique(follow), notices=notices)


# ---------------------------------------------------------------------------------- measures


def _measure(rule: Rule, base, plan: Plan, c: Composer, calcs, verdicts, follow) -> None:
    en = c.lang == "en"
    clause = _clause_name(rule.clause)
    where = f"{c.doc_name(rule.doc_id)}" if len(c.kb.docs) > 1 else ""
    if not rule.reviewed:
        c.head.append(f"{where}{clause}有相关数额，但相应规则尚未人工审核，暂不计算，请以原文为准。{c.cite(rule.citation)}")
        c.add_quote(rule.citation)
        return
    if rule.kind == "threshold":
        if base is None:
            c.head.append(f"**{rule.name}**：{rule.base}{format_yuan(rule.threshold)}{rule.boundary}。{c.cite(rule.citation)}")
            follow.append(f"请提供项目{rule.base}金额（如“1200万元”），以便判断是否达到门槛。")
        else:
            v = check_threshold(rule, base)
            verdicts.append(v)
            c.head.append(f"**{'达到' if v.met else '未达到'}{rule.name}**：{v.detail}。{c.cite(rule.citation)}")
        c.add_quote(rule.citation)
        return
    if rule.kind in EXTRA_KINDS:  # what the user's facts select, or what is missing (kind_answers)
        render_kind(rule, base, c, calcs, follow, f"{where}{clause}")
    elif rule.kind == "subsidy" and base is None:
        if en:
            c.head.append(EN["no_base"].format(name=rule.name, clause=rule.clause, rate=format_rate(rule.rate),
                                               base=rule.base, cap=format_yuan(rule.cap), per=rule.cap_per)
                          + c.cite(rule.citation))
        else:
            c.head.append(f"**{rule.name}**（{where}{clause}）：按不超过{rule.base}的{format_rate(rule.rate)}给予补贴，"
                          f"{rule.cap_per}最高不超过{format_yuan(rule.cap)}。{c.cite(rule.citation)}")
        follow.append(f"请提供{rule.base}金额（如“1200万元”），以便计算可获补贴上限。")
    else:
        calc = calculate(rule, base)
        calcs.append(calc)
        if en:
            c.head.append(EN["amount"].format(amount=format_yuan(calc.amount_yuan), name=rule.name, clause=rule.clause)
                          + c.cite(rule.citation))
        else:
            lead = "最高可获" if rule.kind == "subsidy" or rule.upper else "可获"  # a set award is not a bound
            if rule.kind == "cap_only" and rule.upper and rule.rate is None:
                lead = f"原文未规定补贴比例，{rule.cap_per or ''}最高可获"
            c.head.append(f"**{rule.name}：{lead}{format_yuan(calc.amount_yuan)}**（{where}{clause}）{c.cite(rule.citation)}")
        c.lines.append(f"{EN['trace'] if en else '计算过程：'}{calc.trace}")
        if (rule.kind == "subsidy" or rule.upper) and not any("不超过”是上限" in x or EN["upper"] in x for x in c.lines):
            c.lines.append(EN["upper"] if en else "“不超过”是上限：实际金额以主管部门评审核定为准。")
    c.add_quote(rule.citation, "\n" + (EN["basis"] if en else "政策依据：") + "\n")
    for note in rule.open_terms:
        c.lines.append(f"说明：{note}")
    facts = plan.facts if plan.facts.date else Facts(**{**plan.facts.__dict__, "date": c.on})
    found = check_eligibility(rule, facts, facts.date, c.kb.validity(rule), c.kb.lexicon)
    _checklist(c, found)
    verdicts.extend(found)
    follow.extend(v.ask for v in found if v.met is None and v.ask)


def _verdict_first(c: Composer, verdicts: list[Verdict]) -> None:
    """能 / 不能 / 需确认 as the first line of a yes/no question."""
    decisive = [v for v in _dedupe(verdicts) if v.clause is not None or v.citation is not None]
    expired = [v.criterion for v in decisive if v.met is False and v.criterion.startswith("申请时间")]
    failed = [v.criterion for v in decisive if v.met is False and v.criterion not in expired]
    unknown = [v.criterion for v in decisive if v.met is None]
    en = c.lang == "en"
    if expired and not failed:
        rest = (f"其余条件中还需确认“{'”“'.join(unknown)}”" if unknown else "其余条件均满足") if decisive else ""
        line = ("**Not now**: the policy's validity period has ended." if en
                else f"**目前不能申报**：政策有效期已届满；{rest}。")
    elif failed:
        line = EN["no"].format(what="; ".join(failed)) if en else f"**不能**：不满足“{'”“'.join(failed)}”。"
    elif unknown:
        line = EN["unsure"].format(what="; ".join(unknown)) if en else f"**需确认**：还需确认“{'”“'.join(unknown)}”。"
    elif decisive:
        line = EN["yes"] if en else "**能**：按您提供的情况，各项条件均满足（最终以主管部门审核为准）。"
    else:
        return
    c.head.insert(0, line)


def _checklist(c: Composer, found: list[Verdict]) -> None:
    if not found:
        return
    c.lines.append("\n" + (EN["check"] if c.lang == "en" else "资格自查："))
    for v in found:
        ref = c.cite(v.citation) if v.citation else ""
        c.lines.append(f"- {MARK[v.met]} {v.criterion}：{v.detail}{ref}")


def _clarify(plan: Plan, c: Composer, follow: list[str]) -> None:
    cands = plan.candidates
    if not cands:
        c.head.append("请说明您想了解哪一项支持措施。")
        return
    c.head.append("您的问题可能涉及以下几项支持措施，请说明是哪一项，以便准确计算：" if plan.amounts
                  else "您的问题可能涉及以下几项，请说明是哪一项：")
    for t in cands:
        unit = c.kb.docs[t.doc_id].unit(t.clause)
        doc = c.doc_name(t.doc_id) if len(c.kb.docs) > 1 else ""
        cit = t.rule.citation if t.rule else c.kb.docs[t.doc_id].unit_citation(unit)
        c.lines.append(f"- {doc}{_clause_name(t.clause)} {t.name}{c.cite(cit)}")
    follow.append("请问您咨询的是哪一项支持措施？" + ("（金额将按该项的计算基数核算）" if plan.amounts else ""))


def _wording(plan: Plan, c: Composer) -> None:
    for doc_id, label in plan.clauses:
        doc = c.kb.docs[doc_id]
        unit = doc.unit(label)
        c.head.append(f"{c.doc_name(doc_id) if len(c.kb.docs) > 1 else ''}{_clause_name(label)}原文如下：")
        c.add_quote(doc.unit_citation(unit))


def _meta(plan: Plan, c: Composer) -> None:
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


def _validity(c: Composer, kb: Knowledge) -> None:
    for doc in kb.docs.values():
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if not unit:
            continue
        cit = doc.unit_citation(unit)
        start, end = doc.meta.valid_from, doc.meta.valid_to
        state = ""
        if end:
            ended = c.on > end or bool(start and c.on < start)
            state = (f"截至{_d(c.on)}已不在有效期内，目前不能再按本措施申报。" if ended else f"{_d(c.on)}在有效期内。")
        c.head.append(f"《{doc.meta.title}》原文规定“{unit.text.rstrip('。')}”{c.cite(cit)}，{state}")
        c.add_quote(cit)


def _validity_verdicts(plan: Plan, c: Composer, verdicts: list[Verdict]) -> None:
    """The day asked about ("2025年1月2号还能申报吗", today by default) judged against each document's period."""
    from assistant.knowledge.eligibility import validity_verdict

    for doc in c.kb.docs.values():
        rule = next((r for r in c.kb.rules if r.doc_id == doc.doc_id and r.reviewed
                     and any(x.kind == "validity" for x in r.conditions)), None)
        if rule is None:
            continue
        cond = next(x for x in rule.conditions if x.kind == "validity")
        v = validity_verdict(cond, plan.facts.date or c.on, c.kb.validity(rule))
        verdicts.append(v)
        c.head.insert(0, f"**{'能' if v.met else '不能' if v.met is False else '需确认'}**：{v.detail}。")


def _validity_notice(c: Composer, kb: Knowledge, verdicts: list[Verdict], glue: bool = True) -> None:
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
            ended_text = f"{stated}，截至{_d(c.on)}已不在有效期内"
            if c.lang == "en":
                c.head.append(f"Note: the policy text says {stated}; as of {c.on.isoformat()} it is no longer in force, "
                              "so applications under it are closed (the figures above are what it provided).")
            elif c.head and c.head[0].startswith("**目前不能申报**"):
                c.head[0] = c.head[0].replace("政策有效期已届满", ended_text, 1)
            elif c.head and len(cited) == 1 and glue:  # the answer's own sentence says it
                c.head[0] = f"{c.head[0].rstrip('。')}——这是原规定；{ended_text}，目前不能再按本措施申报。"
            elif c.head and len(cited) == 1:
                c.head.append(f"注意：{ended_text}，目前不能再按本措施申报。")
            else:
                c.head.append(f"{c.doc_name(doc.doc_id)}{ended_text}，目前不能再按该文件申报；以上为原规定。")
        else:
            c.lines.append(f"\n有效期：{stated}，{_d(c.on)}在有效期内。")


def _d(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _scope(plan: Plan, c: Composer, verdicts, follow) -> None:
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
        _checklist(c, found)
        verdicts.extend(found)
        follow.extend(v.ask for v in found if v.met is None and v.ask)


def _procedure(plan: Plan, c: Composer) -> None:
    """How to apply: the text fixes no materials, steps or dates; say so, and who issued it."""
    for doc in c.kb.docs.values():
        unit = next((u for u in doc.units if u.label == "发文机关"), None)
        issuers = "、".join(doc.meta.issuers) or "主管部门"
        ref = c.cite(doc.unit_citation(unit)) if unit else ""
        c.head.append(f"{c.doc_name(doc.doc_id)}原文未规定申报材料、流程、时间和受理渠道，具体以发文机关（{issuers}）{ref}"
                      "或主管部门发布的申报通知为准。")
    for doc_id, label in plan.clauses:  # the measure the question is about, as the text states it
        doc = c.kb.docs[doc_id]
        c.add_quote(doc.unit_citation(doc.unit(label)), "\n相关条款原文：\n")


def _firm_checks(plan: Plan, c: Composer, verdicts, follow) -> None:
    """Who the firm is (region, industry) against who each cited document supports, without the whole scope quote."""
    cited = {x.doc_id for x in c.citations}
    for doc in (d for d in c.kb.docs.values() if d.doc_id in cited):
        rule = next((r for r in c.kb.rules if r.doc_id == doc.doc_id and r.kind == "subsidy" and r.reviewed), None)
        if rule is None:
            continue
        kinds = {x.criterion for x in rule.conditions if x.kind in ("region", "industry")}
        found = [v for v in check_eligibility(rule, plan.facts, plan.facts.date or c.on, c.kb.validity(rule), c.kb.lexicon)
                 if v.criterion in kinds]
        _checklist(c, found)
        verdicts.extend(found)
        follow.extend(v.ask for v in found if v.met is None and v.ask)


def _overview(c: Composer) -> None:
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
            c.lines.append(f"- {_clause_name(clause)} {name}{figure}{c.cite(cit)}")
    c.lines.append("\n告诉我具体措施和相应金额，即可计算可获支持的上限。")


def _match(plan: Plan, c: Composer, calcs, verdicts, follow) -> None:
    """政策匹配 in the chat: every measure with its upper bound, from the facts given so far."""
    from assistant.answering.match import match_profile

    f = plan.facts
    profile = {"registered_in": f.registered_in, "industry": f.industry, "project_in_library": f.project_in_library,
               "uses_listed_products": f.uses_listed_products, "date": c.on.isoformat(),
               **{k: str(v) for k, v in plan.roles.items()}}
    if f.not_registered_in and not f.registered_in:
        profile["registered_in"] = f"{f.not_registered_in}以外"
    labels = {"computed": "可申请", "not_eligible": "条件不符", "needs_input": "待补充金额", "unreviewed": "规则未审核"}
    c.head.append("根据您提供的情况，可能适用的支持措施如下（金额均为上限，按金额排序）：")
    c.lines.append("| 状态 | 措施 | 最高可获 | 依据 |")
    c.lines.append("|---|---|---|---|")
    for m in match_profile(c.kb, profile, c.on):
        ref = c.cite(m.rule.citation)
        where = (c.doc_name(m.rule.doc_id) if len(c.kb.docs) > 1 else "") + (_clause_name(m.rule.clause) or "")
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


def _passages(plan: Plan, c: Composer, retriever, notices: list[str]) -> bool:
    """Quote the clause the plan names, or the best search passages."""
    if plan.clauses:
        for doc_id, label in plan.clauses:
            doc = c.kb.docs[doc_id]
            cit = doc.unit_citation(doc.unit(label))
            c.head.append(f"根据政策原文{_clause_name(label)}，相关规定如下：")
            c.add_quote(cit)
        return True
    if retriever is None:
        return False
    try:
        hits = retriever.search(plan.text, k=3)
    except PolicyError as exc:
        notices.append(f"检索暂不可用：{exc}")
        c.head.append("⚠️ 检索暂不可用，以下仅依据规则文件中的措施列表回答；请稍后再试或换一种问法。")
        _overview(c)
        return True
    if not hits:
        return False
    c.head.append("根据政策原文，相关规定如下：")
    for p in hits:
        c.add_quote(p.citation)
    for r in c.kb.rules:
        if not r.reviewed and any((r.doc_id, r.clause) == (p.doc_id, p.clause) for p in hits):
            c.lines.append(f"\n说明：{c.doc_name(r.doc_id)}{_clause_name(r.clause)}中有具体数额，但相应规则尚未人工审核，"
                           "暂不计算，请以原文为准。")
            break
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
