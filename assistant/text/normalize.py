"""A question as the reader sees it: Traditional characters as Simplified (OpenCC, a maintained
conversion table; none is written here), full-width digits, letters and signs as ASCII, and a
full-width comma between digit groups ("１，２００万") as a thousands separator.

Chinese punctuation (，。？！：；（）) is kept: the reader uses it to find clause boundaries.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Full-width ASCII forms (！..～) except the punctuation Chinese text uses as its own.
_KEEP = set("，。？！：；（）")
_WIDE = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in _KEEP} | {"\u3000": " "}
_TABLE = str.maketrans(_WIDE)
# Only between full-width digits: "2022，300家" (ASCII digits) is two numbers, "１，２００" is one.
_GROUPED = re.compile(r"(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc  # imported on first use: a start that reads no question pays nothing

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, character by character (OpenCC t2s); Simplified text comes back unchanged.
    OpenCC's Taiwan phrase conversion (tw2sp) is not used: it rewrites 補貼上限 as 补粘贴限 (貼上 read as
    "paste"), which would hide a claimed cap."""
    if text.isascii():
        return text
    return _converter("t2s").convert(text)


# Digit groups of three after a space, before a unit of money: a thousands separator, not two numbers.
_SPACED = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?=\s*(?:万|亿|元|块|yuan|rmb|cny|million)|\s*$)", re.I)
_CJK_PUNCT = str.maketrans("，。？！：；（）", ",.?!:;()")


def normalize_question(text: str) -> str:
    """The form every reading starts from (see the module docstring); runs of spaces are one space, and an
    English question's Chinese punctuation is ASCII."""
    out = _GROUPED.sub(",", to_simplified(text)).translate(_TABLE)
    out = _SPACED.sub(lambda m: m[0].replace(" ", ""), out)  # "1 200 万元", "8 500 000 元": one number
    out = re.sub(r"[ \t]{2,}", " ", out)
    latin = sum(1 for ch in out if ch.isascii() and ch.isalpha())
    if latin >= 6 and latin > 3 * sum(1 for ch in out if "\u4e00" <= ch <= "\u9fff"):
        out = out.translate(_CJK_PUNCT)
    return re.sub(r"(?<=[万亿元]),(?=\s*\d)", "，", out)  # "500万,2023年": a comma after a unit ends the amount
