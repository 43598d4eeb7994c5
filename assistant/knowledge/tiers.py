"""The cases an award list (分别给予A万元、B万元) is paid for, however the text spells them.

国家级、省级、市级 · 国家、省级 · 国家级和省级 · 省、市两级 · 3A/4A/5A · 优秀、良好、合格等级 ·
“小升规”“规改股”“股上市” · 国家级专利金奖、专利优秀奖的项目. The cases are read as the words of the
sentence itself: the run of as many items as there are awards, nearest before the list (or after it),
each item trimmed of the verb before the first and of the object after the last. A level written
without its 级 (国家、省级) gets that spelling among the words a question may use.
"""

from __future__ import annotations

import re

SEP = r"\s*(?:、|/|／|和|及|与|或)\s*"
QUOTED = re.compile(r"(?:[“\"「][^”\"」]{1,12}[”\"」]){2,}")
LEAD = re.compile(r"^.*(?:评定为|认定为|评估为|确定为|列为|获评|获得|获|对|被|为|按照|按|在|的)")
TAIL = re.compile(r"(?:[两二三四五六七八九十]个.*|等级.*|等.*|的.*)$")
LEVEL_ROOT = re.compile(r"^(?:国家|国际|全国|省|市|区|县|镇|街道)$")


def _clean_items(items: list[str]) -> list[str] | None:
    items = [x.strip("“”\"「」 ") for x in items]
    items[0] = LEAD.sub("", items[0]) or items[0]
    others, last = items[:-1], items[-1]
    ends = {x[-1] for x in others if x}
    if any(LEVEL_ROOT.match(x) or x.endswith("级") for x in others) and "级" in last:
        last = last[: last.index("级") + 1]  # 省级企业技术中心 after 国家 → 省级
    elif len(ends) == 1 and (c := ends.pop()) in last:
        last = last[: last.index(c) + 1]  # 专利优秀奖的项目 after 国家级专利金奖 → 专利优秀奖
    else:
        last = TAIL.sub("", last) or last
    last = re.sub(r"[两二三四五]级$", "", last) or last  # 省、市两级 → 市
    items[-1] = last
    if any(not x or len(x) > 10 for x in items) or len(set(items)) != len(items):
        return None
    return items


def case_list(head: str, n: int, tail: str = "") -> list[str] | None:
    """The ``n`` cases named in ``head`` (the words before the award list), or in ``tail`` after it:
    the last ``n`` items of the nearest comma-free stretch that has as many."""
    for side, text in enumerate((head, tail)):
        text = re.sub(r"^\s*[（(][一二三四五六七八九十\d]+[）)]", "", text)  # the item's own number
        quoted = list(QUOTED.finditer(text))
        if quoted and len(names := re.findall(r"[“\"「]([^”\"」]{1,12})[”\"」]", quoted[-1][0])) == n:
            return names
        chunks = [c for c in re.split(r"[，,。；;：:]", text) if c.strip()]
        for chunk in reversed(chunks if side == 0 else chunks[:1]):
            pieces = [x for x in re.split(SEP, chunk.strip()) if x]
            if len(pieces) >= n:
                return _clean_items(pieces[-n:])
    return None


def level_words(labels: list[str]) -> list[list[str]]:
    """The other spellings of each level: 国家 → 国家级 when another level of the list has its 级
    (国家、省级) or the list says so (省、市两级)."""
    with_ji = any(x.endswith("级") for x in labels)
    return [[f"{x}级"] if LEVEL_ROOT.match(x) and (with_ji or len(labels) > 1) else [] for x in labels]
