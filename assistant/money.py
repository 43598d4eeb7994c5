"""Chinese money amounts and rates: parse, format and find them in text, exactly.

Everything is ``decimal.Decimal``; a float never enters, because a subsidy cap that is
off by a fen is a wrong answer. Amounts are in yuan, rates are fractions (30% -> 0.3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation

from .errors import AmountError

MAX_YUAN = Decimal("1e12")  # 1万亿元; anything above is a typo, not a project

# Wide enough that no realistic input rounds; the traps turn any rounding into an error
# instead of a silently wrong number.
_EXACT = Context(prec=100, traps=[Inexact, InvalidOperation])

_WIDE = {chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%", "．": "."}
_DIGIT_TABLE = str.maketrans(_WIDE | {"，": ","})
# Free text keeps "，" as punctuation: "2022，300家" is two numbers, not 2,022,300.
_TEXT_TABLE = str.maketrans(_WIDE)

_AMOUNT_HINT = "请输入如“1200万元”“2.5亿”“3,000,000元”的金额"
_RATE_HINT = "请输入如“30%”“0.5%”“百分之三十”的比例"

_NUM = r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_EXP = {"万亿": 12, "千万": 7, "百万": 6, "亿": 8, "万": 4, "千": 3, "百": 2, "": 0}
_UNIT = "万亿|千万|百万|亿|万|千|百"
_CURRENCY = r"[¥￥]|(?i:RMB|CNY)|人民币"
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千万亿"
# After a bare 万/亿 these words mean a count of things, not money ("3000万像素").
_NOT_MONEY = re.compile(
    r"人|名|个|家|户|位|台|套|件|次|吨|平方|亩|千瓦|瓦|度|公里|千米|米|"
    r"张|辆|条|项|篇|份|座|部|所|株|头|只|册|本|字|年|天|小时|像素|倍|[A-Za-z]"
)


def normalize_digits(text: str) -> str:
    """Full-width digits, ％, ，and ．to ASCII; one char for one char, so offsets survive."""
    return text.translate(_DIGIT_TABLE)


def _show(text: str) -> str:
    """The user's input, safe to quote inside a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 30 else flat[:30] + "…"


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("金额必须用 Decimal 表示，不能用 float（会丢失精度）")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"金额“{value}”不是有限数值")
    return d


def _scaled(number: str, exp: int) -> Decimal:
    return Decimal(number.replace(",", "")).scaleb(exp, _EXACT)


def _cn_section(s: str) -> int | None:
    """A Chinese numeral below 10000 (一千二百, 十五, 两千零五, 二千五), or None."""
    if s in ("零", "〇"):
        return 0
    total, digit, last_unit = 0, None, 10_000
    for i, ch in enumerate(s):
        if ch in ("零", "〇"):
            if digit is not None or i == 0:
                return None
        elif ch in _CN_DIGIT:
            if digit is not None:
                return None
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if digit is None and ch == "十" and i == 0:
                digit = 1  # 十五 = 15
            if digit is None or unit >= last_unit:
                return None
            total, digit, last_unit = total + digit * unit, None, unit
        else:
            return None
    if digit is not None:
        # 二千五 is 2500 in speech; only a 零 makes the digit a unit (两千零五 = 2005).
        total += digit * last_unit // 10 if len(s) > 1 and s[-2] in _CN_SMALL else digit
    return total if s else None


def _cn_int(s: str) -> int | None:
    """A Chinese integer numeral with 万/亿 (一亿二千万, 十万, 一万五), or None."""
    for big, mult in (("亿", 10**8), ("万", 10**4)):
        if big not in s:
            continue
        head, _, tail = s.partition(big)
        high = _cn_int(head) if head else None
        if high is None or high == 0:
            return None
        if len(tail) == 1 and tail in _CN_DIGIT:  # 一万五 = 15000
            low = _CN_DIGIT[tail] * mult // 10
        else:
            low = _cn_int(tail.removeprefix("零")) if tail else 0
        return None if low is None or low >= mult else high * mult + low
    return _cn_section(s)


