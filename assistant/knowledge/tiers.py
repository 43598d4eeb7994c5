"""The cases an award list (分别给予A万元、B万元) is paid for, however the text spells them.

国家级、省级、市级 · 国家、省级 · 国家级和省级 · 省、市两级 · 3A/4A/5A · 优秀、良好、合格等级 ·
“小升规”“规改股”“股上市” · 国家级专利金奖、专利优秀奖的项目. The cases are read as the words of the
sentence itself: the run of as many items as there are awards, nearest before the list (or after it),
each item trimmed of the verb before the first and of the object after the last. A level written
without its 级 (国家、省级) gets that spelling among the words a question may use.
"""

from __future__ import annotations

import os
import re

from assistant.knowledge.numbering import LEAD_NUMBER as ITEM_NUMBER

SEP = r"\s*(?:、|/|／|和|及|与|或)\s*"
QUOTED = re.compile(r"(?:[“\"「][^”\"」]{1,16}[”\"」]){2,}")
LEAD = re.compile(r"^.*(?:评定为|认定为|创建为|创建|评估为|确定为|列为|获评|获得|取得|获批|获|对|被|为|按照|按|在|的|跻身|入选|进入|分别设(?:置|立)?)")
TAIL = re.compile(r"(?:[两二三四五六七八九十]个.*|等级.*|等.*|的.*)$")
LEVEL_ROOT = re.compile(r"^(?:国家|国际|全国|省|市|区|县|镇|街道)$")


def _clean_items(items: list[str]) -> list[str] | None:
    items = [x.strip("“”\"「」 ") for x in items]
    items[0] = LEAD.sub("", items[0]) or items[0]
    others, last = items[:-1], items[-1]
    ends = {x[-1] for x in others if x}
    if any(LEVEL_ROOT.match(x) or x.endswith("级") for x in others) and "级" in last:
        last = last[: last.index("级") + 1]  # 省级企业技术中心 after 国家 → 省级
    elif len(ends) == 1 and (c := ends.pop()) in last:
        last = last[: last.index(c) + 1]  # 专利优秀奖的项目 after 国家级专利金奖 → 专利优秀奖
    else:
        last = TAIL.sub("", last) or last
    last = re.sub(r"[两二三四五]级$", "", last) or last  # 省、市两级 → 市
    items[-1] = last
    if any(len(x) > 12 for x in items):
        items = _without_conditions(items)
    if any(not x or len(x) > 12 for x in items) or len(set(items)) != len(items):
        return None
    return items


# 投资2000万元以上建设智能工厂 · 首次成功创建省级…: a threshold each case sets, or the verb of the case, before its name
CASE_CONDITION = re.compile(r"^(?:[^、，。；\d]{0,8}?\d[\d.,]*\s*(?:万|亿)?元?(?:（含）|\(含\))?(?:及)?(?:以上|以下)(?:的)?|"
                            r"(?:首次)?(?:成功)?(?:创建为|创建|建成|新建))")


def _without_conditions(items: list[str]) -> list[str]:
    """Cases too long to be names, each without the threshold or the verb it opens with: the threshold stays a
    condition in the quote, the name is what a question says (智能工厂, 省级科技园区)."""
    short = [CASE_CONDITION.sub("", x) or x for x in items]
    return short if len(set(short)) == len(short) else items


def case_list(head: str, n: int, tail: str = "") -> list[str] | None:
    """The ``n`` cases named in ``head`` (the words before the award list), or in ``tail`` after it:
    the last ``n`` items of the nearest comma-free stretch that has as many. An example in brackets
    (独角兽、瞪羚等) names no case, unless the case is named with it (街道（镇）级)."""
    plain = [re.sub(r"[（(][^（()）]*[）)]", "", x) for x in (head, tail)]
    names = _cases(*plain, n)
    if names and all(x in head + tail for x in names):
        return names
    return _cases(head, tail, n)


def _cases(head: str, tail: str, n: int) -> list[str] | None:
    for side, text in enumerate((head, tail)):
        text = re.sub(r"^\s*[（(][一二三四五六七八九十\d]+[）)]", "", text)  # the item's own number
        quoted = list(QUOTED.finditer(text))
        if quoted and len(names := re.findall(r"[“\"「]([^”\"」]{1,16})[”\"」]", quoted[-1][0])) == n:
            return names
        chunks = [c for c in re.split(r"[，,。；;：:]", text) if c.strip()]
        for chunk in reversed(chunks if side == 0 else chunks[:1]):
            pieces = [x for x in re.split(SEP, chunk.strip()) if x]
            if len(pieces) >= n:
                for k in range(len(pieces) - n, -1, -1):  # 获得省、市级发改、工信部门立项的: the run that names levels
                    cand = _clean_items(pieces[k:k + n])
                    if cand and all(LEVEL_ROOT.match(x) or re.match(r"^(?:国家|省|市|区|县|镇)级$", x) for x in cand):
                        return cand
                return _clean_items(pieces[-n:])
    return None


