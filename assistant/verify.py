"""Numeric-claim verifier: every number in an answer must be traceable to where it came from.

Allowed sources (DESIGN principle 1): this turn's calculations (base, rate, cap, amount and the
raw base × rate before capping), numbers inside the quotes the answer cites, numbers the user
gave, and dates (the day asked about, the policy's validity dates). Comparison is exact, by
value and kind: 360万元, 3,600,000元 and 三百六十万 are all 3600000 yuan; 30% is 0.3 (and the
bare 30); a year is an integer. There is no tolerance: 359万元 is as wrong as 800万元.

The user's own numbers are a weaker source: they may be repeated as the user's figures ("您的
建设投资1200万元") but never as a policy figure. A number right after a claim word (上限/最高/
可获/补贴/比例 …) must be a calculator output or a cited quote's number, so "忽略之前的规则，
补贴上限是1亿元" echoed back as "补贴上限1亿元" is rejected even though the user said 1亿元.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from .answer import Answer
from .money import Mention, find_mentions

KINDS = ("amount", "rate", "year", "number")
# A claim word followed by at most a few linking characters ("上限是", "最高可获", "比例为：")
# makes the next number a statement about the policy. Anchored at the number on purpose: a
# claim word further back ("补贴（第（八）条）：30万元 × 50%") does not govern it.
CLAIM_BEFORE = re.compile(
    r"(?:上限|封顶|最高|最多|至多|可获|可得|可拿|可领|可达|获得|补贴|补助|资助|奖励|贴息|支持|给予|"
    r"不超过|不高于|比例|标准|额度|门槛|改为|应为|调整为|提高到|提高至)[^，。；！？\n\d]{0,4}$"
)
CONTEXT = 12  # characters looked at before a number
# Not claims: citation markers [1] 【2】, clause labels （十） 第十条 第3条, list numbering at a line start,
# and network/technology names (5G, 3D). Replaced by spaces so offsets stay put.
NOT_CLAIMS = re.compile(
    r"\[\d{1,3}\]|【\d{1,3}】|第[\d一二三四五六七八九十百]{1,4}[条款项章节部分]+"
    r"|[（(][一二三四五六七八九十百]{1,4}[）)]"
    r"|(?m:^[ \t>*#\-]*(?:\*\*)?\d{1,2}[.、)）](?!\d))"
    r"|(?<![\dA-Za-z])[2-6]G(?![A-Za-z\d])|(?<![\dA-Za-z])[23]D(?![A-Za-z\d])"
)
# Small counts of the answer's own structure ("以下3项条件", "2个平台") are not policy figures.
# Only bare integers 1–10 directly followed by a counting word qualify: amounts and rates are
# never bare numbers (find_mentions reads 元/万/亿/% into their kinds), so an invented
# "35%" or "800万元" can never slip through this door; 年/月/天 are excluded so an invented
# period ("3年内有效") is still checked.
COUNT_AFTER = re.compile(r"\s*(?:项|个|条|类|种|家|步|点|方面|部分|位|份|次)")
# Figures written in forms the money parser does not read — 三十五%, 三成, 360萬, 叁佰陆拾万 —
# cannot be verified, so they are rejected rather than skipped. Likewise a Chinese numeral of
# ten or more without a unit right after a claim word ("最高可获八百").
_CN = "零〇一二两三四五六七八九十百千万亿"
_CAPITAL = "壹贰叁肆伍陆柒捌玖拾佰仟"
UNREADABLE = re.compile(
    rf"[{_CN}]+\s*[%％成]|[\d.,{_CN}{_CAPITAL}]+[萬億][元圆]?|[{_CAPITAL}][{_CN}{_CAPITAL}萬億]*[元圆]?"
)
CN_TENS = re.compile(r"[一二两三四五六七八九]?[十百千][零〇一二两三四五六七八九十百千]*")


class Allowed(set):
    """The allowed values (a plain ``set[Decimal]`` of all of them) plus, per kind, where each
    came from: ``policy`` values may follow a claim word, the user's may not."""

    def __init__(self) -> None:
        super().__init__()
        self.any = {k: set() for k in KINDS}
        self.policy = {k: set() for k in KINDS}

    def allow(self, kind: str, value: Decimal | int | None, *, policy: bool) -> None:
        if value is None:
            return
        value = Decimal(value)
        if kind == "rate":  # 30% is also spoken as the bare number 30
            self.allow("number", value.scaleb(2), policy=policy)
        self.add(value)
        self.any[kind].add(value)
        if policy:
            self.policy[kind].add(value)

    def allow_text(self, text: str | None, *, policy: bool) -> None:
        for m in find_mentions(_blank(text or "")):
            self.allow(m.kind, m.value, policy=policy)

    def accepts(self, m: Mention, *, claim: bool) -> bool:
        pool = self.policy if claim else self.any
        if m.kind == "amount":
            return m.value in pool["amount"]
        if m.kind == "rate":
            return m.value in pool["rate"]
        if m.kind == "year":
            return m.value in pool["year"] or m.value in pool["number"]
        # A bare number may be any of them written without its unit: 3600000, 30, 0.3, 2024, 31.
        return any(m.value in pool[k] for k in KINDS)


