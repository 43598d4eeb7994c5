"""Mutation cases for the claim verifier (issue 13), shared by the tests and the benchmark.

For every reviewed rule and several bases (below, at and above the cap; below, at and above a
threshold), a scripted model calls the real tools and writes a correct answer in three styles
(two Chinese, one English). Each figure of that answer is then replaced by every other figure of
its kind the turn makes available — the rule's cap, rate, base, raw product and amount, every
other rule's cap, rate and threshold, the user's own figures — and each verdict by its opposite.
A correct answer must pass unchanged; every mutation must be stopped.

    bot = mutation_bot(tmp_dir)
    for case in cases(bot):
        case.correct_rejected()        # [] for a correct answer
        for m in case.mutations():
            case.stopped(m.text)       # True: the verifier rejects it

``run_agent_case`` sends a reply through the whole model path instead (a fake chat model, or
``ChatOpenAI`` against ``tests/openai_stub.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

from assistant import Assistant
from assistant.answering.agent import Record, _validity_note, make_tools, model_answer
from assistant.answering.answer import Answer
from assistant.answering.claims import quote_spans, read_figures
from assistant.answering.verify import Turn, user_figures
from assistant.settings import Settings
from assistant.text.formats import format_rate, format_yuan

TODAY = "2025-03-01"  # after the policy's validity: most cases are "已届满"
IN_FORCE = "2023年6月1日申请，"  # one base per rule asks about a day inside it

# (name, what the user says, what a correct model passes to check_eligibility)
PROFILES = [
    ("北京软件企业", "我们是海淀的软件企业，项目已入库，采购的产品已列入两清单。",
     {"registered_in": "海淀", "industry": "软件", "project_in_library": True, "uses_listed_products": True}),
    ("外地餐饮企业", "我们是上海的餐饮企业，项目还没入库。",
     {"registered_in": "上海", "industry": "餐饮", "project_in_library": False}),
    ("未说明", "", {}),
]
STYLES = ("zh", "zh2", "en")
KIND_WORD = {"region": "注册地", "industry": "行业", "flag": "条件", "validity": "有效期", "open": "其他"}

# A verdict and its opposites (outside quotation marks). "是否满足“X”尚待确认" is unknown: both
# "满足" and "不满足" are wrong.
FLIPS = [
    (r"是否满足(“(?:[^“”]|“[^”]*”)*”)尚待确认", (r"满足\1", r"不满足\1")),
    (r"Whether the condition (“(?:[^“”]|“[^”]*”)*”) is met is not yet known",
     (r"The condition \1 is met", r"The condition \1 is not met")),
    (r"不满足", ("满足",)), (r"满足", ("不满足",)), (r"未达到", ("达到",)), (r"达到", ("未达到",)),
    (r"已届满", ("仍在有效期内",)), (r"仍在有效期内", ("已届满",)),
    (r"is not met", ("is met",)), (r"is met", ("is not met",)),
    (r"does not meet", ("meets",)), (r"meets", ("does not meet",)),
    (r"has expired", ("is still in force",)), (r"is still in force", ("has expired",)),
]
FLIP_RE = re.compile("|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(FLIPS)))


@dataclass
class Mutation:
    text: str
    what: str  # "figure" | "verdict"
    change: str  # "360万元 → 500万元 (cap)"


@dataclass
class Case:
    bot: Assistant
    rule: object
    label: str  # "below cap", "at cap", …
    profile: str
    style: str
    question: str
    calls: list[tuple[str, dict]]
    reply: str = ""
    answer: Answer | None = None
    turn: Turn | None = None
    on: object = None
    pool: dict[str, dict[Decimal, str]] = field(default_factory=dict)  # kind -> value -> where from

    @property
    def name(self) -> str:
        return f"{self.rule.id}/{self.label}/{self.profile}/{self.style}"

    def correct_rejected(self) -> list[str]:
        return self.turn.check(self.answer.answer)

    def stopped(self, reply: str) -> bool:
        text, _ = _validity_note(reply, self.bot.kb, self.on)
        return bool(self.turn.check(text))

    def mutations(self) -> list[Mutation]:
        return figure_mutations(self.reply, self.pool) + verdict_mutations(self.reply)


def mutation_bot(tmp: Path) -> Assistant:
    """One assistant for all cases: hash embeddings (no e5 download), index under ``tmp``."""
    s = Settings.from_env(embedding="hash", llm_base_url="", llm_model="", today=TODAY,
                          index_dir=tmp / "index", answer_log=tmp / "answers.jsonl")
    return Assistant(s)


def bases(rule) -> list[tuple[str, Decimal | None]]:
    """Below, at (both sides when cap/rate is not a whole yuan) and above the cap or threshold."""
    if rule.kind == "cap_only":
        return [("cap only", None)]
    if rule.kind == "threshold":
        t = rule.threshold
        return [("below threshold", _round(t * Decimal("0.8"))), ("at threshold", t),
                ("above threshold", _round(t * Decimal("1.5")))]
    at = rule.cap / rule.rate
    if at == at.to_integral_value():
        around = [("at cap", at)]
    else:
        around = [("just below cap", at.to_integral_value(ROUND_FLOOR)),
                  ("just above cap", at.to_integral_value(ROUND_CEILING))]
    return [("below cap", _round(at / 2)), *around, ("above cap", _round(at * 2))]


def _round(v: Decimal) -> Decimal:
    step = Decimal(10) ** max(4, len(str(int(v))) - 2)  # two significant digits, at least 万
    return (v / step).to_integral_value(ROUND_FLOOR) * step or step


def cases(bot: Assistant, styles=STYLES) -> list[Case]:
    out = []
    n = 0
    for rule in bot.kb.rules:
        for i, (label, base) in enumerate(bases(rule)):
            profile, says, passes = PROFILES[n % len(PROFILES)]
            n += 1
            when = IN_FORCE if i == 0 else ""
            for style in styles:
                out.append(_case(bot, rule, label, profile, says, passes, when, base, style))
    return out


def _case(bot, rule, label, profile, says, passes, when, base, style) -> Case:
    amount = format_yuan(base) if base is not None else None
    if rule.kind == "threshold":
        question = f"{says}{when}项目总投资{amount}，{rule.name}够不够？"
        calls = [("check_threshold", {"rule_id": rule.id, "amount": amount})]
    else:
        asked = f"{rule.base}{amount}，" if base is not None else "我们研发投入2000万元，"
        if label == "above cap":  # a second figure of the user's, which must not pass as this base
            asked = f"项目总投资{format_yuan(base * 3)}，{asked}"
        question = f"{says}{when}{asked}申请{rule.name}能补多少？"
        calls = [("check_eligibility", {"rule_id": rule.id, **passes}),
                 ("calculate_subsidy", {"rule_id": rule.id, "base_amount": amount or ""})]
    case = Case(bot, rule, label, profile, style, question, calls)
    q = bot.understander.read_turn(question, [])
    case.on = q.facts.date or bot.today()
    rec = Record()
    tools = {t.__name__: t for t in make_tools(bot, q, case.on, rec, [question])}
    for name, args in calls:
        out = tools[name](**args)
        assert not out.startswith("Error"), (case.name, out)
    meta = bot.kb.docs[rule.doc_id].meta
    case.reply = render(style, rule, rec, base, bool(meta.valid_to and case.on > meta.valid_to))
    case.answer, uses_source = model_answer(bot, case.reply, rec, case.on, Answer(answer=""))
    assert uses_source, case.name
    case.turn = Turn(case.answer, question, [], case.on, bot.kb, q.facts)
    case.pool = _pool(bot.kb, rule, rec, question)
    return case


def _pool(kb, rule, rec: Record, question: str) -> dict[str, dict[Decimal, str]]:
    """Every figure the turn makes available, by kind, with where it comes from."""
    amounts: dict[Decimal, str] = {}
    rates: dict[Decimal, str] = {}
    for v in sorted(user_figures(question)[1]):
        amounts.setdefault(v, "the user's figure")
    for c in rec.calculations:
        amounts.setdefault(c.amount_yuan, "amount")
        if c.base_yuan is not None:
            amounts.setdefault(c.base_yuan, "base")
            amounts.setdefault(c.base_yuan * c.rate, "raw product")
    for r in kb.rules:
        mine = r.id == rule.id
        for v, what in ((r.cap, "cap"), (r.threshold, "threshold")):
            if v is not None:
                amounts.setdefault(v, what if mine else f"{r.clause} {what}")
        if r.rate is not None:
            rates.setdefault(r.rate, "rate" if mine else f"{r.clause} rate")
    return {"amount": amounts, "rate": rates}


def figure_mutations(reply: str, pool) -> list[Mutation]:
    out, seen = [], {reply}
    for f in read_figures(reply):
        m = f.mention
        if m.kind not in pool:
            continue
        for value, where in pool[m.kind].items():
            if value == m.value:
                continue
            new = _render(m.kind, value, m.text)
            text = reply[: m.start] + new + reply[m.end :]
            if text not in seen:
                seen.add(text)
                out.append(Mutation(text, "figure", f"{m.text} → {new} ({where})"))
    return out


def verdict_mutations(reply: str) -> list[Mutation]:
    quotes = quote_spans(reply)
    out = []
    for m in FLIP_RE.finditer(reply):
        if any(s <= m.start() < e for s, e in quotes):
            continue
        pattern, opposites = FLIPS[int(m.lastgroup[1:])]
        for opposite in opposites:
            new = re.sub(pattern, opposite, m.group(0))
            out.append(Mutation(reply[: m.start()] + new + reply[m.end() :], "verdict", f"{m.group(0)} → {new}"))
    return out


def _render(kind: str, value: Decimal, like: str) -> str:
    if kind == "rate":
        return format_rate(value)
    return _rmb(value) if like.upper().startswith("RMB") else format_yuan(value)


def _rmb(v: Decimal) -> str:
    return f"RMB {int(v):,}" if v == v.to_integral_value() else f"RMB {v:,.2f}"


# ------------------------------------------------------------------ correct answers


def render(style: str, rule, rec: Record, base: Decimal | None, expired: bool) -> str:
    """A correct answer in ``style`` from what the tools returned."""
    calc = rec.calculations[0] if rec.calculations else None
    verdicts = [v for v in rec.eligibility if v.criterion != rule.name]
    quote = rule.quote
    if rule.kind == "threshold":
        v = next(v for v in rec.eligibility if v.criterion == rule.name)
        body = _threshold(style, rule, v, base, quote)
    elif rule.kind == "cap_only":
        body = _cap_only(style, rule, calc, quote)
    else:
        body = _subsidy(style, rule, calc, quote)
    lines = [body] + [_verdict_line(style, v) for v in verdicts]
    lines.append(_validity_line(style, expired))
    return "\n".join(lines)


def _subsidy(style: str, rule, calc, quote: str) -> str:
    f, r = format_yuan, format_rate(calc.rate)
    raw = calc.base_yuan * calc.rate
    compare = "超过" if calc.capped else ("恰好等于" if raw == calc.cap_yuan else "未超过")
    then = "，按上限计" if calc.capped else ""
    if style == "zh":
        return (f"{rule.name}最高可获{f(calc.amount_yuan)}：{f(calc.base_yuan)} × {r} = {f(raw)}，"
                f"{compare}{rule.cap_per}上限{f(calc.cap_yuan)}{then}。依据{rule.clause}：“{quote}”。")
    if style == "zh2":
        return (f"根据{rule.clause}，您的{rule.base}为{f(calc.base_yuan)}，补贴比例为{r}，"
                f"计算得 {f(calc.base_yuan)} × {r} = {f(raw)}；{rule.cap_per}补贴封顶{f(calc.cap_yuan)}，"
                f"因此贵单位可获得的补贴最高为{f(calc.amount_yuan)}。原文：“{quote}”。")
    return (f"Under clause {rule.clause}, you can receive up to {_rmb(calc.amount_yuan)}: "
            f"{_rmb(calc.base_yuan)} × {r} = {_rmb(raw)}, and the cap per project is {_rmb(calc.cap_yuan)}. "
            f"Source: “{quote}”.")


def _cap_only(style: str, rule, calc, quote: str) -> str:
    f = format_yuan
    if style == "zh":
        return (f"{rule.name}最高可获{f(calc.amount_yuan)}：原文未规定补贴比例，{rule.cap_per}支持金额上限为"
                f"{f(calc.cap_yuan)}。依据{rule.clause}：“{quote}”。")
    if style == "zh2":
        return (f"按{rule.clause}，{rule.cap_per}支持金额最高不超过{f(calc.cap_yuan)}，贵单位最高可获{f(calc.amount_yuan)}，"
                f"具体金额以评审结果为准。原文：“{quote}”。")
    return (f"Under clause {rule.clause}, support is capped at {_rmb(calc.cap_yuan)} per project, so you can "
            f"receive up to {_rmb(calc.amount_yuan)}. Source: “{quote}”.")


def _threshold(style: str, rule, v, base: Decimal, quote: str) -> str:
    f, word = format_yuan, rule.boundary or "以上"
    if style == "zh":
        verb = "达到" if v.met else "未达到"
        return (f"项目总投资{f(base)}，{verb}{rule.clause}规定的{f(rule.threshold)}{word}的{rule.name}。"
                f"依据{rule.clause}：“{quote}”。")
    if style == "zh2":
        verb = "达到" if v.met else "未达到"
        return (f"按{rule.clause}，{rule.name}为{f(rule.threshold)}{word}；您的项目总投资为{f(base)}，{verb}该门槛。"
                f"原文：“{quote}”。")
    verb = "meets" if v.met else "does not meet"
    return (f"Your total investment of {_rmb(base)} {verb} the threshold of {_rmb(rule.threshold)} or more "
            f"in clause {rule.clause}. Source: “{quote}”.")


def _verdict_line(style: str, v) -> str:
    if style == "en":
        if v.met is None:
            return f"Whether the condition “{v.criterion}” is met is not yet known."
        return f"The condition “{v.criterion}” is {'met' if v.met else 'not met'}."
    if v.met is None:
        return f"- 是否满足“{v.criterion}”尚待确认"
    return f"- {'满足' if v.met else '不满足'}“{v.criterion}”"


def _validity_line(style: str, expired: bool) -> str:
    if style == "en":
        return "The policy (valid 2022-2024) has expired." if expired else \
            "The policy (valid 2022-2024) is still in force."
    return "本措施在2022-2024年内有效，现已届满。" if expired else "本措施在2022-2024年内有效，申请日仍在有效期内。"


# ------------------------------------------------------------------ the whole model path


def agent_subset(rule_cases: list[Case]) -> list[tuple[Case, Mutation]]:
    """The mutations sent through the whole model path for one rule: the headline figure of its
    first answer turned into every other figure, and every verdict flip of that answer."""
    first = rule_cases[0]
    muts = first.mutations()
    head = next((f for f in read_figures(first.reply) if f.mention.kind == "amount"), None)
    picked = [m for m in muts if m.what == "figure" and head and m.change.startswith(head.mention.text + " →")]
    return [(first, m) for m in picked] + [(first, m) for m in muts if m.what == "verdict"]


def stub_script(case: Case, reply: str) -> list[dict]:
    """The same turn as replies of tests/openai_stub.py: the tool calls, then the text."""
    calls = [{"tool_calls": [{"function": {"name": n, "arguments": a}}]} for n, a in case.calls]
    return [*calls, {"content": reply}]


def stub_model(base_url: str):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=base_url, model="stub-model", api_key="not-needed", timeout=10, max_retries=0)


def run_agent_case(bot: Assistant, case: Case, reply: str, model=None) -> Answer:
    """``reply`` as the final text of a scripted model that first makes ``case.calls``; through
    ``model`` when given (e.g. ChatOpenAI against the stub), else LangChain's fake chat model."""
    from tests.fake_chat import call, fake

    bot._chat_model = model or fake(*[call(name, **args) for name, args in case.calls], reply)
    try:
        return bot.ask(case.question)
    finally:
        bot._chat_model = None