# what a case does, before what it is (建设智能化车间): a question names the thing (建成一个智能化车间)
CASE_VERB = re.compile(r"^(?:投资|新建|建设|建成|创建|购置|实施|开展|引进|设立|获批|认定为|评为)+")


def level_words(labels: list[str]) -> list[list[str]]:
    """The other spellings of each level: 国家 → 国家级 when another level of the list has its 级
    (国家、省级) or the list says so (省、市两级); a case named by what is done, the thing alone (建设智能化车间 →
    智能化车间)."""
    with_ji = any(x.endswith("级") for x in labels)
    out = []
    for x in labels:
        words = [f"{x}级"] if LEVEL_ROOT.match(x) and (with_ji or len(labels) > 1) else []
        thing = CASE_VERB.sub("", x)
        if thing != x and len(thing) >= 3 and len({CASE_VERB.sub("", y) for y in labels}) == len(labels):
            words.append(thing)
        out.append(words)
    return out


AWARD_VERB = re.compile(r"(?:一次性)?(?:给予|奖励|补助|资助|补贴)")
LEVEL_NAME = re.compile(r"^(?:国家|省|市|区|县)级?|[一二三四五六七]星级|[1-5][AＡ]级")
MONEY = re.compile(r"\d\s*(?:万|亿)?元")
CASE_LEAD = re.compile(r"^(?:对于|对|针对|其(?![他余]))(?!象)")


def _case_chunks(part: str, amount: str) -> list[str]:
    """The words of one award sentence that say whom it pays: before its award verb, split at commas."""
    head = ITEM_NUMBER.sub("", part[: part.find(amount)])
    chunks = [c.strip() for c in re.split(r"[，,：:]", head)]
    verbs = list(AWARD_VERB.finditer(chunks[-1]))
    chunks[-1] = chunks[-1][: verbs[-1].start()] if verbs else chunks[-1]
    chunks[-1] = re.sub(r"(?:每[年月人户]|最高|最多|不超过|可)+$", "", chunks[-1])  # 珠三角地区每年最高6000元 · …的企业每户
    return [c.strip() for c in chunks if c.strip()]


def parallel_cases(parts: list[tuple[str, str]]) -> list[str] | None:
    """The case each of several set awards is paid for, when the sentences are written in parallel
    (对经认定的新设外资研发中心，给予50万元；对经认定的研发人员超过100人的新设外资研发中心，给予200万元):
    the last phrase before each award verb, sharing its first or last words with the others. Where
    those phrases are the same, the phrases that differ (服务企业500家以上，业务收入达1000万元). None when
    the sentences are not parallel: they are separate measures then."""
    chunks = [_case_chunks(p, a) for p, a in parts]
    if any(not c for c in chunks):
        return None
    last = [CASE_LEAD.sub("", c[-1]) for c in chunks]
    if shares := _share_bands(last):
        return shares
    n = min(len(c) for c in chunks)
    if len(set(last)) != len(last) and len({len(c) for c in chunks}) > 1 and all(
            len(c) == n or _after_colon(q, c[len(c) - n]) for (q, _), c in zip(parts, chunks, strict=True)):
        # 示范项目：对入选…的申报单位，择优给予奖励，金额最高… beside 对入选…的申报单位，择优给予奖励，金额最高…: the item's
        # heading before a colon; the phrases are compared from the award back
        chunks = [c[-n:] for c in chunks]
    if len(set(last)) == len(last):
        labels = last
    elif len({len(c) for c in chunks}) == 1:
        differ = [i for i in range(len(chunks[0])) if len({c[i] for c in chunks}) == len(chunks)]
        if not differ:
            return None
        plain = [i for i in differ if not any(MONEY.search(c[i]) for c in chunks)]
        lo, hi = (plain[0], plain[0]) if plain else (differ[0], differ[-1])  # a name without amounts, if any
        labels = []
        for p, c in zip(parts, chunks, strict=True):
            start, end = p[0].find(c[lo]), p[0].find(c[hi]) + len(c[hi])
            labels.append(CASE_LEAD.sub("", p[0][start:end]))
    else:
        return None
    prefix = os.path.commonprefix(last)
    suffix = os.path.commonprefix([x[::-1] for x in last])[::-1].removesuffix("的")
    # 国家级的 / 省级的 / 市级的: levels need no common words; nor does the rest after named cases (其他地区)
    levels = all(LEVEL_NAME.search(x) for x in last) or any(re.match(r"其他|其余", x) for x in last[1:])
    if len(prefix) < 2 and len(suffix) < 3 and not levels or any(not x or len(x) > 60 for x in labels):
        return None
    labels = [x.removesuffix("的") for x in labels]
    if len(set(labels)) != len(labels) or not _grades(labels):
        return None
    return labels


