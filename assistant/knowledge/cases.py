"""One award for each case, written as a run of sentences or clauses of one clause: a rule with tiers.

对国家级…的机构，每个机构资助200万元；新获得省级…的，每个机构资助100万元 → tiered by level;
被评为五星级的给予10万元，四星级的给予5万元… → tiered by level within one sentence;
实缴注册资本500万(含)至5000万元的，奖励300万元；…20亿元(含)以上，奖励2000万元 → awards by thresholds of
the amount (tiered_threshold), each band's lower bound a threshold. The tiers are only what the words
say: each case must name a level (or a band) of its own, and every amount stays verbatim in the quote.
"""

from __future__ import annotations

import re

from assistant.knowledge.counted_steps import counted_pairs
from assistant.knowledge.provisions import AMT, Proposal
from assistant.knowledge.tiers import CASE_LEAD, _case_chunks, parallel_cases
from assistant.knowledge.wording import base_before, spelled

LEVEL = (r"(?:国家|省|市|区|县|镇|街道)级|[一二三四五六七]星级?|[1-5１-５][AＡ](?:级)?|[A-EＡ-Ｅ]类|[一二三]等奖|"
         r"[金银铜]奖|优秀奖|(?<![\u4e00-\u9fa5])国家(?=[^，。；]{0,6}(?:认定|批准|评定))")
AWARD = r"(?:给予|奖励|资助|补贴|补助|支持)"
MONEY_Q = r"\d[\d,]*(?:\.\d+)?\s*(?:万|亿)(?:美?元|(?![人次亩件家个名户吨台套张间床辆平千]))"  # 50万人次 is a count
# 500万(含)至5000万元的 · 20亿元(含)以上 · 1000万元以上（含）2000万元以下的 · 500万美元及以上1000万美元以下的: a band and its award
BAND_PAIR = re.compile(rf"(?P<over>超过|达到|突破)?\s*(?P<low>{MONEY_Q})\s*(?P<inc>[（(]含[）)])?\s*"
                       rf"(?:(?:至|到|-|—|－|~)\s*{MONEY_Q}\s*(?:[（(]含[）)])?|(?P<word>以上|及以上)"
                       rf"(?:\s*(?:[（(]含[）)])?\s*{MONEY_Q}\s*(?:[（(]含[）)])?以下)?)?"
                       rf"[^。；;\d]{{0,20}}?(?:{AWARD})[^，。；;\d]{{0,10}}?(?P<amt>{AMT})")


def _n(text: str) -> str:
    return re.sub(r"\s+", "", text)


def level_tiers(text: str) -> Proposal | None:
    """Levels each followed by their own award, two or more, every level different: each award amount
    goes with the nearest level before it (and after the previous award)."""
    levels = list(re.finditer(LEVEL, text))
    pairs, after = [], 0
    for m in re.finditer(rf"(?:{AWARD})[^，。；;\d]{{0,10}}?(?P<amt>{AMT})", text):
        before = [x for x in levels if after <= x.start() and x.end() <= m.start()]
        if not before:
            return None
        level = before[-1]
        if m.start() - level.end() > 40 or re.search(r"[。；;]", text[level.end():m.start()]):
            return None  # the level is too far from its award to be its case
        pairs.append((level[0], _n(m["amt"])))
        after = m.end()
    labels = [p[0] for p in pairs]
    if len(pairs) < 2 or len(set(labels)) != len(labels):
        return None
    p = Proposal("tiered", text, {"tiers": [{"label": lab, "amount": a} for lab, a in pairs]})
    p.used |= {a for _, a in pairs}
    return p


