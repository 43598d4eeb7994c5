"""Set awards by thresholds of a count, not of money (for ``provisions`` and ``cases``): one ``tiered_threshold``
rule whose thresholds are quantities of a unit, the count asked as its input.

代理量达50件、100件、200件以上的，分别给予2万元、4万元、8万元 (a list of steps before 分别) ·
面积在1000—2000平方米（含）、2000平方米以上的，分别奖励10万元、20万元 (a list of bands) ·
售票500人（含）—1000人（不含）的，给予1万元；售票1000人（含）以上的，给予2万元 (a band and its award, clause by clause).
The boundary is read as the text words it: 以上/达到/（含） include the number, 超过/突破 do not.
"""

from __future__ import annotations

import re

from assistant.knowledge.wording import AMT, NUM, UNITS, Proposal, _n

COUNT = rf"{NUM}\s*(?:万)?\s*(?:{UNITS})"
# 达50件、100件、200件以上 · 突破10万人次、20万人次
COUNT_STEPS = re.compile(rf"(?P<word>突破|达到|超过|达)\s*(?P<list>{COUNT}(?:\s*、\s*{COUNT})+)\s*(?P<above>以上)?")
INC = r"(?:[（(]含[）)])?"
COUNT_BAND = rf"{NUM}\s*(?:万)?\s*(?:{UNITS})?\s*{INC}\s*(?:(?:至|到|—|－|-|~)\s*{NUM}\s*(?:万)?\s*(?:{UNITS})\s*{INC})?\s*(?:以上|以下)?"
COUNT_BAND_LIST = re.compile(rf"(?P<list>{COUNT_BAND}(?:\s*、\s*{COUNT_BAND})+)")
# 5000人（含）—10000人（不含）的，给予最高3万元 · 20000人（含）以上的，给予10万元: a band and its award
MONEY_STEP = re.compile(rf"(?:达到|超过|突破|达)\s*({NUM}\s*(?:万|亿)?元)")
# 3000（含）—5000辆（不含）: the unit written once, after the upper bound
COUNT_PAIR = re.compile(rf"(?P<over>超过|达到|突破)?\s*(?P<low>{COUNT}|{NUM}(?=\s*{INC}\s*(?:至|到|—|－|-|~)\s*{COUNT}))\s*(?P<inc>{INC})\s*"
                        rf"(?:(?P<dash>至|到|—|－|-|~)\s*(?P<high>{COUNT})\s*(?:[（(]不?含[）)])?|(?P<word>以上|及以上))?"
                        rf"[^。；;\d]{{0,20}}?(?:给予|奖励|资助|补贴|补助|支持)[^，。；;\d]{{0,10}}?(?P<amt>{AMT})")


def _unit(text: str) -> str | None:
    units = set(re.findall(UNITS, text))
    return units.pop() if len(units) == 1 else None


def _value(text: str, unit: str):
    from assistant.knowledge.kinds import number

    return number(re.sub(r"[（(]含[）)]|以上$", "", text).strip().removesuffix(unit))


def _proposal(s: str, word: str, unit: str, lows: list[str], amounts: list[str]) -> Proposal | None:
    """The rule, when the thresholds rise strictly and each has its award."""
    try:
        values = [_value(x, unit) for x in lows]
    except Exception:  # noqa: BLE001  (a count the reader refuses: no rule)
        return None
    if len(lows) != len(amounts) or len(lows) < 2 or values != sorted(values) or len(set(values)) != len(values):
        return None
    p = Proposal("tiered_threshold", s, {"boundary": word, "unit": unit,
                                         "tiers": [{"threshold": lo, "amount": a} for lo, a in zip(lows, amounts, strict=True)]})
    p.used |= {_n(x) for x in lows} | set(amounts)
    return p


def counted_list(s: str, head: str, amounts: list[str]) -> Proposal | None:
    """Steps or bands of a count listed before 分别 (``head``: the words before the award list)."""
    if steps := list(COUNT_STEPS.finditer(head)):
        st = steps[-1]
        unit = _unit(st["list"])
        lows = [_n(x) for x in re.split(r"\s*、\s*", st["list"])]
        return _proposal(s, "以上" if st["above"] else st["word"], unit, lows, amounts) if unit else None
    listed = [m for m in COUNT_BAND_LIST.finditer(head) if _unit(m["list"]) and not re.search(r"万?元", m["list"])]
    if not listed:
        return None
    items = re.split(r"\s*、\s*", listed[-1]["list"])
    unit = _unit(listed[-1]["list"])
    if not all(re.search(r"[（(]含[）)]|至|到|—|以上", x) for x in items[1:]):
        return None
    word = next((w for w in ("（含）", "(含)", "以上") if w in listed[-1]["list"]), None)
    lows = [_n(re.match(rf"{NUM}\s*(?:万)?\s*(?:{unit})?", x)[0]) for x in items]
    return _proposal(s, word, unit, lows, amounts) if word else None


def counted_pairs(text: str) -> Proposal | None:
    """Bands of a count, each followed by its award in its own clause."""
    found = [m for m in COUNT_PAIR.finditer(text) if m["over"] or m["inc"] or m["word"] or m["dash"]]
    unit = _unit(" ".join(m["low"] + (m["high"] or "") for m in found))
    word = next((w for w in ("以上", "达到", "（含）", "(含)", "突破", "超过") if w in text), None)
    if len(found) < 2 or not unit or not word or len(set(MONEY_STEP.findall(text))) > 1:
        return None  # each case with an amount to reach besides its count (营业收入达到1000万元…面积超过100平方米): cases, not bands
    return _proposal(text, word, unit, [_n(m["low"]) for m in found], [_n(m["amt"]) for m in found])