PCT = r"\d+(?:\.\d+)?\s*[%％]\s*(?:[（(]不?含[）)])?"
SHARE_BAND = re.compile(rf"(?:达到|达|在|为)?\s*{PCT}\s*(?:(?:至|到|—|－|-|~)\s*{PCT})?\s*(?:及以上|以上|及以下|以下)?")


def _share_bands(cases: list[str]) -> list[str] | None:
    """Cases told apart by a band of one share (装机占比达到60%及以上的项目 / 装机占比30%至60%（不含）的): each case is that
    share's name and band, the words around them alike or not."""
    out, nouns = [], set()
    for case in cases:
        m = SHARE_BAND.search(case)
        noun = case[: m.start()][-4:] if m else ""
        if not m or len(noun) < 2 or not re.fullmatch(r"[\u4e00-\u9fa5]+", noun) or len(SHARE_BAND.findall(case)) != 1:
            return None
        nouns.add(noun)
        out.append(noun + m[0].strip())
    return out if len(nouns) == 1 and len(set(out)) == len(out) and _disjoint(out) else None


def _after_colon(quote: str, chunk: str) -> bool:
    """``chunk`` starts after the colon that ends the quote's heading (3.示范项目：对…)."""
    colon = max(quote.find("："), quote.find(":"))
    return 0 <= colon < quote.find(chunk)


def _disjoint(bands: list[str]) -> bool:
    """The bands split the share without overlapping (60%及以上 / 30%至60%), a shared end aside: 30%及以上 beside
    60%及以上 is another case, not a band."""
    spans = []
    for band in bands:
        pcts = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", band)]
        low, high = (None, pcts[0]) if "以下" in band else (pcts[0], pcts[1] if len(pcts) > 1 else None)
        spans.append((float("-inf") if low is None else low, float("inf") if high is None else high))
    spans.sort()
    return all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


LEVEL_ROOT_IN = re.compile(r"国家|省|市|区|县")
GRADE = re.compile(r"\d|(?:国家|省|市|区|县)级|[一二三四五六七]星|[1-5][AＡ]|[A-E]类|[一二三]等奖|[金银铜]奖")


def _grades(labels: list[str]) -> bool:
    """Cases are grades of one award when a number or a level tells them apart (500强 / 1000强, 前6位 /
    前18位, 省级… / 国家级…) or one is the other with a qualifier (英语国家 / 非英语国家); two awards for
    unrelated cases (在北交所上市 / 在沪深交易所上市) stay two awards."""
    if any(GRADE.search(x) for x in labels) or any(re.match(r"其他|其余", x) for x in labels[1:]):
        return True  # a number or level, or the rest after the named cases (珠三角地区… / 其他地区…)
    if len({LEVEL_ROOT_IN.sub("", x) for x in labels}) == 1 and all(LEVEL_ROOT_IN.search(x) for x in labels):
        return True  # the same words but the level (入选省队的 / 入选国家队的, 省重点实验室 / 国家重点实验室)
    return any(a != b and _within(a, b) for a in labels for b in labels)


def _within(a: str, b: str) -> bool:
    """``a``'s words all in ``b``, in order (新建的众创空间 in 新建的国家备案众创空间)."""
    it = iter(b)
    return all(ch in it for ch in a)


