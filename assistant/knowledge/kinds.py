"""The rule kinds real policies use, beyond a rate with a cap: their data, loaded and checked.

Each kind keeps the verbatim quote of ``rules.py``; every figure it holds (amount, rate, band
bound, step, tier label, year span) must occur in that quote, or loading fails naming the rule.
The words a question uses to give a rule's inputs live here too (tier ``words``, ``unit_words``),
so reading a question stays data-driven (``quantities.py``).

fixed            a stated award: 给予企业200万元奖励
tiered           one award per level: 省级、国家级…分别给予20万元、50万元 (the user's level picks it)
per_unit         an amount per unit: 每亩500元, 每间1万元, 每满一万人次奖励1万元, 每人每夜20元
banded           per-unit amounts by bands of the quantity, each bound inclusive or not
range            a range of amounts (5万元—50万元) or of rates of a base (3%-15%): answered as a range
rate             base × rate (按实际投资额的10%), optionally capped
min_rate         a floor: 不低于10%, optionally capped
schedule         rates by year of support: 前两年100%、后三年50%, optionally capped per year
tiered_threshold awards by thresholds of a base: 首次突破1亿元、5亿元的，分别奖励30万元、100万元
multiple         N months or N times of a standard: 人均不超过本市12个月最低生活保障标准 (the standard's
                 amount from the document where it states it, else from the user; never assumed)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from assistant.errors import AmountError, RuleError
from assistant.text.amounts import parse_amount, parse_rate

EXTRA_KINDS = ("fixed", "tiered", "per_unit", "banded", "range", "rate", "min_rate", "schedule", "tiered_threshold",
               "multiple")
# Boundary words of a threshold tier; 突破 reads as 超过 (more than the number).
INCLUSIVE_WORDS = ("（含）以上", "及以上", "以上", "达到", "达", "不低于", "不少于", "（含）", "(含)")
EXCLUSIVE_WORDS = ("突破", "超过", "高于")


@dataclass(frozen=True)
class Tier:
    """One level (label, with the words a question may use for it) or one threshold, and its award."""

    label: str
    amount: Decimal | None = None
    amount_text: str | None = None
    words: tuple[str, ...] = ()
    threshold: Decimal | None = None
    threshold_text: str | None = None
    rate: Decimal | None = None  # a tier paid as a rate of the base (国家级的给予100%的资金配套), in place of an amount
    rate_text: str | None = None
    cap: Decimal | None = None  # that tier's own cap (最高500万元)
    cap_text: str | None = None


@dataclass(frozen=True)
class Band:
    """Quantities from ``low`` to ``high`` (None: open), each bound inclusive or not; the amount per unit,
    or (``rate``) a rate of the part of an amount within the band (…的部分按2%)."""

    amount: Decimal | None
    amount_text: str | None
    low: Decimal | None = None
    low_text: str | None = None
    low_inclusive: bool = True
    high: Decimal | None = None
    high_text: str | None = None
    high_inclusive: bool = True
    rate: Decimal | None = None
    rate_text: str | None = None
    lump: bool = False  # paid once on reaching ``low`` (达到5个的，给予2万元), not per unit: marginal bands only

    def holds(self, q: Decimal) -> bool:
        if self.low is not None and (q < self.low or (q == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (q > self.high or (q == self.high and not self.high_inclusive)))

    def describe(self, unit: str) -> str:
        lo = "" if self.low is None else f"{self.low_text}{unit}{'（含）' if self.low_inclusive else '（不含）'}"
        hi = "" if self.high is None else f"{self.high_text}{unit}{'（含）' if self.high_inclusive else '（不含）'}"
        if lo and hi:
            return f"{lo}至{hi}"
        return f"{lo}以上" if lo else f"{hi}以下"


@dataclass(frozen=True)
class YearRate:
    """Support years ``first``..``last`` (1 = the first year) at ``rate``; ``text`` is the quote's words."""

    first: int
    last: int
    text: str
    rate: Decimal  # a share of the base or of the award; the stage's amount when ``is_amount``
    rate_text: str
    is_amount: bool = False


