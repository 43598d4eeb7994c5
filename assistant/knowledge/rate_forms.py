"""Rates written without a percentage (for ``provisions``): a matching ratio (按1:0.5的比例给予配套) and the whole of a
named base (全额补贴 · 给予相同额度资金奖励)."""

from __future__ import annotations

import re

from assistant.knowledge.wording import Proposal, _cap, _n

# 根据市级建设补贴床位标准按1:0.5的比例给予区级配套: a matching ratio of the base named before it
RATIO_OF = re.compile(r"按(?:照)?(?P<base>[^，。；\d按]{0,20}?)(?P<rate>1\s*[:：]\s*\d+(?:\.\d+)?)的?比例")
RATIO_BASE = re.compile(r"(?:根据|依据|以)(?P<base>[^，。；\d按]{2,20}?)\s*$")  # 根据市级建设补贴床位标准按1:0.5…


def _ratio(s: str) -> Proposal | None:
    m = RATIO_OF.search(s)
    if not m:
        return None
    words = m["base"].strip("的 ") or ((b := RATIO_BASE.search(s[: m.start()])) and b["base"]) or ""
    base = re.sub(r"标准$", "", words.strip("的 ")) or None
    p = Proposal("rate", s, {"rate": _n(m["rate"]), "base": base} | ({"base_shown": True} if not m["base"].strip("的 ") else {}))
    p.used.add(_n(m["rate"]))
    _cap(s, p)
    p.kind = "subsidy" if "cap" in p.fields else "rate"
    return p


def _whole(s: str) -> Proposal | None:
    """形成的土地出让金收益，5年内全额补贴给…: the whole of a named base (the phrase before it) is paid; 以…获得的
    补助资金为标准，再给予相同额度资金奖励: as much again as the amount named as the standard."""
    m = WHOLE.search(s)
    if not m:
        return None
    standard = re.search(r"以(?:该企业|其)?(?:[^，。；]{0,60}?获得的)?(?P<base>[^，。；的]{2,20}?)为标准", s[: m.start()])
    base = re.search(r"([^，。；\d]{2,20}?)(?:[，,][^，。；]{0,20})?$", s[: m.start()])
    words = standard["base"] if standard else re.sub(r"^.*?(?:形成的|所形成的|产生的)", "", base[1]) if base else None
    p = Proposal("rate", s, {"rate": m[0], "base": words or None})
    p.used.add(m[0])
    _cap(s, p)
    p.kind = "subsidy" if "cap" in p.fields else "rate"
    return p


WHOLE = re.compile(r"全额(?=补贴|返还|奖励|补助|用于|拨付|留用|返还)|(?:相同|同等)额度(?=[^，。；\d]{0,4}(?:奖励|补贴|补助|资助|配套))")
