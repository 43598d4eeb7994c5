"""Which criterion a met / not-met statement is about, and the verdict it must agree with.

Each condition of the rules in scope (and each threshold rule) is a ``Criterion``: its verdict
this turn and the words that name it. The verdict is the tools' (``answer.eligibility``), else
the calculator's for what the user said (``facts``), else unknown; validity is computed from
the day asked about. A statement names the criterion written out in full in its scope, else the
one with the most distinct cue words there (nearest first). A statement that names no criterion
we know is not checked; one about an unknown verdict is wrong whether it says met or not met.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.answering.answer import Answer
from assistant.answering.claims import Statement, blank, distance
from assistant.knowledge.types import Facts
from assistant.text.amounts import find_mentions

# Words that name each kind of condition. A flag condition's own words come from its rule file
# (``terms``); FACT_CUES are the fallback. An open condition is named by its quoted term.
CUES = {
    "region": ("注册", "经营地", "本市", "本地", "外地", "所在地", "registered", "registration"),
    "industry": ("行业", "工业", "软件", "信息服务", "信息技术服务", "industry", "sector"),
    "validity": ("有效期", "施行期", "届满", "过期", "失效", "到期", "in force", "valid", "expired"),
    "threshold": ("门槛", "threshold"),
    "overall": ("全部条件", "所有条件", "各项条件", "申报条件", "申请条件", "all conditions", "all the conditions"),
}
FACT_CUES = {"project_in_library": ("项目库", "入库", "在库", "library"), "uses_listed_products": ("清单", "list")}
QUOTED = re.compile(r"“([^”]{3,})”")


@dataclass
class Criterion:
    """A condition (or threshold) whose verdict this turn is ``met``, and the words naming it."""

    name: str
    met: bool | None
    cues: tuple[str, ...]
    figure: Decimal | None = None  # a threshold is also named by its figure


def criteria(kb, rules: list, answer: Answer, facts: Facts | None, on: dt.date) -> list[Criterion]:
    """Every criterion of ``rules`` with this turn's verdict, plus "all conditions"."""
    given = {v.criterion: v.met for v in answer.eligibility}
    computed: dict[str, bool | None] = {}
    if facts is not None:
        for r in rules:
            for v in kb.eligibility(r.id, facts, on) if r.conditions else ():
                computed.setdefault(v.criterion, v.met)
    out: dict[str, Criterion] = {}
    for r in rules:
        if r.kind == "threshold":
            cues = (*CUES["threshold"], *getattr(r, "aliases", ()), r.name)
            out[r.name] = Criterion(r.name, given.get(r.name), cues, r.threshold)
        for cond in r.conditions:
            if cond.criterion not in out:
                met = _valid(kb, r.doc_id, on) if cond.kind == "validity" else \
                    given.get(cond.criterion, computed.get(cond.criterion))
                out[cond.criterion] = Criterion(cond.criterion, met, _cues(cond))
    # "满足全部申报条件": every verdict of this turn, and every condition of a calculated rule.
    calculated = {c.rule_id for c in answer.calculations}
    verdicts = [v.met for v in answer.eligibility]
    verdicts += [out[c.criterion].met for r in rules if r.id in calculated for c in r.conditions]
    overall = None if not verdicts else (False if False in verdicts else (True if all(verdicts) else None))
    out["overall"] = Criterion("全部申报条件", overall, CUES["overall"])
    return list(out.values())


def agrees(s: Statement, text: str, found: list[Criterion]) -> bool:
    """Whether statement ``s`` of ``text`` agrees with the verdict of the criterion it names."""
    scope = text[s.scope[0] : s.scope[1]]
    named = [c for c in found if c.name in scope]  # the criterion written out in full
    if not named:
        scored = []
        for c in found:
            hits = [(i, w) for w in c.cues for i in _find_all(scope.lower(), w.lower())]
            if c.figure is not None:
                hits += [(m.start, m.text) for m in find_mentions(blank(scope)) if m.value == c.figure]
            if hits:
                near = min(distance(s.scope[0] + i, s.scope[0] + i + len(w), s.start) for i, w in hits)
                scored.append((-len({w for _, w in hits}), near, c))
        if not scored:
            return True  # names no criterion we know: not a statement we can check
        best = min(scored, key=lambda t: t[:2])[:2]
        named = [c for n, d, c in scored if (n, d) == best]
    return any(c.met is s.met for c in named)


def _valid(kb, doc_id: str, on: dt.date) -> bool | None:
    meta = kb.docs[doc_id].meta
    if not (meta.valid_from or meta.valid_to):
        return None
    return (not meta.valid_from or meta.valid_from <= on) and (not meta.valid_to or on <= meta.valid_to)


def _cues(cond) -> tuple[str, ...]:
    if cond.kind == "region":
        return (*CUES["region"], *(w for w in (cond.region or "",) if w))
    if cond.kind == "flag":
        return tuple(getattr(cond, "terms", ()) or ()) or FACT_CUES.get(cond.fact or "", ())
    if cond.kind == "open":
        return tuple(QUOTED.findall(cond.criterion))
    return CUES.get(cond.kind, ())


def _find_all(hay: str, needle: str):
    i = hay.find(needle)
    while needle and i >= 0:
        yield i
        i = hay.find(needle, i + 1)
