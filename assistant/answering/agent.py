"""The LangChain tool-calling path for a configured chat model (``mode: "llm"``).

The model only phrases: every figure comes from the calculator tools, every quote from the
corpus. Tool results are recorded as the calculator's own objects, so the Answer's
calculations/citations/eligibility are ours, not parsed back out of model text, and the
verifier checks the model's final text against them. Anything that goes wrong — timeout, HTTP
error, malformed tool calls, an empty or uncited reply, an unsupported figure or verdict —
returns the grounded answer with a notice: the conversation never crashes.

Facts come from the user. The amounts the model passes to the calculators must be figures the
user gave (this turn or earlier); the facts it passes to ``check_eligibility`` are used only
where the user's own words support them, what the user said wins, and anything else stays
unknown ("待确认"): a model cannot turn ❌ into ✅ by filling in "北京".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from dataclasses import dataclass, field, replace

from assistant.answering.answer import Answer
from assistant.answering.claims import label_forms
from assistant.answering.prompts import (
    CONTEXT_TEMPLATE,
    FALLBACK_NOTICES,
    NOT_THE_USERS_AMOUNT,
    SYSTEM_PROMPT,
    TOOL_ERROR_PREFIX,
    VALIDITY_NOTE,
)
from assistant.answering.verify import Turn, user_figures
from assistant.errors import PolicyError
from assistant.knowledge.base import parse_date
from assistant.knowledge.calculator import calculate, check_threshold
from assistant.knowledge.documents import Citation
from assistant.knowledge.kinds import EXTRA_KINDS
from assistant.knowledge.types import Calculation, Facts, Verdict
from assistant.text.amounts import parse_amount
from assistant.text.formats import format_rate, format_yuan

log = logging.getLogger(__name__)

MAX_MODEL_CALLS = 6  # a policy question needs search + one or two calculations + the answer
RECURSION_LIMIT = 2 * MAX_MODEL_CALLS  # graph steps: model and tool nodes alternate
SEARCH_K = 4
QUOTE_STRETCH = 12  # characters of a quote that, copied verbatim, count as citing it
MENTIONS_VALIDITY = re.compile(r"有效期|届满|过期|失效|到期|已结束|不再")
# A word the user wrote counts for a fact unless a negation comes right before it ("不是北京的").
NEGATED = re.compile(r"(不是|并非|非|不在|没在|不属于|并不属于|没有|not|n't)\s*(?:在|做)?\s*$", re.I)


@dataclass
class Record:
    """What the tools returned during one turn."""

    calculations: list[Calculation] = field(default_factory=list)
    eligibility: list[Verdict] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)  # behind a figure or verdict: always shown
    seen: list[Citation] = field(default_factory=list)  # search/list results: shown if the reply uses them


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _safe(fn):
    """A tool never raises: the model gets "Error: …" in Chinese and may try again."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PolicyError as exc:
            return f"{TOOL_ERROR_PREFIX}{exc}"
        except Exception as exc:  # a bug in a tool must not end the conversation
            log.exception("工具 %s 出错", fn.__name__)
            return f"{TOOL_ERROR_PREFIX}工具内部错误（{type(exc).__name__}）"

    return wrapper


def user_bases(said: list[str]) -> set:
    """The amounts the user gave as their own figures (not claims about the policy), in yuan."""
    out: set = set()
    for text in said:
        out |= user_figures(text)[1]
    return out


def supported_facts(user: Facts, said: list[str], **given) -> tuple[Facts, dict]:
    """The facts to judge by: the user's, plus a value the model passes only where the user's own
    words contain it un-negated (a place or trade the reader did not recognise). What the user
    said wins; a flag or date only the model asserts stays unknown. Returns (facts, not used)."""
    updates, ignored = {}, {}
    for name, value in given.items():
        if value is None or value == "":
            continue
        mine = getattr(user, name, None)
        if mine is not None:
            if mine != value:
                ignored[name] = value
            continue
        words = isinstance(value, str) and _said_unnegated(value.strip(), said)
        if words and not (name == "registered_in" and getattr(user, "not_registered_in", None)):
            updates[name] = value.strip()
        else:
            ignored[name] = value
    return replace(user, **updates), ignored


def _said_unnegated(value: str, said: list[str]) -> bool:
    for text in said:
        i = text.find(value) if value else -1
        while i >= 0:
            if not NEGATED.search(text[max(0, i - 6) : i]):
                return True
            i = text.find(value, i + 1)
    return False