AMT_U = r"\d[\d,]*(?:\.\d+)?\s*(?:万|亿)?元"
# 按正高级职称8万元、副高级职称4万元的标准给予…: an amount for each category of person, listed before 的标准
STANDARD_ITEM = re.compile(r"(?P<label>[^，,、；;。\d按]{1,30}?)\s*(?P<amt>\d[\d,]*(?:\.\d+)?\s*(?:万|亿)?元)")
STANDARD_LIST = re.compile(r"按(?:照)?(?P<list>[^，,、；;。\d按]{1,30}?\s*\d[\d,]*(?:\.\d+)?\s*(?:万|亿)?元"
                           r"(?:\s*、\s*[^，,、；;。\d按]{1,30}?\s*\d[\d,]*(?:\.\d+)?\s*(?:万|亿)?元)+)"
                           r"\s*的?(?:补贴|奖励|资助|补助)?标准[，,]?\s*(?:一次性)?(?:给予|发放|予以|奖励|补贴|补助|资助)")


# 对取得初级、中级、高级职称的人才，按1000元/人、3000元/人、5000元/人标准给予奖励: an amount per unit for each case
UNIT_LIST = re.compile(rf"(?P<list>{AMT_U}\s*[/／]\s*(?P<unit>人次|人|件|家|个|项)(?:\s*[、和及]\s*{AMT_U}\s*[/／]\s*(?P=unit))+)")


def unit_tiers(s: str):
    """Amounts per unit listed for the cases named before them (or after): one tiered rule whose tiers are
    amounts per unit, its unit counted per case; None unless every amount has its case."""
    from assistant.knowledge.wording import Proposal, _cap, _n

    m = UNIT_LIST.search(s)
    amounts = [_n(a) for a in re.findall(AMT_U, m["list"])] if m else []
    names = case_list(s[: m.start()], len(amounts), s[m.end():]) if m else None
    if not names:
        return None
    tiers = [{"label": n, "amount": a} | ({"words": w} if w else {}) for n, a, w in zip(names, amounts, level_words(names), strict=True)]
    p = Proposal("tiered", s, {"tiers": tiers, "unit": m["unit"]}, set(amounts))
    _cap(s, p, per_unit=amounts[-1])
    return p


def standard_tiers(s: str):
    """The amount of each category listed as the standard an award is paid by (按A类人员12万元、B类人员6万元的
    标准给予住房补贴): one tiered rule whose levels are the categories, so a question can count persons per
    category. A category paid per period or per unit (每月, 每人) is no set amount: nothing."""
    from assistant.knowledge.wording import Proposal, _n

    if p := unit_tiers(s):
        return p
    m = STANDARD_LIST.search(s)
    if not m:
        return None
    items = [(x["label"].strip(), _n(x["amt"])) for x in STANDARD_ITEM.finditer(m["list"])]
    labels = [lab for lab, _ in items]
    if len(set(labels)) != len(labels) or any(re.search(r"每|最高|最多|不超过|不低于", lab) for lab in labels):
        return None
    tiers = []
    for lab, amt in items:
        words = [w for w in re.split(r"或", lab) if len(w) >= 2 and w != lab]  # 特级教师或正高级教师: either names it
        tiers.append({"label": lab, "amount": amt} | ({"words": words} if words else {}))
    p = Proposal("tiered", s, {"tiers": tiers})
    p.used |= {a for _, a in items}
    return p


# 每输送1名中级工、高级工、技师，分别给予…: the cases are kinds of what is counted, the award is per unit of it
COUNTED = re.compile(r"每(?:新|成功)?[\u4e00-\u9fa5]{0,4}?(?:1|一)\s*(?P<unit>名|人|个|家|项|件|位)$")


def counted_cases(head: str, names: list[str]) -> tuple[str | None, list[str]]:
    """The unit counted before the cases (每输送1名) and the cases without it; (None, names) when none is."""
    first = names[0]
    for cut in range(len(first) - 1, 0, -1):  # the count glued to the first case: 每输送1名中级工
        if m := COUNTED.search(first[:cut]):
            return m["unit"], [first[cut:], *names[1:]]
    at = head.rfind(first)
    m = COUNTED.search(head[:at].rstrip()) if at > 0 else None
    return (m["unit"], names) if m else (None, names)


def ascending(pairs) -> list[dict]:
    """Thresholds with their awards from the lowest up (首次突破20亿元、10亿元…分别给予50万元、20万元)."""
    from assistant.text.amounts import parse_amount

    rows = [{"threshold": t, "amount": a} for t, a in pairs]
    try:
        return sorted(rows, key=lambda r: parse_amount(r["threshold"]))
    except Exception:  # noqa: BLE001  (a bound the reader refuses: as written; loading then says so)
        return rows
