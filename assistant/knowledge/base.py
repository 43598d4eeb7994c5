"""The loaded corpus and its rule book, plus the date questions are asked on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from assistant.errors import AmountError
from assistant.knowledge.calculator import calculate, check_threshold
from assistant.knowledge.catalog import load_corpus
from assistant.knowledge.documents import Document
from assistant.knowledge.eligibility import check_eligibility
from assistant.knowledge.rules import Rule, RuleBook, load_rulebook
from assistant.knowledge.types import Calculation, Facts, Verdict
from assistant.text.lexicon import Lexicon, default_lexicon


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (also 2023/6/1, 2023年6月1日) → date; AmountError in Chinese otherwise."""
    import re

    m = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text or "")
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        pass
    raise AmountError(f"无法识别日期“{text}”，请输入如“2023-06-01”的日期")


def asked_date(today_setting: str, date_text: str | None = None) -> dt.date:
    """The date a question is about: the one given, else the ``POLICY_TODAY`` setting, else today."""
    if date_text:
        return parse_date(date_text)
    return parse_date(today_setting) if today_setting else dt.date.today()


@dataclass
class Knowledge:
    docs: dict[str, Document]
    rules: RuleBook
    lexicon: Lexicon = field(default_factory=default_lexicon)

    @classmethod
    def load(cls, corpus_dir: Path, manifest: Path | None = None) -> Knowledge:
        """``manifest``: the index's document manifest (``catalog``), so unchanged documents are not parsed."""
        docs = load_corpus(corpus_dir, manifest)  # catalog's: unchanged documents are not parsed
        return cls(docs, load_rulebook(docs), Lexicon.load(corpus_dir))

    def example_questions(self, n: int = 6) -> list[str]:
        """Questions to offer as examples: the first reviewed example of each rule, then of each topic
        (from the rule files, so an added document brings its own)."""
        rules = sorted((r for r in self.rules if r.reviewed and r.examples), key=lambda r: r.kind != "subsidy")
        found = [r.examples[0] for r in rules]  # measures with a figure to compute first
        found += [t.examples[0] for t in self.rules.topics if t.examples]
        return list(dict.fromkeys(found))[:n] or ["这个政策有哪些支持措施？"]

    def flag_conditions(self) -> list:
        """One yes/no condition per fact the rule files ask about (项目已入库, 牵头单位 …), in rule order."""
        seen: dict[str, object] = {}
        for r in self.rules:
            for c in r.conditions:
                if c.kind == "flag" and c.fact and c.fact not in seen:
                    seen[c.fact] = c
        return list(seen.values())

    def flag_label(self, fact: str, default: str) -> str:
        """How the rule files word a yes/no fact (project_in_library, uses_listed_products), for forms."""
        cond = next((c for r in self.rules for c in r.conditions if c.kind == "flag" and c.fact == fact), None)
        return cond.criterion if cond else default

    def only(self, doc_ids: set[str]) -> Knowledge:
        """This knowledge narrowed to ``doc_ids`` (the documents a question's places allow), sharing the rules."""
        book = RuleBook({k: r for k, r in self.rules.rules.items() if r.doc_id in doc_ids},
                        [t for t in self.rules.topics if t.doc_id in doc_ids],
                        {d: t for d, t in self.rules.terms.items() if d in doc_ids})
        return Knowledge({d: doc for d, doc in self.docs.items() if d in doc_ids}, book, self.lexicon)

    def doc(self, doc_id: str) -> Document:
        return self.docs[doc_id]

    def validity(self, rule: Rule) -> tuple[dt.date | None, dt.date | None]:
        meta = self.docs[rule.doc_id].meta
        return meta.valid_from, meta.valid_to

    def calculate(self, rule_id: str, base: Decimal | None) -> Calculation:
        return calculate(self.rules.get(rule_id), base)

    def threshold(self, rule_id: str, amount: Decimal) -> Verdict:
        return check_threshold(self.rules.get(rule_id), amount)

    def eligibility(self, rule_id: str, facts: Facts, on: dt.date) -> list[Verdict]:
        rule = self.rules.get(rule_id)
        return check_eligibility(rule, facts, on, self.validity(rule), self.lexicon)
