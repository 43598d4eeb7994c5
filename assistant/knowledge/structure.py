"""Parse a policy text into structural units: title, preamble, scope, parts, clauses, validity.

Understands the numbering of Chinese official documents (``numbering.py``): 一、/（一）, 第X章/第X条,
1./（1）, mixed, with full-width digits, mis-numbered headings such as ``4、`` for part 四, headings
without numbers, and attachments (附件/附件1…) whose numbering starts again. A readable text is never
refused: numbering it cannot follow (a gap, a restart) is reported in ``read_structure(...).warnings``
and the text is kept; with no numbering at all each paragraph becomes a clause. Labels stay unique
and citable: an attachment's clauses are prefixed with it (附件1·第三条), and clauses numbered again
under each part with the part (二、（一）). Offsets refer to the cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.errors import CorpusError
from assistant.knowledge.headers import page_chrome
from assistant.knowledge.numbering import (  # noqa: F401  (cn_number, cn_to_int re-exported)
    ATTACHMENT,
    LEAD_NUMBER,
    LEVELS,
    PART_LEAD,
    PART_RE,
    cn_big,
    cn_number,
    cn_to_int,
    fold,
    label_of,
    matcher,
    scheme,
)

SCOPE_RE = re.compile(r"支持的对象|适用范围|适用于|本措施所指|本办法所称")
VALIDITY_RE = re.compile(r"(自.{0,8}之?日起(施行|实施))|有效期(?!内)|年内有效|有效至")
# A web page's own lines kept with a copied text (来源：…发布日期：…): not part of the title.
PAGE_META = re.compile(r"来源[:：]|发布日期|发布时间|发表时间|浏览次数|字号[:：]|浏览字号|【打印】|【关闭】|^分享到$|^[-—\s]+$|"
                       r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$")
ISSUER_RE = re.compile(r"(局|委员会|委|厅|部|政府|办公室|办公厅|中心)$")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d+号")
SIGNATURE_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|(\S+(局|委员会|委|厅|部|政府|办公室))(\s+\S+(局|委员会|委|厅|部|政府|办公室))*")
SENTENCE_END = "。；！？"
HEADING_BREAKERS = re.compile(r"[。；，、：:！？|｜\d０-９%％]")


@dataclass(frozen=True)
class Unit:
    """One structural unit: title, preamble, scope, part heading, measure or validity sentence."""

    kind: str  # title | issuers | doc_number | preamble | scope | part | measure | validity | signature
    label: str  # （一） / 四、 / 附件1·第三条 / 标题 / 前言 / 适用范围 / 施行期限
    section: str | None  # the part heading it sits under, label normalised: 四、拓展投融资渠道…
    start: int
    end: int
    text: str

    @property
    def body(self) -> str:
        """A measure's words without its number, however its label was qualified."""
        if self.kind != "measure":
            return self.text
        m = LEAD_NUMBER.match(self.text)
        return self.text[m.end():] if m else self.text

    @property
    def heading(self) -> str:
        """A measure's short name: its first sentence without the label (全面加强重点项目统筹)."""
        return self.body.split("。", 1)[0]


@dataclass
class Structure:
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)  # what could not be structured, in Chinese


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


def parse_structure(text: str, name: str) -> list[Unit]:
    """Split a policy text into units; raises CorpusError naming ``name`` only for an empty text."""
    return read_structure(text, name).units


def read_structure(text: str, name: str) -> Structure:
    """The units of ``text`` and the warnings about what could not be structured."""
    lines = _lines(text)
    if not lines:
        raise CorpusError(f"文件 {name} 是空的，应包含政策标题和正文")
    out = Structure([])
    segments = _segments(text, lines)
    # Paragraphs become clauses only when no part of the document has numbered clauses (a notice
    # whose clauses are all in its attachments keeps its own paragraphs as text).
    by_paragraph = not any(scheme([fold(text[s:e]) for s, e in spans if (s, e) not in listed])[0]
                           for _, _, spans, listed in segments)
    for number, marker, spans, listed in segments:
        _segment(text, spans, out, number, marker, listed, by_paragraph)
    _close_parts(out.units)
    return out