def make_tools(assistant, q, on: dt.date, rec: Record, said: list[str] | None = None) -> list:
    """The five tools, bound to this turn; their docstrings are what the model reads. ``said`` is
    what the user wrote, this turn and earlier (default: this turn's text)."""
    kb = assistant.kb
    said = list(said) if said is not None else [getattr(q, "text", "") or ""]
    bases = user_bases(said)

    def users_amount(value) -> str | None:
        """An error for the model when ``value`` is not a figure the user gave."""
        if value is None or value in bases:
            return None
        given = "、".join(format_yuan(b) for b in sorted(bases)) or "（用户尚未提供金额）"
        return TOOL_ERROR_PREFIX + NOT_THE_USERS_AMOUNT.format(amount=format_yuan(value), given=given)

    @_safe
    def search_policy(query: str) -> str:
        """检索政策原文，返回最相关的条款：条款编号 clause、原文引文 quote（逐字）及其在文件中的位置 start/end。
        回答中的每个结论都应引用这里返回的 clause 和 quote。
        Search the policy text; returns clauses with verbatim quotes and character offsets."""
        # an unavailable index reaches the model as "Error: 检索…不可用" (via _safe), not as "no hits"
        try:
            hits = assistant.retriever.search(query, k=SEARCH_K)
        except PolicyError:
            raise
        except Exception as exc:
            log.exception("检索出错")
            raise PolicyError("检索暂不可用，请稍后再试，或调用 list_rules 查看有数字规定的条款") from exc
        found = [p.citation for p in hits]
        rec.seen.extend(found)
        if not found:
            return f"{TOOL_ERROR_PREFIX}没有检索到相关条款，可调用 list_rules 查看有数字规定的条款"
        return _dump([c.to_dict() for c in found])

    @_safe
    def calculate_subsidy(rule_id: str, base_amount: str = "") -> str:
        """按规则计算补贴上限（最高可获金额）。rule_id 为规则编号（见 list_rules）；base_amount 为计算基数，
        如“1200万元”“3,000,000元”“2.5亿”（原文未规定比例的规则可留空）。返回计算结果 JSON：
        base_yuan、rate、cap_yuan、amount_yuan（元，精确值）、trace（计算过程）和原文引文 citation。
        Compute the subsidy upper bound for a rule from a base amount."""
        rule = kb.rules.get(rule_id)
        if rule.kind == "threshold":
            return f"{TOOL_ERROR_PREFIX}规则 {rule_id} 是投资门槛，请用 check_threshold 判断"
        base = parse_amount(base_amount) if base_amount.strip() else None
        refused = users_amount(base)
        if refused:
            return refused
        if rule.kind in EXTRA_KINDS:
            # A level, a quantity or a year comes from the user's own words, never from the model.
            from assistant.knowledge.kind_calc import compute
            from assistant.reading.quantities import read_inputs

            calc = compute(rule, read_inputs(rule, [said[0], *reversed(said[1:])], base))
        else:
            calc = calculate(rule, base)
        if calc not in rec.calculations:
            rec.calculations.append(calc)
        rec.citations.append(calc.citation)
        shown = {"最高可获": format_yuan(calc.amount_yuan)}
        if calc.cap_yuan is not None:
            shown["上限"] = format_yuan(calc.cap_yuan)
        if calc.rate is not None:
            shown["比例"] = format_rate(calc.rate)
        return _dump({**calc.to_dict(), "display": shown, "notes": list(calc.notes), "citation": calc.citation.to_dict()})

    @_safe
    def check_threshold_tool(rule_id: str, amount: str) -> str:
        """判断项目总投资是否达到门槛（如纳入重点项目库的门槛、重大项目的投资规模）。
        rule_id 为门槛规则编号，amount 为金额如“1200万元”。返回是否达到、说明和原文引文。
        Check whether an investment amount reaches a threshold rule."""
        rule = kb.rules.get(rule_id)
        value = parse_amount(amount)
        v = check_threshold(rule, value)
        refused = users_amount(value)
        if refused:
            return refused
        rec.eligibility.append(v)
        rec.citations.append(rule.citation)
        return _dump({**v.to_dict(), "threshold": format_yuan(rule.threshold), "citation": rule.citation.to_dict()})

    check_threshold_tool.__name__ = "check_threshold"  # the name the model calls it by

    @_safe
    def check_eligibility_tool(rule_id: str, registered_in: str = "", industry: str = "",
                               project_in_library: bool | None = None,
                               uses_listed_products: bool | None = None, date: str = "") -> str:
        """逐项判断企业是否满足某条规则的申报条件（注册地、行业、规则文件列出的是/否条件、申请日期）。
        只采用用户在对话中说过的情况：用户说过的以用户为准，用户没说过的一律按“待确认”处理（返回 not_used 列出未采用的参数）。
        date 形如“2023-06-01”，以用户所说日期为准，用户未说则为所询问的日期。
        返回每个条件的 met（true/false/null 表示待确认）、说明和原文引文。
        Check each eligibility condition of a rule for the enterprise, from what the user said."""
        rule = kb.rules.get(rule_id)
        day = parse_date(date) if date.strip() else None  # a malformed date is still an error for the model
        facts, ignored = supported_facts(q.facts, said, registered_in=registered_in or None, industry=industry or None,
                                         project_in_library=project_in_library,
                                         uses_listed_products=uses_listed_products)
        if day and day != on:  # the day asked about is the user's date, or today
            ignored["date"] = date
        found = kb.eligibility(rule.id, facts, on)
        rec.eligibility.extend(found)
        rec.citations.extend(v.citation for v in found if v.citation)
        verdicts = [{**v.to_dict(), "quote": v.citation.quote if v.citation else None} for v in found]
        return _dump({"verdicts": verdicts, "not_used": {k: str(v) for k, v in ignored.items()}})

    check_eligibility_tool.__name__ = "check_eligibility"

    @_safe
    def list_rules() -> str:
        """列出有数字规定的条款规则：rule_id、条款编号、名称、类型（subsidy 补贴 / cap_only 仅上限 / threshold 门槛）、
        计算基数及原文引文。金额和比例请用 calculate_subsidy / check_threshold 计算，不要自行计算。
        List the rules (ids, clauses, names, kinds, quotes)."""
        rec.seen.extend(r.citation for r in kb.rules)
        return _dump([{"rule_id": r.id, "clause": r.clause, "name": r.name, "kind": r.kind, "base": r.base,
                       "quote": r.quote} for r in kb.rules])

    return [search_policy, calculate_subsidy, check_eligibility_tool, check_threshold_tool, list_rules]


