"""Read the inputs a rule needs from a question, with the rule's own words (data, not code):

* a level: one of the rule's tier labels or words occurs in the question (exactly one tier);
* a quantity: a number directly followed by one of the rule's unit words ("30间", "3.5万人次");
* a year of support: "第3年", "第三年";
* an amount for a base the router did not tie (营业收入 is never a *base* of an investment rule,
  but it is the base of a tiered threshold on revenue): ``money.find_mentions`` amounts right after
  one of the rule's ``base_terms``.
A figure that does not read whole gives nothing; an input found nowhere stays None and is asked for.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from assistant.errors import AmountError
from assistant.knowledge.kinds import needs, number
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Inputs
from assistant.text.amounts import find_mentions

FIRMS = {"个", "家", "户", "所"}  # classifiers of firms, institutions and households, one for another
CN_NUMBER = r"[0-9０-９.,]+(?:万|千|百)?|[零一二两三四五六七八九十百千万]+"
YEAR = re.compile(r"第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*(?:个)?(?:年|年度)")


def read_levels(rule: Rule, text: str) -> list[str]:
    """Every tier whose label or words occur in ``text`` ("省级和市级"), in the rule's order."""
    found = _levels_found(rule, text)
    return [t.label for t in rule.tiers if t.label in found]


def _levels_found(rule: Rule, text: str) -> set[str]:
    found: set[str] = set()
    taken: list[tuple[int, int]] = []
    words = sorted(((w, t.label) for t in rule.tiers for w in t.words), key=lambda x: -len(x[0]))
    for word, label in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(a < end and start < b for a, b in taken):  # 国家级 is not also 家级
                taken.append((start, end))
                found.add(label)
            start = text.find(word, end)
    if not found:  # "硕士毕业" for 硕士研究生, "二级重度残疾" for 二级重度残疾人, "银奖" for 银奖二名
        for label, (words, others) in _distinct_words(rule).items():
            # named by a word of its own, and by no word of another level ("按海外还是省外算": neither)
            if any(w in text for w in words) and not any(w in text for w in others):
                found.add(label)
    return found


COUNTED_WORD = re.compile(r"[0-9０-９一二两三四五六七八九十百千万]+[名个家位项件次]?$")


def _distinct_words(rule: Rule) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each level's words (of two characters or more) that no other level's label has: what tells it apart
    when a question names it in words of its own (硕士 of 本科生/硕士研究生/博士研究生); and the words of the
    other levels that its own label lacks."""
    from assistant.knowledge.aliases import _tokenizer

    labels = [t.label for t in rule.tiers if t.label]
    tokens = {x: [w for w in _tokenizer().lcut(x) if len(w) >= 2 and not COUNTED_WORD.fullmatch(w)] for x in labels}
    out = {}
    for label in labels:
        others = [x for x in labels if x != label]
        words = tuple(w for w in tokens[label] if not any(w in x for x in others))
        # another level's words, and their first two characters (本科 of 本科生): naming it makes the level unsure
        theirs = tuple(dict.fromkeys(v for x in others for w in tokens[x] for v in (w, w[:2]) if v not in label))
        out[label] = (words, theirs)
    return out


def read_level(rule: Rule, text: str) -> str | None:
    """The tier whose label or words occur in ``text``, when exactly one tier does."""
    found = _levels_found(rule, text)
    if len(found) == 1:
        return found.pop()
    return _level_by_count(rule, text) if not found else None


# a count a tier or an award requires: "服务企业500家以上", "接收50人（含）以下"
TIER_COUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([家个人件项台套亩名户次])\s*(及以上|以上|及以下|以下)")


def _level_by_count(rule: Rule, text: str) -> str | None:
    """Tiers named by a count ("服务我市企业500家以上" / "200家以上"): the tier the question's count of that
    unit reaches ("服务企业刚好500家" → the 500家以上 tier), the highest one for 以上, the lowest for 以下."""
    bands = []
    for t in rule.tiers:
        m = TIER_COUNT.search(t.label)
        if not m:
            return None
        bands.append((Decimal(m[1]), m[2], "上" in m[3], t.label))
    if len({(u, up) for _, u, up, _ in bands}) != 1:
        return None
    unit, up = bands[0][1], bands[0][2]
    counts = set(_numbers(re.finditer(rf"({CN_NUMBER})\s*(?:个)?{unit}", text)))
    if len(counts) != 1:
        return None
    n = counts.pop()
    met = [b for b in bands if (n >= b[0] if up else n <= b[0])]
    if not met:
        return None
    return (max(met) if up else min(met))[3]


def _numbers(matches) -> list[Decimal]:
    """The numbers of the matches' first group that read whole ("3.5万" yes, "多" no)."""
    out = []
    for m in matches:
        try:
            out.append(number(m[1].replace("，", "").replace(",", "")))
        except AmountError:
            continue
    return out


