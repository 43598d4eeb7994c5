"""The same awards for each of several categories, one comma-separated stretch per category (甲类人才给予
20万元安家补贴和10万元生活补贴，乙类人才给予10万元安家补贴和5万元生活补贴): one tiered rule per award, its
levels the categories, so that no award of one category is ever read as another of the same person."""

from __future__ import annotations

import re

from assistant.knowledge.wording import AMT, Proposal, _n

# 30万元购房补贴 · 税后6万元的生活补贴: an amount and the award it names right after it
NAMED = re.compile(rf"(?P<amt>{AMT})的?(?P<noun>[^，,、；;。和及与\d]{{0,8}}?(?:补贴|补助|奖励|资助|津贴|经费|费))")
VERB = re.compile(r"(?:可)?(?:一次性)?(?:给予|发放|奖励|补贴|资助)")


def _category(stretch: str) -> str | None:
    """Who a stretch pays: the words before its award verb, after the last 的 of the qualifying words."""
    verb = VERB.search(stretch)
    if not verb:
        return None
    words = re.sub(r"^(?:对于|对|其中|而)", "", stretch[: verb.start()].strip())
    words = words.rsplit("的", 1)[-1]
    return words if 2 <= len(words) <= 16 and not re.search(r"\d", words) else None


def paired_tiers(sent: str) -> list[Proposal]:
    """One tiered rule per award named in every stretch, or [] unless each stretch names the same awards in
    the same order for a category of its own, and every amount of the sentence is one of them."""
    rows = []
    for stretch in re.split(r"[，,]", sent):
        named = list(NAMED.finditer(stretch))
        if len(named) >= 2:
            rows.append((_category(stretch), [(_n(m["amt"]), m["noun"]) for m in named]))
    if len(rows) < 2 or any(c is None for c, _ in rows) or len({c for c, _ in rows}) != len(rows):
        return []
    nouns = [[n for _, n in awards] for _, awards in rows]
    if any(x != nouns[0] for x in nouns) or len(set(nouns[0])) != len(nouns[0]):
        return []
    if sum(len(a) for _, a in rows) != len(re.findall(AMT, sent)):
        return []  # another amount of the sentence (a cap, a condition): not these awards alone
    out = []
    for i, noun in enumerate(nouns[0]):
        p = Proposal("tiered", sent, {"tiers": [{"label": c, "amount": a[i][0]} for c, a in rows], "case": noun})
        p.used |= {a[i][0] for _, a in rows}
        out.append(p)
    return out
