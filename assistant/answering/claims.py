"""What a model-written answer claims: each figure with the role its words give it, and each
statement that a condition is met or not met.

Pure text reading with small, reviewable tables (Chinese and English); nothing here knows the
turn. ``verify`` checks what is read here against the calculator's results and the user's words.

A figure's role comes from, in this order:
1. the trace it sits in: ``A × B = C`` makes A a base (``factor``), B a rate (``multiplier``)
   and C their product;
2. a word right after it: "1000万元（含）以上" is a threshold, "500万元封顶" a cap;
3. the nearest role word before it in the same clause (no other figure in between):
   "最高可获360万元" is an amount, "上限500万元" a cap, "建设投资1200万元" the user's base.
   最高/最多/up to alone are qualifiers: a cap when the clause says per what ("单个平台最高…"),
   an amount when the clause is about what someone gets ("可获得的补贴最高为…");
4. otherwise none: the figure must still belong to the rule the sentence is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.text.amounts import Mention, find_mentions

# Words that give the figure after them its role. Longer phrases win at the same position, and
# the nearest word wins, so "补贴上限500万元" is a cap and "上限以内的补贴360万元" an amount.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "amount": (
        "最高可获", "最多可获", "最高可以获得", "最高可获得", "最高能拿", "最多能拿", "可获得", "可以获得", "能获得",
        "能够获得", "可获", "获得", "能拿到", "可拿到", "能拿", "可拿", "可得", "可领取", "可领", "可申请到", "能申请到",
        "可达", "能达到", "可以补", "能补", "可补", "领到", "拿到", "到手",
        "补贴金额", "补助金额", "支持金额", "贴息金额", "补贴", "补助", "资助", "奖励", "贴息", "给予",
        "receive up to", "get up to", "receive", "get", "be granted", "grant of", "award of", "subsidy of",
        "eligible for",
    ),
    "cap": (
        "上限", "封顶", "最高不超过", "最多不超过", "最高不得超过", "不超过", "不得超过", "不高于", "至多",
        "capped at", "cap of", "cap is", "cap", "at most", "maximum of", "maximum", "no more than", "ceiling",
    ),
    "rate": ("补贴比例", "比例", "费率", "rate of", "rate is", "rate"),
    "threshold": ("门槛", "起点", "threshold of", "threshold", "at least", "minimum of"),
    # The user's own figures: restated, never a policy figure.
    "base": (
        "项目总投资", "总投资额", "总投资", "建设投资", "项目投资额", "项目投资", "测试投资额", "测试投资", "投资额",
        "投资", "投入", "投了", "花了", "保费", "保险费", "贷款本金", "贷款额", "贷款", "贷了", "借款", "借了", "本金",
        "授信", "计算基数", "基数", "investment", "premium", "loan", "principal",
    ),
    "user": ("您提到的", "您所说的", "您说的", "您提供的", "您给出的", "按您的说法", "you mentioned", "you said"),
}
QUALIFIERS = ("最高", "最多", "up to")
PER_WHAT = re.compile(r"单个|每个|每家|每项|每一|per (?:project|platform|enterprise|firm|company)")
_YOU = r"|贵单位|贵企业|贵公司|贵项目|您|你们|\byour\b|\byou\b"
# The clause is about what this user gets: "可获得的补贴上限为360万元" states their amount.
GETTING = re.compile(r"可获|获得|能拿|可拿|可得|可领|可申请到|receive|\bget\b" + _YOU, re.I)
ABOUT_GETTING = re.compile("|".join(map(re.escape, ROLE_WORDS["amount"])) + _YOU, re.I)
AFTER = (
    ("threshold", re.compile(r"\s*(?:（含）|\(含\))?\s*(?:及)?以上|\s*(?:or more|or above|and above)")),
    ("cap", re.compile(r"\s*(?:封顶|为上限|的上限)")),
)
TIMES = re.compile(r"\s*[×xX*＊]\s*")
# After a rate, "，即360万元" / "计算为360万元" states the product too.
PRODUCT_WORDS = re.compile(r"\s*[，,]?\s*(?:即|为|计|计算为|计算得|算得|得|合计|共计|等于)\s*")
EQUALS = re.compile(r"\s*(?:[=＝]|等于)\s*")

_WORD_ROLE = {w: role for role, words in ROLE_WORDS.items() for w in words}
_WORD_ROLE.update({w: "qualifier" for w in QUALIFIERS})


def _alternation(words) -> str:
    """Longest first; English words only as whole words ("get" is not in "budget")."""
    def one(w: str) -> str:
        return rf"\b{re.escape(w)}\b" if w[:1].isascii() and w[:1].isalpha() else re.escape(w)
    return "|".join(one(w) for w in sorted(words, key=len, reverse=True))


ROLE_RE = re.compile(_alternation(_WORD_ROLE), re.I)

# Where a role word stops governing: the end of a clause (a figure in between also stops it).
CLAUSE_END = re.compile(r"[，。；！？\n]|[,;] |[.!?](?:\s|$)")
SENTENCE_END = re.compile(r"[。；！？\n]|[;] |[.!?](?:\s|$)")

# Not figures: citation markers [1] 【2】, clause labels （十） 第十条 第3条, list numbering at a line
# start, and network/technology names (5G, 3D). Replaced by spaces so offsets stay put.
NOT_FIGURES = re.compile(
    r"\[\d{1,3}\]|【\d{1,3}】|第[\d一二三四五六七八九十百]{1,4}[条款项章节部分]+"
    r"|[（(][一二三四五六七八九十百]{1,4}[）)]"
    r"|(?m:^[ \t>*#\-]*(?:\*\*)?\d{1,2}[.、)）](?!\d))"
    r"|(?<![\dA-Za-z])[2-6]G(?![A-Za-z\d])|(?<![\dA-Za-z])[23]D(?![A-Za-z\d])"
)
QUOTES = {"“": "”", "「": "」", "『": "』"}


@dataclass(frozen=True)
class Figure:
    """One figure of the text, as written, with the role its words give it (None: no role word)."""

    mention: Mention
    role: str | None
    word: str = ""  # the role word that decided it ("上限", "建设投资", …)
    operands: tuple[Decimal, Decimal] | None = None  # for a product: the two figures multiplied


@dataclass(frozen=True)
class Statement:
    """A sentence part saying a condition is met (``met``) or not, and where its criterion is named."""

    met: bool
    start: int
    end: int
    scope: tuple[int, int]
    text: str


def blank(text: str) -> str:
    return NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """The insides of quotation marks, outermost only (“…“揭榜挂帅”…” is one quote)."""
    spans, depth, opener, start = [], 0, "", 0
    ascii_open = None
    for i, ch in enumerate(text):
        if depth == 0 and ch == '"':
            if ascii_open is None:
                ascii_open = i + 1
            else:
                spans.append((ascii_open, i))
                ascii_open = None
        elif ch in QUOTES and (depth == 0 or ch == opener):
            if depth == 0:
                opener, start = ch, i + 1
            depth += 1
        elif depth and ch == QUOTES[opener]:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans


def inside(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next((s for s in spans if s[0] <= pos < s[1]), None)


def label_forms(label: str | None) -> tuple[str, ...]:
    """The ways a text names a clause: （四） (四) 第四条 第（四）条 第四项; a named part as is."""
    if not label:
        return ()
    m = re.fullmatch(r"（(.+)）", label)
    if m:
        return (label, f"({m[1]})", f"第{m[1]}条", f"第（{m[1]}）条", f"第{m[1]}项", f"第（{m[1]}）项")
    return (label,) if len(label) >= 2 else ()


def distance(start: int, end: int, pos: int) -> int:
    """How far ``pos`` is from the span ``start:end`` (0 inside it)."""
    return 0 if start <= pos < end else min(abs(start - pos), abs(end - pos))


def _bounds(text: str, pos: int, ends: re.Pattern, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """The clause or sentence around ``pos``; ends inside quotes do not count."""
    lo, hi = 0, len(text)
    for m in ends.finditer(text):
        if inside(m.start(), quotes) and not inside(pos, quotes):
            continue
        if m.end() <= pos:
            lo = m.end()
        elif m.start() >= pos:
            hi = m.start()
            break
    return lo, hi


def sentence_of(text: str, pos: int, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    return _bounds(text, pos, SENTENCE_END, quotes)


def read_figures(text: str) -> list[Figure]:
    """Every figure of ``text`` with its role. Clause labels, citation markers and list numbers
    are not figures; years and bare counts come back with no role."""
    clean = blank(text or "")
    quotes = quote_spans(clean)
    mentions = find_mentions(clean)
    out: list[Figure] = []
    for i, m in enumerate(mentions):
        prev = mentions[i - 1] if i else None
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        gap_before = clean[prev.end : m.start] if prev else ""
        gap_after = clean[m.end : nxt.start] if nxt else ""
        out.append(_figure(clean, m, prev, gap_before, gap_after, out, quotes))
    return out


def _figure(clean, m, prev, gap_before, gap_after, done, quotes) -> Figure:
    if m.kind not in ("amount", "rate", "number", "unreadable"):
        return Figure(m, None)  # years, foreign money
    if m.kind == "rate":  # a percentage is a rate whatever word precedes it ("不超过项目投资额的30%")
        role, word = role_before(clean[max(0, m.start - 12) : m.start])
        if TIMES.fullmatch(gap_before) or TIMES.fullmatch(gap_after or "-"):
            return Figure(m, "multiplier")
        return Figure(m, "user", word) if role == "user" else Figure(m, "rate", word)
    if prev is not None and TIMES.fullmatch(gap_before):
        return Figure(m, "multiplier" if m.kind == "rate" else "factor")
    if prev is not None and EQUALS.fullmatch(gap_before):
        a = done[-2] if len(done) >= 2 and done[-1].role in ("multiplier", "factor") else None
        operands = (a.mention.value, prev.value) if a and a.role in ("factor", "multiplier") else None
        if operands and None in operands:
            operands = None
        return Figure(m, "product", "=", operands)
    if TIMES.fullmatch(gap_after or "-"):
        return Figure(m, "multiplier" if m.kind == "rate" else "factor")
    if prev is not None and prev.kind == "rate" and PRODUCT_WORDS.fullmatch(gap_before):
        return Figure(m, "product", gap_before.strip(" ，,"))
    after = clean[m.end : m.end + 12]
    for role, rx in AFTER:
        if rx.match(after):
            return Figure(m, role, rx.match(after).group(0).strip())
    lo, _ = _bounds(clean, m.start, CLAUSE_END, quotes)
    if prev is not None:
        lo = max(lo, prev.end)
    role, word = role_before(clean[lo : m.start])
    return Figure(m, role, word)


def role_before(window: str) -> tuple[str | None, str]:
    """The role the nearest role word of ``window`` gives the figure right after it."""
    hits = list(ROLE_RE.finditer(window))
    if not hits:
        return None, ""
    last = hits[-1]
    word = last.group(0)
    role = _WORD_ROLE.get(word) or _WORD_ROLE.get(word.lower())
    earlier = window[: last.start()]
    if role == "cap" and GETTING.search(earlier) and not PER_WHAT.search(earlier):
        return "amount", word  # "您可以获得的补贴上限为360万元": their own upper bound
    if role != "qualifier":
        return role, word
    if PER_WHAT.search(earlier):
        return "cap", word
    if ABOUT_GETTING.search(earlier):
        return "amount", word
    return "cap", word


# ------------------------------------------------------------------ statements about conditions

# (pattern, met, generic). A generic word ("满足", "不属于") takes the rest of its clause as its
# object, so words inside the object ("不满足：项目已纳入…") are the criterion's, not new claims.
POLARITY: list[tuple[str, bool, bool]] = [
    (r"不满足|未满足|没有满足|不符合|未符合|并不符合|不属于|并不属于|未达到|没有达到|没达到|达不到|不在", False, True),
    (r"does not meet|doesn't meet|does not satisfy|doesn't satisfy|does not qualify|doesn't qualify"
     r"|is not eligible|not eligible|is not met|not met", False, True),
    (r"未纳入|没有纳入|尚未纳入|未入库|没有入库|尚未入库|没入库|未列入|没有列入|尚未列入|已经届满|已届满|已过期"
     r"|已失效|已到期|不再有效|has expired|is no longer (?:valid|in force)", False, False),
    (r"尚未届满|未届满|仍在有效期|仍然有效|仍有效|还在有效期|在(?:政策)?有效期(?:（[^）]{0,40}）|\([^)]{0,40}\))?内(?!的)"
     r"|is still in force|is still valid", True, False),
    (r"已纳入|已经纳入|已入库|已经入库|已列入|已经列入", True, False),
    (r"满足|符合|属于|达到|meets|satisfies|qualifies|is eligible|is met", True, True),
]
POLARITY_RE = re.compile("|".join(f"(?P<p{i}>{p})" for i, (p, _, _) in enumerate(POLARITY)), re.I)
# Words that make a statement conditional, a question or a requirement rather than a claim.
HEDGES = re.compile(
    r"是否|能否|可否|待确认|尚不清楚|不清楚|无法判断|无法确定|需要|需|须|必须|应当|应为|应该|应满足|应符合|应属于"
    r"|要求|仅限|如果|如|若|假如|只要|一旦|(?<!申)请|前提|whether|\bif\b|must|need|required|please|unknown",
    re.I,
)
# "如企业在北京注册经营，即符合申报条件": the whole sentence is conditional.
CONDITIONAL = re.compile(r"如果|(?<![例比])如(?![下此何])|若|假如|只要|一旦|\bif\b|\bunless\b", re.I)
QUESTION = re.compile(r"哪个|哪些|哪类|什么|多少|是不是|吗|\bwhich\b|\bwhat\b", re.I)
ATTRIBUTIVE = re.compile(r"的(?:企业|项目|平台|单位|主体|申请人|公司)")
SEGMENT_END = re.compile(r"[，。；！？：:\n]|[,;] |[.!?](?:\s|$)")


def read_statements(text: str) -> list[Statement]:
    """Every unhedged statement that a condition is met or not met, outside quotation marks."""
    text = text or ""
    quotes = quote_spans(text)
    out: list[Statement] = []
    skip_until = -1
    for m in POLARITY_RE.finditer(text):
        if m.start() < skip_until or inside(m.start(), quotes):
            continue
        i = int(m.lastgroup[1:])
        _, met, generic = POLARITY[i]
        lo, hi = _bounds(text, m.start(), SEGMENT_END, quotes)
        end_char = text[hi : hi + 1]
        s_lo, s_hi = sentence_of(text, m.start(), quotes)
        if text[s_hi : s_hi + 1] in ("？", "?") or QUESTION.search(text[lo:hi]) or HEDGES.search(text[lo : m.start()]) \
                or CONDITIONAL.search(text[s_lo : m.start()]):
            continue
        scope = (lo, hi)
        if generic:
            obj = text[m.end() : hi]
            if ATTRIBUTIVE.search(obj):
                continue
            if end_char in ("：", ":") and not obj.strip(" *✅❌❓"):
                # "不满足：项目已纳入…": the criterion is the next clause.
                _, nxt = _bounds(text, hi + 1, SEGMENT_END, quotes)
                scope = (lo, nxt)
            skip_until = scope[1]
        out.append(Statement(met, m.start(), m.end(), scope, text[lo : scope[1]].strip()))
    return out