def threshold_tiers(text: str) -> Proposal | None:
    """Bands of an amount (500万(含)至5000万元的 / 20亿元(含)以上) each followed by their award: the
    highest band reached decides (tiered_threshold), its lower bound as written being the threshold."""
    from assistant.text.amounts import parse_amount

    found = [m for m in BAND_PAIR.finditer(text) if m["over"] or m["inc"] or m["word"] or "至" in m[0] or "到" in m[0]]
    if len(found) < 2:
        return counted_pairs(text)  # 售票500人（含）—1000人（不含）的，给予…: bands of a count
    # the currency of a band is that of its bounds (1000万（含）至2000万美元: both in 美元)
    foreign = [re.search(r"美元|港元|欧元", m[0][: m.start("amt") - m.start()]) for m in found]
    if len({f[0] if f else "" for f in foreign}) != 1:
        return None  # bands of two different amounts
    currency = foreign[0][0] if foreign[0] else None
    lows = [_n(m["low"]) for m in found]
    try:  # a foreign amount is never converted: its thresholds are compared in its own currency
        values = [parse_amount(re.sub(r"(?:美|港|欧)?元$", "", x) + "元") for x in lows]
    except Exception:  # noqa: BLE001  (a bound the reader refuses: leave the sentences as they are)
        return None
    # the boundary as the text words it: 以上/达到/（含） include the number, 超过/突破 do not
    word = next((w for w in ("以上", "达到", "（含）", "(含)", "突破", "超过") if w in text), None)
    if values != sorted(values) or len(set(values)) != len(values) or not word:
        return None
    tiers = [{"threshold": low, "amount": _n(m["amt"])} for low, m in zip(lows, found, strict=True)]
    base = re.sub(r"^按(?:照)?其?|(?:首次|当年|年度|累计|新增)$", "", base_before(text, found[0].start()) or "")
    if len(base) < 2:  # 按其年营业收入…，首次达到…: the amount named by 按
        named = list(re.finditer(r"按(?:照)?其?(?P<base>[\u4e00-\u9fa5]{2,10}?)(?:给予|的|[，,])", text[: found[0].start()]))
        base = named[-1]["base"] if named else None
    p = Proposal("tiered_threshold", text, {"boundary": word, "tiers": tiers} | ({"currency": currency} if currency else {})
                 | ({"base": base} if base else {}))
    p.used |= set(lows) | {t["amount"] for t in tiers}
    return p


def leading_award(sent: str, p: Proposal) -> list[Proposal]:
    """A set award stated before awards by thresholds in one sentence (…的，给予一次性奖励5000元，申报为…的，按其
    年营业收入首次达到…奖励1万元…): the award, then the thresholds, each quoting its own words; [] when none leads."""
    from assistant.knowledge.provisions import classify

    first = min((sent.find(t["threshold"]) for t in p.fields["tiers"]), default=-1)
    for m in re.finditer(r"[，,]", sent[:max(first, 0)]):
        lead, _ = classify(sent[: m.start()])
        if lead is not None and set_award(lead) and not (lead.used & p.used):
            rest = Proposal(p.kind, sent[m.end():].strip(), p.fields, p.used)
            return [lead, rest] if all(t["amount"] in rest.quote and t["threshold"] in rest.quote for t in p.fields["tiers"]) else []
    return []


def _award_of(p: Proposal) -> str:
    return p.fields.get("amount") or p.fields.get("cap") or ""


def case_tiers(text: str, awards: list[Proposal]) -> Proposal | None:
    """Set awards written in parallel, one per case (对排名前6位的集体给予20万元奖励，对排名前18位的个人
    给予1万元奖励): one tiered rule, each case's own words its label."""
    parts = [(p.quote, spelled(_award_of(p), p.quote)) for p in awards]  # 最高 8 万元: the amount as the quote prints it
    if len(parts) < 2 or not all(a and a in q for q, a in parts) or len({_n(a) for _, a in parts}) == 1:
        return None  # the same award for every case is one set award, not tiers
    # (市、县级各1万元) right after the award: how it is shared out, not a further award
    if any(re.search(AMT, re.sub(r"^\s*[（(][^（()）]*[）)]", "", q[q.find(a) + len(a):])) for q, a in parts):
        return None  # a further award in the sentence (额外给予200万元): not one award per case
    labels, words = parallel_cases(parts), None
    if not labels and (boards := [BOARD.search(q[: q.find(a)]) for q, a in parts]) and all(boards):
        labels = [b["label"] for b in boards]  # 在主板、中小板上市的…100万元，在创业板上市的…50万: grades of one listing award
        words = [re.findall(BOARD_NAME, lab) for lab in labels]
    if not labels or len(set(labels)) != len(labels) or any(lab not in text for lab in labels):
        return None
    tiers = [{"label": lab, "amount": a} for lab, (_, a) in zip(labels, parts, strict=True)]
    for t, w in zip(tiers, words or [], strict=False):
        t["words"] = w
    p = Proposal("tiered", text, {"tiers": tiers})
    p.used |= {_n(a) for _, a in parts}
    return p