def number(text) -> Decimal:
    """A plain quantity as written in a policy or a question: 200, 1.5, 一万, 三十."""
    s = str(text).strip().replace(",", "").replace("，", "")
    try:
        return Decimal(s) if s.replace(".", "", 1).isdigit() else parse_amount(s + "元")
    except (AmountError, ArithmeticError):
        raise AmountError(f"无法识别数量“{text}”") from None


def times(text) -> Decimal:
    """The N of a multiple as written: 12个月, 两个月, 15倍, 1.6倍."""
    s = re.sub(r"(?:个月|倍)$", "", str(text).strip())
    if not s or s == str(text).strip():
        raise AmountError(f"无法识别倍数“{text}”（应写作“12个月”或“1.5倍”）")
    return number(s)


def foreign_amount(text: str, currency: str) -> Decimal:
    """An amount in ``currency`` (1000万美元, or 1000万 before …至2000万美元) as a number of that currency."""
    s = str(text).strip()
    return parse_amount(s.removesuffix(currency) + "元")


def _fail(path: Path, rid: str, what: str) -> RuleError:
    return RuleError(f"规则文件 {path.name} 中规则 {rid} {what}")


def _in_quote(text, quote: str, path: Path, rid: str, key: str) -> str:
    text = str(text or "").strip()
    if not text or text not in quote:
        raise _fail(path, rid, f"的 {key}“{text}”没有出现在其引文中")
    return text


def _parsed(parse, text, quote, path, rid, key) -> tuple[Decimal, str]:
    t = _in_quote(text, quote, path, rid, key)
    try:
        return parse(t), t
    except AmountError as exc:
        raise _fail(path, rid, f"的 {key} 无效：{exc}") from None


def _money(text, quote, path, rid, key) -> tuple[Decimal, str]:
    return _parsed(parse_amount, text, quote, path, rid, key)


def _qty(text, quote, path, rid, key) -> tuple[Decimal, str]:
    return _parsed(number, text, quote, path, rid, key)


RATIO = re.compile(r"1\s*[:：]\s*(\d+(?:\.\d+)?)")


def policy_rate(text: str) -> Decimal:
    """A rate as a policy writes it: 30%, 百分之三十, 全额 (全部) or 相同额度 (the whole of the base: 100%), or a matching
    ratio (按1:0.5的比例配套: 0.5 for each 1 of the base, 50%)."""
    if str(text).strip() in ("全额", "全部", "相同额度", "同等额度"):
        return Decimal(1)
    if m := RATIO.fullmatch(str(text).strip()):
        return parse_rate(f"{Decimal(m[1]) * 100}%")
    return parse_rate(text)


def _rate(text, quote, path, rid, key) -> tuple[Decimal, str]:
    return _parsed(policy_rate, text, quote, path, rid, key)


def _list(value, path, rid, key) -> list[dict]:
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise _fail(path, rid, f"缺少 {key}（应为非空列表）")
    return value


def _words(value) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(str(v).strip() for v in value or () if str(v).strip()), key=lambda w: -len(w)))


