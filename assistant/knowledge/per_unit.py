"""Amounts per unit (每平方米20元, 2000元/人, 每新引进1家企业…给予1万元), for ``provisions.classify``:
several in one sentence with their shared cap, a cap on the counted units, a per-person amount that is
a set award or a maximum when the person is the one paid, and per-unit amounts by bands of a quantity.
"""

from __future__ import annotations

import re

from assistant.knowledge.tiers import case_list
from assistant.knowledge.wording import AMT, CAP, CAP_NOT_OVER, CNQ, DASH, NUM, UNITS, Proposal, _cap, _n

PER_UNIT = re.compile(rf"每(?:超(?:出|过)?|新?(?:培训|招用|吸纳|吸引|引进|带动|新增))?(?P<full>满|增加)?(?P<step>{CNQ})?(?P<unit>{UNITS})(?:每(?P<unit2>{UNITS}))?(?P<gap>[^，。；\d]{{0,8}}?)(?P<amt>{AMT})")
# 每新入驻1家…企业，给予园区扶持资金1万元 · 每成功推荐1个项目…给予: a count of what the applicant brings in
# (每获得第4名 is a place, an ordinal: no count)
# 每吸引一家…企业落户，…给予入园企业和实体企业各50万元: the count in words, the award to each party named before it
PER_COUNT = re.compile(rf"每(?:新)?[\u4e00-\u9fa5]{{1,4}}?(?<!第)\s*(?P<step>\d+|[一二两三四五六七八九十]+)\s*(?P<unit>家|个|人|项|件|名)"
                       rf"(?P<gap>(?:(?!{AMT})[^。；]){{0,40}}?)(?:给予|奖励|补贴|补助|资助)[^，。；\d]{{0,16}}?(?P<amt>{AMT})")
# 注册一件商标奖励2000元 · 引进一名博士给予5万元: an amount for one unit of what the applicant does, 每 left out
PER_ONE = re.compile(rf"(?<![每第])(?:新?(?:注册|认定|引进|招用|吸纳|培育|登记))(?:一|1)\s*(?P<unit>件|个|家|项|名|人|台|套)"
                     rf"(?P<gap>[^，。；\d]{{0,8}}?)(?:奖励|给予|补助|补贴|资助)[^，。；\d]{{0,4}}?(?P<amt>{AMT})")
# 2000元/人 · 300元/人/天 · 100元每人每天: the unit written after the amount
SLASH_UNIT = re.compile(rf"(?P<amt>{AMT})\s*(?:[/／]|每)\s*(?P<unit>{UNITS}|家|个)(?:\s*(?:[/／]|每)\s*(?P<unit2>{UNITS}))?")
# 每张床位补贴标准统一提高到10000元: a standard per unit, named and set at some length before its amount
PER_STANDARD = re.compile(rf"每(?P<unit>{UNITS})(?P<gap>[^，。；\d]{{0,8}}?标准[^，。；\d]{{0,6}}?(?:为|提高到|提高至|调整为|调整到|上调至|上调为))\s*(?P<amt>{AMT})")
RAISED = re.compile(rf"\s*(?:调整为|调整到|提高到|提高至|提高为|上调至|上调为|上调到)\s*(?P<amt>{AMT})")
QTY_CAP = re.compile(rf"(?<!期限)(?<!年限)(?<!时间)(?<!期)不超过\s*{NUM}\s*(?:个)?(?P<unit>{UNITS}|年)")
# 50—200平方米（含200平方米）的，每平方米奖励30元 · 招用3人以下的按每人2000元 (每招用1人2000元) · 4人以上的每增加1人给予3000元
BAND = re.compile(rf"(?:(?P<low>{NUM}){DASH})?(?P<high>{NUM})\s*(?P<unit>{UNITS})(?:（含(?P<inc>{NUM})(?P=unit)）)?(?P<word>以上|以下)?"
                  rf"(?:的[^，。；\d]{{0,12}}?)?[，,]?(?:(?:按)?每(?P<more>增加|新增)?(?:新?(?:招用|吸纳|引进|培训|带动))?(?:1|一)?(?P=unit)[^，。；\d]{{0,6}}?(?P<amt>{AMT})|"
                  rf"[^，。；\d]{{0,12}}?(?P<amt2>{AMT})\s*/\s*(?P=unit))")
