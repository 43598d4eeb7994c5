"""Awards written as a multiple of a standard the text defines elsewhere, or not at all: 人均不超过本市12个月
最低生活保障标准 (twelve months of a monthly standard), 按集中供养标准15倍给予补助, 按…标准的1.6倍 (for
``provisions.classify``). The drafted rule (kind ``multiple``) states the multiple and the standard it refers to;
the standard's amount is taken from the document when a sentence of it states that amount (quoted like any
figure), else the user is asked for it. It is never guessed.

A multiple that is a floor (不低于两个月…标准), a condition (收入在准入限额1.5倍以内的) or how a threshold is
set (认定标准按…的1.5倍确定) is no award here.
"""

from __future__ import annotations

import re

from assistant.knowledge.wording import AMT, Proposal, _cap, _n

MULT = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]+"
PLACE = r"本市|当地|本地|全市|所在地|本区|本县"
# 12个月最低生活保障标准 · 两个月城镇最低生活保障标准: months of a monthly standard
MONTHS = re.compile(rf"(?P<place>{PLACE})?(?P<n>{MULT})个月(?:的)?(?P<std>[^，。；;,、\d]{{0,16}}?标准)")
# 集中供养标准15倍 · 最低生活保障标准的1.6倍: times a standard
TIMES = re.compile(rf"(?P<std>[^，。；;,、\d按照依据以]{{2,24}}?标准)(?:的)?\s*(?P<n>{MULT})倍")
FLOOR = re.compile(r"(?:不低于|不少于|至少)[^，。；;,\d]{0,8}$")
# 1.5倍以内的 · 1.5倍至3倍 · 1.5倍确定 · 1.5倍计租: a condition or how something else is set, not an award
NOT_AWARD_AFTER = re.compile(r"^\s*(?:的\s*[，,]|以内|以上|以下|之间|至|到|[-—－~]|的(?:家庭|企业|单位|人员|对象)|确定|计租|计收|收取|缴纳)")
NOT_AWARD_BEFORE = re.compile(r"(?:收入|财产|限额|租金|认定标准|准入)[^，。；;,]{0,12}$")
PER_PERSON = re.compile(r"人均|每人")


def _std_name(place: str | None, std: str) -> str:
    std = re.sub(r"^(?:按照?|依据|参照|以)", "", std).lstrip("的")
    return f"{place or ''}{std}"


def multiple(s: str) -> Proposal | None:
    """The award of ``s`` stated as N months or N times of a named standard, or None."""
    for pattern in (MONTHS, TIMES):
        for m in pattern.finditer(s):
            before, after = s[: m.start()], s[m.end():]
            if FLOOR.search(before) or NOT_AWARD_AFTER.match(after) or NOT_AWARD_BEFORE.search(before):
                continue
            std = _std_name(m.groupdict().get("place"), m["std"])
            if len(std) < 4:
                continue
            text = s[m.start("n"):m.end("n")] + ("个月" if pattern is MONTHS else "倍")
            fields = {"multiple": text, "base": std}
            if pattern is MONTHS:
                fields["unit"] = "月"  # the standard is a monthly one
            if per := PER_PERSON.search(before[-12:]):
                fields["cap_per"] = per[0]
            p = Proposal("multiple", s, fields)
            p.used.add(text)
            _cap(s, p)  # 且不超过5万元: an amount cap beside the multiple
            return p
    return None


def figures(s: str) -> list[tuple[str, bool]]:
    """The multiples of a sentence as figures (12个月, 15倍), each marked a condition when it is one."""
    out = []
    for pattern in (MONTHS, TIMES):
        for m in pattern.finditer(s):
            text = s[m.start("n"):m.end("n")] + ("个月" if pattern is MONTHS else "倍")
            out.append((text, bool(NOT_AWARD_AFTER.match(s[m.end():]))))
    return out


STANDARD_AMOUNT = r"(?:为|是|调整为|提高到|提高至)(?P<per>每人每月|每人每年|每月|每年)?\s*(?P<amt>{AMT})"


def standard_in(text: str, name: str) -> tuple[str, str, int] | None:
    """Where the document states the amount of the standard ``name`` (全市城乡最低生活保障标准为每人每月1309元):
    (the amount as written, the sentence, its start), or None when it states none or several amounts."""
    core = re.sub(rf"^(?:{PLACE})", "", name)
    if len(core) < 4:
        return None
    found = {}
    for m in re.finditer(re.escape(core) + STANDARD_AMOUNT.format(AMT=AMT), text):
        start = max(text.rfind(c, 0, m.start()) for c in "。；;，,\n") + 1
        label = LABEL.match(text, start)  # （一）全市…标准为…: the sentence without its item's label
        start = label.end() if label else start
        found.setdefault(_n(m["amt"]), (m["amt"], text[start:m.end()], start))
    return next(iter(found.values())) if len(found) == 1 else None


LABEL = re.compile(r"\s*(?:第[一二三四五六七八九十百\d]{1,4}条|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十\d]{1,3}[、.．])?\s*")


def attach_standard(doc, d) -> None:
    """Give the drafted multiple ``d`` its standard's amount where the document states it, with that sentence as
    its quote (the loader checks it like the rule's own)."""
    found = standard_in(doc.text, d.base or "")
    if found is None:
        return
    amount, sentence, start = found
    d.standard, d.standard_quote = amount, sentence
    d.standard_clause = doc.citation(start, start + len(sentence)).clause
