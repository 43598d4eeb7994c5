"""Awards paid over time, for ``provisions.classify``: rates by year of support (前两年100%、后三年50%),
shares of an award that add up to the whole (分三年按40%、30%、30%拨付) and a total paid in stages the text
does not itemise (分阶段合计给予500万元). Amounts by named stage (…四个环节分别给予…) are read with the
award lists of ``provisions._tiered``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.knowledge.wording import AMT, RATE, Proposal, _award_amount, _cap, _n

# 前两年100% · 第三至五年50% · 第二、三年补贴50% · 前两年给予全额补贴 · 第四、第五年按…的85% · 第三、第四、五年…租金补贴50% ·
# 前三年上缴税收…（不含…）予以全额奖励 · 第一、二年…租金全部补贴: a rate for a span of support years, the base named between them
YEAR_N = r"[一二两三四五六七八九十\d]+"
YEARS = re.compile(rf"(前|后|第)({YEAR_N})((?:(?:至|到|、|和)第?{YEAR_N})*)个?年(?P<gap>[^，、；。%％]{{0,40}}?)"
                   rf"({RATE}|全额|全部(?=补贴|奖励|补助|返还|资助))")
SHARE_LIST = rf"(?P<list>{RATE}(?:\s*[、，,和]\s*{RATE})+)"
SHARES = re.compile(rf"分(?P<n>[两二三四五六\d])(?:年|期|次|批)[^，。；%％\d]{{0,12}}?{SHARE_LIST}")
SHARES_AFTER = re.compile(rf"{SHARE_LIST}的?(?:比例)?[^，。；%％\d]{{0,6}}?分(?P<n>[两二三四五六\d])(?:年|期|次|批)")
YEARLY = re.compile(rf"分(?P<n>[两二三四五六\d])(?:年|期|次|批)[^，。；\d]{{0,12}}?(?P<list>{AMT}(?:\s*[、和]\s*{AMT})+)"
                    rf"(?:[^，。；\d]{{0,4}}?[，,]?[^，。；\d]{{0,4}}?(?:共|合计|累计|总计)[^，。；\d]{{0,6}}?(?P<total>{AMT}))?")
# 预拨总额不超过资助金额的80%，项目通过验收后，再拨付剩余的20%: shares of the award paid before and after a step
PAID_REST = re.compile(rf"(?P<first>{RATE})[^。；]{{0,30}}?(?:再|其余|剩余)[^，。；\d%％]{{0,8}}?(?P<rest>{RATE})")
STAGED_TOTAL = re.compile(rf"分(?:阶段|期|批|年度?)[^，。；\d]{{0,6}}?(?:合计|共计|累计)给予[^，。；\d]{{0,4}}?(?P<amt>{AMT})")


def _cn_year(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    table = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + table.get(s[1:], 0)
    return table.get(s)


def _shares(s: str) -> Proposal | None:
    """An award paid over years or stages in shares that add up to the whole (分三年按40%、30%、30%拨付):
    a schedule of shares of the award stated in the sentence, or of the award the user names."""
    m = SHARES.search(s) or SHARES_AFTER.search(s)
    if not m:
        return None
    rates = [_n(r) for r in re.findall(RATE, m["list"])]
    n = _cn_year(m["n"])
    if n != len(rates) or sum(Decimal(r.rstrip("%％")) for r in rates) != 100:
        return None
    years = [{"text": r, "first": i, "last": i, "rate": r} for i, r in enumerate(rates, 1)]
    award = _award_amount(s[: m.start()] + s[m.end():])
    p = Proposal("schedule", s, {"years": years} | ({"amount": award} if award else {"base": "奖励资金"}))
    p.used |= set(rates) | ({award} if award else set())
    return p


def _yearly(s: str) -> Proposal | None:
    """分三年每年分别补助10万元、5万元、5万元，共补助20万元: an amount for each year (or stage) in order, with
    the total when the text states it (and it adds up)."""
    from assistant.text.amounts import parse_amount

    m = YEARLY.search(s)
    if not m:
        return None
    amounts = [_n(a) for a in re.findall(AMT, m["list"])]
    if _cn_year(m["n"]) != len(amounts):
        return None
    total = _n(m["total"]) if m["total"] else None
    if total and sum(parse_amount(a) for a in amounts) != parse_amount(total):
        return None
    years = [{"text": a, "first": i, "last": i, "amount": a} for i, a in enumerate(amounts, 1)]
    p = Proposal("schedule", s, {"years": years} | ({"amount": total} if total else {}))
    p.used |= set(amounts) | ({total} if total else set())
    return p


def paid_rest(s: str) -> Proposal | None:
    """An award paid in two shares that add up to the whole, the rest after a step (验收后再拨付剩余的20%)."""
    m = PAID_REST.search(s)
    if not m or Decimal(_n(m["first"]).rstrip("%％")) + Decimal(_n(m["rest"]).rstrip("%％")) != 100:
        return None
    rates = [_n(m["first"]), _n(m["rest"])]
    base = re.search(r"(?:不超过|拨付|预拨|发放)?(?P<base>[\u4e00-\u9fa5]{2,6}?)的\s*$", s[: m.start()])  # 资助金额的80%: of the award
    p = Proposal("schedule", s, {"years": [{"text": r, "first": i, "last": i, "rate": r} for i, r in enumerate(rates, 1)],
                                 "base": base["base"] if base else "奖励资金"})
    p.used |= set(rates)
    return p


def _staged_total(s: str) -> Proposal | None:
    """分阶段合计给予500万元奖励: a total paid in stages the sentence does not itemise."""
    m = STAGED_TOTAL.search(s)
    if not m:
        return None
    p = Proposal("schedule", s, {"amount": _n(m["amt"])})
    p.used.add(_n(m["amt"]))
    return p


def _span(m: re.Match, last: int) -> tuple[int, int] | None:
    """The support years one match names (第三、第四、五年 → 3-5, 第三至五年 → 3-5, 后三年 after year 2 → 3-5);
    None for years listed out of order (第二、四年), which are not one span."""
    n = _cn_year(m[2])
    if n is None:
        return None
    if m[1] == "前":
        return (1, n) if not m[3] else None
    if m[1] == "后":
        return (last + 1, last + n) if not m[3] else None
    more = re.findall(rf"(至|到|、|和)第?({YEAR_N})", m[3])
    years = [n]
    for sep, word in more:
        k = _cn_year(word)
        if k is None or (sep in ("、", "和") and k != years[-1] + 1) or k <= years[-1]:
            return None
        years.append(k)
    return years[0], years[-1]


# 每年给予最高36万元补贴，补贴期3年 · 连续3年每年给予20万元 · 前两年每年奖励10万元: one amount a year for a span of years
EACH_YEAR_FOR = re.compile(rf"每年[^，。；\d]{{0,10}}?(?P<amt>{AMT})[^。；\d]{{0,16}}?[，,]\s*(?P<span>[^，。；\d]{{0,6}}?(?:期|期限|年限)"
                           rf"(?:为|最长为?|不超过)?\s*(?P<n>{YEAR_N})\s*年)")
YEARS_EACH = re.compile(rf"(?P<span>(?:连续|前)(?P<n>{YEAR_N})\s*年)[^，。；\d]{{0,6}}?每年[^，。；\d]{{0,10}}?(?P<amt>{AMT})")


def _for_years(s: str) -> Proposal | None:
    """One amount a year for a span of years: a schedule of that amount for years 1 to N (not an amount per
    person and year, 每人每年3000元, which is counted per unit)."""
    m = EACH_YEAR_FOR.search(s) or YEARS_EACH.search(s)
    n = _cn_year(m["n"]) if m else None
    if not m or not n or n < 2 or re.search(r"每[^年，。；\d]{1,4}$", s[: m.start("amt")].split("每年")[0]):
        return None
    amount = _n(m["amt"])
    p = Proposal("schedule", s, {"years": [{"text": m["span"].strip(), "first": 1, "last": n, "amount": amount}]}, {amount})
    return p


def _schedule(s: str) -> Proposal | None:
    found = list(YEARS.finditer(s))
    if len(found) < 2:
        return _for_years(s)
    years, last = [], 0
    for m in found:
        span = _span(m, last)
        if span is None:
            return None
        text = m[0][: m[0].index("年", len(m[1] + m[2] + m[3])) + 1]
        years.append({"text": text, "first": span[0], "last": span[1], "rate": _n(m[5])})
        last = span[1]
    p = Proposal("schedule", s, {"years": years, "base": _years_base(s, found[0])})
    p.used |= {y["rate"] for y in years}
    _cap(s, p)
    return p


# 企业前三年上缴税收区级留成部分（不含…）予以全额奖励 · 第一、二年入园办公场所租金全部补贴: what the first span's rate is of,
# named between its years and its rate
GAP_BASE = re.compile(r"^(?P<base>[^，、；。%％\d按给予]{2,40}?)(?:(?:予以|给予)[^，、；。%％\d]{0,4}|补贴|奖励)?$")


def _years_base(s: str, first: re.Match) -> str | None:
    gap = GAP_BASE.match(first["gap"])
    if gap and re.search(r"租金|费|税|收入|部分|利息|额", gap["base"]):
        return gap["base"]
    base = (re.search(r"按其?(?P<base>[^，、；。%\d按]{2,20}?)(?:的|，)", s) or re.search(r"给予(?P<base>[^，、；%\d]{2,12}?)的?\d", s)
            or re.search(r"给予(?P<base>[^，、；%\d]{2,8}?)全额", s))  # 给予租金全额补贴: the rent, all of it
    words = re.sub(r"(?:给予|予以)[^，、；。]*$", "", base["base"]) if base else ""  # 按其办公用房租金给予补贴: the rent
    return words or None