BOARD_NAME = r"主板|中小板|创业板|科创板|北交所|新三板|境外"
BOARD = re.compile(rf"在(?P<label>[^，。；在]{{0,16}}?(?:{BOARD_NAME})[^，。；在]{{0,4}}?(?:上市|挂牌))")
# …上市的奖励企业50万 beside …上市的经历企业100万元: an amount in the frame of an award, its verb mistyped
FRAME = re.compile(rf"的(?P<verb>[\u4e00-\u9fa5]{{2}})(?P<obj>企业|单位|机构|个人)(?P<amt>{AMT})$")


def _mirrored(part: str, sent: str) -> Proposal | None:
    """A clause with no award word whose only amount closes it where another clause of the sentence has its award."""
    f = FRAME.search(part)
    if not f or re.fullmatch(AWARD, f["verb"]) or len(re.findall(AMT, part)) != 1:
        return None
    if not any((g := FRAME.search(x)) and g["obj"] == f["obj"] and re.fullmatch(AWARD, g["verb"]) for x in re.split(r"[，,]", sent)):
        return None
    return Proposal("cap_only", part, {"cap": _n(f["amt"]), "cap_per": "单个企业"}, {_n(f["amt"])})


def sentence_cases(sent: str) -> Proposal | None:
    """One sentence that names a case and its set award twice or more, between commas."""
    from assistant.knowledge.provisions import CAP, classify

    awards, start = [], 0
    for m in re.finditer(r"[，,]", sent + "，"):
        part = sent[start:m.start()]
        p, _ = classify(part)
        p = p or _mirrored(part, sent)
        if p is None and awards and not set_award(awards[-1]) and (cap := CAP.search(part)):
            p = Proposal("cap_only", part, {"cap": _n(cap["cap"])}, {_n(cap["cap"])})  # 其他地区每年最高4000元
        if p is not None and (set_award(p) or p.kind == "cap_only") and _award_of(p) in _n(part):
            awards.append(p)
            start = m.end()
    if len(awards) < 2 or sent[start:].strip() or len({set_award(p) for p in awards}) != 1:
        return None  # all set awards, or all maxima (珠三角地区每年最高6000元，其他地区每年最高4000元)
    return case_tiers(sent, awards) or _exception(sent, awards)


def _exception(sent: str, awards: list[Proposal]) -> Proposal | None:
    """An award and, after 其中, another for one kind of applicant (单个项目补助上限不超过300万元，其中试点企业
    补助上限不超过50万元): tiers of that kind and of the others, each named by its own words (单个项目 / 试点企业)."""
    if len(awards) != 2 or not awards[1].quote.startswith("其中"):
        return None
    labels = []
    for p in awards:
        chunks = _case_chunks(p.quote, _award_of(p))
        label = re.sub(r"^其中[，,]?", "", chunks[-1]) if chunks else ""
        labels.append(re.sub(r"(?:的)?(?:补助|补贴|资助|奖励|支持)?(?:上限|金额|额度|标准)?(?:原则上)?$", "", label))
    if any(not 2 <= len(x) <= 24 or x not in sent for x in labels) or labels[0] == labels[1]:
        return None
    tiers = [{"label": lab, "amount": _award_of(p)} for lab, p in zip(labels, awards, strict=True)]
    p = Proposal("tiered", sent, {"tiers": tiers})
    p.used |= {t["amount"] for t in tiers}
    return p


