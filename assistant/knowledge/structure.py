"""Parse a policy text into structural units: title, preamble, scope, parts, clauses, validity.

Understands the numbering conventions of Chinese official documents: 一、/（一）, 第X章/第X条,
and mis-numbered headings such as ``4、`` for part 四. Offsets refer to the cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.errors import CorpusError

CN_DIGITS = "零一二三四五六七八九"
PART_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*(?P<title>[^。；]{2,40})$")
MEASURE_RE = re.compile(r"^（(?P<num>[一二三四五六七八九十]+)）")
SCOPE_RE = re.compile(r"支持的对象|适用范围|适用于|本措施所指|本办法所称")
VALIDITY_RE = re.compile(r"(自.{0,8}之?日起(施行|实施))|有效期|年内有效|有效至")
ISSUER_RE = re.compile(r"(局|委员会|委|厅|部|政府|办公室|办公厅|中心)$")


def cn_number(n: int) -> str:
    """1..99 as a Chinese numeral, the way headings are numbered (十, 十一, 二十)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "") or "零"


def cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_DIGITS.index(tens) if tens else 1) * 10 + (CN_DIGITS.index(ones) if ones else 0)
    return CN_DIGITS.index(s)


@dataclass(frozen=True)
class Unit:
    """One structural unit: title, preamble, scope, part heading, measure or validity sentence."""

    kind: str  # title | issuers | preamble | scope | part | measure | validity
    label: str  # （一） / 四、 / 标题 / 前言 / 适用范围 / 施行期限
    section: str | None  # the part heading it sits under, label normalised: 四、拓展投融资渠道…
    start: int
    end: int
    text: str

    @property
    def heading(self) -> str:
        """A measure's short name: its first sentence without the label (全面加强新基建项目统筹)."""
        body = self.text[len(self.label) :] if self.kind == "measure" else self.text
        return body.split("。", 1)[0]


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, surrounding whitespace excluded."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


CN_NUM = "[一二三四五六七八九十百零〇两]+"
# Heading conventions of Chinese official documents, coarse to fine.
LEVELS = {
    "chapter": re.compile(rf"^第(?P<num>{CN_NUM})章\s*(?P<title>[^。；]{{0,40}})$"),
    "article": re.compile(rf"^第(?P<num>{CN_NUM})条"),
    "part": PART_RE,
    "paren": MEASURE_RE,
    "num_dot": re.compile(r"^(?P<num>\d{1,2})[.．、]\s*(?!\d)"),
    "num_paren": re.compile(r"^[（(](?P<num>\d{1,2})[）)]"),
}
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号")