def read_quantity(rule: Rule, text: str) -> Decimal | None:
    """The number right before one of the rule's unit words; None when none or several differ."""
    values = []
    words = list(rule.unit_words)
    if set(words) & FIRMS:  # firms and bodies are counted with any of their classifiers: 推荐1个 / 推荐了14家
        words += sorted(FIRMS - set(words))
    for word in words:
        values += _numbers(m for m in re.finditer(rf"({CN_NUMBER})\s*(?:个)?{re.escape(word)}", text)
                           if not PER_AFTER_MONEY.search(text[: m.start()]))
    if not values and "人" in rule.unit_words:
        # people are counted with a classifier and who they are: "8个见习学员", "3名硕士", "12位员工"
        values += _numbers(PEOPLE.finditer(text))
    if not values and rule.unit in ITEMS:
        # items counted with another classifier and named by the rule's own words: "3个发明…专利授权", "两项专利"
        heads = _head_words(rule.name, rule.aliases)
        values += _numbers(m for m in ITEM_COUNT.finditer(text) if any(h in COUNTED_END.split(m[2])[0] for h in heads)
                           and not PER_AFTER_MONEY.search(text[: m.start()]))
    values = list(dict.fromkeys(values))
    if not values and PER_PERIOD.fullmatch(rule.unit or ""):  # per person per month or day: persons × periods, or nothing
        return _per_period(rule, text)
    return values[0] if len(values) == 1 else None


# a measure paid per person (household, vehicle…) per month or day: its quantity is persons × periods
PER_PERIOD = re.compile(r"(?P<what>[^月天日·/\s]{1,3})\s*[·/]?\s*(?P<period>月|天|日)")
MONTHS = re.compile(rf"({CN_NUMBER})\s*个\s*月")
YEARS = ((re.compile(r"(?<![每第])(?:一整年|整年|全年|一年)"), 12), (re.compile(r"(?<![每第])(?:上半年|下半年|半年)"), 6))
DAYS = re.compile(rf"({CN_NUMBER})\s*(?:个)?(?:天|日)(?!期)")
NOT_COUNTED_AFTER = r"(?!\s*(?:月|天|日|工作日|小时|周|年))"


def _periods(text: str, period: str) -> set[Decimal]:
    if period == "月":
        out = set(_numbers(MONTHS.finditer(text)))
        return out | {Decimal(n) for pattern, n in YEARS if pattern.search(text)}
    # "救援3天" yes; "3月5日" is a date, not five days
    return set(_numbers(m for m in DAYS.finditer(text) if not re.search(r"月\s*$", text[: m.start()])))


def _per_period(rule: Rule, text: str) -> Decimal | None:
    """"一级重度残疾人…领一整年" → 1 person × 12 months; "招了3个硕士…一年一共" → 3 × 12; "12名队员…3天" →
    12 × 3 (per person per day). The periods are said (N个月, 一年, 半年, N天); what is paid for is counted once
    (no count: the one person asked about). Several different periods or counts: None, asked for, not guessed."""
    m = PER_PERIOD.fullmatch(rule.unit or "")
    if not m:
        return None
    periods = _periods(text, m["period"])
    if len(periods) > 1:  # "一个月多少？领一整年是多少": one period is the rate itself, the longer one is asked
        periods.discard(Decimal(1))
    if len(periods) != 1:
        return None
    counted = re.compile(rf"({CN_NUMBER})\s*(?:个|户|位|名|人|{re.escape(m['what'])}){NOT_COUNTED_AFTER}")
    counts = set(_numbers(c for c in counted.finditer(text) if not PER_AFTER_MONEY.search(text[: c.start()])))
    if len(counts) > 1:  # "25个…老人，另外2个…，还有3个…": groups, each with its own rate perhaps
        return None
    return (counts.pop() if counts else Decimal(1)) * periods.pop()


