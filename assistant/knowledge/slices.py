"""Rates by slices of an amount (500万元（含）以下的部分按投资额的4%给予奖励；超过500万元不超过1000万元（含）的部分
按2%…；3000万元以上的部分按1%), for ``rules_draft``: one ``banded`` rule whose bands are rates of the base, each
paying for the part of the amount within it, with the caps written after them (单笔奖励不超过100万元，累计…); and a
rate of the whole amount for each band it falls in, one sentence per band (原值≥1万元，小于50万元的，补助率为0.3%).
"""

from __future__ import annotations

import re

from assistant.knowledge.wording import AMT, RATE, SENTENCE, Proposal, _cap, _n, base_before

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


# The bounds of a band of an amount as texts write them: ≥1万元 · 大于50万元 · 小于50万元 · 100万元（含）以上 · 不超过…
LOW_IN = re.compile(rf"(?:≥|大于等于|不低于|不少于|达到)\s*(?P<amt>{AMT})|(?P<amt2>{AMT})\s*(?:[（(]含[）)])?\s*(?:及)?以上")
LOW_OUT = re.compile(rf"(?:大于|超过|高于)\s*(?P<amt>{AMT})")
HIGH_IN = re.compile(rf"(?:≤|小于等于|不超过|不高于)\s*(?P<amt>{AMT})|(?P<amt2>{AMT})\s*(?:[（(]含[）)])?\s*以下")
HIGH_OUT = re.compile(rf"(?:小于|低于|不足)\s*(?P<amt>{AMT})")
BAND_RATE = re.compile(rf"^(?P<cond>[^。；;]*?)的[，,][^。；;%％]{{0,24}}?(?:为|按)\s*(?P<rate>{RATE})$")


def _bound(cond: str) -> dict:
    row: dict = {}
    for pattern, key, inclusive in ((LOW_IN, "low", True), (LOW_OUT, "low", False), (HIGH_IN, "high", True), (HIGH_OUT, "high", False)):
        for m in pattern.finditer(cond):
            if key not in row:
                row |= {key: _n(m["amt"] or m["amt2"]), f"{key}_inclusive": inclusive}
    return row


def rate_bands(clause: str) -> tuple[Proposal, int, int] | None:
    """A rate of the whole amount for each band it falls in, one sentence per band (单位原值≥1万元，小于50万元的，补助率为
    0.3%；单位原值大于50万元的，补助率为0.15%): one ``banded`` rule of rates, not marginal; (proposal, start, end)."""
    run: list[tuple[re.Match, dict, str]] = []
    for s in SENTENCE.finditer(clause):
        m = BAND_RATE.match(s[0].strip().rstrip("。；;"))
        row = _bound(m["cond"]) if m else {}
        if m and row:
            run.append((s, row | {"rate": _n(m["rate"])}, m["cond"]))
        elif len(run) < 2:
            run = []
        else:
            break
    rows = [r for _, r, _ in run]
    if len(rows) < 2 or any("low" in b and "high" in a and a["high"] != b["low"] for a, b in zip(rows, rows[1:], strict=False)):
        return None  # bands that do not follow each other are not one amount's bands
    cond = run[0][2]
    base = base_before(cond, min(m.start() for p in (LOW_IN, LOW_OUT, HIGH_IN, HIGH_OUT) if (m := p.search(cond))))
    start, end = run[0][0].start(), run[-1][0].end()
    p = Proposal("banded", clause[start:end].strip().rstrip("。；;"), {"unit": "元", "bands": rows} | ({"base": base} if base else {}))
    p.used |= {v for r in rows for v in (r.get("low"), r.get("high"), r["rate"]) if v}
    return p, start, end
