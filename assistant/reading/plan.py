"""The ``Plan``: what the reader decided a turn asks for, which the composer renders once."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Facts, Inputs
from assistant.reading.facts import Evidence
from assistant.reading.targets import Target
from assistant.text.amounts import Mention

KINDS = ("out_of_scope", "measures", "clarify", "wording", "meta", "validity", "overview", "scope", "match", "passages")


@dataclass
class Plan:
    """What the composer renders, once."""

    text: str
    kind: str = "passages"
    lang: str = "zh"
    tasks: list[tuple[Rule, Decimal | Inputs | None]] = field(default_factory=list)  # (rule, base or Inputs) to compute/judge
    candidates: list[Target] = field(default_factory=list)  # for "clarify"
    clauses: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, clause) to quote
    meta: set[str] = field(default_factory=set)  # issuer / doc_number / published / title
    facts: Facts = field(default_factory=Facts)
    evidence: list[Evidence] = field(default_factory=list)
    roles: dict[str, Decimal] = field(default_factory=dict)
    amounts: list[Mention] = field(default_factory=list)
    claims: list[Mention] = field(default_factory=list)
    bad_amounts: list[str] = field(default_factory=list)
    yes_no: bool = False
    asks_figure: bool = False
    draft: bool = False
    carried: bool = False
    out_reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    follow_up: list[str] = field(default_factory=list)
    assumed: dict[str, Decimal] = field(default_factory=dict)  # rule id -> a figure no words tied to its base, taken as it
    docs: set[str] | None = None  # the documents the question's places allow (None: every document)
    read_as: tuple[str, str] | None = None  # (what the user typed, the measure's name it was read as): "保废补贴"
    added: dict[str, tuple[Decimal, list[Decimal]]] = field(default_factory=dict)  # base key -> (earlier, added)
    same: list[Rule] = field(default_factory=list)  # the same award in another document: cited, not computed again

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r, _ in self.tasks]

    @property
    def intent(self) -> str | None:
        return self.tasks[0][0].id if self.tasks else (self.kind if self.kind != "passages" else None)

    def base(self) -> Decimal | None:
        return self.amounts[-1].value if self.amounts else None