CATEGORY = r"[^，,、；。\d]{2,12}?"  # 本科生 · 硕士研究生: a category named before its amount
CATEGORY_ITEM = re.compile(rf"(?P<label>{CATEGORY})\s*(?P<amt>{AMT})")
CATEGORY_LIST = re.compile(rf"其中[，,：:]?\s*(?P<list>{CATEGORY}\s*{AMT}(?:[，,、；;]\s*{CATEGORY}\s*{AMT})+)$")


def category_tiers(sent: str) -> Proposal | None:
    """An award announced, then its amount for each category after 其中 (发放住房补贴，其中本科生2万元，硕士
    研究生4万元，博士研究生6万元): one tiered rule, each category's own words its label."""
    from assistant.text.amounts import parse_amount

    m = CATEGORY_LIST.search(sent)
    if not m or not re.search(AWARD, sent[: m.start()]):
        return None
    tiers = [{"label": x["label"].strip(), "amount": _n(x["amt"])} for x in CATEGORY_ITEM.finditer(m["list"])]
    if len({t["label"] for t in tiers}) != len(tiers) or any(re.search(r"最高|不超过|每", t["label"]) for t in tiers):
        return None
    total = sum(parse_amount(t["amount"]) for t in tiers)
    if any(parse_amount(_n(a)) == total for a in re.findall(AMT, sent[: m.start()])) or \
            any(re.search(r"财政|承担|出资|负担|用于", t["label"]) for t in tiers):
        return None  # 给予奖励50万元，其中省级财政30万元，市级财政20万元: who pays the parts of one award
    p = Proposal("tiered", sent, {"tiers": tiers})
    p.used |= {t["amount"] for t in tiers}
    return p


def award_parts(sent: str) -> list[Proposal]:
    """Several awards of one sentence that are not cases of one award (给予…最高500万元安家补贴及最高60万元科研
    经费补助 · 每人给予一次性科研经费10万元和每年8万元的生活补助，…的，给予20万元安家补贴): one rule each,
    each quoting its words from the end of the award before it. [] unless every award figure is so read."""
    from assistant.knowledge.provisions import classify, figures

    out, start, begin = [], 0, 0
    for m in re.finditer(r"[，,]|(?:及|和|以及)(?=(?:最高|最多|每年|每月|一次性)?[^，。；\d]{0,4}\d)", sent + "，"):
        part = sent[start:m.start()]
        p, _ = classify(part)
        if p is not None and (set_award(p) or p.kind == "cap_only") and _award_of(p) in _n(part):
            p.quote = re.sub(r"^[，,及和以]+", "", sent[begin:m.start()]).strip()
            out.append(p)
            begin = m.end()
        start = m.end()
    awarded = [f for f, cond in figures(sent) if not cond]
    if len(out) < 2 or sorted(awarded) != sorted(_award_of(p) for p in out):
        return []
    return out


def _enumerator(sentence: str) -> str | None:
    """The style of the item number a sentence starts with: （一）, (1), 1、 … or None."""
    m = re.match(r"^\s*(?:([（(])([一二三四五六七八九十]+|\d+)[）)]|(\d+)\s*[、.．])", sentence)
    if not m:
        return None
    return ("paren-cn" if not m[2].isdigit() else "paren-digit") if m[1] else "digit"


def set_award(p: Proposal) -> bool:
    """A proposal that states one set amount (给予企业20万元奖励), not a maximum or a rate."""
    if p.kind == "fixed":
        return True
    if p.kind != "cap_only":
        return False
    at = p.quote.find(p.fields.get("cap", ""))
    return at >= 0 and not re.search("最高|不超过|上限|以内", p.quote[max(0, at - 8):at])


def _alike(p: Proposal, q: Proposal) -> bool:
    """Two awards of one sort: set awards both, or maxima both (按档次给予最高80万元 · …最高30万元); maxima of
    one sentence are read by ``sentence_cases`` and stay as it reads them."""
    return (set_award(p) and set_award(q)) or (p.kind == q.kind == "cap_only" and not set_award(p) and not set_award(q))