def chat_model(assistant):
    """The injected model, or ChatOpenAI for the configured OpenAI-compatible endpoint."""
    if assistant._chat_model is not None:
        return assistant._chat_model
    from langchain_openai import ChatOpenAI

    s = assistant.settings
    return ChatOpenAI(base_url=s.llm_base_url, model=s.llm_model, api_key=s.llm_api_key or "not-needed",
                      timeout=s.llm_timeout, max_retries=0)


def _system_prompt(kb, on: dt.date) -> str:
    titles = "\n".join(f"- 《{d.meta.title}》" + (f"（{d.meta.doc_number}）" if d.meta.doc_number else "")
                       + "".join(f" · {u.text}" for u in d.units if u.kind == "validity") for d in kb.docs.values())
    rules = "\n".join(f"- {r.id}：{r.clause} {r.name}" for r in kb.rules)
    return SYSTEM_PROMPT + CONTEXT_TEMPLATE.format(on=on.isoformat(), titles=titles, rules=rules)


def _converse(assistant, text: str, history: list[dict], q, on: dt.date, rec: Record) -> list:
    from langchain.agents import create_agent
    from langchain_core.messages import AIMessage, HumanMessage

    said = [text] + [m["content"] for m in history if m["role"] == "user"]
    agent = create_agent(chat_model(assistant), make_tools(assistant, q, on, rec, said),
                         system_prompt=_system_prompt(assistant.kb, on))
    past = [(HumanMessage if m["role"] == "user" else AIMessage)(m["content"]) for m in history]
    state = agent.invoke({"messages": [*past, HumanMessage(text)]}, config={"recursion_limit": RECURSION_LIMIT})
    return state["messages"]


def _malformed(messages: list) -> bool:
    """Unknown tool names and arguments that do not fit a tool's schema come back as error
    ToolMessages; arguments that are not JSON as ``invalid_tool_calls``."""
    return any(getattr(m, "status", None) == "error" or getattr(m, "invalid_tool_calls", None) for m in messages)


def _final_text(messages: list) -> str:
    last = messages[-1] if messages else None
    if last is None or last.type != "ai" or getattr(last, "tool_calls", None):
        return ""
    return str(last.text).strip()