def _cn_decimal(s: str) -> Decimal | None:
    """一百, 三十五, 零点五 — Chinese numerals with an optional 点 fraction (used for rates)."""
    whole, dot, frac = s.partition("点")
    n = _cn_int(whole)
    if n is None or (dot and not frac) or any(c not in _CN_DIGIT or c == "两" for c in frac):
        return None
    return Decimal(f"{n}.{''.join(str(_CN_DIGIT[c]) for c in frac)}" if frac else n)


def parse_amount(text: str, *, allow_zero: bool = False) -> Decimal:
    """A yuan amount typed by a person ("1200万元", "2.5亿", "三千万", "¥18,000,000")."""
    s = re.sub(r"\s+", "", normalize_digits(text))
    if not s:
        raise AmountError(f"金额为空，{_AMOUNT_HINT}")
    s = re.sub(rf"^(?:{_CURRENCY})|人民币$", "", s)
    if s[:1] in ("-", "－", "−", "负"):
        raise AmountError(f"金额不能为负数：“{_show(text)}”，请输入如“100万元”的正数金额")
    if "%" in s or "百分之" in s:
        raise AmountError(f"“{_show(text)}”是比例而不是金额，{_AMOUNT_HINT}")
    if len(s) > 40:
        raise AmountError(f"金额“{_show(text)}”太长，无法识别，{_AMOUNT_HINT}")
    if m := re.fullmatch(rf"({_NUM})({_UNIT})?元?", s):
        value = _scaled(m[1], _EXP[m[2] or ""])
    elif (m := re.fullmatch(rf"([{_CN}]+)元?", s)) and (n := _cn_int(m[1])) is not None:
        value = Decimal(n)
    elif (m := re.match(_NUM, s)) and not re.search(r"[\d.,，]", s[m.end() :]):
        unit = s[m.end() :]
        raise AmountError(
            f"无法识别金额单位“{unit}”（“{_show(text)}”），只支持人民币元、万元、亿元，如“1200万元”“2.5亿”“3,000,000元”"
        )
    else:
        raise AmountError(f"无法识别金额“{_show(text)}”，{_AMOUNT_HINT}")
    if value > MAX_YUAN:
        raise AmountError(f"金额“{_show(text)}”超过1万亿元，请检查单位，{_AMOUNT_HINT}")
    if value.normalize(_EXACT).as_tuple().exponent < -2:
        raise AmountError(
            f"金额“{_show(text)}”精确到了分以下，人民币最小单位是分（0.01元），请输入如“4,999,999.80元”的金额"
        )
    if value == 0 and not allow_zero:
        raise AmountError(f"金额不能为零：“{_show(text)}”，{_AMOUNT_HINT}")
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """Integer yuan without exponent, otherwise exactly two decimals (fen)."""
    exp = "1" if value == value.to_integral_value() else "0.01"
    return value.quantize(Decimal(exp), context=_EXACT)


def _rate_value(body: str) -> Decimal | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", body):
        return Decimal(body)
    return _cn_decimal(body)


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
    return percent.scaleb(-2, _EXACT).normalize(_EXACT)


def format_yuan(amount: Decimal) -> str:
    """As official text writes it: 2亿元, 1,200万元, 3,333,301元, 4,999,999.80元."""
    a = _decimal(amount)
    sign, a = ("-" if a < 0 else ""), abs(a)
    if a == 0:
        return "0元"
    for unit, exp in (("亿", 8), ("万", 4)):  # 亿 only when whole: 1.2亿 reads as 12,000万元
        n = a.scaleb(-exp, _EXACT)
        if n == n.to_integral_value():
            return f"{sign}{int(n):,}{unit}元"
    if a == a.to_integral_value():
        return f"{sign}{int(a):,}元"
    places = max(2, -a.normalize(_EXACT).as_tuple().exponent)  # never round silently
    return f"{sign}{a:,.{places}f}元"