BAND_CAP = re.compile(r"^[^。；]*")
ORDINAL = re.compile(r"第[一二三四五六七八九十\d]+(?P<of>晚|夜|年|月|天|日|次)")


def bands(clause: str) -> tuple[Proposal, int, int] | None:
    """Per-unit amounts by bands of a quantity across the clause's sentences, with the cap that follows them;
    (proposal, start, end). A band paid for each further unit (4人以上的每增加1人给予3000元) makes the bands
    marginal: each pays for the units within it."""
    found = list(BAND.finditer(clause))
    if len(found) < 2 or len({m["unit"] for m in found}) != 1:
        return None
    rows, prev_high_inclusive = [], None
    for m in found:
        row: dict = {"amount": _n(m["amt"] or m["amt2"])}
        if m["low"]:
            row |= {"low": m["low"], "high": m["high"], "high_inclusive": bool(m["inc"]) or "含" in m[0]}
            row["low_inclusive"] = prev_high_inclusive is not True if rows else True
        elif m["word"] == "以上":
            # Civil Code: 以上 includes the number, unless the band below already took it (（含200平方米）)
            row |= {"low": m["high"], "low_inclusive": not (rows and rows[-1].get("high") == m["high"]
                                                             and rows[-1].get("high_inclusive"))}
        else:
            row |= {"high": m["high"], "high_inclusive": True}
        prev_high_inclusive = row.get("high_inclusive")
        rows.append(row)
    start, end = found[0].start(), found[-1].end()
    fields = {"unit": found[0]["unit"], "bands": rows} | ({"marginal": True} if any(m["more"] for m in found) else {})
    p = Proposal("banded", clause[start:end], fields)
    p.used |= {r["amount"] for r in rows}
    return _tail_cap(clause, p, start, end)


# 达到5个的，给予2万元奖补，5个以上的每增加一个给予5000元 · 达10件的奖励2万元，超过10件的每增加1件奖励1000元: an award
# on reaching a count, then an amount for each unit beyond it · 超过10件的部分，每10件奖励1万元: for each full step of units
LUMP_STEP = re.compile(rf"(?:达到|达)\s*(?P<n>{NUM})\s*(?P<unit>{UNITS}|个|家)(?:[（(]含[）)])?(?:及以上|以上)?的?[，,]?[^，。；\d]{{0,10}}?"
                       rf"(?:给予|奖励|补助|补贴|资助|奖补)[^，。；\d]{{0,6}}?(?P<lump>{AMT})[^，。；\d]{{0,6}}?[，,；;]\s*"
                       rf"(?:(?:招用|新增|入驻)?(?P=n)\s*(?P=unit)以上的?|超过(?P=n)\s*(?P=unit)(?:的部分|的)?)[，,]?\s*"
                       rf"(?:按)?每(?:增加|新增|多)?(?P<step>1|一|\d+)(?P=unit)[^，。；\d]{{0,10}}?(?P<amt>{AMT})")


def lump_steps(clause: str) -> tuple[Proposal, int, int] | None:
    """An award on reaching a count and an amount for each unit beyond it, with the cap that follows: marginal bands
    whose first pays once (lump); (proposal, start, end)."""
    m = LUMP_STEP.search(clause)
    if not m:
        return None
    n = m["n"]
    rows = [{"amount": _n(m["lump"]), "low": n, "low_inclusive": True, "high": n, "high_inclusive": True, "lump": True},
            {"amount": _n(m["amt"]), "low": n, "low_inclusive": False}]
    start = max(clause.rfind(c, 0, m.start()) for c in "。；\n") + 1  # from the sentence's start: who is paid (给予园区奖补)
    step = {"step": m["step"], "step_full": True} if m["step"] not in ("1", "一") else {}  # counted in whole steps
    if step and "超过" not in m[0]:
        return None  # 5个以上的每10个: a step of several after a band's own count, not the part beyond it
    p = Proposal("banded", clause[start:m.end()], {"unit": m["unit"], "bands": rows, "marginal": True} | step,
                 {_n(m["lump"]), _n(m["amt"])})
    return _tail_cap(clause, p, start, m.end())