def merge_runs(found: list[tuple[Proposal, int, int]], text: str) -> list[tuple[Proposal, int, int]]:
    """Runs of set awards in consecutive sentences of one clause that name a case each, as one rule."""
    out: list[tuple[Proposal, int, int]] = []
    lines = [text.rfind("\n", 0, s) + 1 for _, s, _ in found]
    items = [_enumerator(text[s:e]) if not text[ln:s].strip() else None for (_, s, e), ln in zip(found, lines, strict=True)]
    i = 0
    while i < len(found):
        j = i
        # A run stays within one paragraph, or is made of items that each open their own line in one style
        # ((1)…(5)): a new item (（四）…) ends it.
        while (j + 1 < len(found) and _alike(found[j + 1][0], found[i][0]) and (set_award(found[i][0]) or found[j + 1][1] != found[j][1])
               and (lines[j + 1] == lines[i] or (items[j + 1] is not None
                                                 and all(x == items[j + 1] for x in items[i:j + 1])))):
            j += 1
        merged, top = None, j
        for finder in (lambda span, _: threshold_tiers(span) or level_tiers(span), case_tiers):
            j = top
            while j > i and merged is None:  # the longest run from here that names one case per award
                start, end = found[i][1], found[j][2]
                span = text[start:end].strip().rstrip("。；;")
                merged = finder(span, [f[0] for f in found[i:j + 1]])
                if merged and len(merged.fields["tiers"]) != j - i + 1:
                    merged = None
                j -= 0 if merged else 1
            if merged:
                break
        if merged:
            out.append((merged, found[i][1], found[j][2]))
            i = j + 1
        else:
            out.append(found[i])
            i += 1
    return out


PERSON_UNIT = re.compile(r"^[人名](?:月|年|次)?$")
ORG_CAP = re.compile(r"(?:每家|每个|单个|每户|总额|合计)[^，。；]{0,12}(?:最高|最多|不超过)")
PER_PERSON = re.compile(r"每[人名]")


def _person_case(text: str, at: int) -> str | None:
    """The category a per-person amount at ``at`` is for: the words just before its 每人 (按博士每人…,
    第一类资助对象每人…), or the phrase before them (经评估为重度失能的，每人…)."""
    from assistant.knowledge.numbering import LEAD_NUMBER

    cut = max(text.rfind(c, 0, at) for c in "，,；;、：:。\n") + 1
    label = text[cut:at].strip()
    if not label:
        prev = max(text.rfind(c, 0, cut - 1) for c in "，,；;、：:。\n") + 1
        label = text[prev:cut - 1].strip()
    label = re.sub(r"^(?:其中|按照?|对于?)", "", LEAD_NUMBER.sub("", label))
    label = re.sub(r"(?:的)?(?:按照?|给予)$", "", label).removesuffix("的")  # 组织省外旅游团的旅行商按每人次…: the case
    # 一级重度残疾人护理补贴标准由每人每月… · 成年受助人员基本饮食标准为每人每月…: the persons, not their standard
    label = re.sub(r"(?:的)?(?:[^，。；]{2}(?=(?:补贴|生活|饮食|养育)标准))?(?:补贴|生活|饮食|养育)标准(?:由|为)?$", "", label) or label
    return label if 2 <= len(label) <= 24 and not re.search(r"\d", label) else None


def person_tiers(found: list[tuple[Proposal, int, int]], text: str) -> list[tuple[Proposal, int, int]]:
    """Per-person amounts that differ by the person's category (按博士每人10000元、硕士每人7000元、其他每人
    5000元): one ``tiered`` rule whose tiers are amounts per person, when the person is the one paid. An
    organisation paid per person it counts (每家机构每年最高500万元) keeps its per-unit rules."""
    runs = [i for i, (p, _, _) in enumerate(found) if p.kind == "per_unit" and PERSON_UNIT.match(p.fields.get("unit", ""))]
    if len(runs) < 2 or runs != list(range(runs[0], runs[-1] + 1)) or ORG_CAP.search(text):
        return found
    group = [found[i] for i in runs]
    if len({p.fields["unit"] for p, _, _ in group}) != 1:
        return found
    start, end = min(s for _, s, _ in group), max(e for _, _, e in group)
    span = text[start:end].strip().rstrip("。；;")
    tiers, after = [], 0
    for p, _, _ in group:
        at = span.find(p.fields["amount"], after)
        per = [m for m in PER_PERSON.finditer(span, after, at)] if at >= 0 else []
        label = _person_case(span, per[-1].start()) if per else None
        if label is None:
            return found
        tiers.append({"label": label, "amount": p.fields["amount"]})
        after = at + len(p.fields["amount"])
    if len({t["label"] for t in tiers}) != len(tiers):
        return found
    merged = Proposal("tiered", span, {"tiers": tiers, "unit": group[0][0].fields["unit"]})
    merged.used |= {t["amount"] for t in tiers}
    return [*found[: runs[0]], (merged, start, end), *found[runs[-1] + 1:]]