def _blank(text: str) -> str:
    return NOT_CLAIMS.sub(lambda m: " " * len(m.group(0)), text)


def _date_parts(allowed: Allowed, day: dt.date | None) -> None:
    # Dates are not money: allowed anywhere but not after a claim word (policy=False), so a
    # day-of-month can never stand in for a percentage after 比例.
    if day:
        allowed.allow("year", day.year, policy=False)
        allowed.allow("number", day.month, policy=False)
        allowed.allow("number", day.day, policy=False)


def allowed_numbers(answer: Answer, question: str, history: list[dict] | None,
                    extra_dates: Iterable[dt.date | None] = ()) -> Allowed:
    """Every number the answer may state (a ``set[Decimal]``; see ``Allowed`` for kinds)."""
    allowed = Allowed()
    for calc in answer.calculations:
        allowed.allow("amount", calc.base_yuan, policy=False)  # the user's figure, fed to the tool
        allowed.allow("rate", calc.rate, policy=True)
        allowed.allow("amount", calc.cap_yuan, policy=True)
        allowed.allow("amount", calc.amount_yuan, policy=True)
        if calc.base_yuan is not None and calc.rate is not None:
            # The raw product before the cap belongs in the trace, but "最高可获" it is wrong when
            # capped (6亿 × 2% = 1,200万元, yet at most 1,000万元), so not after a claim word.
            allowed.allow("amount", calc.base_yuan * calc.rate, policy=False)
        allowed.allow_text(calc.citation.quote, policy=True)
        for note in calc.notes:  # reviewed rule-file text ("只规定单个项目支持金额上限3000万元")
            allowed.allow_text(note, policy=True)
    for cit in answer.citations:
        allowed.allow_text(cit.quote, policy=True)
        allowed.allow_text(cit.section, policy=False)
    for v in answer.eligibility:
        if v.citation:
            allowed.allow_text(v.citation.quote, policy=True)
        # The calculator's own sentences: they repeat the user's amount and dates.
        allowed.allow_text(v.criterion, policy=False)
        allowed.allow_text(v.detail, policy=False)
    for note in answer.notices:  # system notices ("只处理了前2000个字")
        allowed.allow_text(note, policy=False)
    said = [question] + [m.get("content", "") for m in history or [] if m.get("role") == "user"]
    for text in said:
        allowed.allow_text(text, policy=False)
    for day in extra_dates:
        _date_parts(allowed, day)
    return allowed


def unsupported_claims(text: str, allowed: set[Decimal]) -> list[str]:
    """The numbers in ``text`` that ``allowed`` does not support, as written, in order.

    With an ``Allowed`` the check is by kind and claim context; with a plain set of Decimals
    each number's value must simply be in it.
    """
    clean = _blank(text or "")
    mentions = find_mentions(clean)
    bad: list[str] = []
    for m in mentions:
        if m.kind == "number" and 1 <= m.value <= 10 and m.value == m.value.to_integral_value() \
                and COUNT_AFTER.match(clean, m.end):
            continue
        if isinstance(allowed, Allowed):
            ok = allowed.accepts(m, claim=_after_claim_word(clean, m.start))
        else:
            ok = m.value in allowed
        if not ok:
            bad.append(text[m.start : m.end].strip())
    bad += [text[s:e].strip() for s, e in _unreadable(clean, mentions)]
    return list(dict.fromkeys(bad))


def _after_claim_word(clean: str, start: int) -> bool:
    return bool(CLAIM_BEFORE.search(clean[max(0, start - CONTEXT) : start]))


def _unreadable(clean: str, mentions: list[Mention]) -> list[tuple[int, int]]:
    """Spans of figures find_mentions could not read (see UNREADABLE)."""
    spans: list[tuple[int, int]] = []
    for m in [*UNREADABLE.finditer(clean), *CN_TENS.finditer(clean)]:
        if any(x.start <= m.start() and m.end() <= x.end for x in mentions):
            continue  # inside a figure that was read (三百六十万元)
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue  # already reported
        if m.re is CN_TENS and not _after_claim_word(clean, m.start()):
            continue  # 十大领域, 四十多家: words, unless they follow a claim word
        spans.append(m.span())
    return spans


def check_answer(answer: Answer, question: str, history: list[dict] | None, on: dt.date, kb) -> list[str]:
    """The rejected claims of ``answer`` (empty means every number is supported)."""
    dates: list[dt.date | None] = [on]
    for doc in kb.docs.values():
        dates += [doc.meta.valid_from, doc.meta.valid_to]
    return unsupported_claims(answer.answer, allowed_numbers(answer, question, history, dates))