def load_extra(kind: str, r: dict, quote: str, rid: str, path: Path) -> dict:
    """The kind-specific fields of a rule as ``Rule`` keyword arguments; RuleError names what is wrong."""
    out: dict = {}
    if kind in ("fixed", "per_unit"):
        out["amount"], out["amount_text"] = _money(r.get("amount"), quote, path, rid, "金额 amount")
    if kind in ("per_unit", "banded"):
        unit = str(r.get("unit") or "").strip()
        if not unit:
            raise _fail(path, rid, "缺少计量单位 unit（如 亩、间、平方米、人次）")
        out["unit"] = unit
        out["unit_words"] = _words([unit, *(r.get("unit_words") or [])])
        if r.get("max_quantity") not in (None, ""):
            out["max_quantity"], out["max_quantity_text"] = _qty(r.get("max_quantity"), quote, path, rid, "数量上限 max_quantity")
        if r.get("step") not in (None, ""):
            out["step"], out["step_text"] = _qty(r.get("step"), quote, path, rid, "计量步长 step")
            out["step_full"] = bool(r.get("step_full", True))
    if kind == "tiered" and str(r.get("unit") or "").strip():  # amounts per person (per 人·月) by category
        out["unit"] = str(r["unit"]).strip()
        out["unit_words"] = _words([out["unit"], *(r.get("unit_words") or [])])
    if kind == "tiered":
        tiers = []
        for t in _list(r.get("tiers"), path, rid, "tiers"):
            label = _in_quote(t.get("label"), quote, path, rid, "级别 label")
            words = _words([label, *(t.get("words") or [])])
            if t.get("rate") not in (None, ""):  # a rate of the base for this level, with its own cap if any
                rate, rtext = _rate(t.get("rate"), quote, path, rid, "比例 rate")
                cap = _money(t["cap"], quote, path, rid, "上限 cap") if t.get("cap") not in (None, "") else (None, None)
                tiers.append(Tier(label, None, None, words, rate=rate, rate_text=rtext, cap=cap[0], cap_text=cap[1]))
                continue
            amount, text = _money(t.get("amount"), quote, path, rid, "金额 amount")
            tiers.append(Tier(label, amount, text, words))
        if len(tiers) < 2:
            raise _fail(path, rid, "的 tiers 至少应有两档")
        out["tiers"] = tuple(tiers)
    if kind == "tiered_threshold":
        tiers = []
        currency = str(r.get("currency") or "").strip() or None
        unit = str(r.get("unit") or "").strip() or None  # thresholds of a count (50件, 5000人): a quantity, not money
        if currency:
            out["currency"] = currency
        if unit:
            out["unit"], out["unit_words"] = unit, _words([unit, *(r.get("unit_words") or [])])
        for t in _list(r.get("tiers"), path, rid, "tiers"):
            parse = (lambda x: foreign_amount(x, currency)) if currency else (
                lambda x: number(re.sub(r"[（(]含[）)]|以上$", "", x).strip().removesuffix(unit))) if unit else parse_amount
            threshold, ttext = _parsed(parse, t.get("threshold"), quote, path, rid, "门槛 threshold")
            amount, text = _money(t.get("amount"), quote, path, rid, "金额 amount")
            tiers.append(Tier(str(t.get("label") or ttext), amount, text, (), threshold, ttext))
        if [t.threshold for t in tiers] != sorted(t.threshold for t in tiers):
            raise _fail(path, rid, "的 tiers 门槛应从低到高排列")
        out["tiers"] = tuple(tiers)
        boundary = str(r.get("boundary") or "")
        if boundary not in INCLUSIVE_WORDS + EXCLUSIVE_WORDS or boundary not in quote:
            raise _fail(path, rid, "的 boundary 应为原文中的边界用语（如“突破”“达到”“以上”）")
    if kind == "banded":
        bands = []
        for b in _list(r.get("bands"), path, rid, "bands"):
            rated = b.get("rate") not in (None, "")  # a rate of the part of an amount within the band
            amount, text = (None, None) if rated else _money(b.get("amount"), quote, path, rid, "每单位金额 amount")
            rate, rtext = _rate(b["rate"], quote, path, rid, "比例 rate") if rated else (None, None)
            bound = _money if rated else _qty
            low = bound(b["low"], quote, path, rid, "下限 low") if b.get("low") not in (None, "") else (None, None)
            high = bound(b["high"], quote, path, rid, "上限 high") if b.get("high") not in (None, "") else (None, None)
            if low[0] is None and high[0] is None:
                raise _fail(path, rid, "的每一档应至少有下限 low 或上限 high")
            bands.append(Band(amount, text, low[0], low[1], bool(b.get("low_inclusive", True)),
                              high[0], high[1], bool(b.get("high_inclusive", True)), rate, rtext, bool(b.get("lump", False))))
        if len({b.rate is None for b in bands}) != 1:
            raise _fail(path, rid, "的各档应都给金额 amount，或都给比例 rate")
        _check_bands(bands, path, rid)
        out["bands"] = tuple(bands)
        out["marginal"] = bool(r.get("marginal", False))
        if any(b.lump for b in bands) and not (out["marginal"] and bands[0].lump and bands[0].low is not None
                                               and all(not b.lump for b in bands[1:])):
            raise _fail(path, rid, "的 lump（达到门槛一次性给予）只能是逐档计算（marginal）的第一档，且应有下限 low")
    if kind == "range":
        low, high = str(r.get("low") or ""), str(r.get("high") or "")
        if "%" in low + high or "％" in low + high:
            (lo, lo_t), (hi, hi_t) = (_rate(low, quote, path, rid, "下限 low"), _rate(high, quote, path, rid, "上限 high"))
        else:
            (lo, lo_t), (hi, hi_t) = (_money(low, quote, path, rid, "下限 low"), _money(high, quote, path, rid, "上限 high"))
        if lo >= hi:
            raise _fail(path, rid, "的范围下限应小于上限")
        out.update(low=lo, low_text=lo_t, high=hi, high_text=hi_t, range_of="rate" if "%" in low + high or "％" in low + high
                   else "amount")
    if kind == "multiple":
        out["multiple"], out["multiple_text"] = _parsed(times, r.get("multiple"), quote, path, rid, "倍数 multiple")
        if not str(r.get("base") or "").strip():
            raise _fail(path, rid, "缺少所依据的标准 base（如 本市最低生活保障标准）")
        if str(r.get("unit") or "").strip():
            out["unit"] = str(r["unit"]).strip()
    if kind == "schedule":
        years = []
        if r.get("amount") not in (None, ""):  # the award paid in stages or shares (分阶段合计给予500万元)
            out["amount"], out["amount_text"] = _money(r.get("amount"), quote, path, rid, "金额 amount")
        for y in r.get("years") or [] if "amount" in out else _list(r.get("years"), path, rid, "years"):
            text = _in_quote(y.get("text"), quote, path, rid, "年份 text")
            if y.get("amount") not in (None, ""):  # a stage's own amount (改制、辅导…分别给予60万元、80万元…)
                share, stext = _money(y.get("amount"), quote, path, rid, "金额 amount")
            else:
                share, stext = _rate(y.get("rate"), quote, path, rid, "比例 rate")
            first, last = int(y.get("first") or 0), int(y.get("last") or 0)
            if first < 1 or last < first:
                raise _fail(path, rid, f"的年份“{text}”应给出 first/last（从第1年起）")
            years.append(YearRate(first, last, text, share, stext, y.get("amount") not in (None, "")))
        for a, b in zip(years, years[1:], strict=False):
            if b.first != a.last + 1:
                raise _fail(path, rid, "的 years 应逐年衔接（如 1-2、3-5）")
        out["years"] = tuple(years)
    return out


