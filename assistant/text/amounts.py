"""Chinese money amounts and rates: parse, format and find them in text, exactly.

Everything is ``decimal.Decimal``; a float never enters, because a subsidy cap that is
off by a fen is a wrong answer. Amounts are in yuan, rates are fractions (30% -> 0.3).

One reader serves both entry points (DESIGN principle 6, read whole or not at all):
``parse_amount`` reads a whole input field and ``find_mentions`` reads free text, through the
same grammar (``_read_money``): currency, numeral and unit are composed as in duckling's
AmountOfMoney, numerals by cn2an-style tables. A span that does not read whole is refused
(``AmountError``) or reported as ``unreadable``; a fragment of an amount never becomes one.
cn2an itself is not used: it turns decimals into float (一点一 -> 1.1 via 10**-1 sums) and its
"smart" mode reads mixed forms leniently; this grammar is exact and refuses what is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DecimalException

from assistant.errors import AmountError
from assistant.text.numerals import CN_DIGITS, DIGIT, EXACT, NUMERAL, body_value, scaled, section_value

MAX_YUAN = Decimal("1e12")  # 1万亿元; anything above is a typo, not a project


_WIDE = {chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%", "．": "."}
_DIGIT_TABLE = str.maketrans(_WIDE | {"，": ","})
# The reader's view of text: one char for one char (offsets survive), financial capitals and
# traditional forms as plain numerals, full-width letters and space as ASCII. Free text keeps
# "，" as punctuation ("2022，300家" is two numbers); an input field reads it as a separator.
_READ = _WIDE | dict(zip("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億兩〇圆圓＄\u3000",
                         "一二二三三四五六六七八九十百千万亿两零元元$ ", strict=True))
_READ |= {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)} | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
_TEXT_TABLE = str.maketrans(_READ)
_FIELD_TABLE = str.maketrans(_READ | {"，": ","})

_AMOUNT_HINT = "请输入如“1200万元”“2.5亿”“3,000,000元”的金额"
_RATE_HINT = "请输入如“30%”“0.5%”“百分之三十”的比例"

_NUM = r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# A numeral body: digits, Chinese numerals (the capitals are already plain), units, 点 and
# separators, one greedy run, so "1千2百万" is read as one thing or refused as one thing. A Chinese
# numeral does not start inside a word of quantity ("几十万", "数千万", "万一").
_BODY = re.compile(
    rf"(?:[0-9]|(?<![几数多余点.0-9{NUMERAL}])[{CN_DIGITS}十])"
    rf"(?:[0-9{NUMERAL}]|[,，](?=[0-9])|[.点](?=[0-9{NUMERAL}])|个(?=亿)|(?<=[0-9])[ \t]+(?=[万亿千百]))*"
)
_LETTER_CODE = r"(?<![A-Za-z])(?i:{})(?![A-Za-z])"
_PREFIX = re.compile(
    r"(?:(?P<cny>人民币|[¥￥]|" + _LETTER_CODE.format("rmb|cny") + r")"
    r"|(?P<fx>[$€£]|" + _LETTER_CODE.format(r"us\$|hk\$|usd|eur|gbp|jpy|hkd") + r"))[ \t]*"
)
_MULT_RE = re.compile(r"[ \t]*(?i:(thousand|million|mio|mn|m|billion|bn|k|w))(?![A-Za-z])")
_SUFFIX = re.compile(
    r"[ \t]*(?:(?P<fx>美元|美金|欧元|日元(?!旦)|日币|港元|港币|英镑|卢布|韩元|澳元|加元|新台币|台币|卢比|法郎|新加坡元|"
    + _LETTER_CODE.format(r"usd|eur|gbp|jpy|hkd|dollars?|euros?|pounds?|yen") + ")"
    r"|(?P<yuan>元(?:零?(?P<jiao>[一二三四五六七八九1-9])角)?(?:零?(?P<fen>[一二三四五六七八九1-9])分)?整?(?:人民币)?)"
    r"|(?P<kuai>块钱|块)|(?P<cny>人民币|" + _LETTER_CODE.format("yuan|rmb|cny") + "))"
)
# "3000多万元", "1万余元": not a figure anyone can compute with.
_APPROX = re.compile(r"(?:[多余几]+|[来把](?=[十百千万亿]))[十百千万亿]*(?:元|块钱|块)?")  # 3000多万, 800来万, 千把万
# After an amount without 元 these words mean a count of things, not money ("3000万像素").
_NOT_MONEY = re.compile(
    r"人|名|个|家|户|位|台|套|件|次|吨|平方|亩|千瓦|瓦|度|公里|千米|米|块|"
    r"张|辆|条|项|篇|份|座|部|所|株|头|只|册|本|字|年|天|小时|像素|倍|[A-Za-z]"
)
# After "12 million" these words make it a count, not money.
_EN_COUNT = re.compile(r"\s*(?:people|persons|users|units|pieces|pixels|devices|customers|visitors|times|vehicles|cars|"
                       r"km|kilomet\w*|tons?|tonnes?|square|sq\b|kwh|kw\b|mw\b|gw\b|hours|years|items|shares)", re.I)
_START = re.compile(
    rf"[0-9{CN_DIGITS}十¥￥$€£]|人民币|百分之|" + _LETTER_CODE.format(r"rmb|cny|usd|eur|gbp|jpy|hkd|us\$|hk\$")
)


def normalize_digits(text: str) -> str:
    """Full-width digits, ％, ，and ．to ASCII; one char for one char, so offsets survive."""
    return text.translate(_DIGIT_TABLE)


def _show(text: str) -> str:
    """The user's input, safe to quote inside a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 30 else flat[:30] + "…"



