"""Minimum figures an award requires, drafted as conditions of the award, never as awards.

"市外迁入的大型商贸服务企业总部，注册资本在1000万元（含）以上，且年度营业收入在1亿元（含）以上，按营业额的0.2%
给予奖励": the firm must have 注册资本 ≥ 1000万元 and 营业收入 ≥ 1亿元 to get anything. Each such phrase becomes a
condition of kind ``minimum`` (its figure word, the threshold and whether the threshold itself counts); a question
that gives the firm's figure for that word is checked against it, and a figure below it gets no award computed.
A rule whose awards step by thresholds (tiered_threshold, banded) or whose tiers each carry their own threshold
(投资2000万元以上建设智能化工厂、投资500万元以上建设智能化车间…，分别…) reads its thresholds itself: no minimum.
"""

from __future__ import annotations

import re

KINDS = ("subsidy", "cap_only", "rate", "fixed", "range", "min_rate", "per_unit", "schedule")
# 注册资本在1000万元（含）以上 / 年度研发投入经费达到50万元以上 / 营业收入超过5000万元
PHRASE = re.compile(r"(?P<cue>在|达到|达|超过|不低于|不少于)?\s*(?P<fig>\d[\d,.]*\s*(?:万|亿)?元)\s*"
                    r"(?P<bound>[（(]含[）)]以上|及以上|以上)?")
CUT = re.compile(r"[，,；;。、对且并和及或的与、：:（）()]")
# the words of a figure a firm has (资本, 收入, 投入…), not of what it does
FIGURE_WORD = re.compile(r"(?:资本|收入|营业额|销售额|销售收入|投入|经费|投资|投资额|费用|产值|纳税|税收|资产|设备|金额|资金|总额)$")
LEAD = re.compile(r"^(?:年度|上年度|上一年度|当年|年|企业|项目|实际|累计|其)+")
TAIL = re.compile(r"(?<=..)(?:经费|总额|金额)$")


def variants(term: str) -> list[str]:
    """The words a question may name the figure by: 年度研发投入经费 → 研发投入经费, 研发投入."""
    out = [term]
    for t in list(out):
        bare = LEAD.sub("", t)
        if len(bare) >= 2:
            out.append(bare)
    for t in list(out):
        bare = TAIL.sub("", t)
        if len(bare) >= 2:
            out.append(bare)
    from assistant.knowledge.aliases import _tokenizer

    words = [w for w in _tokenizer().lcut(out[-1]) if w.strip()]
    out += ["".join(words[i:]) for i in range(1, len(words)) if len("".join(words[i:])) >= 4]  # 购置智能化设施设备 → 设施设备
    return list(dict.fromkeys(out))


def find_minimums(quote: str) -> list[dict]:
    """Each "figure word + threshold + 以上" phrase of ``quote``: term, threshold text, inclusive, its words."""
    found = []
    for m in PHRASE.finditer(quote):
        if not (m["cue"] or m["bound"]) or (m["bound"] is None and m["cue"] not in ("超过", "不低于", "不少于")):
            continue  # a figure with neither 以上 nor a comparing word is an amount, not a floor
        if re.match(r"\s*(?:以下|以内|[—\-－~至到])", quote[m.end():]) or re.search(r"[—\-－~至到]\s*$", quote[:m.start()]):
            continue  # a band (1000—2000万元), not a floor
        before = quote[: m.start()]
        cuts = [c.end() for c in CUT.finditer(before)]
        term = before[cuts[-1] if cuts else 0 :].strip()
        term = re.sub(r"^(?:新(?!增)|首次|凡|已|经)", "", term)
        if not (2 <= len(term) <= 12) or not FIGURE_WORD.search(term) or re.search(r"\d", term):
            continue
        inclusive = m["cue"] not in ("超过",)
        text = quote[m.start() - len(term) if m.start() >= len(term) else 0 : m.end()]
        found.append({"term": term, "threshold": m["fig"].replace(" ", ""), "inclusive": inclusive,
                      "text": text.strip(), "terms": variants(term)})
    return found


def minimum_conditions(rule_id: str, kind: str, clause: str, quote: str) -> dict[str, dict]:
    """The conditions (id → rule-file entry) of one drafted rule's minimum figures."""
    if kind not in KINDS:
        return {}
    mins = find_minimums(quote)
    if len({m["term"] for m in mins}) != len(mins):
        return {}  # one word with several floors: the tiers' own thresholds, not one condition
    out = {}
    for i, m in enumerate(mins, 1):
        # the id names the document too: readers gather the minimums of every document by id, and one document's
        # r4_min1 must never stand for another's
        cid = re.sub(r"\W", "_", rule_id) + f"_min{i}"
        out[cid] = {"kind": "minimum", "criterion": m["text"], "clause": clause, "quote": m["text"],
                    "terms": m["terms"], "threshold": m["threshold"], "inclusive": m["inclusive"],
                    "ask": f"请提供企业的{m['term']}金额，以便核对是否达到原文要求。"}
    return out