def _segments(text: str, lines: list[tuple[int, int]]) -> list[tuple]:
    """The main text and each attachment: (its number, its 附件 line, its lines, the lines that only list
    attachments). A 附件 line opens an attachment once the main text has begun; 附件：1.… lists them."""
    out: list = [[None, None, [], set()]]
    begun, count, listing = False, 0, False
    last_seen = {fold(text[s:e]): i for i, (s, e) in enumerate(lines)}
    for i, (s, e) in enumerate(lines):
        line = fold(text[s:e])
        m = ATTACHMENT.fullmatch(line)
        named_later = bool(m and m["rest"] and last_seen.get(m["rest"].strip(), -1) > i)  # 附件：X … 附件 / X
        if m and (re.match(r"\d{1,2}\s*[.、]", m["rest"]) or named_later):
            listing = True
            out[-1][3].add((s, e))
        elif listing and re.match(r"\d{1,2}\s*[.、]", line) and line[-1] not in SENTENCE_END and len(line) <= 60:
            out[-1][3].add((s, e))
        elif m and begun and len(line) <= 60 and line[-1] not in SENTENCE_END:
            count += 1
            num = str(cn_big(m["num"])) if m["num"] else str(count)
            out.append([num, (s, e), [], set()])
            if m["rest"]:
                out[-1][2].append((s + line.index(m["rest"]), e))
            continue
        else:
            listing = False
        begun = begun or line[-1] in SENTENCE_END
        out[-1][2].append((s, e))
    return [tuple(x) for x in out if x[2] or x[1]]


def _segment(text: str, spans: list[tuple[int, int]], out: Structure, number: str | None,
             marker: tuple[int, int] | None, listed: set, by_paragraph: bool) -> None:
    """The units of the main text (number None) or of attachment ``number``, appended to ``out``."""
    where = f"附件{number}" if number else "正文"
    folded = [fold(text[s:e]) for s, e in spans]
    measure_level, part_level = scheme([f for f, span in zip(folded, spans, strict=True) if span not in listed])
    m_rx, p_rx = matcher(measure_level), matcher(part_level)
    if part_level == "part" and measure_level == "num_dot":  # 1、 is a clause here, not a mis-numbered part
        p_rx = re.compile(PART_RE.pattern.replace(r"|\d{1,2}", ""))

    # 一、 / （一）财政金融支持政策。 / 1.项目投资补贴。…: a （一） that only heads the 1. items after it groups them
    items_rx = LEVELS["num_dot"] if measure_level == "paren" and part_level == "part" else None
    in_items = False

    def heading_at(i: int) -> bool:
        return bool((m_rx and m_rx.match(folded[i])) or (p_rx and p_rx.match(folded[i])))

    body_at = next((i for i, f in enumerate(folded) if f[-1] in SENTENCE_END or heading_at(i)),
                   1 if len(spans) > 1 else 0)
    root = None
    units = out.units
    if number is None:
        _header(text, spans[:body_at], units)
    else:
        s0, e0 = marker
        title = " ".join(text[s:e] for s, e in spans[:body_at])
        root = f"附件{number}·{title}" if title else f"附件{number}"
        units.append(Unit("part", f"附件{number}", root, s0, spans[body_at - 1][1] if body_at else e0,
                          text[s0 : spans[body_at - 1][1]] if body_at else text[s0:e0]))
    section, current = root, None
    part_section = root
    part_numbers: list[int] = []
    measure_numbers: list[int] = []
    first = len(units)
    for i in range(body_at, len(spans)):
        s, e = spans[i]
        line, f = text[s:e], folded[i]
        part = p_rx.match(f) if p_rx else None
        measure = m_rx.match(f) if m_rx else None
        if (s, e) in listed:
            units.append(Unit("preamble", "附件目录", root, s, e, line))
            continue
        if part and part_level == "part" and measure_level in ("paren", "num_paren") and not PART_RE.match(f):
            part = PART_LEAD.match(f)  # 三、加大金融支持。对…：a part heading that carries its own clause
        if part and part["num"].isdigit() and part_level == "part" and not _misnumbered(int(part["num"]), part_numbers, folded[i + 1:]):
            part = None  # 1、受理范围： under 一、 is an item of the part, not a part
        if measure and items_rx and i + 1 < len(spans) and items_rx.match(folded[i + 1]) \
                and _items_heading(f[measure.end():].strip()):
            n = cn_big(measure["num"])
            label = label_of(measure_level, n, measure.group(0).strip())
            section = _join(part_section, f"{label}{f[measure.end():].strip().rstrip('。')}")
            units.append(Unit("part", label, section, s, e, line))
            measure_numbers.append(n)
            current, in_items = None, True
            continue
        if in_items and not part and items_rx.match(f):
            n = cn_big(items_rx.match(f)["num"])
            current = Unit("measure", label_of("num_dot", n, ""), section, s, e, line)
            units.append(current)
            continue
        if part or measure:
            in_items = False
        if part:
            n = cn_big(part["num"])
            part_numbers.append(n)
            label = label_of(part_level, n, part.group(0))
            title = part.groupdict().get("title") or f[part.end():].split("。")[0]
            section = _join(root, f"{label}{title.strip()}" if part_level == "part" else f"{label} {title.strip()}".strip())
            part_section = section
            units.append(Unit("part", label, section, s, e, line))
            current = None
            if PART_RE.match(f) or part_level != "part" or not measure_level:
                continue
            measure_numbers.append(0)  # its words are a clause too, numbered by the part
            current = Unit("measure", label, section, s, e, line)
            units.append(current)
        elif measure:
            n = cn_big(measure["num"])
            measure_numbers.append(n)
            current = Unit("measure", label_of(measure_level, n, measure.group(0).strip()), section, s, e, line)
            units.append(current)
        elif VALIDITY_RE.search(line) and (measure_numbers or not SCOPE_RE.search(line)) and len(line) < 120:
            units.append(Unit("validity", "施行期限", root, s, e, line))
            current = None
        elif _bare_heading(f, folded, i, body_at) and not SIGNATURE_RE.fullmatch(line):
            section = _join(root, line)
            units.append(Unit("part", line, section, s, e, line))
            current = None
        elif measure_level is None and by_paragraph and not SIGNATURE_RE.fullmatch(line):
            measure_numbers.append(len(measure_numbers) + 1)
            current = Unit("measure", f"第{len(measure_numbers)}段", section, s, e, line)
            units.append(current)
        elif not part_numbers and not measure_numbers:
            kind, label = ("scope", "适用范围") if SCOPE_RE.search(line) else ("preamble", "前言")
            units.append(Unit(kind, label, root, s, e, line))
        elif current is not None and not SIGNATURE_RE.fullmatch(line):  # a measure running over several lines
            units[-1] = current = Unit("measure", current.label, section, current.start, e, text[current.start : e])
        else:
            kind = "signature" if SIGNATURE_RE.fullmatch(line) else "preamble"
            units.append(Unit(kind, "落款" if kind == "signature" else "正文", section, s, e, line))
            current = None
    if measure_level is None and measure_numbers:
        out.warnings.append(f"{where}未找到“第X条”“一、”“（一）”“1.”等条款编号，已按段落切分为{len(measure_numbers)}段")
    _check_numbers(out, where, measure_level, [n for n in measure_numbers if n], part_level, part_numbers)
    _unique(out, first)
    if number is not None:
        units[first:] = [_prefixed(u, f"附件{number}·") for u in units[first:]]