# ---------------------------------------------------------------------------- the one reader


@dataclass(frozen=True)
class _Read:
    kind: str | None  # "amount" | "foreign" | "unreadable" | "number"; None: words, skip the span
    value: Decimal | None
    end: int
    unit: str = ""  # the foreign currency as written, for messages


def _after_kuai_is_noun(s: str, i: int) -> bool:
    """块 is money before punctuation or a particle, a measure word before a noun (30万块砖)."""
    nxt = s[i : i + 1]
    return bool(nxt) and "\u4e00" <= nxt <= "\u9fff" and nxt not in "的是吗呢啊了左以能可用"


def _read_money(s: str, p: int, *, field: bool) -> _Read | None:
    """Read the money expression starting at ``s[p]`` whole, or say it cannot be read.

    ``field``: ``s`` is one input field, where a bare number is money; in free text a number is
    money only with a currency word or a 万/亿/w/k unit, and a count word after it ("3000万像素")
    makes it a number. Returns None when nothing here looks like a number at all.
    """
    pm = _PREFIX.match(s, p)
    bm = _BODY.match(s, pm.end() if pm else p)
    if not bm:
        return None
    body, i = bm[0], bm.end()
    if len(body) > 1 and body[-1] in "千百" and re.match(r"[瓦米克伏帕赫焦]", s[i : i + 1]):
        body, i = body[:-1], i - 1  # 8000千瓦时, 300千米: the 千 is the unit's, the number ends before it
    head = re.match(f"(.*)[万亿][{CN_DIGITS}]$", body)
    if head and len(re.sub(r"[^0-9零一二两三四五六七八九]", "", head[1])) > 1 \
            and re.match(r"[个家项笔次条台套位名间份批]", s[i : i + 1]):
        # "1200万一个投了…": after a many-digit head the 一 cannot be shorthand (3万5 can);
        # with a measure word after it, it is "one (of them)", not part of the amount
        body, i = body[:-1], i - 1
    if not field and "，" in body:
        lead = re.match(r"\d*", body)[0]
        if len(lead) > 3 or body[len(lead)] != "，":  # "2022，300万元": punctuation, not a separator
            body = body[: body.index("，")]
            i = bm.start() + len(body)
    fx = pm is not None and pm["fx"] is not None
    currency = pm is not None
    has_big = bool(re.search("[万亿]", body))
    if am := _APPROX.match(s, i):
        if re.search("[万亿元块]", am[0]) or fx or currency:
            return _Read("foreign" if fx else "unreadable", None, am.end())
        if has_big:  # 1万多人 is a count; 1万多 alone is an approximate sum
            return _Read(None if _NOT_MONEY.match(s, am.end()) else "unreadable", None, am.end())
    mult, j = None, i
    mm = _MULT_RE.match(s, i)
    if mm and re.fullmatch(r"[0-9,.]+", body):
        mult, j = mm[1].lower(), mm.end()
    sm = _SUFFIX.match(s, j)
    if sm and sm["kuai"] == "块" and not field and _after_kuai_is_noun(s, sm.end()):
        sm = None
    if mult and not (field or currency or sm) and (mult == "m" or (mm[1] in "WK" and len(body) == 1)):
        mult, j = None, i  # without a currency word 5m is five metres, 4K a resolution, 5W a power
    end = sm.end() if sm else j
    fx = fx or bool(sm and sm["fx"])
    currency = currency or bool(sm)
    value = body_value(body, mult)
    if value is not None and sm and (sm["jiao"] or sm["fen"]):
        if value != value.to_integral_value():
            value = None  # 1.5元5角
        else:
            cents = DIGIT.get(sm["jiao"] or "", 0) * 10 + DIGIT.get(sm["fen"] or "", 0)
            value += Decimal(cents).scaleb(-2)
    if fx:
        return _Read("foreign", value, end, (sm["fx"] if sm and sm["fx"] else pm["fx"]).strip())
    if field or currency:
        return _Read("amount" if value is not None else "unreadable", value, end)
    moneyish = has_big or mult in ("w", "k")
    if mult in ("million", "mio", "mn", "billion", "bn") and not _EN_COUNT.match(s, end):
        moneyish = True  # "a lab costing 30 million": in English the scale word alone says money
    if moneyish and not _NOT_MONEY.match(s, end):
        return _Read("amount" if value is not None else "unreadable", value, end)
    if moneyish or mult or (re.search("[十百千]", body) and re.search("[0-9]", body)):
        # A count (3000万像素, 12 million), or digits with 千/百 and no currency (5千米): a number.
        return _Read("number" if value is not None else "unreadable", value, end)
    if re.match("[0-9]", body):
        return None  # digits, perhaps with dots (3点5分, 1.2.3): years and bare numbers, read plainly
    return _Read(None, None, i)  # 一定, 十四五, 两张清单: Chinese numerals as words


