"""Claim verifier for model-written answers: each figure in its role, each verdict as computed.

A figure is read with the words that govern it (``claims.read_figures``) and checked against
the value of that role for the rule the sentence is about: the clause named nearest to it in
the sentence, else this turn's calculations (else the rules behind its verdicts or citations).

* an amount someone gets (可获/能拿/补贴/receive) is that rule's calculated ``amount_yuan``
  (with no calculation this turn, at most its cap);
* a cap (上限/最高不超过/封顶/cap) is its cap, a rate (比例/…%) its rate, a threshold
  (门槛/…以上) its threshold;
* in a trace ``A × B = C``: A is the base of the calculation, B its rate, C exactly A × B;
* the user's own figures (建设投资/保费/贷款/您提到的 …) may be restated, never as a policy figure;
* a figure with no role word must still belong to that rule (any of its values), to the
  user's words, to the dates, or to the quoted text of that clause;
* a quote that is verbatim in the clause it is attributed to is the source's own words.

Comparison is exact, by value and kind: 360万元, 3,600,000元 and 三百六十万 are all 3600000
yuan; 30% is 0.3 (and the bare 30). There is no tolerance: 359万元 is as wrong as 800万元, and
a cap or another clause's figure posing as the amount is as wrong as an invented one.

A statement that a condition is met or not (``claims.read_statements``) must agree with the
verdict computed this turn for the criterion it names (``criteria``): the tools' verdicts, the
ones the calculator gives for what the user said, and the policy's validity on the day asked
about. A claim about a criterion whose verdict is unknown is rejected too.

``Turn`` holds what one turn makes available and checks any number of texts against it (the
agent checks one reply; the mutation tests check thousands); ``check_answer`` is the one-shot.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from assistant.answering.answer import Answer
from assistant.answering.claims import (
    Figure,
    blank,
    distance,
    inside,
    label_forms,
    quote_spans,
    read_figures,
    read_statements,
    role_before,
    sentence_of,
)
from assistant.answering.criteria import agrees, criteria
from assistant.knowledge.types import Facts
from assistant.text.amounts import Mention, find_mentions, normalize_digits
from assistant.text.formats import format_english_yuan, format_plain_yuan, format_yuan

KINDS = ("amount", "rate", "year", "number")
# Small counts of the answer's own structure ("以下3项条件", "2个平台") are not policy figures.
# Only bare integers 1–10 directly followed by a counting word qualify; 年/月/天 are excluded so
# an invented period ("3年内有效") is still checked.
COUNT_AFTER = re.compile(r"\s*(?:项|个|条|类|种|家|步|点|方面|部分|位|份|次)")
# Figures written in forms the money parser does not read — 三十五%, 三成, 360萬, 叁佰陆拾万 —
# cannot be verified, so they are rejected rather than skipped. Likewise a Chinese numeral of
# ten or more without a unit right after a role word ("最高可获八百").
_CN = "零〇一二两三四五六七八九十百千万亿"
_CAPITAL = "壹贰叁肆伍陆柒捌玖拾佰仟"
UNREADABLE = re.compile(
    rf"[{_CN}]+\s*[%％成]|[\d.,{_CN}{_CAPITAL}]+[萬億][元圆]?|[{_CAPITAL}][{_CN}{_CAPITAL}萬億]*[元圆]?"
)
CN_TENS = re.compile(r"[一二两三四五六七八九]?[十百千][零〇一二两三四五六七八九十百千]*")

ELLIPSIS = re.compile(r"……|…|\.\.\.")


class Pool:
    """Values by kind; a bare number may be any of them written without its unit."""

    def __init__(self) -> None:
        self.by: dict[str, set[Decimal]] = {k: set() for k in KINDS}

    def add(self, kind: str, value) -> None:
        if value is None or kind not in self.by:
            return
        value = Decimal(value)
        if kind == "rate":  # 30% is also spoken as the bare number 30
            self.by["number"].add(value.scaleb(2))
        self.by[kind].add(value)

    def add_text(self, text: str | None) -> None:
        for m in find_mentions(blank(text or "")):
            self.add(m.kind, m.value)

    def update(self, other: Pool) -> None:
        for kind, vals in other.by.items():
            self.by[kind] |= vals

    def has(self, m: Mention) -> bool:
        if m.kind in ("amount", "rate"):
            return m.value in self.by[m.kind]
        if m.kind == "year":
            return m.value in self.by["year"] or m.value in self.by["number"]
        return any(m.value in vals for vals in self.by.values())


@dataclass
class Subject:
    """The rules a sentence is about, and the clauses whose quoted text it may use."""

    rules: list
    clauses: set[tuple[str, str]]  # (doc id, clause label)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", normalize_digits(text))


class Turn:
    """Everything one turn makes available to an answer: the calculations, the verdicts, the
    cited text, the user's words and the dates. Build once, check any number of texts."""

    def __init__(self, answer: Answer, question: str, history: list[dict] | None, on: dt.date, kb,
                 facts: Facts | None = None):
        self.kb, self.answer, self.on = kb, answer, on
        self.user_texts = [question or ""] + [m.get("content", "") for m in history or [] if m.get("role") == "user"]
        self.said, self.bases = Pool(), set()  # every figure the user wrote; their own amounts among them
        for text in self.user_texts:
            said, bases = user_figures(text)
            self.said.update(said)
            self.bases |= bases
        self.calcs: dict[str, list] = {}
        for c in answer.calculations:
            self.calcs.setdefault(c.rule_id, []).append(c)
        self.docs = self._docs_in_scope()
        self.rules = [r for r in kb.rules if r.doc_id in self.docs]
        self.dates = Pool()
        for day in [on] + [d for doc in self.docs.values() for d in (doc.meta.valid_from, doc.meta.valid_to)]:
            if day:
                self.dates.add("year", day.year)
                self.dates.add("number", day.month)
                self.dates.add("number", day.day)
        self.trusted = Pool()  # numbers in the system's own sentences (notices, headings, verdict details)
        for text in [*answer.notices, *(c.section for c in answer.citations),
                     *(d.meta.title for d in self.docs.values()), *(d.meta.doc_number for d in self.docs.values()),
                     *(t for v in answer.eligibility for t in (v.criterion, v.detail)),
                     *(n for c in answer.calculations for n in c.notes)]:
            self.trusted.add_text(text)
        self.criteria = criteria(kb, self.rules, answer, facts, on)
        self.rendered = {form: v for v in self._all_amounts()
                         for form in (format_yuan(v), format_plain_yuan(v), format_english_yuan(v))}
        self.label_re, self.label_of = self._label_pattern()

    # ------------------------------------------------------------------ scope

    def _docs_in_scope(self) -> dict:
        ids = {c.doc_id for c in self.answer.citations}
        ids |= {r.doc_id for r in self.kb.rules if r.id in self.calcs}
        return {k: d for k, d in self.kb.docs.items() if k in ids} or dict(self.kb.docs)

    def _label_pattern(self):
        forms: dict[str, tuple[str, str]] = {}
        for doc_id, doc in self.docs.items():
            for u in doc.units:
                if u.kind in ("measure", "scope", "validity"):
                    for form in label_forms(u.label):
                        forms.setdefault(form, (doc_id, u.label))
        for r in self.rules:
            for form in label_forms(r.clause):
                forms.setdefault(form, (r.doc_id, r.clause))
        if not forms:
            return None, forms
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(alternation), forms

    def _labels(self, text: str, quotes) -> list[tuple[int, int, tuple[str, str]]]:
        if self.label_re is None:
            return []
        return [(m.start(), m.end(), self.label_of[m.group(0)]) for m in self.label_re.finditer(text)
                if not inside(m.start(), quotes)]

    def subject(self, text: str, pos: int, labels, quotes) -> Subject:
        lo, hi = sentence_of(text, pos, quotes)
        near = [lab for lab in labels if lo <= lab[0] < hi]
        sentence = text[lo:hi]
        if near:
            _, _, (doc_id, clause) = min(near, key=lambda lab: (distance(lab[0], lab[1], pos), lab[0] > pos))
            candidates = [r for r in self.rules if r.doc_id == doc_id and r.clause == clause]
            rules = (_named(candidates, sentence) or [r for r in candidates if r.id in self.calcs]
                     or [r for r in candidates if self._has_verdict(r)] or candidates)
            return Subject(rules, {(doc_id, clause)})
        candidates = ([r for r in self.rules if r.id in self.calcs]
                      or [r for r in self.rules if self._has_verdict(r)]
                      or [r for r in self.rules if (r.doc_id, r.clause) in self._cited()])
        rules = _named(candidates, sentence) or candidates
        return Subject(rules, {(r.doc_id, r.clause) for r in rules} or self._cited())

    def _cited(self) -> set[tuple[str, str]]:
        return {(c.doc_id, c.clause) for c in self.answer.citations if c.clause}

    def _has_verdict(self, rule) -> bool:
        return rule.kind == "threshold" and any(v.criterion == rule.name for v in self.answer.eligibility)

    def _clause_texts(self, clauses: set[tuple[str, str]]) -> list[str]:
        texts = [c.quote for c in self.answer.citations if (c.doc_id, c.clause) in clauses]
        for doc_id, clause in clauses:
            doc = self.kb.docs.get(doc_id)
            texts += [doc.text[u.start : u.end] for u in doc.units if u.label == clause] if doc else []
        return texts

    def _verbatim(self, text: str, span: tuple[int, int], labels, quotes) -> bool:
        """A quote is the source's own words when it is verbatim in the clause it is attributed to
        (the label nearest to it in the sentence), else in a cited quote."""
        lo, hi = sentence_of(text, span[0], quotes)
        near = [lab for lab in labels if lo <= lab[0] < hi]
        if near:
            clauses = {min(near, key=lambda lab: distance(lab[0], lab[1], span[0]))[2]}
        else:
            clauses = self._cited()
        sources = [_norm(t) for t in self._clause_texts(clauses)]
        sources += [] if near else [_norm(c.quote) for c in self.answer.citations]
        pieces = [_norm(p) for p in ELLIPSIS.split(text[span[0] : span[1]]) if _norm(p)]
        return bool(pieces) and all(any(p in s for s in sources) for p in pieces)

    # ------------------------------------------------------------------ figures

    def _all_amounts(self) -> set[Decimal]:
        out = set(self.bases)
        for role in ("amount", "cap", "threshold", "raw", "base"):
            out |= self.values(self.rules, role)
        return out

    def values(self, rules, role: str) -> set[Decimal]:
        out: set[Decimal] = set()
        for r in rules:
            calcs = self.calcs.get(r.id, [])
            if role == "amount":
                out |= {c.amount_yuan for c in calcs} if calcs else ({r.cap} if r.kind != "threshold" else set())
                out |= {c.low_yuan for c in calcs if c.low_yuan is not None}  # a range's other end (最低)
            elif role == "cap":
                out.add(r.cap)
            elif role == "rate":
                out.add(r.rate)
                if r.range_of == "rate":  # 按投资额给予3%-15%奖励: both ends are the rule's rates
                    out |= {r.low, r.high}
                out |= {y.rate for y in r.years}  # a schedule's yearly rates
            elif role == "threshold":
                out.add(r.threshold)
                out |= {c.threshold for c in r.conditions if c.kind == "minimum"}  # 注册资本在1000万元（含）以上
            elif role == "raw":
                out |= {c.base_yuan * c.rate for c in calcs if c.base_yuan is not None and c.rate is not None}
            elif role == "base":
                out |= {c.base_yuan for c in calcs}
        out.discard(None)
        return out

    def _subject_pool(self, subject: Subject) -> Pool:
        pool = Pool()
        for role in ("amount", "cap", "threshold", "raw", "base"):
            for v in self.values(subject.rules, role):
                pool.add("amount", v)
        for v in self.values(subject.rules, "rate"):
            pool.add("rate", v)
        for t in self._clause_texts(subject.clauses):
            pool.add_text(t)
        return pool

    def figure_ok(self, f: Figure, subject: Subject) -> bool:
        m, role = f.mention, f.role
        if m.value is None and m.text.strip() in self.rendered:
            # The reader refuses some exact figures ("6,172.835元"); written exactly as the
            # calculator renders a value of this turn, it is that value, checked in its role.
            f = replace(f, mention=replace(m, kind="amount", value=self.rendered[m.text.strip()]))
            m = f.mention
        if m.value is None or m.kind not in KINDS:  # unreadable or foreign: only as the user wrote it
            return any(m.text.strip() and m.text.strip() in t for t in self.user_texts)
        if m.kind == "year" or role is None:
            return (self._subject_pool(subject).has(m) or self.said.has(m) or self.dates.has(m)
                    or self.trusted.has(m))
        if role == "user":
            return self.said.has(m)
        if role in ("base", "factor"):
            if m.kind == "rate" or m.value not in self.bases:
                return False
            bound = self._bound_bases(subject, f)
            return not bound or m.value in bound
        if role in ("rate", "multiplier"):
            rates = self.values(subject.rules, "rate")
            if m.kind == "number":
                return m.value.scaleb(-2) in rates or m.value in rates
            return m.kind == "rate" and m.value in rates
        if role == "product":
            if f.operands:
                return m.value == f.operands[0] * f.operands[1]
            return m.value in self.values(subject.rules, "raw") | self.values(subject.rules, "amount")
        if m.kind == "rate":
            return False
        return m.value in self.values(subject.rules, role)  # amount, cap, threshold

    def _bound_bases(self, subject: Subject, f: Figure) -> set[Decimal]:
        """The calculation bases a base figure must equal: in a trace, the calculation's; after a
        rule's own base word ("建设投资"), that rule's. Empty means any of the user's figures."""
        calculated = [r for r in subject.rules if self.calcs.get(r.id)]
        if f.role == "factor":
            bound = calculated
        else:
            word = f.word.lower()
            bound = [r for r in calculated
                     if word and (word in (t.lower() for t in getattr(r, "base_terms", ()))
                                  or (len(word) >= 3 and word in (r.base or "")))]
        return self.values(bound, "base")

    # ------------------------------------------------------------------ the check

    def check(self, text: str) -> list[str]:
        """The rejected claims of ``text``, as written, in order (empty means all supported)."""
        figures, statements = self.rejected(text)
        return figures + statements

    def rejected(self, text: str) -> tuple[list[str], list[str]]:
        """The unsupported figures and the unsupported met/not-met statements of ``text``."""
        text = text or ""
        quotes = quote_spans(text)
        labels = self._labels(text, quotes)
        verbatim = {q: self._verbatim(text, q, labels, quotes) for q in quotes}
        clean = blank(text)
        bad: list[str] = []
        figures = read_figures(text)
        for f in figures:
            m = f.mention
            q = inside(m.start, quotes)
            if q and verbatim[q]:
                continue
            if m.kind == "number" and m.value is not None and 1 <= m.value <= 10 \
                    and m.value == m.value.to_integral_value() and COUNT_AFTER.match(clean, m.end):
                continue
            if not self.figure_ok(f, self.subject(text, m.start, labels, quotes)):
                bad.append(text[m.start : m.end].strip())
        for s, e in _unreadable(clean, [f.mention for f in figures]):
            q = inside(s, quotes)
            if not (q and verbatim[q]) and not any(text[s:e].strip() in t for t in self.user_texts):
                bad.append(text[s:e].strip())
        wrong = [s.text for s in read_statements(text) if not agrees(s, text, self.criteria)]
        return list(dict.fromkeys(bad)), list(dict.fromkeys(wrong))


