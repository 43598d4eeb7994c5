"""A percentage a provision requires (装机占比达到60%及以上, 同比增速高于10%), checked against the one the user gives
for the same thing ("占比正好30%"): a stated figure below the bar means the award is not computed.

The bar is read from the rule's own quote: a name of two characters at least, a comparison word, a percentage and,
after it, the words that close a condition (及以上, 以上, （含）, 的). A rate (按…的30%, 给予…30%) closes no condition
and is never read as a bar. The user's figure is a percentage whose clause ends with the bar's last two characters
of name before it (占比65%, 占比设计是65%).
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.knowledge.rules import Rule

BAR = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8}?)(?P<op>达到|不低于|不少于|超过|高于|大于|在)?\s*(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
                 r"\s*(?P<close>（含）以上|\(含\)以上|及以上|以上|（含）|(?=的(?!\d)))?")
SAID = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*[%％]")


def bars(rule: Rule) -> list[tuple[str, Decimal, bool]]:
    """(the name's last two characters, the percentage, whether it is inclusive) of each bar in the rule's quote."""
    out = []
    for m in BAR.finditer(rule.quote):
        if not (m["op"] and m["close"] is not None) and not (m["close"] or "").endswith("以上"):
            continue  # a rate (给予…投资30%的支持) closes no condition
        inclusive = m["op"] not in ("超过", "高于", "大于")
        out.append((m["name"][-2:], Decimal(m["pct"]), inclusive))
    return out


def unmet(rule: Rule, text: str) -> str | None:
    """The words of the user's figure that falls short of a bar of ``rule`` (None when every bar is met or unknown).
    A rule paid by bands or tiers holds a bar for each of them, so no single bar stands for the whole rule."""
    if rule.tiers or rule.kind in ("tiered", "tiered_threshold", "banded"):
        return None
    for name, bar, inclusive in bars(rule):
        for m in SAID.finditer(text):
            clause = re.split(r"[，,。；;！!？?\n]", text[: m.start()])[-1]
            if name not in clause[-12:]:
                continue
            said = Decimal(m["pct"])
            if said < bar or (said == bar and not inclusive):
                return clause[clause.find(name):] + text[m.start() : m.end()]
    return None