def parse_amount(text: str, *, allow_zero: bool = False) -> Decimal:
    """A yuan amount typed by a person ("1200万元", "2.5亿", "三千万", "¥18,000,000", "1亿2000万",
    "壹仟贰佰万元整", "1.5个亿", "500w", "RMB 12 million"), read whole or refused."""
    s = _HALVES.sub(_half, " ".join(text.translate(_FIELD_TABLE).split()))
    if not s:
        raise AmountError(f"金额为空，{_AMOUNT_HINT}")
    bare = re.sub(r"^(?:人民币|[¥￥]|(?i:rmb|cny))\s*", "", s)
    if bare[:1] in ("-", "－", "−", "负"):
        raise AmountError(f"金额不能为负数：“{_show(text)}”，请输入如“100万元”的正数金额")
    if "%" in s or "百分之" in s:
        raise AmountError(f"“{_show(text)}”是比例而不是金额，{_AMOUNT_HINT}")
    if len(s) > 40:
        raise AmountError(f"金额“{_show(text)}”太长，无法识别，{_AMOUNT_HINT}")
    try:
        hit = _read_money(s, 0, field=True)
    except DecimalException:
        hit = _Read("unreadable", None, len(s))
    if hit is None:
        raise AmountError(f"无法识别金额“{_show(text)}”，{_AMOUNT_HINT}")
    rest = s[hit.end :].strip()
    if hit.kind == "foreign" or (rest and hit.value is not None and not re.search(rf"[\d.,{NUMERAL}点]", rest)):
        unit = hit.unit if hit.kind == "foreign" else rest
        raise AmountError(
            f"无法识别金额单位“{unit}”（“{_show(text)}”），只支持人民币元、万元、亿元（外币不换算），"
            "如“1200万元”“2.5亿”“3,000,000元”"
        )
    if rest or hit.value is None:
        raise AmountError(f"无法完整识别金额“{_show(text)}”，金额须整体读出，不取其中一部分；{_AMOUNT_HINT}")
    value = hit.value
    if value > MAX_YUAN:
        raise AmountError(f"金额“{_show(text)}”超过1万亿元，请检查单位，{_AMOUNT_HINT}")
    if value.normalize(EXACT).as_tuple().exponent < -2:
        raise AmountError(
            f"金额“{_show(text)}”精确到了分以下，人民币最小单位是分（0.01元），请输入如“4,999,999.80元”的金额"
        )
    if value == 0 and not allow_zero:
        raise AmountError(f"金额不能为零：“{_show(text)}”，{_AMOUNT_HINT}")
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """Integer yuan without exponent, otherwise exactly two decimals (fen)."""
    exp = "1" if value == value.to_integral_value() else "0.01"
    return value.quantize(Decimal(exp), context=EXACT)


