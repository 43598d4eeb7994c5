"""A question that names a provision no rule expresses is not computed with a rule beside it.

Drafting leaves some provisions of a real text without a rule (what it could not express is listed in the draft
file). A question about such a provision still finds the nearest rule of the same clause, and computing with it
gives a confident wrong figure: "按增速那条奖励能拿多少" answered with the revenue-band award of the sentence
before. So, before computing, the question's distinctive words are looked up in the document: a word found only
in sentences with figures that no rule quotes, and not in the chosen rule's own words, says the question is
about one of those sentences. The answer then quotes them instead of computing.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from assistant.knowledge.base import Knowledge
from assistant.knowledge.rules import Rule
from assistant.reading.bars import unmet
from assistant.reading.plan import Plan
from assistant.reading.scope import _tagged

SENTENCE = re.compile(r"[^。；;\n]+")
FIGURE = re.compile(r"\d[\d,.]*\s*(?:万元|亿元|元|[%％])")
AWARD = re.compile(r"奖励|补贴|补助|资助|扶持|奖补|给予|贴息")
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
RARE = 2  # a word of at most this many sentences of the document is distinctive




def _sentences(kb: Knowledge, doc_id: str) -> list[tuple[int, str, bool]]:
    """The document's sentences: (offset, text, whether it has figures no rule quotes), once per document."""
    rules = tuple(r.quote for r in kb.rules if r.doc_id == doc_id)
    return _read(kb.docs[doc_id].text, rules)


@lru_cache(maxsize=64)
def _read(text: str, quotes: tuple[str, ...]) -> list[tuple[int, str, bool]]:
    out = []
    for m in SENTENCE.finditer(text):
        if m[0].strip():
            out.append((m.start(), m[0], bool(FIGURE.search(m[0]) and AWARD.search(m[0])) and not any(_covered(m[0], q) for q in quotes)))
    return out


def _covered(sentence: str, quote: str) -> bool:
    """Whether the rule's quote is (most of) the sentence, or the sentence a part of the quote."""
    if not quote:
        return False
    if quote in sentence or sentence.strip() in quote:
        return True
    shorter = min(len(sentence.strip()), len(quote))
    m = SequenceMatcher(None, sentence, quote, autojunk=False).find_longest_match(0, len(sentence), 0, len(quote))
    return m.size >= 0.6 * shorter


def unexpressed(kb: Knowledge, rules: list[Rule], text: str) -> list[tuple[str, str]]:
    """The (doc_id, clause) of award sentences no rule of the document quotes, which the question names by more of its
    words than it names ``rules`` by, one of them distinctive (an empty list when there is none)."""
    if not rules:
        return []
    doc_id = rules[0].doc_id
    if doc_id not in kb.docs or any(r.doc_id != doc_id for r in rules):
        return []
    doc = kb.docs[doc_id]
    sentences = _sentences(kb, doc_id)
    own = " ".join(w for r in rules for w in (r.quote, r.name, *r.aliases, *r.base_terms, r.base or ""))
    asked = [w for w, flag in _tagged(text) if CJK_WORD.fullmatch(w) and flag not in ("m", "q", "mq")]
    count = {w: sum(1 for _, s, _ in sentences if w in s) for w in asked}
    found: list[tuple[str, str]] = []
    for at, sentence, bare in sentences:
        if not bare:
            continue
        theirs = {w for w in asked if w in sentence and w not in own}
        mine = {w for w in asked if w in own and w not in sentence}
        if any(count[w] <= RARE for w in theirs) and len(theirs) > len(mine):
            unit = doc.unit_at(at)
            if unit is not None and (doc_id, unit.label) not in found:
                found.append((doc_id, unit.label))
    return found


def quote_unexpressed(kb: Knowledge, plan: Plan, text: str) -> None:
    """Turns a plan about to compute into quoting the provisions the question names that no rule expresses, and drops
    the awards whose percentage bar the user's own figure falls short of (占比30% against 达到60%及以上): when none is
    left, their clauses are quoted instead."""
    if plan.tasks and (away := unexpressed(kb, [r for r, _ in plan.tasks], text)):
        plan.kind, plan.tasks, plan.clauses = "passages", [], away
    short = {r.id for r, _ in plan.tasks if unmet(r, text)}
    if short:
        clauses = list(dict.fromkeys((r.doc_id, r.clause) for r, _ in plan.tasks if r.id in short))
        plan.tasks = [(r, b) for r, b in plan.tasks if r.id not in short]
        if not plan.tasks:
            plan.kind, plan.clauses = "passages", clauses
