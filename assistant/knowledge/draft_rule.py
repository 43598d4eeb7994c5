"""A drafted rule: its fields as a rule file states them, and how a proposal found in a sentence becomes one
(its base, the key its base is asked by, its level or quantity input), for ``rules_draft``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.knowledge.wording import base_ceiling, spelled

BASE_KEYS = (("贷款", "loan_principal"), ("贴息", "loan_principal"), ("平台", "platform_investment"), ("保费", "insurance_premium"), ("保险", "insurance_premium"),
             ("总投资", "total_investment"), ("测试", "test_investment"),
             ("项目投资", "project_investment"), ("投资", "project_investment"))


@dataclass
class DraftRule:
    id: str
    clause: str
    kind: str
    name: str
    quote: str
    base: str | None = None
    base_key: str | None = None
    rate: str | None = None
    cap: str | None = None
    cap_per: str | None = None
    total_cap: str | None = None  # a second cap over a wider scope (每年, 累计): 累计奖励不超过1000万元
    total_cap_per: str | None = None
    threshold: str | None = None
    boundary: str | None = None
    amount: str | None = None
    tiers: list[dict] = field(default_factory=list)
    level: str | None = None
    unit: str | None = None
    unit_words: list[str] = field(default_factory=list)
    quantity: str | None = None
    step: str | None = None
    step_full: bool | None = None
    max_quantity: str | None = None  # per_unit: at most this many units are paid for (补贴面积不超过500平方米)
    bands: list[dict] = field(default_factory=list)
    marginal: bool | None = None  # banded: each band pays for the units within it (每增加1人…)
    low: str | None = None
    high: str | None = None
    years: list[dict] = field(default_factory=list)
    max_base: str | None = None  # the most of the base the rate is paid on (贷款额度在200万元以下的)
    max_base_of: str | None = None  # what that ceiling bounds when it is not the base itself (the loan of an interest)
    multiple: str | None = None  # N个月 / N倍 of the standard named by ``base``
    standard: str | None = None  # that standard's amount, where a sentence of the document states it
    standard_quote: str | None = None
    standard_clause: str | None = None
    input_key: str | None = None
    currency: str | None = None  # thresholds in another currency (美元), compared in it, never converted
    conditions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # proposed: how questions name it (review them)
    base_terms: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        """Every figure the draft states (for review and for measuring drafting)."""
        out = [v for v in (self.rate, self.cap, self.total_cap, self.threshold, self.amount, self.low, self.high, self.step,
                           self.multiple, self.max_base) if v]
        for row in (*self.tiers, *self.bands, *self.years):
            out += [str(row[k]) for k in ("label", "amount", "threshold", "low", "high", "text", "rate", "cap") if row.get(k)]
        return sorted(set(out))

    def to_yaml_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}
        return {**d, "reviewed": False}


UNNAMED_BASE = "原文规定的基数"  # a rate whose base the text does not name where the drafter could read it


def _percent(d: DraftRule) -> bool:
    """A range of rates (3%-15%, 10％－70％ as full-width texts print it), not of amounts."""
    return bool(re.search("[%％]", (d.low or "") + (d.high or "")))


def _rated(d: DraftRule) -> bool:
    """The rule pays a share of a base (its answer names the base)."""
    return d.kind in ("subsidy", "rate", "min_rate") or _percent(d) or any(
        "rate" in row for row in (*d.tiers, *d.bands, *d.years))


def _input_examples(d: DraftRule) -> list[str]:
    """Example questions that give the rule's input (a level, a quantity) as users would."""
    topic = d.aliases[-1] if d.aliases else d.name
    if d.kind == "tiered":
        labels = [t["label"] for t in d.tiers]
        return [f"{topic}{lab}的能拿多少" for lab in labels] + [f"{topic}奖励标准是多少", f"我们是{labels[-1]}，奖励多少",
                f"{topic}有什么奖励", f"{labels[0]}{topic}奖励多少钱", f"{topic}怎么奖励", f"{topic}分几档",
                f"认定为{labels[0]}给多少", f"{topic}最多奖励多少"][: 10 - len(labels)]
    u = d.unit
    return [f"{topic}100{u}能拿多少", f"{topic}奖励标准是多少", f"{topic}每{u}补多少", f"我们有50{u}，{topic}能补多少",
            f"{topic}有什么补贴", f"{topic}怎么计算", f"{topic}最多补多少", f"{topic}200{u}奖励多少",
            f"{topic}按什么标准补", f"申请{topic}需要什么条件"]


def _base_key(base: str | None) -> str | None:
    for cue, key in BASE_KEYS:
        if base and cue in base:
            return key
    return None


# a share of an interest rate: 贷款基准利率的50%, 基准利率（不含利率上浮部分）50% (a benchmark rate is never 50%)
RATE_OF_RATE = re.compile(r"(?:利率[^，。；;%％]{0,24}的|基准利率[^，。；;%％\d]{0,24}?)\s*\d+(?:\.\d+)?\s*[%％]")
# a share of the interest itself: 可享受50%贷款利息的贴息 · 给予50%贴息 (按贷款额的2%给予贴息 is a rate of the loan)
SHARE_OF_INTEREST = re.compile(r"(?<![的\d.])\d+(?:\.\d+)?\s*[%％]\s*的?(?:贷款)?(?:利息|贴息)")