def _check_bands(bands: list[Band], path: Path, rid: str) -> None:
    """Bands in order, never overlapping: a bound shared by two bands belongs to exactly one."""
    for a, b in zip(bands, bands[1:], strict=False):
        if a.high is None or b.low is None or a.high > b.low:
            raise _fail(path, rid, "的 bands 应从低到高排列且不重叠")
        if a.high == b.low and a.high_inclusive == b.low_inclusive:
            raise _fail(path, rid, f"的 bands 在{a.high_text}处重叠或留空：该数应只属于其中一档（含/不含）")


def needs(rule) -> tuple[str, ...]:
    """The inputs a rule needs from the user: base (an amount), level, quantity, year."""
    kind = rule.kind
    out: list[str] = []
    rated = (kind == "tiered" and any(t.rate is not None for t in rule.tiers)) or (
        kind == "banded" and any(b.rate is not None for b in rule.bands))
    own = kind == "schedule" and (rule.amount is not None or all(y.is_amount for y in rule.years))
    if (kind in ("subsidy", "rate", "min_rate", "schedule", "tiered_threshold") and not own) or rated or (
            kind == "range" and rule.range_of == "rate"):
        out.append("base")
    if kind == "tiered":
        out.append("level")
    if kind == "tiered_threshold" and rule.unit:  # thresholds of a count: the count is asked, not an amount
        out.remove("base")
    if kind == "per_unit" or (kind == "banded" and not rated) or (kind == "tiered_threshold" and rule.unit):
        out.append("quantity")
    if kind == "schedule" and rule.years:
        out.append("year")
    if kind == "multiple" and rule.standard is None:  # the standard's amount, from the user
        out.append("base")
    return tuple(out)


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "或" + items[-1]


