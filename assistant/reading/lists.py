"""Figures of a list in one message: one figure said for each of several items (A和B各投了800万, 2名院士，每人150万),
and the next item of a list in a clause of the same form (望京那个投资2400万，亦庄那个投资4000万)."""

from __future__ import annotations

import re

from assistant.text.amounts import Mention

EACH_BEFORE = re.compile(r"(?:各(?:自)?|每(?:人|名|位|个|家))(?:投了|投资了?|花了|投入了?|建设投资|的?标准|为|是|约)?\s*$")
COUNT = re.compile(r"([两二三四五六七八九2-9])\s*(?:个|家|项|座|套|间|笔|名|位)")


def _same_label(text: str, before: Mention, m: Mention) -> bool:
    """Two figures in clauses of the same form, their three characters before them the same (那个投资2400万，…那个投资4000万)."""
    a, b = text[max(0, before.start - 3) : before.start], text[max(0, m.start - 3) : m.start]
    return len(a) == 3 and a == b and re.fullmatch(r"[\u4e00-\u9fff]{3}", a) is not None


def _each_said(r) -> None:
    """A figure said once for each of several items (A和B各投了800万, 两个车间各3400万) is listed once per item."""
    from assistant.text.numerals import int_value

    for m in list(r.amounts):
        if not EACH_BEFORE.search(r.text[max(0, m.start - 6) : m.start]):
            continue
        start = max(r.text.rfind(p, 0, m.start) for p in "。；;！!？?\n，,") + 1
        head = r.text[start : m.start]
        sentence = r.text[max(r.text.rfind(p, 0, m.start) for p in "。；;！!？?\n") + 1 : m.start]
        count = COUNT.search(head) or (None if re.search(r"[和与、及跟]", head) else COUNT.search(sentence))  # "两个平台，各900万"
        n = int_value(count[1]) if count else (len(re.findall(r"[和与、及跟]", head)) + 1 if re.search(r"[和与、及跟]", head) else 1)
        keys = next((k for a, k in r.items if a is m), None)
        if n and n > 1:
            r.each[m.start] = min(n, 9)  # "2名院士，每人150万": the figure counted once for each, when it is the base
        for _ in range(max(0, min(n or 1, 9) - 1)):
            r.items.append((m, keys))
            for key in keys or ():
                r.role_amounts.setdefault(key, []).append(m.value)
