"""The figures of one base in a message: items of one list, each computed, or figures the message does not say are
items of anything (a part beside a larger whole of the same kind), of which the user is asked which one is meant."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

from assistant.reading.targets import HINT, _asked_clause, _found
from assistant.reading.topic import EACH

PARALLEL = re.compile(r"另一|一个|第[一二三两]个|其一|其二|[A-Da-d]\s*(?:项目|是|为)|后一|前一|another|the other|\bone\b", re.I)


def _parallel(text: str, m) -> bool:
    """An unnamed figure is an item of the same list ("一个投资1800万，另一个4500万") only when its own clause
    says so; any other unnamed figure may belong to a measure the question names in words we do not know."""
    start = max(text.rfind(p, 0, m.start) for p in "，,。；;！!？?\n") + 1
    return PARALLEL.search(text[start : m.start]) is not None


def _items(values: list, text: str) -> list:
    """The figures of the items asked about: a figure said again is one item ("投资1000万…这1000万"), unless each
    item is asked about ("A、B两个实验室各3400万，分别补多少": two items of the same figure)."""
    return list(values) if EACH.search(text) or re.search(r"(?:各(?:自)?|每[人名位个家])[^，,。；;]{0,5}?[\d一二三四五六七八九十两]", text) \
        else list(dict.fromkeys(values))


COUNTED = re.compile(r"[两二三四五六七八九2-9]\s*(?:个|笔|项|家|份|张|台|套|座|间|期|批)")
JOINED = re.compile(r"^[^，,。；;！!？?\d]{0,8}?(?:和|与|及|、|跟|以及|还有)\s*[^，,。；;！!？?\d]{0,8}$")


def unlisted(text: str, keyed: list, values: list) -> bool:
    """Two different figures of one base, in clauses of their own, that the message gives no sign of being items
    of one list (no 分别/各, no count of the items, no 一个…另一个/A项目…B项目, not joined by 和/、): which one is the base
    is asked, never both computed ("保费合计3260万元，全年车险总保费15亿")."""
    if len(set(values)) < 2 or len(keyed) < 2 or EACH.search(text) or COUNTED.search(text):
        return False
    if any(_parallel(text, m) for m in keyed):
        return False
    ordered = sorted(keyed, key=lambda m: m.start)
    return not any(JOINED.match(text[a.end : b.start]) for a, b in zip(ordered, ordered[1:], strict=False))


def localized(r, doc_id: str, docs_of: dict[str, set[str]]):
    """The reading as one document's rules read it: an amount tied to a base only by a word no rule of that document
    uses ("项目总投资1.5亿", a word of another text's 项目投资额, for a measure paid on 新能源建设投资) is tied to nothing
    there; as any lone figure it may still be the base, and the answer then says what it took it as."""
    loose = {id(m) for m, keys in r.items if keys and doc_id not in docs_of.get(r.cue_terms.get(m.start) or "", {doc_id})}
    if not loose:
        return r
    out = copy.copy(r)
    out.items = [(m, None if id(m) in loose else keys) for m, keys in r.items]
    out.unbound = [*r.unbound, *(m for m, _ in r.items if id(m) in loose and m not in r.unbound)]
    out.roles, out.role_amounts, out.exclusive = {}, {}, set()
    for m, keys in out.items:
        for key in keys or ():
            out.roles[key] = m.value
            out.role_amounts.setdefault(key, []).append(m.value)
            if len(keys) == 1:
                out.exclusive.add(key)
    return out


def times(r, money) -> int:
    """How many items a lone figure was said for ("2名院士，每人150万" → 2), when it is the base computed; else 1."""
    return next((r.each[m.start] for m in r.amounts if m.value == money and m.start in r.each), 1) if money is not None else 1


def own_base_said(t, text: str, numeric: list, scores: dict) -> bool:
    """The measure's base said in full in the question ("设备购置投资1000万"), and said by no measure of the same document
    the figure names more surely (two awards on 新能源建设投资: the one the figure is the own base of, not the other)."""
    if not (t.rule.base and t.rule.base in text):
        return False
    role = scores.get(f"role:{t.key}", 0.0)
    return not any(o is not t and o.doc_id == t.doc_id and o.rule.base == t.rule.base
                   and scores.get(f"role:{o.key}", 0.0) > role for o in numeric)


def changed(r, roles: dict, plan) -> None:
    """A follow-up that changes the earlier base instead of giving a new one: what is added ("再加400万投资呢") or a
    multiple of it ("那翻一倍呢", "减半呢"); the plan shows the earlier figure beside the change."""
    if r.amounts or not (r.added or r.scale):
        return
    for key in [k for k in roles if not k.startswith("__")]:
        if r.added:
            extra = [m.value for m in r.added]
            plan.added[key] = (roles[key], extra)
            roles[key] = roles[key] + sum(extra, Decimal(0))
        else:
            plan.added[key] = (roles[key], [roles[key] * (r.scale - 1)])
            roles[key] = roles[key] * r.scale


def other_bases(r, picked: list, numeric: list, scores: dict) -> list:
    """The rules of the other bases a letter names with figures of their own, each named by its words or its base in
    full ("项目总投资1.2亿" said in passing is no 固定资产投资额度 of a measure beside the one asked about); none when the
    asking clause names the one measure asked about ("…已获得银行贷款3亿元，…应用清单产品这块补贴多少")."""
    if _named_in_asking(r, picked):
        return []
    out: list = []
    for key in sorted(r.exclusive, key=lambda k: list(r.roles).index(k)):
        if not any(t.rule.base_key == key for t in [*picked, *out]):
            extra = [t for t in numeric if t.rule.base_key == key and (
                not picked or scores.get(f"lex:{t.key}", 0.0) >= HINT or (t.rule.base and t.rule.base in r.text)
                or key == re.sub(r"\W", "_", t.rule.id))]
            out += extra[:1]
    return out


def _named_in_asking(r, picked: list) -> bool:
    """Whether the clause that asks (…，应用清单产品这块补贴多少) names the first measure picked by its own words."""
    asked = _asked_clause(r.text.lower())
    if not asked or re.search(r"分别|各|和|与|及|、|都|两项|哪些|both|each|and", asked):
        return False  # "保费补贴和项目应用补贴分别最多多少": it asks about more than one
    named = [t for t in picked if any(_found(asked, a.lower()) for a in t.aliases)]
    return bool(picked and named == [picked[0]])


def asked_one(r, picked: list) -> list:
    """The measures picked, less those of other bases when the asking clause names one measure: a figure said in
    passing (已获得银行贷款3亿元) is no question about the loan measure."""
    if not _named_in_asking(r, picked):
        return picked
    return [t for t in picked if t is picked[0] or t.rule.base_key == picked[0].rule.base_key or t.rule.kind == "threshold"]
