"""Chinese and Arabic numerals, exactly: the tables and the grammar that read one numeral body
("一千二百", "1,200", "两个亿", "3.5", "一点五万") into a ``Decimal``, or None when it does not read whole.
``amounts`` composes these with currencies and units; nothing here knows about money.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact, InvalidOperation

# Wide enough that no realistic input rounds; the traps turn any rounding into an error
# instead of a silently wrong number.
EXACT = Context(prec=100, traps=[Inexact, InvalidOperation])
ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
CN_DIGITS = "零一二两三四五六七八九"
NUMERAL = CN_DIGITS + "十百千万亿"
DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2} | {str(i): i for i in range(10)}
del DIGIT["零"], DIGIT["0"]  # a digit before a unit; 零 only marks a skipped place
SMALL = {"十": 10, "百": 100, "千": 1000}
EXP = {"万亿": 12, "千万": 7, "百万": 6, "亿": 8, "万": 4, "千": 3, "百": 2, "": 0}
MULT = {"w": 4, "k": 3, "thousand": 3, "m": 6, "mn": 6, "mio": 6, "million": 6, "bn": 9, "billion": 9}



def as_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("金额必须用 Decimal 表示，不能用 float（会丢失精度）")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"金额“{value}”不是有限数值")
    return d


def scaled(number: str, exp: int) -> Decimal:
    return Decimal(number.replace(",", "")).scaleb(exp, EXACT)





def section_value(s: str, final: bool) -> int | None:
    """A number below 万 in Chinese or mixed script (一千零五, 1千2百, 十五), or plain digits.

    A trailing digit right after 百/千 is spoken shorthand (二千五 = 2500); it is only allowed at
    the very end of the whole expression (``final``), so 两千五万 is refused as ambiguous.
    """
    if ARABIC.fullmatch(s):
        return int(s.replace(",", ""))
    if s == "零":
        return 0
    skipped = re.fullmatch(r"(.+[十百千])零(\d{1,3})", s)
    if skipped:  # 1千零50 = 1050: digits after 零 fill the places the 零 did not skip
        head, tail = section_value(skipped[1], False), int(skipped[2])
        return head + tail if head is not None and 0 < tail < SMALL[skipped[1][-1]] // 10 else None
    total, digit, last, zero = 0, None, 10_000, False
    for i, ch in enumerate(s):
        if ch == "零":
            if digit is not None or zero or i == 0:
                return None
            zero = True
        elif ch in DIGIT:
            if digit is not None:
                return None
            digit = DIGIT[ch]
        elif ch in SMALL:
            unit = SMALL[ch]
            if digit is None and ch == "十" and i == 0:
                digit = 1  # 十五 = 15
            if digit is None or unit >= last or (zero and unit * 10 == last):
                return None  # 三三百, 五百千, 一千零三百: out of order or a 零 that skips nothing
            total, digit, last, zero = total + digit * unit, None, unit, False
        else:
            return None
    if digit is None:
        return None if zero or not s else total
    if zero or last == 10_000 or last == 10:
        return None if zero and last == 10 else total + digit
    return total + digit * last // 10 if final else None


def below_100(s: str) -> bool:
    """A head like 十二 / 12 / 二十三: short enough that a trailing digit is plainly speech (十二万八)."""
    if not s or any(ch in s for ch in "百千万亿"):
        return False
    if s.isdigit():
        return len(s) <= 2
    value = section_value(s, False)
    return value is not None and value < 100


def single_digit(s: str) -> bool:
    return len(s) == 1 and s in DIGIT


def int_value(s: str, final: bool = True) -> int | None:
    """A whole number with 万/亿 places (一亿二千万, 1亿2000万, 3万5, 人民币三百五十万零八百)."""
    for big, n in (("亿", 8), ("万", 4)):
        head, sep, tail = s.partition(big)
        if not sep:
            continue
        high = int_value(head, final=False) if head else None
        low = low_value(tail, n, single=single_digit(head) or below_100(head), final=final)
        return None if not high or low is None else high * 10**n + low
    return section_value(s, final)


def low_value(t: str, n: int, *, single: bool, final: bool) -> int | None:
    """What follows 万 (n=4) or 亿 (n=8): it must fill the places below exactly."""
    if not t:
        return 0
    if t[0] == "零":  # 三百五十万零八百; 捌佰陆拾万零伍仟 (financial style writes 零 after a head ending in 0)
        low = int_value(t[1:], final) if t[1:2] not in ("", "零") else None
        return low if low is not None and 0 < low < 10**n else None
    if t in DIGIT:  # 3万5 / 十二万八 / 1亿2: one order lower, said only after a head below 100
        return DIGIT[t] * 10 ** (n - 1) if single and final else None
    if t.isascii() and t.isdigit():  # 1万2000 fills the places; 1亿2000 does not (2000万?)
        return int(t) if len(t) == n else None
    low = int_value(t, final)
    if low is None or low >= 10**n:
        return None
    if low < 10 ** (n - 1) and not (n == 8 and t.endswith("万")):
        return None  # 三千万五百: a skipped place needs 零; 1亿500万 names its place
    return low


DECIMAL = re.compile(
    rf"(?:(?P<a>{ARABIC.pattern})\.|(?P<c>{ARABIC.pattern}|[{NUMERAL}]+)点)"
    r"(?P<frac>[0-9]+|[零一二三四五六七八九]+)(?P<unit>万亿|千万|百万|亿|万|千|百)?"
)


def body_value(body: str, mult: str | None) -> Decimal | None:
    """The value of one numeral body (with its multiplier word), or None when it is not whole."""
    b = re.sub(r"[ \t]+", "", body)
    if mult:  # 1.5w, 800k, 12 million: a plain number before a multiplier word
        m = re.fullmatch(rf"(?:{ARABIC.pattern})(?:\.\d+)?", b)
        return scaled(b, MULT[mult]) if m else None
    if "个" in b:  # 两个亿, 1.5个亿: one simple number of 亿
        if not b.endswith("个亿") or re.search("[万亿个]", b[:-2]):
            return None
        b = b[:-2] + "亿"
    if "." in b or "点" in b:
        m = DECIMAL.fullmatch(b)
        if not m:
            return None
        whole = m["a"] or m["c"]
        n = section_value(whole, False) if m["unit"] else int_value(whole, False)
        if n is None:
            return None
        frac = "".join(str("零一二三四五六七八九".find(c)) if not c.isdigit() else c for c in m["frac"])
        return scaled(f"{n}.{frac}", EXP[m["unit"] or ""])
    n = int_value(b)
    return None if n is None else Decimal(n)
