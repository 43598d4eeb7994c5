"""A cap stated in a sentence of its own after the awards it bounds, over a scope it names (for ``rules_draft``):

对新获得境外授权的专利，按官方费用的50%资助。同一专利被多个国家授权的，资助总额最高不超过8万元 → the cap of
that rate; a second such sentence (同一专利权人同一年度…，资助总额最高不超过15万元) is its wider cap (total_cap).
以上两项同一权利人一年内奖励金额不超过3万元 → the cap of each of the two awards before it.
"""

from __future__ import annotations

import re

# (以上两项|上述各项)? 同一…/每个…/单个… (的，)? (资助总额|奖励金额…)? 最高|最多|不超过
SCOPED_CAP = re.compile(r"^(?:(?:以上|上述)(?P<n>[两二三四五]|各)项)?(?P<scope>(?:同一|每个|单个|每家|每户)[^，。；\d]{1,30}?)"
                        r"(?:的[，,])?(?:[^，。；\d]{0,8}?(?:金额|总额|资金|额度|补贴|奖励|资助|扶持))?[^，。；\d]{0,4}?"
                        r"(?:最高|最多|不超过)")
COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
CAPPED_KINDS = ("rate", "subsidy", "per_unit", "tiered_threshold")


def _scope(words: str) -> str:
    """The scope as the cap's ``cap_per``: 同一专利权人在同一年度获得…授权 → 同一专利权人在同一年度."""
    return re.split(r"(?:被|获得|取得|申请|的)", words, maxsplit=1)[0] or words


def _scope_of(part: str, m: re.Match) -> str:
    """The scope named from where ``m`` found it to the word of the money it bounds: 单个企业年度奖励金额 → 单个企业."""
    words = part[m.start("scope"):m.end()]
    return _scope(re.split(r"年度|每年|累计|合计|[^，。；\d]{0,4}?(?:金额|总额|资金|额度)|最高|最多|不超过", words, maxsplit=1)[0]
                  or m["scope"])


def _caps(sent: str) -> list[tuple[str, str]] | None:
    """(cap, its scope) for each clause of a sentence made only of scoped caps, in order; None otherwise."""
    from assistant.knowledge.wording import CAP, CAP_NOT_OVER, _n

    out = []
    for part in re.split(r"[，,](?=(?:以上|上述)?[两二三四五各]?项?(?:同一|每个|单个|每家|每户))", sent):
        if out and not re.search(r"\d", part) and not re.search(r"最高|最多|不超过", part):
            continue  # a remark without a figure after the cap (同一项目不重复支持): no cap of its own
        m = SCOPED_CAP.match(part)
        caps = {_n(c["cap"]) for c in (*CAP.finditer(part), *CAP_NOT_OVER.finditer(part))}
        if not m or len(caps) != 1:
            return None
        out.append((caps.pop(), _scope_of(part, m)))
    return out


def scoped_cap(found: list, text: str, end: int, sent: str) -> set[str]:
    """Join the caps of ``sent`` (ending at ``end`` of ``text``) to the awards before it that they bound: their
    first cap, then their wider one. The caps joined, or none when the sentence is not only such caps."""
    m = SCOPED_CAP.match(sent)
    caps = _caps(sent) if m and found else None
    if not caps or len(caps) > 2:
        return set()
    count = len(found) if m["n"] == "各" else COUNT.get(m["n"] or "", 1)
    targets = found[-count:]
    if len(targets) != count or any(q.kind not in CAPPED_KINDS or "total_cap" in q.fields
                                    or len(caps) + ("cap" in q.fields) > 2 for q, _, _ in targets):
        return set()
    for i in range(len(found) - count, len(found)):
        q, start, _ = found[i]
        for cap, scope in caps:
            if "cap" not in q.fields:
                q.fields |= {"cap": cap, "cap_per": scope}
                q.kind = "subsidy" if q.kind == "rate" else q.kind
            else:
                q.fields |= {"total_cap": cap, "total_cap_per": scope}
            q.used.add(cap)
        q.quote = text[start:end].strip().rstrip("。；;")
        found[i] = (q, start, end)
    return {cap for cap, _ in caps}


# 每家主体每年奖励额度最高60万元 · 每个基地每年累计奖励最高40万元: how much one applicant may get in a year or in all
YEARLY_TOTAL = re.compile(r"每年|年度|累计|合计|总额|额度")


def over_awards(sent: str) -> bool:
    """A sentence made only of caps over a scope (each applicant or the whole article, per year or in all),
    which bounds the awards before it rather than paying one."""
    from assistant.knowledge.wording import CAP, CAP_NOT_OVER

    parts = re.split(r"[，,]", sent)
    return all((SCOPED_CAP.match(x) or re.match(r"本条款?", x)) and YEARLY_TOTAL.search(x)
               and len([*CAP.finditer(x), *CAP_NOT_OVER.finditer(x)]) >= 1 for x in parts)


def caps_after_bands(found: list, text: str) -> list:
    """A scoped cap in a sentence of its own (单个企业年度奖励金额最高不超过2000万元) right after awards by thresholds
    merged from the sentences before it (达3000辆的，给予500万元；达5000辆以上的，给予1000万元): the cap of those awards,
    not an award of its own. ``found`` holds (proposal, start, end) after the runs are merged."""
    out: list = []
    for q, start, end in found:
        prev = out[-1][0] if out else None
        caps = _caps(q.quote) if q.kind == "cap_only" and prev is not None else None
        if caps and len(caps) == 1 and prev.kind == "tiered_threshold" and "cap" not in prev.fields \
                and not re.search(r"[。\n]", text[out[-1][2]:start].strip()):
            cap, scope = caps[0]
            prev.fields |= {"cap": cap, "cap_per": scope}
            prev.used.add(cap)
            prev.quote = text[out[-1][1]:end].strip().rstrip("。；;")
            out[-1] = (prev, out[-1][1], end)
            continue
        out.append((q, start, end))
    return out
