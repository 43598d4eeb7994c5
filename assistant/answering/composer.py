"""What every answer renderer shares: the ``Composer`` that numbers citations and shows each quote once,
the English framing, the self-check list, and the out-of-scope reply."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from assistant.knowledge.base import Knowledge
from assistant.knowledge.documents import Citation
from assistant.knowledge.types import Verdict
from assistant.text.formats import format_english_yuan, format_rate, format_yuan

MARK = {True: "✅ 满足", False: "❌ 不满足", None: "❓ 待确认"}


# English framing around the verbatim Chinese quotes and traces.
EN = {
    "amount": "Upper bound: **{amount}** (“{name}”, clause {clause})",
    "no_base": "**{name}** (clause {clause}): up to {rate} of {base}, capped at {cap} {per}. Please tell us the amount.",
    "trace": "Calculation: ",
    "basis": "Policy text (verbatim, Chinese):",
    "upper": "“不超过” is an upper bound: the actual amount is set by the authority's review.",
    "check": "Eligibility check:",
    "yes": "**Yes**, on what you told us (final decision by the authority).",
    "no": "**No**: at least one condition is not met (“{what}”).",
    "unsure": "**Not yet certain**: please confirm “{what}”.",
    "note": "Note (from the text): “{note}”",
    "out": "Sorry, this question is outside the policies this assistant covers: {titles}.",
}


MARK_EN = {True: "✅ met", False: "❌ not met", None: "❓ to confirm"}


def yuan_en(amount) -> str:
    """12000000 → "12,000,000 yuan (1,200万元)": the figure in English, with the text's own unit beside it."""
    return f"{format_english_yuan(amount)} ({format_yuan(amount)})"


def trace_en(calc) -> str:
    """The calculator's trace in English for a rate on a base and for a cap-only figure; other kinds keep
    the calculator's own (Chinese) trace, quoted."""
    if calc.rate is not None and calc.base_yuan is not None:
        raw = calc.base_yuan * calc.rate
        cap = calc.cap_yuan
        limit = "" if cap is None else (f", above the cap of {yuan_en(cap)}, so the cap applies" if calc.capped
                                         else f", within the cap of {yuan_en(cap)}")
        return (f"{yuan_en(calc.base_yuan)} × {format_rate(calc.rate)} = {yuan_en(raw)}{limit}"
                f" → you can receive up to {yuan_en(calc.amount_yuan)}")
    if calc.rate is None and calc.base_yuan is None and calc.cap_yuan is not None:
        return f"the text sets no rate, only a cap of {yuan_en(calc.cap_yuan)}"
    return f"“{calc.trace}”"


OUT_REASON = {
    "individual": "本助手收录的是面向企业的支持政策，不涉及个人消费或个人事务。",
    "procedure": "这属于其他政务事项，不在本助手收录的政策范围内，请咨询相应主管部门。",
    "chit_chat": "",
    "unrelated": "",
}


class Composer:
    """Builds an Answer; citations are numbered in order of first use: [1] [2] …"""

    def __init__(self, kb: Knowledge, on: dt.date, lang: str = "zh", many: bool | None = None):
        self.kb, self.on, self.lang = kb, on, lang
        self.many = len(kb.docs) > 1 if many is None else many  # the corpus has several documents: name them
        self.citations: list[Citation] = []
        self.lines: list[str] = []
        self.head: list[str] = []  # the answer itself: shown first
        self.quoted: set[tuple[str, int, int]] = set()
        self.firm_used: dict[str, Decimal] = {}  # per-enterprise caps: what earlier items of a rule took

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
        parts = (self.doc_name(c.doc_id) if self.many else None, c.section, clause_name(c.clause))
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


def clause_name(clause: str | None) -> str | None:
    if clause and clause.startswith("（"):
        return f"第{clause}条"
    return clause


def out_of_scope_answer(kb: Knowledge, reason: str = "", lang: str = "zh") -> str:
    titles = "、".join(f"《{d.meta.title}》" for d in kb.docs.values())
    if lang == "en" and not reason.startswith("other:"):
        return EN["out"].format(titles=titles)
    why = OUT_REASON.get(reason, "")
    if reason == "chit_chat":  # a greeting or thanks: answer it kindly and say what can be asked
        return (f"您好！我是政策助手，目前收录的政策是{titles}。可以问我其中的补贴计算、"
                "申报条件、有效期和条款原文等问题。")
    if reason.startswith("other:"):
        where, word = reason[6:].split(":", 1)
        if lang == "en":
            return EN["out"].format(titles=titles) + f" Questions about “{word}” belong to another policy: please ask {where}."
        why = f"您问的“{word}”属于其他政策的支持事项，请咨询{where}。"
    if reason.startswith("region:"):
        why = f"您问的是{reason[7:]}的政策，本助手目前只收录了以下文件，无法回答其他地区的政策。"
    return (f"抱歉，这个问题不在本助手收录的政策范围内。{why}目前收录的政策是{titles}，"
            "可以回答其中的补贴计算、申报条件、有效期和条款原文等问题。")


def verdict_first(c: Composer, verdicts: list[Verdict]) -> None:
    """能 / 不能 / 需确认 as the first line of a yes/no question."""
    decisive = [v for v in dedupe(verdicts) if v.clause is not None or v.citation is not None]
    expired = [v.criterion for v in decisive if v.met is False and v.criterion.startswith("申请时间")]
    failed = [v.criterion for v in decisive if v.met is False and v.criterion not in expired]
    unknown = [v.criterion for v in decisive if v.met is None]
    en = c.lang == "en"
    if expired and not failed:
        rest = (f"其余条件中还需确认“{'”“'.join(unknown)}”" if unknown else "其余条件均满足") if decisive else ""
        line = ("**Not now**: the policy's validity period has ended." if en
                else f"**目前不能申报**：政策有效期已届满；{rest}。")
    elif failed:
        line = EN["no"].format(what="”; “".join(failed)) if en else f"**不能**：不满足“{'”“'.join(failed)}”。"
    elif unknown:
        line = EN["unsure"].format(what="”; “".join(unknown)) if en else f"**需确认**：还需确认“{'”“'.join(unknown)}”。"
    elif decisive:
        line = EN["yes"] if en else "**能**：按您提供的情况，各项条件均满足（最终以主管部门审核为准）。"
    else:
        return
    c.head.insert(0, line)


def checklist(c: Composer, found: list[Verdict]) -> None:
    if not found:
        return
    c.lines.append("\n" + (EN["check"] if c.lang == "en" else "资格自查："))
    for v in found:
        ref = c.cite(v.citation) if v.citation else ""
        # a detail that only restates the criterion ("已满足：X") is not said twice
        detail = "" if v.detail.endswith(v.criterion) and len(v.detail) - len(v.criterion) <= 4 else f"：{v.detail}"
        if c.lang == "en":  # the criterion is the text's own wording: quoted, its Chinese detail left out
            c.lines.append(f"- {MARK_EN[v.met]} “{v.criterion}”{ref}")
        else:
            c.lines.append(f"- {MARK[v.met]} {v.criterion}{detail}{ref}")


def dedupe(verdicts: list[Verdict]) -> list[Verdict]:
    seen, out = set(), []
    for v in verdicts:
        key = (v.criterion, v.met, v.detail)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