def ask(rule, what: str) -> str:
    """The Chinese question for a missing input, naming the choices the rule offers."""
    if what == "level":
        return f"请说明{rule.level or '级别'}：{_or([t.label for t in rule.tiers])}"
    if what == "quantity":
        name = rule.quantity or "数量"
        return f"请说明{name}（单位：{rule.unit}），例如“100{rule.unit}”"
    if what == "year":
        return f"请说明是享受支持的第几年（如“第3年”），原文规定：{'、'.join(f'{y.text}{y.rate_text}' for y in rule.years)}"
    if rule.kind == "multiple":
        per = "每月" if rule.unit == "月" else ""
        return f"原文按{rule.base}的{rule.multiple_text}计算，但未写明该标准的金额：请提供{rule.base}{per}的金额（如“{per}1300元”）"
    return f"请提供{rule.base or '计算基数'}金额（如“1200万元”）"


def describe(rule) -> str:
    """The rule's figures in one line, as the text states them (for answers without inputs and review)."""
    k = rule.kind
    if k == "fixed":
        return f"给予{rule.amount_text}"
    if k == "tiered":
        per = f"每{rule.unit}" if rule.unit else ""
        return "、".join(f"{t.label}{per}{t.amount_text}" if t.rate is None else
                        f"{t.label}按{rule.base or '基数'}的{t.rate_text}" + (f"（最高{t.cap_text}）" if t.cap_text else "")
                        for t in rule.tiers)
    if k == "tiered_threshold":
        return "、".join(f"{rule.boundary}{t.threshold_text}奖励{t.amount_text}" for t in rule.tiers) + (
            f"，{rule.cap_per or ''}最高不超过{rule.cap_text}" if rule.cap is not None else "")
    if k == "per_unit":
        per = f"每满{rule.step_text}{rule.unit}" if rule.step is not None else f"每{rule.unit}"
        most = f"，至多按{rule.max_quantity_text}{rule.unit.rstrip('月年')}计" if rule.max_quantity is not None else ""
        return f"{per}{rule.amount_text}{most}" + (f"，最高不超过{rule.cap_text}" if rule.cap is not None else "")
    if k == "banded" and rule.bands[0].rate is not None:
        part = "的部分" if rule.marginal else "的"  # slices of the amount, or the whole amount at its band's rate
        return "；".join(f"{b.describe('')}{part}按{b.rate_text}" for b in rule.bands) + (
            f"，最高不超过{rule.cap_text}" if rule.cap is not None else "")
    if k == "banded":
        per = f"每{rule.step_text or ''}{rule.unit}"
        return "；".join(f"达到{b.low_text}{rule.unit}的给予{b.amount_text}" if b.lump else
                        f"{b.describe(rule.unit)}{per}{b.amount_text}" for b in rule.bands) + (
            f"，{rule.cap_per or ''}最高不超过{rule.cap_text}" if rule.cap is not None else "")
    if k == "range":
        return f"{rule.low_text}至{rule.high_text}" + (f"（{rule.base}的比例）" if rule.range_of == "rate" else "") + "，具体数额经评审确定"
    if k in ("rate", "min_rate"):
        word = "不低于" if k == "min_rate" else ""
        cap = f"，{rule.cap_per or ''}最高不超过{rule.cap_text}" if rule.cap is not None else ""
        ceiling = f"，{rule.max_base_of or rule.base}最高按{rule.max_base_text}计" if rule.max_base is not None else ""
        return f"按{rule.base}的{word}{rule.rate_text}{ceiling}{cap}"
    if k == "multiple":
        word = "最高不超过" if rule.upper else "按"
        known = f"（原文规定该标准为{rule.standard_text}）" if rule.standard is not None else "（该标准的金额原文未写明）"
        return f"{rule.cap_per or ''}{word}{rule.base}的{rule.multiple_text}{known}" + (
            f"，最高不超过{rule.cap_text}" if rule.cap is not None else "")
    if k == "schedule":
        cap = f"，{rule.cap_per or '每年'}最高不超过{rule.cap_text}" if rule.cap is not None else ""
        steps = "、".join(y.rate_text if y.text == y.rate_text else f"{y.text}{y.rate_text}" for y in rule.years)
        if rule.amount is not None:
            return f"合计{rule.amount_text}" + (f"，分期拨付：{steps}" if steps else "，分阶段拨付")
        return steps + ("" if all(y.is_amount for y in rule.years) else f"（按{rule.base}）") + cap
    return ""
