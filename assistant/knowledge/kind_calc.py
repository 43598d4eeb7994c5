"""Pure calculators for the kinds of ``kinds.py``: exact ``Decimal``, one-line Chinese trace each.

A missing input raises ``MissingInput`` whose message is the question to ask ("请说明认定级别：
省级或国家级"); nothing is assumed. A range is answered as a range (amount = its top, 最高;
``low_yuan`` = its bottom); a floor (不低于) as a floor.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.errors import AmountError
from assistant.knowledge.kinds import ask, needs
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Calculation, Inputs
from assistant.text.formats import format_rate, format_yuan


class MissingInput(AmountError):
    """The rule needs an input the question did not give; the message asks for it."""

    def __init__(self, rule: Rule, what: str):
        super().__init__(ask(rule, what))
        self.what = what


def missing(rule: Rule, inputs: Inputs) -> list[str]:
    """The inputs ``rule`` needs that ``inputs`` lacks, in order (base, level, quantity, year)."""
    have = {"base": inputs.base, "level": inputs.level, "quantity": inputs.quantity, "year": inputs.year}
    return [w for w in needs(rule) if have[w] is None]


def plain_quantity(value: Decimal) -> str:
    s = format(value.normalize(), "f")
    return f"{int(value):,}" if value == value.to_integral_value() and abs(value) >= 10000 else s


def _calc(rule: Rule, amount: Decimal, trace: str, *, base=None, rate=None, capped=False, low=None,
          selected="") -> Calculation:
    return Calculation(rule.id, rule.clause, base, rate, rule.cap, amount, capped, trace, rule.citation,
                       rule.open_terms, low, selected)


def _cap(rule: Rule, raw: Decimal) -> tuple[Decimal, bool, str]:
    if rule.cap is None:
        return raw, False, ""
    per = rule.cap_per or ""
    if raw > rule.cap:
        return rule.cap, True, f"，超过{per}上限{format_yuan(rule.cap)}，按上限计"
    return raw, False, f"，{'恰好等于' if raw == rule.cap else '未超过'}{per}上限{format_yuan(rule.cap)}"


def _positive(rule: Rule, value: Decimal, what: str) -> None:
    if value <= 0:
        raise AmountError(f"{what}应大于0，实际为{value}")


def compute(rule: Rule, inputs: Inputs) -> Calculation:
    lacking = missing(rule, inputs)
    if lacking:
        raise MissingInput(rule, lacking[0])
    if inputs.base is not None and "base" in needs(rule):
        _positive(rule, inputs.base, rule.base or "计算基数")
    return KIND[rule.kind](rule, inputs)


def _fixed(rule: Rule, _: Inputs) -> Calculation:
    a = rule.amount
    return _calc(rule, a, f"原文规定给予{format_yuan(a)} → 可获{format_yuan(a)}")


def _tiered(rule: Rule, i: Inputs) -> Calculation:
    tier = next((t for t in rule.tiers if i.level in (t.label, *t.words)), None)
    if tier is None:
        raise AmountError(f"“{i.level}”不是本条规定的级别；{ask(rule, 'level')}")
    name = rule.level or "级别"
    if tier.rate is not None:  # this level's rate of the base, capped by its own cap or the rule's
        b = i.base
        raw = b * tier.rate
        cap = tier.cap if tier.cap is not None else rule.cap
        amount, capped = (cap, True) if cap is not None and raw > cap else (raw, False)
        mid = f"，超过上限{format_yuan(cap)}，按上限计" if capped else (f"，未超过上限{format_yuan(cap)}" if cap is not None else "")
        trace = (f"{name}为{tier.label}，{format_yuan(b)} × {format_rate(tier.rate)} = {format_yuan(raw)}{mid} → "
                 f"可获{format_yuan(amount)}")
        return _calc(rule, amount, trace, base=b, rate=tier.rate, capped=capped, selected=tier.label)
    if rule.unit:  # an amount per person (per 人·月) of each category: times the quantity, when given
        per = f"每{rule.unit}{format_yuan(tier.amount)}"
        if i.quantity is None:
            return _calc(rule, tier.amount, f"{name}为{tier.label}，对应{per} → 每{rule.unit}可获{format_yuan(tier.amount)}",
                         rate=tier.amount, selected=tier.label)
        _positive(rule, i.quantity, rule.quantity or "数量")
        raw = i.quantity * tier.amount
        amount, capped, mid = _cap(rule, raw)
        trace = (f"{name}为{tier.label}，{per}：{plain_quantity(i.quantity)}{rule.unit} × {format_yuan(tier.amount)} = "
                 f"{format_yuan(raw)}{mid} → 可获{format_yuan(amount)}")
        return _calc(rule, amount, trace, rate=tier.amount, capped=capped, selected=tier.label)
    if i.quantity is not None and tier.amount is not None:  # "2个博士": the category's amount for each one counted
        _positive(rule, i.quantity, "人数")
        raw = i.quantity * tier.amount
        amount, capped, mid = _cap(rule, raw)
        return _calc(rule, amount, f"{name}为{tier.label}，{plain_quantity(i.quantity)} × {format_yuan(tier.amount)} = "
                     f"{format_yuan(raw)}{mid} → 可获{format_yuan(amount)}", capped=capped, selected=tier.label)
    held = next((t for t in rule.tiers if i.held in (t.label, *t.words)), None) if i.held else None
    if held is not None and held.amount is not None and tier.amount is not None:  # 差额补助: the difference only
        amount = max(tier.amount - held.amount, Decimal(0))
        return _calc(rule, amount, f"{name}为{tier.label}，对应{format_yuan(tier.amount)}；已按{held.label}获"
                     f"{format_yuan(held.amount)}，差额补助 → 可获{format_yuan(amount)}", selected=tier.label)
    at = rule.quote.find(tier.amount_text or "")
    lead = "最高可获" if at > 0 and any(w in rule.quote[max(0, at - 6):at] for w in ("最高", "不超过", "最多")) else "可获"
    return _calc(rule, tier.amount, f"{name}为{tier.label}，对应{format_yuan(tier.amount)} → {lead}{format_yuan(tier.amount)}",
                 selected=tier.label)


def _per_unit(rule: Rule, i: Inputs) -> Calculation:
    q, u = i.quantity, rule.unit
    _positive(rule, q, rule.quantity or "数量")
    note = ""
    if rule.max_quantity is not None and q > rule.max_quantity:  # 补贴面积不超过500平方米
        note = f"{plain_quantity(q)}{u}超过原文规定的{rule.max_quantity_text}，按{plain_quantity(rule.max_quantity)}{u}计；"
        q = rule.max_quantity
    if rule.step is not None:
        n = (q // rule.step) if rule.step_full else q / rule.step
        raw = n * rule.amount
        head = f"{plain_quantity(q)}{u}，每满{rule.step_text}{u}{format_yuan(rule.amount)}：{plain_quantity(n)} × {format_yuan(rule.amount)} = {format_yuan(raw)}"
    else:
        raw = q * rule.amount
        head = f"{plain_quantity(q)}{u} × 每{u}{format_yuan(rule.amount)} = {format_yuan(raw)}"
    amount, capped, mid = _cap(rule, raw)
    return _calc(rule, amount, f"{note}{head}{mid} → 可获{format_yuan(amount)}", rate=rule.amount, capped=capped,
                 selected=f"{plain_quantity(q)}{u}")


def _banded(rule: Rule, i: Inputs) -> Calculation:
    if rule.bands[0].rate is not None:  # rates by slices of the base, or the whole base at its band's rate
        return _marginal(rule, i.base, rated=True) if rule.marginal else _band_rate(rule, i.base)
    q, u = i.quantity, rule.unit
    _positive(rule, q, rule.quantity or "数量")
    if rule.marginal:
        return _marginal(rule, q, rated=False)
    band = next((b for b in rule.bands if b.holds(q)), None)
    if band is None:
        ranges = "；".join(b.describe(u) for b in rule.bands)
        return _calc(rule, Decimal(0), f"{plain_quantity(q)}{u}不在原文规定的任何一档（{ranges}）内 → 原文未规定奖励",
                     selected=f"{plain_quantity(q)}{u}")
    raw = q * band.amount
    amount, capped, mid = _cap(rule, raw)
    trace = (f"{plain_quantity(q)}{u}属于“{band.describe(u)}”一档，{plain_quantity(q)}{u} × 每{u}{format_yuan(band.amount)} = "
             f"{format_yuan(raw)}{mid} → 可获{format_yuan(amount)}")
    return _calc(rule, amount, trace, rate=band.amount, capped=capped, selected=band.describe(u))


def _band_rate(rule: Rule, base: Decimal) -> Calculation:
    """The whole base at the rate of the band it falls in (原值≥1万元，小于50万元的，补助率为0.3%)."""
    band = next((b for b in rule.bands if b.holds(base)), None)
    if band is None:
        ranges = "；".join(b.describe("") for b in rule.bands)
        return _calc(rule, Decimal(0), f"{format_yuan(base)}不在原文规定的任何一档（{ranges}）内 → 原文未规定补助", base=base)
    raw = base * band.rate
    amount, capped, mid = _cap(rule, raw)
    trace = (f"{rule.base or '基数'}{format_yuan(base)}属于“{band.describe('')}”一档，{format_yuan(base)} × {format_rate(band.rate)} = "
             f"{format_yuan(raw)}{mid} → 可获{format_yuan(amount)}")
    return _calc(rule, amount, trace, base=base, rate=band.rate, capped=capped, selected=band.describe(""))


def _parts(rule: Rule, total: Decimal, whole_units: bool):
    """The part of ``total`` within each band: above the band below, up to the band's own top. Counting whole
    units, an inclusive lower bound counts its own unit (4人以上的每增加1人: from the 4th person)."""
    below = Decimal(0)
    for b in rule.bands:
        edge = below or (b.low - 1 if whole_units and b.low and b.low_inclusive else b.low or Decimal(0))
        part = max(Decimal(0), min(total, b.high if b.high is not None else total) - edge)
        if part:
            yield b, part
        below = b.high if b.high is not None else below


def _marginal(rule: Rule, total: Decimal, rated: bool) -> Calculation:
    """Each band pays for its part: units (招用3人以下的每人2000元，4人以上的每增加1人3000元) or, with rate bands,
    the part of the base (500万元（含）以下的部分按4%，超过500万元…的部分按2%)."""
    u, pieces = rule.unit, list(_parts(rule, total, whole_units=not rated))
    if rule.step is not None and not rated:  # 超过10件的部分，每10件1万元: the part above counted in steps
        pieces = [(b, p if b.lump else (p // rule.step if rule.step_full else p / rule.step)) for b, p in pieces]
        u = f"×{rule.step_text}{u}"
    raw = sum((b.amount if b.lump else p * (b.rate if rated else b.amount) for b, p in pieces), Decimal(0))
    if rated:
        shown = [f"{format_yuan(p)} × {format_rate(b.rate)}（{b.describe('')}的部分）" for b, p in pieces]
        head, where = f"{rule.base or '基数'}{format_yuan(total)}，分段计算", {"base": total}
    else:
        shown = [f"{format_yuan(b.amount)}（达到{b.low_text}{u}）" if b.lump else
                 f"{plain_quantity(p)}{u} × {format_yuan(b.amount)}（{b.describe(u)}）" for b, p in pieces]
        head, where = f"{plain_quantity(total)}{u}，逐档计算", {"selected": f"{plain_quantity(total)}{u}"}
    amount, capped, mid = _cap(rule, raw)
    trace = f"{head}：{' + '.join(shown) or '0'} = {format_yuan(raw)}{mid} → 可获{format_yuan(amount)}"
    return _calc(rule, amount, trace, capped=capped, **where)


def _range(rule: Rule, i: Inputs) -> Calculation:
    if rule.range_of == "amount":
        lo, hi = rule.low, rule.high
        amount, capped, mid = _cap(rule, hi)
        trace = (f"原文规定{format_yuan(lo)}至{format_yuan(hi)}，具体数额经评审确定{mid} → "
                 f"最高可获{format_yuan(amount)}，最低{format_yuan(lo)}")
        return _calc(rule, amount, trace, capped=capped, low=lo)
    b = i.base
    lo, hi = b * rule.low, b * rule.high
    amount, capped, mid = _cap(rule, hi)
    low = min(lo, amount)
    trace = (f"{format_yuan(b)} × {format_rate(rule.low)} = {format_yuan(lo)}；{format_yuan(b)} × {format_rate(rule.high)} = "
             f"{format_yuan(hi)}{mid}，具体比例经评审确定 → 最高可获{format_yuan(amount)}，最低{format_yuan(low)}")
    return _calc(rule, amount, trace, base=b, rate=rule.high, capped=capped, low=low)


def _counted(rule: Rule, b: Decimal, product: str) -> str:
    """``product`` (the base counted × the rate) with what the text says of a ceiling on the base."""
    _, note = rule.counted(b)
    return f"{note}{product}" if note.endswith("；") else f"{product}{note}"


def _rate(rule: Rule, i: Inputs) -> Calculation:
    b, _ = rule.counted(i.base)
    raw = b * rule.rate
    amount, capped, mid = _cap(rule, raw)
    lead = "最高可获" if rule.upper or capped or "不超过" in rule.quote else "可获"
    head = _counted(rule, i.base, f"{format_yuan(b)} × {format_rate(rule.rate)} = {format_yuan(raw)}")
    return _calc(rule, amount, f"{head}{mid} → {lead}{format_yuan(amount)}", base=i.base, rate=rule.rate, capped=capped)


def _min_rate(rule: Rule, i: Inputs) -> Calculation:
    b, _ = rule.counted(i.base)
    raw = b * rule.rate
    amount, capped, mid = _cap(rule, raw)
    lead = "可获" if capped else "至少可获"
    head = _counted(rule, i.base, f"{format_yuan(b)} × 不低于{format_rate(rule.rate)} = {format_yuan(raw)}")
    trace = f"{head}{mid} → {lead}{format_yuan(amount)}"
    return _calc(rule, amount, trace, base=b, rate=rule.rate, capped=capped, low=amount)


def _schedule(rule: Rule, i: Inputs) -> Calculation:
    b, n = i.base, i.year
    if not rule.years:  # 分阶段合计给予500万元: the total, however it is paid out
        a = rule.amount
        return _calc(rule, a, f"原文规定分阶段合计给予{format_yuan(a)} → 合计可获{format_yuan(a)}")
    year = next((y for y in rule.years if y.first <= n <= y.last), None)
    if year is None or n < 1:
        last = rule.years[-1].last
        return _calc(rule, Decimal(0), f"原文只规定第1至第{last}年的支持，第{n}年不在支持期内 → 原文未规定奖励",
                     base=b, selected=f"第{n}年")
    if year.is_amount:  # a stage's own amount
        return _calc(rule, year.rate, f"第{n}阶段为“{year.text}”，对应{format_yuan(year.rate)} → 该阶段可获{format_yuan(year.rate)}",
                     selected=year.text)
    if rule.amount is not None:  # shares of a stated award (分三年按40%、30%、30%拨付)
        a = rule.amount * year.rate
        trace = (f"第{n}年（期）拨付{year.text}，奖励{format_yuan(rule.amount)} × {format_rate(year.rate)} = {format_yuan(a)} → "
                 f"第{n}年（期）可获{format_yuan(a)}")
        return _calc(rule, a, trace, rate=year.rate, selected=year.text)
    raw = b * year.rate
    amount, capped, mid = _cap(rule, raw)
    trace = (f"第{n}年属于“{year.text}”，{format_yuan(b)} × {format_rate(year.rate)} = {format_yuan(raw)}{mid} → "
             f"第{n}年最高可获{format_yuan(amount)}")
    return _calc(rule, amount, trace, base=b, rate=year.rate, capped=capped, selected=year.text)


def _tiered_threshold(rule: Rule, i: Inputs) -> Calculation:
    b = i.quantity if rule.unit else i.base  # thresholds of a count (达50件): the count, else the amount
    unit = rule.unit or rule.currency
    money = (lambda v: f"{plain_quantity(v)}{unit}") if unit else format_yuan
    reached = [t for t in rule.tiers if (b >= t.threshold if rule.inclusive else b > t.threshold)]
    word = "（含本数）" if rule.inclusive else "（不含本数）"
    if not reached:
        first = rule.tiers[0]
        return _calc(rule, Decimal(0), f"{rule.base or ''}{money(b)}，未{rule.boundary}最低一档{money(first.threshold)}{word} → 不予奖励",
                     base=b)
    top = reached[-1]
    amount, capped, mid = _cap(rule, top.amount)  # a cap over the awards of one applicant (单个企业年度…最高不超过)
    trace = (f"{rule.base or ''}{money(b)}，{rule.boundary}{money(top.threshold)}{word}一档，{format_yuan(top.amount)}{mid} → "
             f"可获{format_yuan(amount)}") if rule.cap is not None else (
             f"{rule.base or ''}{money(b)}，{rule.boundary}{money(top.threshold)}{word}一档 → 可获{format_yuan(top.amount)}")
    return _calc(rule, amount, trace, base=b, capped=capped, selected=top.threshold_text or top.label)


def _multiple(rule: Rule, i: Inputs) -> Calculation:
    """N months or N times of a standard: its amount as the document states it, else as the user gives it."""
    stated = rule.standard is not None
    s = rule.standard if stated else i.base
    per = "每月" if rule.unit == "月" else ""
    source = f"原文{rule.standard_citation.clause or ''}规定" if stated and rule.standard_citation else "按您提供的"
    raw = s * rule.multiple
    amount, capped, mid = _cap(rule, raw)
    lead = f"{rule.cap_per or ''}{'最高可获' if rule.upper or capped else '可获'}"
    trace = (f"{source}{rule.base}{per}{format_yuan(s)} × {plain_quantity(rule.multiple)}（{rule.multiple_text}）= "
             f"{format_yuan(raw)}{mid} → {lead}{format_yuan(amount)}")
    return _calc(rule, amount, trace, base=s, capped=capped)


KIND = {"multiple": _multiple, "fixed": _fixed, "tiered": _tiered, "per_unit": _per_unit, "banded": _banded, "range": _range,
        "rate": _rate, "min_rate": _min_rate, "schedule": _schedule, "tiered_threshold": _tiered_threshold}
