"""The answer an assistant turn produces, serialised in one place (the public contract)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.knowledge.documents import Citation
from assistant.knowledge.types import Calculation, Verdict


@dataclass
class Answer:
    answer: str
    mode: str = "grounded"  # "grounded" | "llm"
    in_scope: bool = True
    citations: list[Citation] = field(default_factory=list)
    calculations: list[Calculation] = field(default_factory=list)
    eligibility: list[Verdict] = field(default_factory=list)
    follow_up: list[str] = field(default_factory=list)
    # Not in the contract's dict: shown by the app, kept for review.
    notices: list[str] = field(default_factory=list)
    rejected_claims: list[str] = field(default_factory=list)
    question: str = ""
    asked_on: str = ""  # the date the answer is about, YYYY-MM-DD
    small_talk: bool = False  # a greeting or thanks answered kindly: out of scope, but nothing to warn about

    def to_dict(self) -> dict:
        """Exactly the contract's fields (DESIGN.md), JSON-ready."""
        return {
            "answer": self.answer,
            "mode": self.mode,
            "in_scope": self.in_scope,
            "citations": [c.to_dict() for c in self.citations],
            "calculations": [c.to_dict() for c in self.calculations],
            "eligibility": [v.to_dict() for v in self.eligibility],
            "follow_up": list(self.follow_up),
        }

    def to_log(self) -> dict:
        """The contract plus what a help-desk reviewer needs."""
        return {**self.to_dict(), "question": self.question, "asked_on": self.asked_on,
                "notices": self.notices, "rejected_claims": self.rejected_claims}
