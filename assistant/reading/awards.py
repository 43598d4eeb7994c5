"""Which award of a clause a question is about: one of several awards of one clause by the words of its own
sentence, the grade a count reaches among parallel items, and the levels of one tiered award held at once.
Nothing is guessed: when the question's words do not tell, the question is asked back.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.knowledge.base import Knowledge
from assistant.reading.plan import Plan
from assistant.reading.quantities import TIER_COUNT, read_levels
from assistant.reading.reader import Reading
from assistant.reading.targets import Target
from assistant.reading.topic import BOTH, EACH

STACKED = re.compile(r"叠加|累加|可同时享受|分别享受")
HIGHEST = re.compile(r"就高|不重复|择优|按最高|从高|不叠加|不可叠加|只享受一次|取其高")


def levels_granted(kb: Knowledge, rule, levels: list[str]) -> list[str]:
    """Several levels of one tiered award held at once: each when the clause says they add up (叠加), the
    highest when it says only the highest is paid (就高, 不重复); otherwise none is guessed."""
    try:
        clause = kb.docs[rule.doc_id].unit(rule.clause).text
    except KeyError:
        return []
    if HIGHEST.search(clause):
        amounts = {t.label: (t.amount or 0) for t in rule.tiers}
        return [max(levels, key=lambda lv: amounts.get(lv, 0))]
    if STACKED.search(clause):
        return levels
    return []


DIFFERENCE = re.compile(r"差额|补差")
RECEIVED = re.compile(r"(?:拿|补|领|获|奖|给)(?:了|过)|已(?:经)?(?:获|拿|领|享受)|当时")


def upgrade(kb: Knowledge, rule, levels: list[str], text: str) -> tuple[str, str] | None:
    """Two levels of one award named, the lower one already received ("前年认定为市级，当时补了50万；今年升成
    国家级"), in a clause that pays the difference (差额补助, 补差): (the higher level, the one held)."""
    try:
        clause = kb.docs[rule.doc_id].unit(rule.clause).text
    except KeyError:
        return None
    if len(levels) != 2 or not DIFFERENCE.search(clause) or not RECEIVED.search(text):
        return None
    amounts = {t.label: t.amount for t in rule.tiers}
    if any(amounts.get(lv) is None for lv in levels):
        return None
    high, low = sorted(levels, key=lambda lv: -amounts[lv])
    return high, low


def grade_by_count(plan: Plan, numeric: list[Target], r: Reading) -> list[Target]:
    """Parallel items that differ by a count each requires ("服务本区企业300家以上…给予15万元；…150家以上…8万元"):
    the item the question's count reaches, the highest; none when it reaches none; asked back when the
    question gives no count. Never the first item's award for a firm that does not reach it."""
    first = numeric[0]
    group = [t for t in numeric if t.doc_id == first.doc_id and t.rule.aliases == first.rule.aliases]
    needs_count = [(t, TIER_COUNT.search(t.rule.citation.quote)) for t in group]
    if len(group) < 2 or not all(m for _, m in needs_count):
        return numeric
    units = {m[2] for _, m in needs_count}
    if len(units) != 1 or any("下" in m[3] for _, m in needs_count):
        return numeric
    unit = units.pop()
    counts = {Decimal(m[1]) for m in re.finditer(rf"(\d+)\s*(?:个)?{unit}", r.text)}
    rest = [t for t in numeric if t not in group]
    if len(counts) != 1:
        plan.kind, plan.candidates = "clarify", group[:4]
        return []
    n = counts.pop()
    reached = [(Decimal(m[1]), t) for t, m in needs_count if n >= Decimal(m[1])]
    if not reached:
        plan.follow_up.append(f"按原文，{first.name}要求{min(Decimal(m[1]) for _, m in needs_count)}{unit}以上，"
                              f"您所说的{n}{unit}未达到。")
        return rest
    return [max(reached, key=lambda x: x[0])[1], *rest]


def levels_joined(targets: list[Target], text: str) -> bool:
    """"同时被评为省级和市级": the question joins two levels of one tiered award, not two awards."""
    return any(t.rule.kind == "tiered" and len(read_levels(t.rule, text)) > 1 for t in targets)


def one_of_siblings(picked: list[Target], r: Reading, plan: Plan, kb: Knowledge | None = None) -> list[Target]:
    """Several awards of one clause (发明专利/实用新型, 孵化载体/港澳青年企业): the one whose own sentence the
    question's words are in; when the words do not tell them apart, the question is asked back, never
    every award listed as the answer's figures. "分别/各" asks for each."""
    first = picked[0]
    siblings = [t for t in picked if t.clause == first.clause]
    if len(siblings) < 2 or ((EACH.search(r.text) or BOTH.search(r.text)) and not levels_joined(siblings, r.text)):
        return picked  # "分别/各" asks for each; "同时被评为省级和市级" joins two levels of one of them
    words = _content_words(r.text)
    overlap = {t.key: len(words & _content_words(" ".join((_sentence(t, siblings, kb), t.rule.name, t.rule.base or ""))))
               for t in siblings}
    best = max(overlap.values())
    top = [t for t in siblings if overlap[t.key] == best]
    if len(top) == 1:
        return [t for t in picked if t.clause != first.clause or t is top[0]]
    if len({(t.rule.kind, t.rule.rate, t.rule.cap, t.rule.amount) for t in top}) == 1:
        return [t for t in picked if t.clause != first.clause or t is top[0]]  # the same award either way
    plan.kind, plan.candidates = "clarify", top[:4]
    return []


def _sentence(t: Target, siblings: list[Target], kb: Knowledge | None) -> str:
    """A rule's own sentence; a lead-in ending in a colon ("对符合以下条件的企业，给予5万元支持：") with the items
    after it, up to the next award of the clause."""
    quote = t.rule.citation.quote
    if kb is None or not quote.rstrip().endswith(("：", ":")):
        return quote
    try:
        text = kb.docs[t.doc_id].unit(t.clause).text
    except KeyError:
        return quote
    at = text.find(quote)
    if at < 0:
        return quote
    start = at + len(quote)
    after = [i for o in siblings if o is not t and (i := text.find(o.rule.citation.quote, start)) >= start]
    return text[at : min(after, default=len(text))]


def _content_words(text: str) -> set[str]:
    """The question's (or a sentence's) own words: two characters or more, no figures, no words every policy shares."""
    from assistant.reading.scope import GENERIC
    from assistant.search.retrieval import keyword_tokens

    return {w for w in keyword_tokens(text) if len(w) >= 2 and w[:3] not in ("amt", "pct") and w[:2] not in ("y1", "y2")
            and w not in GENERIC and not w.isdigit()}


def _same_award(a, b) -> bool:
    """One award restated in two documents (a policy package and one of its parts): the same kind, figures and base."""
    return a.doc_id != b.doc_id and (a.kind, a.rate, a.cap, a.amount, a.base, a.unit) == (b.kind, b.rate, b.cap, b.amount, b.base, b.unit) \
        and [(t.label, t.amount, t.rate) for t in a.tiers] == [(t.label, t.amount, t.rate) for t in b.tiers]


def once_each(plan: Plan) -> None:
    """The same award of two documents, asked about with the same figure, is computed once, from the document
    the question scores highest on; the other document is cited beside it (``plan.same``), never added to it."""
    kept: list = []
    for rule, given in plan.tasks:
        i = next((i for i, (k, g) in enumerate(kept) if g == given and _same_award(k, rule)), None)
        if i is None:
            kept.append((rule, given))
            continue
        twin = kept[i][0]
        if plan.scores.get(rule.id, 0.0) > plan.scores.get(twin.id, 0.0):
            kept[i], rule = (rule, given), twin
        plan.same.append(rule)
    plan.tasks = kept


COUNT_BEFORE = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(?:个|名|位|人)?\s*$")


def counted_levels(rule, text: str) -> dict:
    """{level: count} when a count stands right before each level the question names ("2个博士、3个硕士",
    "1个正高"): persons of each category of an award by category, each category's amount times its count. A level
    is named by its label, its words, or its first two characters when no other level shares them (博士 of
    博士研究生)."""
    from assistant.text.numerals import int_value

    if rule.kind != "tiered" or rule.unit or any(t.amount is None or t.rate is not None for t in rule.tiers):
        return {}
    heads = [t.label[:2] for t in rule.tiers]
    out = {}
    for tier in rule.tiers:
        words = {tier.label, *tier.words} | ({tier.label[:2]} if heads.count(tier.label[:2]) == 1 else set())
        for w in sorted((w for w in words if w), key=len, reverse=True):
            hit = next(re.finditer(re.escape(w), text), None)
            if hit is None:
                continue
            count = COUNT_BEFORE.search(text[max(0, hit.start() - 6) : hit.start()])
            if not count or not int_value(count[1]):
                return {}  # a level named without its count: nothing is guessed
            out[tier.label] = Decimal(int_value(count[1]))
            break
    return out