def _scheme(text: str, lines: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """Which heading level carries the clauses (measure) and which groups them (part)."""
    found = {name: any(rx.match(text[s:e]) for s, e in lines) for name, rx in LEVELS.items()}
    if found["article"]:
        return "article", "chapter" if found["chapter"] else None
    if found["paren"]:
        return "paren", "part" if found["part"] else None
    if found["part"] and not found["num_dot"]:
        return "part", None
    for fine in ("num_dot", "num_paren"):  # 1. / （1） as the clause level, 一、 grouping them if present
        if found[fine]:
            return fine, "part" if found["part"] else None
    return None, None


def _cn_label(level: str, n: int, raw: str) -> str:
    return {"article": f"第{cn_number(n)}条", "chapter": f"第{cn_number(n)}章", "part": f"{cn_number(n)}、",
            "paren": f"（{cn_number(n)}）", "num_dot": f"{n}.", "num_paren": f"（{n}）"}.get(level, raw)


def cn_big(s: str) -> int:
    """Chinese numerals up to 999 (第一百零二条)."""
    s = s.replace("两", "二").replace("〇", "零")
    if s.isdigit():
        return int(s)
    total, rest = 0, s
    if "百" in rest:
        h, _, rest = rest.partition("百")
        total += (CN_DIGITS.index(h) if h else 1) * 100
    rest = rest.lstrip("零")
    return total + (cn_to_int(rest) if rest else 0)


def parse_structure(text: str, name: str) -> list[Unit]:
    """Split a policy text into units. Raises CorpusError naming ``name`` and what was expected."""
    lines = _lines(text)
    if not lines:
        raise CorpusError(f"文件 {name} 是空的，应包含政策标题和正文")
    units: list[Unit] = []
    measure_level, part_level = _scheme(text, lines)
    if measure_level is None:
        raise CorpusError(f"文件 {name} 没有找到“（一）”“一、”或“第一条”形式的条款编号，无法切分政策条款")

    # Header: lines up to the first sentence-like line (one ending in 。) or the first heading.
    def is_heading(line: str) -> bool:
        return any(LEVELS[lv].match(line) for lv in (measure_level, part_level) if lv)

    body_at = next((i for i, (s, e) in enumerate(lines) if text[e - 1] in "。；" or is_heading(text[s:e])), 0)
    title_lines = []
    for s, e in lines[:body_at]:
        line = text[s:e]
        if re.fullmatch(r"附件\d*[:：]?", line):
            continue
        if DOC_NUMBER_RE.fullmatch(line):
            units.append(Unit("doc_number", "文号", None, s, e, line))
        elif all(ISSUER_RE.search(w) for w in line.split()) and not title_lines:
            units.append(Unit("issuers", "发文机关", None, s, e, line))
        else:
            title_lines.append((s, e))
    if title_lines:
        s, e = title_lines[0][0], title_lines[-1][1]
        units.append(Unit("title", "标题", None, s, e, text[s:e]))

    section: str | None = None
    part_numbers: list[int] = []
    measure_numbers: list[int] = []
    current: Unit | None = None  # the measure a continuation line belongs to
    for s, e in lines[body_at:]:
        line = text[s:e]
        part = LEVELS[part_level].match(line) if part_level else None
        measure = LEVELS[measure_level].match(line)
        if part:
            n = cn_big(part["num"])
            part_numbers.append(n)
            label = _cn_label(part_level, n, part.group(0))
            section = f"{label}{part['title'].strip()}" if part_level == "part" else f"{label} {part['title'].strip()}".strip()
            units.append(Unit("part", label, section, s, e, line))
            current = None
        elif measure:
            measure_numbers.append(cn_big(measure["num"]))
            label = measure.group(0) if measure_level == "paren" else _cn_label(measure_level, measure_numbers[-1], "")
            label = label.strip()
            current = Unit("measure", label, section, s, e, line)
            units.append(current)
        elif VALIDITY_RE.search(line) and (measure_numbers or not SCOPE_RE.search(line)) and len(line) < 120:
            units.append(Unit("validity", "施行期限", None, s, e, line))
            current = None
        elif not part_numbers and not measure_numbers:
            kind, label = ("scope", "适用范围") if SCOPE_RE.search(line) else ("preamble", "前言")
            units.append(Unit(kind, label, None, s, e, line))
        elif current is not None and not _is_signature(line):  # a measure running over several lines
            units[-1] = current = Unit("measure", current.label, section, current.start, e, text[current.start : e])
        else:
            kind = "signature" if _is_signature(line) else "preamble"
            units.append(Unit(kind, "落款" if kind == "signature" else "正文", section, s, e, line))
            current = None

    if not measure_numbers:
        raise CorpusError(f"文件 {name} 没有找到“（一）”形式的条款编号，无法切分政策条款")
    restartable = measure_level in ("paren", "num_dot", "num_paren")  # may restart under each part
    if _restarts_badly(measure_numbers) if restartable else measure_numbers != _seq(measure_numbers):
        raise CorpusError(f"文件 {name} 的条款编号不连续：{measure_numbers}，请检查原文")
    if part_numbers != _seq(part_numbers):
        raise CorpusError(f"文件 {name} 的部分/章编号不连续：{part_numbers}，请检查原文")
    _close_parts(units)
    return units


def _seq(seen: list[int]) -> list[int]:
    return list(range(1, len(seen) + 1))


def _restarts_badly(seen: list[int]) -> bool:
    """（一）… numbering may run through the document or restart under each part; both are fine."""
    if seen == list(range(1, len(seen) + 1)):
        return False
    prev = 0
    for n in seen:
        if n != prev + 1 and n != 1:
            return True
        prev = n
    return False


def _is_signature(line: str) -> bool:
    """落款 lines after the last clause: issuing bodies or the issue date."""
    return bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|(\S+(局|委员会|委|厅|部|政府|办公室))(\s+\S+(局|委员会|委|厅|部|政府|办公室))*", line))


def _close_parts(units: list[Unit]) -> None:
    """A part unit spans its heading and all measures up to the next part heading."""
    for i, u in enumerate(units):
        if u.kind != "part":
            continue
        members = [m for m in units[i + 1 :] if m.section == u.section and m.kind == "measure"]
        end = members[-1].end if members else u.end
        units[i] = Unit("part", u.label, u.section, u.start, end, u.text)