def _tail_cap(clause: str, p: Proposal, start: int, end: int) -> tuple[Proposal, int, int]:
    """The proposal with the cap right after it in the sentence (…，总额最高不超过3万元), its quote grown to it."""
    tail = BAND_CAP.match(clause[end:])[0]
    if (cap := [c for c in (*CAP.finditer(tail), *CAP_NOT_OVER.finditer(tail))]):
        end += min(c.end() for c in cap)
        p.quote = clause[start:end]
        _cap(p.quote, p)
    return p, start, end


# 每户奖励5万元 · 每户给予一次性奖励3万元: 户 is the applicant itself (an enterprise, a household), paid once;
# 每户每月… (paid by the month) and 每新增1户… (households the applicant brings in) are counted units
PER_APPLICANT = re.compile(rf"每户(?:分别)?(?:一次性)?(?:给予|奖励|补助|补贴|资助)[^，。；\d每]{{0,8}}?(?P<amt>{AMT})")


def _applicant_paid(s: str, p: Proposal) -> Proposal:
    """A per-unit amount whose unit is the applicant (每户奖励5万元): a set award, or a maximum after 最高."""
    m = PER_APPLICANT.search(s)
    if p.fields.get("unit") != "户" or "step" in p.fields or not m or _n(m["amt"]) != p.fields["amount"]:
        return p
    if re.search(r"最高|最多|不超过", m[0]):
        return Proposal("cap_only", s, {"cap": p.fields["amount"], "cap_per": "每户"}, set(p.used))
    return Proposal("fixed", s, {"amount": p.fields["amount"]}, set(p.used))


def _person_paid(s: str, p: Proposal) -> Proposal:
    """A per-person amount where the person is the one paid, not counted by an organisation: a set award
    (可申请一次性求职补贴，补贴标准为每人3000元 · 设立…奖，给予每人2万元奖励), or a maximum per person
    (给予每人最高5000元补贴 · 最高不超过每人每月800元)."""
    if (q := _applicant_paid(s, p)) is not p:
        return q
    if not (ONE_OFF_PERSON.search(s) or PERSON_PAID.search(s)) or ORG_COUNTS.search(s) or "step" in p.fields \
            or "cap" in p.fields or len([*PER_UNIT.finditer(s), *SLASH_UNIT.finditer(s)]) != 1:  # 按博士每人…、硕士每人…: by category
        return p
    amount = p.fields["amount"]
    if PERSON_MAX.search(s[: s.find(amount)]):
        return Proposal("cap_only", s, {"cap": amount, "cap_per": "每" + p.fields["unit"]}, set(p.used))
    return Proposal("fixed", s, {"amount": amount}, set(p.used)) if p.fields["unit"] == "人" else p


ONE_OFF_PERSON = re.compile(r"一次性")
# …给予每人…, 最高每人…, 不超过240元/人/日: the person is the one paid (a maximum per person and day too)
PERSON_PAID = re.compile(rf"(?:给予|奖励|补贴|补助|资助|最高|不超过)每[人名]|每[人名](?:一次性)?给予|(?:最高|最多|不超过)\s*{AMT}\s*[/／][人名]")
PERSON_MAX = re.compile(r"(?:最高|最多|不超过)(?:每[人名](?:每[月年天日])?)?[^，。；\d每]{0,6}$")
# an organisation paid per person it counts (招用, 每培训1人), not a person paid (参加培训的)
ORG_COUNTS = re.compile(r"招用|吸纳|每培训|培训\d|培训人数|引进|带动|每家|每个(?:单位|企业|机构)|单位|企业|机构")