def rate_tiers(found: list[tuple[Proposal, int, int]], text: str) -> list[tuple[Proposal, int, int]]:
    """A rate for each level, one sentence each (对国家级的给予100%的资金配套，最高500万元；对省级的给予70%…):
    one ``tiered`` rule whose tiers are rates of one base, each with its own cap; a cap stated once after
    them (原则上单个项目最高配套额度为500万元) caps them all."""
    out, i = [], 0
    while i < len(found):
        j = i
        # two rates of one sentence (…的1%、以后年度按…的3%) are that sentence's own reading, not levels
        while j + 1 < len(found) and all(_rated(found[k][0]) for k in (i, j + 1)) and found[j + 1][1] != found[j][1]:
            j += 1
        merged = None
        while j > i and merged is None:  # the longest run from here whose rates are levels of one award
            group = found[i:j + 1]
            merged = _rate_run(group, text)
            j -= 0 if merged else 1
        out.append((merged, group[0][1], group[-1][2]) if merged else found[i])
        i = j + 1 if merged else i + 1
    return out


def _rated(p: Proposal) -> bool:
    return p.kind in ("rate", "subsidy") or (p.kind == "tiered" and "rate" in p.fields["tiers"][0])


def _rate_run(group: list[tuple[Proposal, int, int]], text: str) -> Proposal | None:
    single = [p for p, _, _ in group if p.kind != "tiered"]
    parts = [(p.quote, p.fields["rate"]) for p in single]
    if len(single) >= 2:
        labels = parallel_cases(parts)
    elif len(single) == 1:  # 给予100%配套；…省、市级…分别给予70%、50%配套: the one case before its rate
        chunks = _case_chunks(*parts[0])
        labels = [CASE_LEAD.sub("", chunks[-1])] if chunks else None
    else:
        labels = None
    if not labels or len({r for _, r in parts}) == 1 and len(single) == len(group):
        return None
    if len({p.fields["base"] for p in single if p.fields.get("base")}) > 1:
        return None  # rates of different bases (新增设备投资额 · 新增主营业务收入) are awards side by side, not levels
    shared = [p.fields["cap"] for p, _, _ in group if p.fields.get("cap_shared")]
    tiers, names = [], iter(labels)
    for p, _, _ in group:
        if p.kind == "tiered":
            tiers += [{k: v for k, v in t.items()} for t in p.fields["tiers"]]
            continue
        row = {"label": next(names), "rate": p.fields["rate"]}
        if p.fields.get("cap") and not p.fields.get("cap_shared"):
            row["cap"] = p.fields["cap"]
        tiers.append(row)
    if len({t["label"] for t in tiers}) != len(tiers):
        return None
    span = text[group[0][1]:group[-1][2]].strip().rstrip("。；;")
    if any(t["label"] not in span for t in tiers):
        return None
    base = next((p.fields.get("base") for p, _, _ in group if p.fields.get("base") and p.kind != "tiered"), None)
    fields = {"tiers": tiers, "base": base or "项目资金"} | ({"cap": shared[0], "cap_per": "单个项目"} if shared else {})
    merged = Proposal("tiered", span, fields)
    merged.used |= {p_ for p, _, _ in group for p_ in p.used}
    return merged