ITEMS = {"件", "项", "个", "份", "套", "台"}  # classifiers of things, one for another when the thing is named
ITEM_COUNT = re.compile(rf"({CN_NUMBER})\s*(?:个|项|件|份|套|台|只)\s*([^，,。；;？?！!\d]{{1,10}})")

COUNTED_END = re.compile(r"[在拿获都已被了得是有和及与]")  # the counted noun phrase ends before its verb: "三个地方都拿到…"


@lru_cache(maxsize=1024)
def _head_words(name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """The words (2+ characters) of a rule's name and aliases that name the thing it pays for."""
    from assistant.search.retrieval import _tokenizer

    cut = _tokenizer()
    return frozenset(w for a in (name, *aliases) for w in cut.lcut_for_search(a)
            if len(w) >= 2 and w not in ("资助", "奖励", "补贴", "补助", "授权", "认定", "支持", "国内", "国际"))


PER_AFTER_MONEY = re.compile(r"(?:元|块|块钱|万)\s*$")  # "200元一个人" is the rate per person, not a count of one
PEOPLE = re.compile(rf"({CN_NUMBER})\s*(?:个|名|位)\s*[\u4e00-\u9fa5]{{0,4}}?(?:员|生|者|人|才|工|士|师)(?![\u4e00-\u9fa5]?(?:费|资|金|额|数|率|补|奖))")


def read_year(text: str) -> int | None:
    m = YEAR.search(text)
    if not m:
        return None
    raw = m[1]
    if raw.isdigit():
        return int(raw)
    from assistant.reading.reader import clause_number

    return clause_number(raw)


def read_base(rule: Rule, text: str) -> Decimal | None:
    """An amount the question ties to this rule's base by one of its base words right before it."""
    terms = [t for t in (*rule.base_terms, *([rule.base] if rule.base else [])) if t]
    found = []
    for m in find_mentions(text):
        if m.kind != "amount" or m.value is None:
            continue
        before = re.split(r"[，,。；;！!？?\n]", text[max(0, m.start - 16) : m.start])[-1]
        if any(t in before for t in terms):
            found.append(m.value)
    found = list(dict.fromkeys(found))
    return found[0] if len(found) == 1 else None


def read_inputs(rule: Rule, texts: list[str], base: Decimal | None = None) -> Inputs:
    """The rule's inputs from the question (``texts[0]``), then from earlier messages, newest first."""
    want = needs(rule)
    level = quantity = year = None
    for text in texts:
        if "level" in want and level is None:
            level = read_level(rule, text)
        if ("quantity" in want or (rule.kind == "tiered" and rule.unit)) and quantity is None:  # 每人月 of a level
            quantity = read_quantity(rule, text)
        if "year" in want and year is None:
            year = read_year(text)
        if "base" in want and base is None:
            base = read_base(rule, text)
    return Inputs(base=base if "base" in want else None, level=level, quantity=quantity, year=year)


SEGMENT = re.compile(r"[，,。；;！!？?\n]|另外|还有|以及|此外")


def named_inputs(rule: Rule, aliases, text: str) -> Inputs:
    """The inputs of a measure named beside others ("驰名商标…，另外还有2件地理标志证明商标"): read only from
    the parts of the message that name it, never from another measure's part."""
    parts = [p for p in SEGMENT.split(text) if any(a and a in p for a in aliases)]
    return read_inputs(rule, ["，".join(parts)]) if parts else Inputs()