def _rate_value(body: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", body):
        return Decimal(body)
    if re.search("[万亿个]", body):
        return None
    if "点" in body:
        return body_value(body, None) if re.fullmatch(r"[^点]+点[零一二三四五六七八九]+", body) else None
    n = section_value(body, final=False)
    return None if n is None or not re.fullmatch(f"[{NUMERAL}]+", body) else Decimal(n)


def parse_rate(text: str) -> Decimal:
    """A percentage typed by a person ("30%", "0.5％", "百分之三十") as a fraction (0.3)."""
    s = re.sub(r"\s+", "", normalize_digits(text))
    if not s:
        raise AmountError(f"比例为空，{_RATE_HINT}")
    if s[:1] in ("-", "－", "−", "负"):
        raise AmountError(f"比例不能为负数：“{_show(text)}”，{_RATE_HINT}")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%|百分之(.+)", s)
    percent = m and _rate_value(m[1] or m[2])
    if percent is None:
        raise AmountError(f"无法识别比例“{_show(text)}”，{_RATE_HINT}")
    if percent > 100:
        raise AmountError(f"比例“{_show(text)}”超过100%，{_RATE_HINT}")
    return percent.scaleb(-2, EXACT).normalize(EXACT)


@dataclass(frozen=True)
class Mention:
    """A figure in free text. ``text``/``start``/``end`` are the span of the original string.

    kind: "amount" (yuan), "rate" (a fraction), "year", "number" (a bare number or a count such
    as 3000万像素), "foreign" (an amount in another currency; ``value`` is its number, never
    converted, None if the number does not read whole) or "unreadable" (looks like money but
    does not read whole: 1千2百万五, 1亿2000, 3000多万元; ``value`` is None). A minus sign or 负
    stays outside the span: callers look at the character before ``start``.
    """

    kind: str
    value: Decimal | None
    text: str
    start: int
    end: int


_RATE = re.compile(rf"(?P<rate>{_NUM})[ \t]*%")
# What is not money: Chinese rates, years (a year only when nothing else claims it), bare numbers.
_PLAIN = re.compile(
    rf"百分之(?P<cnrate>\d+(?:\.\d+)?|[{NUMERAL}]+(?:点[零一二三四五六七八九]+)?)"
    r"|(?P<year>(?<![\d.])(?:19|20)\d{2}(?!\d|\.\d|,\d{3}))年?"
    rf"|(?P<num>{_NUM})"
)


def _plain(m: re.Match[str], text: str) -> tuple[str, Decimal] | None:
    if m["cnrate"]:
        pct = _rate_value(m["cnrate"])
        return None if pct is None else ("rate", pct.scaleb(-2, EXACT).normalize(EXACT))
    if m["year"]:
        return "year", Decimal(m["year"])
    before, after = text[: m.start()], text[m.end() :]
    line_start = before.rpartition("\n")[2].strip() == ""
    if (line_start and after[:1] in ("、", ".", ")", "）")) or (
        before[-1:] in ("(", "（") and after[:1] in (")", "）")
    ):
        return None  # list markers and clause labels: 4、 (4) （4）
    return "number", _tidy(scaled(m["num"], 0))


def _mention_at(s: str, p: int) -> tuple[str | None, Decimal | None, int] | None:
    """The figure starting at ``s[p]``: (kind, value, end); kind None skips words; None: nothing."""
    if m := _RATE.match(s, p):
        return "rate", scaled(m["rate"], 0).scaleb(-2, EXACT).normalize(EXACT), m.end()
    if hit := _read_money(s, p, field=False):
        value = hit.value
        if value is not None:
            if value.normalize(EXACT).as_tuple().exponent < -2:  # below a fen: not a sum anyone can pay
                return ("foreign" if hit.kind == "foreign" else "unreadable"), None, hit.end
            value = _tidy(value)  # absurdly long digit runs raise: skipped by the caller
        return hit.kind, value, hit.end
    if m := _PLAIN.match(s, p):
        plain = _plain(m, s)
        return (plain[0], plain[1], m.end()) if plain else (None, None, m.end())
    return None


# "半个亿" (half of 100 million) and "一个半亿" (one and a half): spoken forms of an amount, rewritten in place
# to a written form of the same length ("5千万", "1.5亿").
_HALVES = re.compile(r"(?<![0-9一二两三四五六七八九十百千万.点])(?:(?P<n>[1-9一二两三四五六七八九])个半亿|半个亿)")


def _half(m: re.Match) -> str:
    if m["n"] is None:
        return "5千万"
    return f"{'1223456789'['一二两三四五六七八九'.index(m['n'])] if not m['n'].isdigit() else m['n']}.5亿"


def find_mentions(text: str) -> list[Mention]:
    """Every amount, rate, year and bare number in ``text``, in order, never raising; money-like
    spans that do not read whole are "unreadable", other currencies "foreign"."""
    s = _HALVES.sub(_half, text.translate(_TEXT_TABLE))  # same length: every span maps back to ``text``
    found: list[Mention] = []
    pos = 0
    while start := _START.search(s, pos):
        p = start.start()
        try:
            hit = _mention_at(s, p)
        except DecimalException:  # absurdly long digit runs: not a figure anyone means
            hit = None, None, _BODY.match(s, p).end() if _BODY.match(s, p) else p + 1
        if hit is None:
            pos = p + 1
            continue
        kind, value, end = hit
        if kind and _broken_before(s, p):
            # "12..5万": the figure is the tail of a malformed number, not a number of its own
            p = _broken_before(s, p)
            kind, value = "unreadable", None
            while found and found[-1].end > p:
                found.pop()  # the malformed number's head ("12" of "12..5万") is part of it
        if kind:
            found.append(Mention(kind, value, text[p:end], p, end))
        pos = max(end, p + 1)
    return found


def _broken_before(s: str, p: int) -> int:
    """Where a malformed number ending right before ``p`` starts ("12..", "3,,", the mantissa of "1.2e7"), or 0."""
    m = re.search(r"\d[\d,]*(?:\.{2,}|,{2,}|\.,|,\.)$|(?<![A-Za-z])\d+(?:\.\d+)?[eE][+-]?$", s[:p])
    return m.start() if m else 0
