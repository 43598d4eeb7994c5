"""Quick replies for the chat: what a user would answer to what the assistant still needs, never the
assistant's own question sent back as the user's, and never an example figure.

A condition left unknown offers its ``answers`` from the rule file ("已入库" / "未入库"), each of which the
reader reads back as the fact; a missing amount offers nothing (the user types the figure); after an answer
about a measure, the next questions users ask (materials, whether one can still apply).
"""

from __future__ import annotations

from assistant.answering.answer import Answer
from assistant.knowledge.base import Knowledge

NEXT_QUESTIONS = ("需要什么材料？", "现在还能申报吗？")  # true of every policy's measures
NEXT_QUESTIONS_EN = ("What materials are needed?", "Can we still apply now?")


def quick_replies(answer: Answer, kb: Knowledge, lang: str = "zh", limit: int = 4) -> list[str]:
    """Chips for ``answer``: answers to the conditions still unknown, then the usual next questions."""
    conditions = {c.criterion: c for r in kb.rules for c in r.conditions}
    out: list[str] = []
    for v in answer.eligibility:
        cond = conditions.get(v.criterion)
        if v.met is None and cond is not None and lang == "zh":
            out += [a for a in cond.answers if a not in out]
    if answer.in_scope and answer.calculations:
        out += [q for q in (NEXT_QUESTIONS_EN if lang == "en" else NEXT_QUESTIONS) if q not in out]
    return out[:limit]
