"""Line breaks for a document whose paragraphs were run together into one line.

Crawled pages often lose their paragraph breaks: the addressee, the preamble and every numbered clause
sit on one long line, so the whole policy would be one clause ("第1段"). ``breaks`` finds where the
clauses begin on such a line: a heading number (第X条, 一、, （一）, 1.) that follows the end of a
sentence, or that follows a part's or a chapter's heading (一、加大科技型企业培育后扶持1.对…, 第二章　奖励第五条　对…), and that continues its
level's numbering (the next number, or 1 again). Only lines long enough to hold several paragraphs,
with several such numbers, are split; nothing is changed but the inserted line breaks, so every quote
stays verbatim.
"""

from __future__ import annotations

import re

from assistant.knowledge.numbering import cn_big

CN = "一二三四五六七八九十"
MARKER = re.compile(
    rf"(?P<chapter>第[{CN}]{{1,3}}[章节])"
    rf"|(?P<article>第[{CN}百零]{{1,4}}条)"
    rf"|(?P<part>[{CN}]{{1,3}}、)"
    rf"|(?P<paren>[（(][{CN}]{{1,3}}[）)])"
    r"|(?P<num>(?<![\d.．０-９])[\d０-９]{1,2}[.．、](?![\d０-９.．%％]))"
)
SENTENCE_END = "。；！？：:"
CLOSERS = "”’」）)"
HEADING_STOPS = re.compile(r"[。；，,：:！？]")
# the addressee of a notice (各区人民政府，…市级各部门：) and its signature run on between two sentences
# (…请认真组织实施。广安市人民政府2015年7月24日广安市…措施一、…)
ADDRESSEE = re.compile(r"各[^。；：:\n]{1,120}?[：:]")
SIGNED = re.compile(r"(?<=[。！])(?P<issuer>[\u4e00-\u9fa5]{2,30}?(?:人民政府|办公室|办公厅|委员会|局|厅))"
                    r"(?P<date>\d{4}年\d{1,2}月\d{1,2}日)")
LONG_LINE = 300  # a line shorter than this is one paragraph as written
MIN_BREAKS = 3


def _number(kind: str, token: str) -> int:
    digits = re.sub(r"[第条章节、（）().．]", "", token)
    return cn_big(digits)


def _opener(text: str, close: int, start: int, reach: int = 200) -> int | None:
    """Where the bracket closed at ``close`` opens, within ``reach`` characters."""
    depth = 0
    for k in range(close, max(start, close - reach) - 1, -1):
        depth += text[k] in "）)〕"
        depth -= text[k] in "（(〔"
        if depth == 0:
            return k
    return None


def _after_sentence(text: str, pos: int, start: int) -> bool:
    i = pos - 1
    while i > start and text[i] in " \u3000":
        i -= 1
    if i > start and text[i] in "）)〕" and (opener := _opener(text, i, start)) is not None:
        j = opener - 1  # …。（责任单位：市商务局）（二）…: a note in brackets after the sentence
        while j > start and text[j] in CLOSERS + " \u3000":
            j -= 1
        if text[j] in SENTENCE_END:
            return True
    while i > start and text[i] in CLOSERS + " \u3000":
        i -= 1
    return i >= start and text[i] in SENTENCE_END


def _pass(text: str, start: int, end: int, forced: set[int], first_any: bool) -> list[tuple[int, str, int]]:
    last: dict[str, int] = {}
    cuts: list[tuple[int, str, int]] = []
    heading_at: int | None = None  # where the last part/section heading began
    for m in MARKER.finditer(text, start, end):
        kind = m.lastgroup
        n = _number(kind, m.group(0))
        if m.start() not in forced:
            if not (n == 1 or last.get(kind, 0) + 1 == n or (first_any and kind not in last)):
                continue
            after_heading = (heading_at is not None and m.start() - heading_at <= 40
                             and not HEADING_STOPS.search(text, heading_at, m.start()))
            if not (_after_sentence(text, m.start(), start) or after_heading):
                continue
        last[kind] = n
        cuts.append((m.start(), kind, n))
        heading_at = m.start() if kind in ("chapter", "part", "paren", "article") else None
    return cuts


def _line_breaks(text: str, start: int, end: int) -> list[int]:
    """The first pass lets a level begin at any number; where it began after 1 (the first heading
    follows a title run on without a full stop: …二十条措施一、实施…), the heading numbered one less
    just before it is taken too, and the numbering is read again from there."""
    first: dict[str, tuple[int, int]] = {}
    for pos, kind, n in _pass(text, start, end, set(), True):
        first.setdefault(kind, (pos, n))
    forced = set()
    for kind, (pos, n) in first.items():
        if n > 1:
            before = [m.start() for m in MARKER.finditer(text, start, pos)
                      if m.lastgroup == kind and _number(kind, m.group(0)) == n - 1]
            forced.update(before[-1:])
    cuts = [pos for pos, _, _ in _pass(text, start, end, forced, False)]
    if len(cuts) < MIN_BREAKS:
        return []
    head = ADDRESSEE.match(text, start, cuts[0])
    if head:
        cuts.append(head.end())
    for m in SIGNED.finditer(text, start, cuts[0]):
        cuts += [m.start(), m.start("date"), m.end()]
    return sorted(c for c in set(cuts) if start < c < end)


def breaks(text: str) -> list[int]:
    """Offsets in ``text`` before which a line break restores a paragraph of a run-together line."""
    out: list[int] = []
    for m in re.finditer(r"[^\n]+", text):
        if m.end() - m.start() >= LONG_LINE:
            out.extend(_line_breaks(text, m.start(), m.end()))
    return out


# A line broken where a page ran out, its rest on the next line behind a deep indent of spaces ("…根据纳税情况实施阶梯型
# 税收地\n                上缴税收区级留成部分…"): the break and the indent are layout, not text.
HANGING = re.compile(r"\n {8,}(?=\S)")
SENTENCE_DONE = "。；！？：:!?;”」）)"


def hanging(text: str) -> list[tuple[int, int]]:
    """Spans (a line break and the indent after it) that join a sentence broken over two lines: the line before
    holds 20 characters at least and ends mid-sentence, the line after is indented deeper and opens no heading."""
    out = []
    for m in HANGING.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        indent = len(before) - len(before.lstrip(" "))
        rest = text[m.end() : m.end() + 8]
        deeper = m.end() - m.start() - 1 > indent or indent >= 8  # indented deeper, or a continuation going on
        if len(before.strip()) < 20 or before.rstrip()[-1] in SENTENCE_DONE or not deeper \
                or MARKER.match(rest) or rest.startswith("附件"):
            continue
        out.append((m.start(), m.end()))
    return out