def _draft(p, rid: str, clause: str, name: str) -> DraftRule:
    f = dict(p.fields)
    f.pop("cap_shared", None)  # how the cap was found (in the next sentence), not a field of the rule
    shown = f.pop("base_shown", False) and p.kind == "rate"  # a base to name in answers, not to compute on
    d = DraftRule(rid, clause, p.kind, name, p.quote)
    for key, value in f.items():
        setattr(d, key, value)
    counted = p.kind == "tiered_threshold" and "unit" in f  # thresholds of a count (达50件、100件): a quantity input
    if p.kind in ("subsidy", "rate", "min_rate", "schedule", "tiered_threshold", "range") and not counted:
        if (d.base is None or "利率" in d.base) and p.kind in ("subsidy", "rate") and RATE_OF_RATE.search(p.quote):
            # "按贷款基准利率的50%给予贴息": a share of the interest, never of the principal
            d.base, d.base_key = "按贷款基准利率计算的利息", re.sub(r"\W", "_", rid)
        elif d.base is None and p.kind in ("subsidy", "rate") and SHARE_OF_INTEREST.search(p.quote):
            d.base, d.base_key = "贷款利息", re.sub(r"\W", "_", rid)
        elif d.base is None and p.kind in ("subsidy", "rate") and _base_key(p.quote) == "loan_principal":
            d.base = "贷款本金"
        if shown:
            d.base_key = _base_key(p.quote)  # as if no base were named: the same amounts tie to it
        elif p.kind in ("subsidy", "rate") and d.base_key is None:
            # a base of the shared kinds (投资, 贷款) by its key; any other base (租赁标的物总额) is its own
            # (a list of items summed, 新增设备、软件投资额度, or an interest, 贷款利息, is never the shared kind)
            shared = None if d.base and (_listed(d.base) or "利息" in d.base) else _base_key(d.base or p.quote)
            d.base_key = shared or (re.sub(r"\W", "_", rid) if d.base else None)
        elif p.kind != "range" or _percent(d):
            # its own profile field: another document's "投资" is not this rule's base
            d.base_key = re.sub(r"\W", "_", rid)
    if p.kind == "tiered":
        if any("rate" in t for t in d.tiers):  # rates by level: the base is this rule's own profile field
            d.base_key = re.sub(r"\W", "_", rid)
        d.level = "级别"
        d.input_key = re.sub(r"\W", "_", rid) + "_level"
    if p.kind in ("subsidy", "rate", "min_rate") and (ceiling := base_ceiling(p.quote)):
        d.max_base = ceiling  # the base is counted up to it; of an interest, it bounds the loan the interest is on
        d.max_base_of = "贷款本金" if d.base and "利息" in d.base else None
    if p.kind == "multiple":  # the standard's amount, when the user gives it: this rule's own field
        d.base_key = re.sub(r"\W", "_", rid)
    if p.kind == "banded" and "rate" in d.bands[0]:  # rates by slices of an amount: the base is its own field
        d.base_key = re.sub(r"\W", "_", rid)
    elif p.kind in ("per_unit", "banded") or counted:
        d.quantity = f"数量（{d.unit}）"
        d.input_key = re.sub(r"\W", "_", rid) + "_quantity"
        d.unit_words = d.unit_words or [d.unit]
    d.base_terms = [d.base] if d.base and not shown else []
    if d.base_terms and (parts := _listed(d.base)):
        # 评估费、担保费、贷款利息的50%: each item names a part of the base (贷款利息 also by its 利息), parts are summed
        d.base_terms += parts + [w for w in map(_last_word, parts) if w and w not in parts]
    return d


def _last_word(item: str) -> str | None:
    """The noun an item ends with, where words qualify it (贷款利息 → 利息; not 评估费, one word)."""
    from assistant.knowledge.aliases import _tokenizer

    words = [w for w in _tokenizer().lcut(item) if w.strip()]
    last = words[-1] if len(words) == 2 else ""
    return last if len(last) >= 2 and not GENERIC_SUM.fullmatch(last) else None


# words that say "an amount" of anything: no name of one item of a base
GENERIC_SUM = re.compile(r"额度|金额|费用|投资额?|设备|资金|总额|数额|资产|额")


def _listed(base: str) -> list[str]:
    """The items of a base that lists what it sums (评估费、担保费、贷款利息), each of three characters at least."""
    items = [x.strip() for x in base.split("、")]  # 及/和 join what one amount covers (合同及发票认定金额)
    if len(items) < 2 or any(len(x) < 3 for x in items):
        return []
    return items


FIGURE_FIELDS = ("rate", "cap", "total_cap", "threshold", "amount", "low", "high", "max_base")


def respell(d: DraftRule) -> None:
    """Each figure as its quote spells it (最高 8 万元 → "8 万元"): figures are read without the spaces a text
    may print between a number and its unit, but a rule file states them verbatim, as loading checks."""
    def spelt(text):
        return spelled(text, d.quote)

    for key in FIGURE_FIELDS:
        setattr(d, key, spelt(getattr(d, key)))
    for row in (*d.tiers, *d.bands, *d.years):
        for key in ("amount", "threshold", "low", "high", "rate", "cap"):
            if key in row:
                row[key] = spelt(row[key])
