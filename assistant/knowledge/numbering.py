"""Heading numbers of Chinese official documents: 第X章/第X条, 一、, （一）, 1., （1）, in any mix.

Matching runs on a line whose full-width digits and dots are made ASCII (one character for one,
so every span still points into the document text). ``scheme`` says which level carries the
clauses and which groups them, for one document or one attachment.
"""

from __future__ import annotations

import re

CN_DIGITS = "零一二三四五六七八九"
CN_NUM = "[一二三四五六七八九十百零〇两]+"
NUMS = rf"(?:{CN_NUM}|\d{{1,3}})"
# One character for one: offsets found on the folded line are offsets into the text.
FOLD = str.maketrans("０１２３４５６７８９．（）", "0123456789.（）")

PART_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*(?P<title>[^。；]{2,40})$")
# A part number leading a whole paragraph (一、支持企业上市。对…): a clause when parts carry the clauses.
PART_LEAD = re.compile(r"^(?P<num>[一二三四五六七八九十]+)\s*[、.．]\s*(?=\S)")
PART_ANY = re.compile(r"^(?P<num>[一二三四五六七八九十]+|\d{1,2})\s*[、.．](?!\d)\s*(?=\S)")
MEASURE_RE = re.compile(r"^[（(]\s*(?P<num>[一二三四五六七八九十]+)\s*[）)]")
LEVELS = {
    "chapter": re.compile(rf"^第\s*(?P<num>{NUMS})\s*章\s*(?P<title>[^。；]{{0,40}})$"),
    "article": re.compile(rf"^第\s*(?P<num>{NUMS})\s*条"),
    "part": PART_RE,
    "paren": MEASURE_RE,
    "num_dot": re.compile(r"^(?P<num>\d{1,2})\s*[.、]\s*(?!\d)"),
    "num_paren": re.compile(r"^[（(]\s*(?P<num>\d{1,2})\s*[）)]"),
}
# Any leading number, to find a clause's words after it whatever its label became (附件1·（一）).
LEAD_NUMBER = re.compile(rf"^\s*(?:第\s*{NUMS}\s*[条章]|[（(]\s*(?:{CN_NUM}|\d{{1,3}})\s*[）)]|(?:{CN_NUM}|[\d０-９]{{1,3}})\s*[、.．])\s*")
ATTACHMENT = re.compile(r"^附\s*件\s*(?P<num>[\d一二三四五六七八九十]{0,3})\s*[:：]?\s*(?P<rest>.*)$")


def fold(line: str) -> str:
    return line.translate(FOLD)


def cn_number(n: int) -> str:
    """1..99 as a Chinese numeral, the way headings are numbered (十, 十一, 二十)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "") or "零"


def cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_DIGITS.index(tens) if tens else 1) * 10 + (CN_DIGITS.index(ones) if ones else 0)
    return CN_DIGITS.index(s)


def cn_big(s: str) -> int:
    """Chinese numerals up to 999 (第一百零二条), or digits."""
    s = fold(s).replace("两", "二").replace("〇", "零").strip()
    if s.isdigit():
        return int(s)
    total, rest = 0, s
    if "百" in rest:
        h, _, rest = rest.partition("百")
        total += (CN_DIGITS.index(h) if h else 1) * 100
    rest = rest.lstrip("零")
    return total + (cn_to_int(rest) if rest else 0)


def label_of(level: str, n: int, raw: str) -> str:
    """The label a clause is cited by, written one way whatever the text's spacing or digits."""
    return {"article": f"第{cn_number(n)}条", "chapter": f"第{cn_number(n)}章", "part": f"{cn_number(n)}、",
            "part_lead": f"{cn_number(n)}、", "paren": f"（{cn_number(n)}）", "num_dot": f"{n}.",
            "num_paren": f"（{n}）"}.get(level, raw)


def scheme(lines: list[str]) -> tuple[str | None, str | None]:
    """Which heading level carries the clauses (measure) and which groups them (part), from folded lines."""
    found = {name: any(rx.match(line) for line in lines) for name, rx in LEVELS.items()}
    if found["article"]:
        return "article", "chapter" if found["chapter"] else ("part" if found["part"] else None)
    if found["paren"]:
        return "paren", "part" if found["part"] or any(PART_LEAD.match(x) for x in lines) else None
    if found["part"] and not found["num_dot"]:
        return "part_lead", None
    for fine in ("num_dot", "num_paren"):  # 1. / （1） as the clause level, 一、 grouping them if present
        if found[fine]:
            return fine, "part" if found["part"] else None
    if any(PART_LEAD.match(x) for x in lines):
        return "part_lead", None
    if found["chapter"]:
        return None, "chapter"
    return None, None


def matcher(level: str | None):
    """The regex that finds a heading of ``level`` on a folded line (a long 一、… paragraph included)."""
    if level is None:
        return None
    return PART_ANY if level == "part_lead" else LEVELS[level]
