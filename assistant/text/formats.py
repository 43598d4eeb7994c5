"""Amounts and rates as official text writes them (2亿元, 1,200万元, 4,999,999.80元, 30%), and plain
digits for JSON. Exact: nothing is rounded silently.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.text.numerals import EXACT, as_decimal


def format_yuan(amount: Decimal) -> str:
    """As official text writes it: 2亿元, 1,200万元, 3,333,301元, 4,999,999.80元."""
    a = as_decimal(amount)
    sign, a = ("-" if a < 0 else ""), abs(a)
    if a == 0:
        return "0元"
    for unit, exp in (("亿", 8), ("万", 4)):  # 亿 only when whole: 1.2亿 reads as 12,000万元
        n = a.scaleb(-exp, EXACT)
        if n == n.to_integral_value():
            return f"{sign}{int(n):,}{unit}元"
    if a == a.to_integral_value():
        return f"{sign}{int(a):,}元"
    places = max(2, -a.normalize(EXACT).as_tuple().exponent)  # never round silently
    return f"{sign}{a:,.{places}f}元"


def format_rate(rate: Decimal) -> str:
    """0.3 -> 30%, 0.005 -> 0.5%."""
    percent = as_decimal(rate).scaleb(2, EXACT).normalize(EXACT)
    return f"{percent:f}%"


def format_plain_yuan(amount: Decimal | int | str) -> str:
    """Plain digits for JSON: 5E+6 -> 5000000, 4999999.8 -> 4999999.80."""
    a = as_decimal(amount)
    if a == 0:
        return "0"
    if a == a.to_integral_value():
        return f"{a.quantize(Decimal(1), context=EXACT):f}"
    return f"{a:.{max(2, -a.normalize(EXACT).as_tuple().exponent)}f}"


def format_english_yuan(amount: Decimal) -> str:
    """12000000 → "12,000,000 yuan": an amount in an English answer (fen kept when there are any)."""
    return f"{amount:,.2f}".removesuffix(".00") + " yuan"