def _misnumbered(n: int, before: list[int], after: list[str]) -> bool:
    """Whether ``n、`` written in digits is a part whose number was mistyped (一、二、三、4、 五、…): it
    follows a part numbered in words and comes before the next one in words."""
    if not before or n != before[-1] + 1:
        return False
    nxt = next((m for m in map(PART_RE.match, after) if m and not m["num"].isdigit()), None)
    return nxt is None or cn_big(nxt["num"]) == n + 1


def _header(text: str, spans: list[tuple[int, int]], units: list[Unit]) -> None:
    """Title, issuing bodies and 文号 from the lines before the body."""
    title_lines: list[tuple[int, int]] = []
    closed = False  # the title is one run of lines: what follows another kind of line is not title
    chrome = page_chrome(text, spans, ISSUER_RE)
    for s, e in spans[:chrome]:  # a portal's menus before the document's own heading
        units.append(Unit("preamble", "来源", None, s, e, text[s:e]))
    for s, e in spans[chrome:]:
        line = text[s:e]
        if ATTACHMENT.fullmatch(fold(line)) and len(line) <= 6:
            continue
        if PAGE_META.search(line):
            units.append(Unit("preamble", "来源", None, s, e, line))
        elif DOC_NUMBER_RE.fullmatch(line):
            units.append(Unit("doc_number", "文号", None, s, e, line))
        elif all(ISSUER_RE.search(w) for w in line.split()) and not title_lines:
            units.append(Unit("issuers", "发文机关", None, s, e, line))
        elif closed or line[-1] in "：:":  # 各区人民政府…：, 现将有关事项通知如下：
            units.append(Unit("preamble", "前言", None, s, e, line))
        else:
            title_lines.append((s, e))
            continue
        closed = bool(title_lines)
    if title_lines and not CHAPTER_TITLE.fullmatch(fold(text[title_lines[0][0]:title_lines[-1][1]]).replace(" ", "")):
        s, e = title_lines[0][0], title_lines[-1][1]
        units.append(Unit("title", "标题", None, s, e, text[s:e]))
    # a text whose title was lost (a .docx that kept only its body) starts at a chapter heading: "总则" is no
    # title, so the file's own name stands for it