def user_figures(text: str) -> tuple[Pool, set[Decimal]]:
    """Every figure the user wrote, and the amounts among them that are the user's own figures
    (a base, not a claim about the policy: "补贴上限是1亿元" is a claim, "投资1200万元" a base)."""
    said, bases = Pool(), set()
    for f in read_figures(text or ""):
        m = f.mention
        if m.value is None or m.kind not in KINDS:
            continue  # unreadable or foreign: never a figure we use
        said.add(m.kind, m.value)
        if m.kind == "amount" and f.role in (None, "base", "user", "factor"):
            bases.add(m.value)
    return said, bases


def _named(rules, sentence: str) -> list:
    """The rules among ``rules`` that the sentence names by their own words (aliases, name)."""
    low = sentence.lower()
    return [r for r in rules if any(w and w.lower() in low for w in (*getattr(r, "aliases", ()), r.name))]


def _unreadable(clean: str, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Spans of figures find_mentions could not read (see UNREADABLE)."""
    spans: list[tuple[int, int]] = []
    for m in [*UNREADABLE.finditer(clean), *CN_TENS.finditer(clean)]:
        if any(x.start <= m.start() and m.end() <= x.end and x.value is not None for x in mentions):
            continue  # inside a figure that was read (三百六十万元)
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue  # already reported
        if m.re is CN_TENS and role_before(clean[max(0, m.start() - 12) : m.start()])[0] is None:
            continue  # 十大领域, 四十多家: words, unless a role word governs them
        spans.append(m.span())
    return spans


def check_answer(answer: Answer, question: str, history: list[dict] | None, on: dt.date, kb,
                 facts: Facts | None = None) -> list[str]:
    """The rejected claims of ``answer`` (empty means every figure and verdict is supported).
    ``facts`` are what the user said (the question reader's); verdicts for them are computed here."""
    return Turn(answer, question, history, on, kb, facts).check(answer.answer)