def referenced(reply: str, c: Citation) -> bool:
    """The reply names the clause or copies a stretch of its quote."""
    if c.clause and any(form in reply for form in label_forms(c.clause)):
        return True
    n = min(QUOTE_STRETCH, len(c.quote))
    return n > 0 and any(c.quote[i : i + n] in reply for i in range(len(c.quote) - n + 1))


def _dedupe(verdicts: list[Verdict]) -> list[Verdict]:
    return list({(v.criterion, v.met, v.detail): v for v in verdicts}.values())


def _unique(cits) -> list[Citation]:
    return list({(c.doc_id, c.start, c.end): c for c in cits}.values())


def _validity_note(reply: str, kb, on: dt.date) -> tuple[str, list[Citation]]:
    """The expiry notice the model forgot, with its citation (DESIGN principle 5)."""
    if MENTIONS_VALIDITY.search(reply):
        return reply, []
    added = []
    for doc in kb.docs.values():
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if unit and doc.meta.valid_to and doc.meta.valid_to < on:
            cit = doc.unit_citation(unit)
            reply += "\n\n" + VALIDITY_NOTE.format(quote=cit.quote, on=f"{on.year}年{on.month}月{on.day}日")
            added.append(cit)
    return reply, added


def _fallback(grounded: Answer, notices: list[str], reason: str, rejected=()) -> Answer:
    notices.append(FALLBACK_NOTICES[reason])  # service.ask puts notices above the answer text
    grounded.rejected_claims = list(rejected)
    return grounded


def _describe(exc: Exception, settings) -> str:
    """For the log: the error without the API key, whatever the library put in its message."""
    msg = f"{type(exc).__name__}: {str(exc)[:300]}"
    return msg.replace(settings.llm_api_key, "***") if settings.llm_api_key else msg


def run_agent(assistant, text: str, history: list[dict], q, on: dt.date, grounded: Answer,
              notices: list[str]) -> Answer | None:
    """A verified model answer (mode "llm"), or the grounded answer with a notice; None means
    "use the grounded answer as it is" (an out-of-scope question the model also declined)."""
    rec = Record()
    try:
        messages = _converse(assistant, text, history, q, on, rec)
    except Exception as exc:  # timeout, connection refused, HTTP 4xx/5xx, a bad payload, no langchain …
        if type(exc).__name__ == "GraphRecursionError":  # langgraph's step limit: tool calls without end
            log.warning("对话模型调用工具超过 %d 轮仍未给出回答", MAX_MODEL_CALLS)
            return _fallback(grounded, notices, "malformed")
        log.warning("对话模型 %s 不可用，改用依据原文的回答：%s",
                    assistant.settings.llm_base_url or "（已注入的模型）", _describe(exc, assistant.settings))
        return _fallback(grounded, notices, "unavailable")
    if _malformed(messages):
        return _fallback(grounded, notices, "malformed")
    reply = _final_text(messages)
    if not reply:
        return _fallback(grounded, notices, "empty")
    answer, uses_source = model_answer(assistant, reply, rec, on, grounded)
    # Figures and verdicts first, so an invented one is recorded as such even when nothing is cited.
    figures, verdicts = Turn(answer, text, history, on, assistant.kb, q.facts).rejected(answer.answer)
    if figures or verdicts:
        log.warning("模型回答含未经核实的数字或结论 %s，改用依据原文的回答", figures + verdicts)
        return _fallback(grounded, notices, "unsupported" if figures else "unsupported_verdict", figures + verdicts)
    if not uses_source:
        # The model declining an out-of-scope question is no failure: the grounded answer says so.
        return None if not grounded.in_scope else _fallback(grounded, notices, "uncited")
    return answer


def model_answer(assistant, reply: str, rec: Record, on: dt.date, grounded: Answer) -> tuple[Answer, bool]:
    """The "llm" Answer for a model's final text and what the tools returned, before it is
    verified, and whether the text uses a source (names a clause or copies a quote)."""
    cited = _unique(rec.citations + [c for c in rec.seen if referenced(reply, c)])
    uses_source = any(referenced(reply, c) for c in cited)  # judged before we add our own text
    reply, extra = _validity_note(reply, assistant.kb, on)
    answer = Answer(answer=reply, mode="llm", in_scope=True, citations=_unique(cited + extra),
                    calculations=list(rec.calculations), eligibility=_dedupe(rec.eligibility),
                    follow_up=list(grounded.follow_up))
    return answer, uses_source
