"""Rates by slices of an amount (500万元（含）以下的部分按投资额的4%给予奖励；超过500万元不超过1000万元（含）的部分
按2%…；3000万元以上的部分按1%), for ``rules_draft``: one ``banded`` rule whose bands are rates of the base, each
paying for the part of the amount within it, with the caps written after them (单笔奖励不超过100万元，累计…).
"""

from __future__ import annotations

import re

from assistant.knowledge.wording import AMT, RATE, SENTENCE, Proposal, _cap, _n

SLICE = re.compile(rf"(?:超过\s*(?P<low>{AMT})\s*(?P<low_inc>[（(]含[）)])?\s*)?(?:不超过\s*)?(?:(?P<high>{AMT})\s*(?P<inc>[（(]含[）)])?\s*"
                   rf"(?P<word>以上|以下)?)?的部分[，,]?按[^，。；%％\d]{{0,12}}?(?P<rate>{RATE})")


def _rows(sentence: str) -> list[dict]:
    rows: list[dict] = []
    for m in SLICE.finditer(sentence):
        row: dict = {"rate": _n(m["rate"])}
        if m["word"] == "以上":  # 3000万元以上的部分: above the band below, which took the bound if it said （含）
            took = bool(rows) and rows[-1].get("high") == _n(m["high"]) and rows[-1].get("high_inclusive")
            row |= {"low": _n(m["high"]), "low_inclusive": not took}
        else:
            if m["low"]:
                row |= {"low": _n(m["low"]), "low_inclusive": bool(m["low_inc"])}
            if m["high"]:
                row |= {"high": _n(m["high"]), "high_inclusive": True}
        if "low" not in row and "high" not in row:
            return []
        rows.append(row)
    return rows


def slices(clause: str) -> tuple[Proposal, int, int] | None:
    """The fullest statement of the slices in the clause, with the sentences before it that state part of
    the same bands (单笔投资额不超过500万元（含）的，按投资额的4%…) and the cap sentence after it; (proposal, start, end)."""
    sentences = [m for m in re.finditer(r"[^。]+。?", clause)]
    best = max(sentences, key=lambda m: len(_rows(m[0])), default=None)
    rows = _rows(best[0]) if best else []
    if len(rows) < 2:
        return None
    figures = {v for r in rows for v in (r.get("low"), r.get("high"), r["rate"]) if v}
    i = sentences.index(best)
    while i > 0 and (own := {_n(x) for x in re.findall(f"{AMT}|{RATE}", sentences[i - 1][0])}) and own <= figures:
        i -= 1  # 单笔投资额不超过1000万元（含）的，…: the same bands, stated for a smaller amount
    start, end = sentences[i].start(), best.end()
    base = re.search(r"按(?P<base>[^，。；%％\d]{2,12}?)的?\s*\d", best[0])
    first = SLICE.search(clause, start)
    if not base or base["base"].rstrip("的") not in clause[:first.start()]:
        return None  # 贷款额度…的部分按贷款利率的50%: the rate is of another amount than the one sliced
    p = Proposal("banded", "", {"unit": "元", "bands": rows, "marginal": True, "base": base["base"].rstrip("的")})
    after = SENTENCE.match(clause, end)
    if after and not re.search(RATE, after[0]) and re.search(r"不超过|最高|最多", after[0]):
        _cap(after[0], p)  # 单笔奖励不超过100万元，累计奖励不超过1000万元
        end = after.end()
    p.quote = clause[start:end].strip().rstrip("。；;")
    p.used |= figures | {p.fields.get("cap"), p.fields.get("total_cap")} - {None}
    return p, start, end