# 按其自理、失能的状况，补贴标准分别提高到每人每月300元、500元: a per-unit standard for each case named before the list
PER_UNIT_LIST = re.compile(rf"分别(?:为|给予|提高到|提高至|调整为|按)?\s*每(?P<unit>{UNITS})(?:每(?P<unit2>{UNITS}))?\s*"
                           rf"(?P<list>{AMT}(?:\s*[、和及]\s*{AMT})+)")
CASE_WORDS = re.compile(r"^其?(?:身体)?|(?:的)?(?:身体)?(?:状况|情况)$")


def case_units(s: str) -> list[Proposal]:
    """A per-unit amount for each case of a list after 分别 (每人每月300元、500元 for 自理、失能): one per-unit rule
    per case, since one organisation counts units of several cases at once (residents of each condition); the
    case is named in the rule's name. [] unless every amount has its case."""
    m = PER_UNIT_LIST.search(s)
    if not m or m["unit"] in ("月", "天", "日"):
        return []  # 分别给予每月3000元、2000元: a person's monthly pay, for a time the list does not give
    amounts = [_n(a) for a in re.findall(AMT, m["list"])]
    names = case_list(s[: m.start()], len(amounts), s[m.end():])
    if not names:
        return []
    names = [CASE_WORDS.sub("", x) or x for x in names]
    unit2 = m["unit2"]
    words = [m["unit"] + (unit2 or "")] + ([f"{m['unit']}·{unit2}", f"{m['unit']}次{unit2}"] if unit2 else [])
    out = []
    for name, amount in zip(names, amounts, strict=True):
        p = Proposal("per_unit", s, {"amount": amount, "unit": words[0], "unit_words": words, "case": name}, {amount})
        _cap(s, p, per_unit=amount)
        out.append(p)
    return out


def per_units(s: str) -> list[Proposal]:
    """Every per-unit amount of a sentence that states several, one rule each, each quoting its own
    words (…每件资助3000元（…职务发明每件资助1000元…），获得授权后每件再资助12000元); [] for one or none."""
    if cases := case_units(s):
        return cases
    found = sorted([*PER_UNIT.finditer(s), *SLASH_UNIT.finditer(s), *PER_STANDARD.finditer(s)], key=lambda m: m.start())
    found = [m for i, m in enumerate(found) if not any(o.start() < m.end() and m.start() < o.end() for o in found[:i])]
    # 每集奖励2万元，每部最高奖励40万元: a maximum for a larger unit after an amount per unit is that amount's cap
    found = [m for i, m in enumerate(found) if not (i and m.re is PER_UNIT and found[i - 1]["unit"] != m["unit"]
                                                   and re.search(r"最高|最多|不超过", m["gap"] or ""))]
    if len(found) < 2:
        return []
    out = []
    for m in found:
        start = max(s.rfind(c, 0, m.start()) for c in "，,；;（(、") + 1
        sub = s[start:m.end()]
        own = [x for x in (*PER_UNIT.finditer(sub), *SLASH_UNIT.finditer(sub), *PER_STANDARD.finditer(sub)) if x.end() == len(sub)]
        p = _per_unit(sub, m=own[0]) if own else None
        p = _person_paid(sub, p) if p is not None and p.kind == "per_unit" else p
        if p is None or p.kind not in ("per_unit", "cap_only"):  # 但不超过每人每天150元: a maximum per person
            return []
        out.append(p)
    tail = s[found[-1].end():]
    caps = [m for m in (*CAP.finditer(tail), *CAP_NOT_OVER.finditer(tail))]
    if caps:  # 按博士每人8万元、硕士每人5万元…，每个研发机构每年最高不超过500万元: the cap of them all
        cap = min(caps, key=lambda m: m.start())
        end = found[-1].end() + cap.end()
        for p, m in zip(out, found, strict=True):
            start = max(s.rfind(c, 0, m.start()) for c in "，,；;（(、") + 1
            p.quote = s[start:end]
            _cap(p.quote, p, per_unit=p.fields["amount"])
        return out
    head = s[: found[0].start()]
    caps = [m for m in (*CAP.finditer(head), *CAP_NOT_OVER.finditer(head))]
    if caps:  # 每个单位年资助总额不超过300万元：其中，…1000元/件…8000元/件: the cap stated before them all
        cap = min(caps, key=lambda m: m.start())
        for p, m in zip(out, found, strict=True):
            p.quote = s[cap.start():m.end()]
            _cap(p.quote, p, per_unit=p.fields["amount"])
    return out


