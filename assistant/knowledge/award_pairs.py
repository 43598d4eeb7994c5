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


# …企业技术中心的，分别给予50万元、20万元、10万元奖励，对…示范企业的，分别给予50万元、20万元奖励: where a new case begins
NEW_CASE = re.compile(r"[，,；;](?=对(?:于)?[^，,；;]{2,40}?的[，,]?\s*分别)")


def split_lists(sent: str) -> list[Proposal]:
    """Two award lists (分别…) for two sets of cases in one sentence, each opened by its own 对…的: one tiered rule
    each, or [] unless every part is one."""
    from assistant.knowledge.provisions import classify

    if sent.count("分别") < 2:
        return []
    cuts = [0] + [m.start() + 1 for m in NEW_CASE.finditer(sent)] + [len(sent) + 1]
    parts = [sent[a:b - 1].strip() for a, b in zip(cuts, cuts[1:], strict=False)]
    if len(parts) > 1 and "分别" not in parts[0]:  # a lead-in before the first case (加大…扶持，对…的，分别…)
        parts[:2] = [f"{parts[0]}{sent[len(parts[0])]}{parts[1]}"]
    if len(parts) < 2 or any(x.count("分别") != 1 for x in parts):
        return []
    out = [classify(x)[0] for x in parts]
    return out if all(q is not None and q.kind == "tiered" for q in out) else []


def split_steps(sent: str) -> list[Proposal]:
    """Two lists of thresholds joined by 或, one award list for both (投资额达到5000万元、2亿元以上的新建项目或投资额达到
    3000万元、1亿元以上的改造项目，分别给予20万元、30万元): one rule by thresholds for each case, named by it."""
    from assistant.knowledge.provisions import STEPS, classify

    steps = list(STEPS.finditer(sent))
    if len(steps) != 2 or "或" not in sent[steps[0].end():steps[1].start()] or "分别" not in sent[steps[1].end():]:
        return []
    alt = sent.index("或", steps[0].end())
    tail = re.search(r"[，,]", sent[steps[1].end():])
    if not tail:
        return []
    rest = steps[1].end() + tail.start()
    out = []
    for part, case in ((sent[:alt] + sent[rest:], sent[steps[0].end():alt]), (sent[alt + 1:], sent[steps[1].end():rest])):
        p = classify(part)[0]
        name = re.sub(r"^[^的]*的", "", case).strip()
        if p is None or p.kind != "tiered_threshold" or not 2 <= len(name) <= 12:
            return []
        p.quote = sent
        p.fields["case"] = name
        out.append(p)
    return out