CHAPTER_TITLE = re.compile(r"(?:第[一二三四五六七八九十\d]{1,3}章)?(?:总则|附则|总体要求|基本原则|指导思想|目的和依据)")


def _items_heading(words: str) -> bool:
    """The words of a heading that groups numbered items: short, no clause inside, at most a closing 。."""
    words = words.removesuffix("。")
    return 2 <= len(words) <= 24 and not HEADING_BREAKERS.search(words)


def _bare_heading(line: str, folded: list[str], i: int, body_at: int) -> bool:
    """A heading without a number: a short line of words alone between two paragraphs (申报程序)."""
    if i <= body_at or i + 1 >= len(folded) or len(line) > 25 or HEADING_BREAKERS.search(line):
        return False
    return folded[i - 1][-1] in SENTENCE_END or bool(PART_RE.match(folded[i - 1]))


def _join(root: str | None, section: str) -> str:
    return f"{root}·{section}" if root else section


def _check_numbers(out: Structure, where: str, measure_level, measures: list[int], part_level, parts: list[int]) -> None:
    restartable = measure_level in ("paren", "num_dot", "num_paren", "part_lead")  # may restart under each part
    if measures and (_restarts_badly(measures) if restartable else measures != _seq(measures, measures[0])):
        out.warnings.append(f"{where}的条款编号不连续：{_gaps(measures)}，已按原文保留")
    if parts and parts != _seq(parts, 1):
        what = "章" if part_level == "chapter" else "部分"
        out.warnings.append(f"{where}的{what}编号不连续：{_gaps(parts)}，已按原文保留")


def _seq(seen: list[int], first: int) -> list[int]:
    return list(range(first, first + len(seen)))


def _gaps(seen: list[int]) -> str:
    """Where the numbering jumps: 6→8, 3→1."""
    jumps = [f"{a}→{b}" for a, b in zip(seen, seen[1:], strict=False) if b != a + 1]
    return "、".join(jumps[:5]) or f"从{seen[0]}开始"


def _restarts_badly(seen: list[int]) -> bool:
    """（一）… numbering may run through the document or restart under each part; both are fine."""
    prev = 0
    for n in seen:
        if n != prev + 1 and n != 1:
            return True
        prev = n
    return False


def _prefixed(u: Unit, prefix: str) -> Unit:
    if u.kind in ("measure",) or (u.kind == "part" and not u.label.startswith("附件")):
        return Unit(u.kind, prefix + u.label, u.section, u.start, u.end, u.text)
    return u


def _unique(out: Structure, first: int) -> None:
    """Every clause label cited once: a clause numbered again under another part of the same text
    (units from ``first`` on) takes the part's label."""
    units = out.units
    labels = [u.label for u in units[first:] if u.kind == "measure"]
    # a heading of numbered items (（一）财政金融支持政策。) is cited by its label too: a clause （一） elsewhere is not it
    heads = {u.label for u in units[first:] if u.kind == "part" and u.label.startswith("（") and u.label in labels}
    if len(set(labels)) == len(labels) and not heads:
        return
    part_label: dict[str | None, str] = {u.section: u.label for u in units[first:] if u.kind == "part"}
    seen: set[str] = set()
    for i, u in enumerate(units):
        if u.kind != "measure" or i < first:
            continue
        head = part_label.get(u.section, "")
        if heads and u.label not in heads and labels.count(u.label) == 1:
            head = ""  # unique but for the headings: kept as written (1.–20. under （一）–（四）)
        label = u.label if not head or u.label == head else _qualify(head, u.label)
        while label in seen:
            label += "′"
        seen.add(label)
        units[i] = Unit(u.kind, label, u.section, u.start, u.end, u.text)
    out.warnings.append("条款编号在各部分重新开始，条款以“部分编号+条款编号”标注（如“二、（一）”）")


def _qualify(head: str, label: str) -> str:
    """二、 + （一） → 二、（一）; a heading without a number is kept apart by a dot (申报程序·一、)."""
    return f"{head}{label}" if head[-1] in "、）)章" else f"{head}·{label}"


def _close_parts(units: list[Unit]) -> None:
    """A part unit spans its heading and all measures up to the next part heading."""
    for i, u in enumerate(units):
        if u.kind != "part":
            continue
        members = [m for m in units[i + 1 :] if m.section == u.section and m.kind == "measure"]
        end = members[-1].end if members else u.end
        units[i] = Unit("part", u.label, u.section, u.start, end, u.text)