def format_rate(rate: Decimal) -> str:
    """0.3 -> 30%, 0.005 -> 0.5%."""
    percent = _decimal(rate).scaleb(2, _EXACT).normalize(_EXACT)
    return f"{percent:f}%"


def format_plain_yuan(amount: Decimal | int | str) -> str:
    """Plain digits for JSON: 5E+6 -> 5000000, 4999999.8 -> 4999999.80."""
    a = _decimal(amount)
    if a == 0:
        return "0"
    if a == a.to_integral_value():
        return f"{a.quantize(Decimal(1), context=_EXACT):f}"
    return f"{a:.{max(2, -a.normalize(_EXACT).as_tuple().exponent)}f}"


@dataclass(frozen=True)
class Mention:
    kind: str  # "amount" | "rate" | "number" | "year"
    value: Decimal
    text: str
    start: int
    end: int


# Alternatives are tried in this order at each position: a rate or an amount wins over the
# bare number it starts with, and a year is only a year when nothing else claims it.
_MENTION = re.compile(
    rf"(?P<rate>{_NUM})[ \t]*%"
    rf"|(?:{_CURRENCY})[ \t]*(?P<cur>{_NUM})[ \t]*(?P<cunit>{_UNIT})?元?"
    rf"|(?P<amt>{_NUM})[ \t]*(?P<unit>(?:万亿|千万|百万|亿|万)元?|[千百]元|元)"
    rf"|百分之(?P<cnrate>\d+(?:\.\d+)?|[{_CN}]+(?:点[零〇一二三四五六七八九]+)?)"
    rf"|(?P<cn>[一二两三四五六七八九十][{_CN}]*)(?P<cnyuan>元)?"
    r"|(?P<year>(?<![\d.])(?:19|20)\d{2}(?!\d|\.\d|,\d{3}))年?"
    rf"|(?P<num>{_NUM})"
)


def _mention(m: re.Match[str], text: str) -> tuple[str, Decimal] | None:
    """Kind and value of one regex match, or None when it is not worth reporting."""
    after = text[m.end() :]
    if m["rate"] or m["cnrate"]:
        pct = _rate_value(m["cnrate"]) if m["cnrate"] else _scaled(m["rate"], 0)
        return None if pct is None else ("rate", pct.scaleb(-2, _EXACT).normalize(_EXACT))
    if m["cur"]:
        return "amount", _tidy(_scaled(m["cur"], _EXP[m["cunit"] or ""]))
    if m["amt"]:
        unit = m["unit"]
        kind = "number" if not unit.endswith("元") and _NOT_MONEY.match(after) else "amount"
        return kind, _tidy(_scaled(m["amt"], _EXP[unit.removesuffix("元")]))
    if m["cn"]:
        n = _cn_int(m["cn"])
        if n is None or not (m["cnyuan"] or m["cn"][-1] in "万亿"):
            return None  # 一、（四）第三方 四类: words, not amounts
        return ("number" if not m["cnyuan"] and _NOT_MONEY.match(after) else "amount"), Decimal(n)
    if m["year"]:
        return "year", Decimal(m["year"])
    before = text[: m.start()]
    line_start = before.rpartition("\n")[2].strip() == ""
    if (line_start and after[:1] in ("、", ".", ")", "）")) or (
        before[-1:] in ("(", "（") and after[:1] in (")", "）")
    ):
        return None  # list markers and clause labels: 4、 (4) （4）
    return "number", _tidy(_scaled(m["num"], 0))


def find_mentions(text: str) -> list[Mention]:
    """Every amount, rate, year and bare number in ``text``, in order, never raising."""
    normal = text.translate(_TEXT_TABLE)
    found = []
    for m in _MENTION.finditer(normal):
        try:
            hit = _mention(m, normal)
        except DecimalException:
            continue  # absurdly long digit runs: not a figure anyone means
        if hit:
            found.append(Mention(hit[0], hit[1], text[m.start() : m.end()], m.start(), m.end()))
    return found