# a share of a base paid before the per-case maximum (给予原告维权代理费的30%资助 · 按评估费的50%给予补助)
SHARE_CAPPED_PER_CASE = re.compile(rf"(?:按|给予)[^，。；]{{0,24}}?的\s*{NUM}\s*[%％]")


def _per_unit(s: str, m=None) -> Proposal | None:
    m = m or PER_UNIT.search(s) or SLASH_UNIT.search(s) or PER_STANDARD.search(s) or PER_COUNT.search(s) or PER_ONE.search(s)
    if not m or SHARE_CAPPED_PER_CASE.search(s[: m.start()]) and re.search(r"最高|最多|不超过", m.groupdict().get("gap") or ""):
        return None  # 按代理费的30%资助，每件案件最高资助10万元: a rate, capped for each case
    qty_caps = [c for c in QTY_CAP.finditer(s) if c["unit"] in (m["unit"], m.groupdict().get("unit2"))]
    if qty_caps and (len(qty_caps) > 1 or qty_caps[0]["unit"] != m["unit"] or m.groupdict().get("unit2")):
        # 每平方米每月20元…补贴面积不超过200平方米: the cap is on the area, the count is area × months
        return Proposal("unexpressible", s)
    if (o := ORDINAL.search(m.groupdict().get("gap") or "")) and re.search(rf"第[一二三四五六七八九十\d]+{o['of']}", s[m.end():]):
        return Proposal("unexpressible", s)  # 每人第一晚30元，第二晚50元: an amount for each night (year) in turn
    unit2 = m.groupdict().get("unit2")
    unit = m["unit"] + (unit2 or "")
    words = [unit] + ([f"{m['unit']}·{unit2}", f"{m['unit']}次{unit2}"] if unit2 else [])
    if raised := RAISED.match(s, m.end()):  # 由每人每月80元调整为90元: the standard now in force is the new one
        m = raised
    p = Proposal("per_unit", s, {"amount": _n(m["amt"]), "unit": unit, "unit_words": words})
    if qty_caps:  # 补贴面积不超过500平方米: paid for at most that many units
        p.fields["max_quantity"] = re.search(NUM, qty_caps[0][0])[0]
    step = m.groupdict().get("step")
    if step and step not in ("1", "一"):  # 每新入驻1家 · 每吸引一家: per 家, not per full step of one
        p.fields["step"] = step
        p.fields["step_full"] = bool(m.groupdict().get("full"))
    p.used.add(_n(m["amt"]))
    _cap(s, p, per_unit=_n(m["amt"]))
    if "cap" in p.fields and _below(p.fields["cap"], p.fields["amount"]):
        # 每部最高奖励60万元，获得提名的最高奖励20万元: a smaller maximum after it is another case's award, no cap
        p.used.discard(p.fields.pop("cap"))
        p.fields.pop("cap_per", None)
    return p


def _below(cap: str, amount: str) -> bool:
    from assistant.text.amounts import parse_amount

    try:
        return parse_amount(cap) <= parse_amount(amount)
    except Exception:  # noqa: BLE001  (a figure the reader refuses: leave the cap as read)
        return False
