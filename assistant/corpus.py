"""Load policy documents, clean conversion artifacts and parse them into citable units.

The *cleaned* text is the document text: every offset and every quote refers to it, so a
citation is always ``doc.text[start:end] == quote``. ``raw_offset`` maps back to the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import CorpusError

SUFFIXES = (".txt", ".md", ".docx", ".pdf")

# Leftovers of Word → text conversion that are not part of the published text.
ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]|\[anchor: [^\]]*\]|\ufeff|\u200b")

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
class Citation:
    doc_id: str
    clause: str | None
    section: str | None
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "clause": self.clause,
            "section": self.section,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


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


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    title: str = ""
    short_title: str = ""
    issuers: tuple[str, ...] = ()
    doc_number: str = ""
    region: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""


@dataclass
class Document:
    doc_id: str
    path: Path
    raw_text: str
    text: str
    meta: DocMeta
    units: list[Unit]
    raw_offsets: list[int] = field(repr=False, default_factory=list)

    @property
    def measures(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "measure"]

    def unit(self, label: str) -> Unit:
        for u in self.units:
            if u.label == label:
                return u
        raise KeyError(label)

    def unit_at(self, offset: int) -> Unit | None:
        """The innermost unit containing ``offset`` (a measure rather than its part)."""
        hits = [u for u in self.units if u.start <= offset < u.end]
        return min(hits, key=lambda u: u.end - u.start) if hits else None

    def raw_offset(self, offset: int) -> int:
        return self.raw_offsets[offset] if offset < len(self.raw_offsets) else len(self.raw_text)

    def citation(self, start: int, end: int) -> Citation:
        unit = self.unit_at(start)
        return Citation(
            doc_id=self.doc_id,
            clause=unit.label if unit else None,
            section=unit.section if unit else None,
            quote=self.text[start:end],
            start=start,
            end=end,
        )

    def cite(self, quote: str) -> Citation:
        """Cite a verbatim quote; raises KeyError when it is not in the text."""
        start = self.text.find(quote)
        if start < 0 or not quote:
            raise KeyError(quote)
        return self.citation(start, start + len(quote))

    def unit_citation(self, unit: Unit) -> Citation:
        return self.citation(unit.start, unit.end)


def clean(raw: str) -> tuple[str, list[int]]:
    """Drop conversion artifacts; return the text and, per kept character, its raw offset."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in ARTIFACTS.finditer(raw):
        kept.append(raw[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    kept.append(raw[pos:])
    offsets.extend(range(pos, len(raw)))
    return "".join(kept), offsets


def read_text(path: Path) -> str:
    """The text of a .txt/.md/.docx/.pdf file; unreadable files raise CorpusError."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md"):
            return path.read_text(encoding="utf-8")
        if suffix == ".docx":
            import docx  # python-docx: only needed for .docx files

            return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        if suffix == ".pdf":
            from pypdf import PdfReader

            text = "\n".join((page.extract_text() or "") for page in PdfReader(str(path)).pages)
            if not text.strip():
                raise CorpusError(f"文件 {path.name} 是扫描版或空白 PDF，无法提取文字，请提供文字版")
            return text
    except CorpusError:
        raise
    except UnicodeDecodeError:
        raise CorpusError(f"文件 {path.name} 不是 UTF-8 编码的文本，请转换为 UTF-8 后再放入 corpus/") from None
    except Exception as exc:  # a broken .docx/.pdf: name the file, not the library's traceback
        raise CorpusError(f"无法读取文件 {path.name}：文件已损坏或格式不符（{type(exc).__name__}）") from None
    raise CorpusError(f"不支持的文件类型 {path.name}，只接受 {'、'.join(SUFFIXES)}")


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
}
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fa5]{1,10}〔\d{4}〕\d+号")


def _scheme(text: str, lines: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """Which heading level carries the clauses (measure) and which groups them (part)."""
    found = {name: any(rx.match(text[s:e]) for s, e in lines) for name, rx in LEVELS.items()}
    if found["article"]:
        return "article", "chapter" if found["chapter"] else None
    if found["paren"]:
        return "paren", "part" if found["part"] else None
    if found["part"]:
        return "part", None
    return None, None


def _cn_label(level: str, n: int, raw: str) -> str:
    return {"article": f"第{cn_number(n)}条", "chapter": f"第{cn_number(n)}章", "part": f"{cn_number(n)}、",
            "paren": f"（{cn_number(n)}）"}.get(level, raw)


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
    if _restarts_badly(measure_numbers) if measure_level == "paren" else measure_numbers != _seq(measure_numbers):
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


def _date(value, name: str, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CorpusError(f"元数据 {name} 的 {key} 应为 YYYY-MM-DD 日期，实际为“{value}”") from None


def load_meta(path: Path, doc_id: str) -> DocMeta:
    meta_path = path.with_name(f"{path.stem}.meta.yaml")
    if not meta_path.exists():
        return DocMeta(doc_id=doc_id)
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"元数据文件 {meta_path.name} 不是合法的 YAML：{exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise CorpusError(f"元数据文件 {meta_path.name} 应为键值对（title、valid_from、valid_to 等）")
    return DocMeta(
        doc_id=str(data.get("doc_id") or doc_id),
        title=str(data.get("title") or ""),
        short_title=str(data.get("short_title") or ""),
        issuers=tuple(data.get("issuers") or ()),
        doc_number=str(data.get("doc_number") or ""),
        region=str(data.get("region") or ""),
        valid_from=_date(data.get("valid_from"), meta_path.name, "valid_from"),
        valid_to=_date(data.get("valid_to"), meta_path.name, "valid_to"),
        source=str(data.get("source") or ""),
    )


def load_document(path: Path) -> Document:
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(f"不支持的文件类型 {path.name}，只接受 {'、'.join(SUFFIXES)}")
    raw = read_text(path)
    text, offsets = clean(raw)
    units = parse_structure(text, path.name)
    meta = load_meta(path, path.stem)
    if not meta.title:
        title = next((u.text for u in units if u.kind == "title"), path.stem)
        meta = DocMeta(**{**meta.__dict__, "title": title.replace("\n", "")})
    return Document(meta.doc_id, path, raw, text, meta, units, offsets)


def document_files(corpus_dir: Path) -> list[Path]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"政策文件目录 {corpus_dir} 不存在，请检查设置 POLICY_CORPUS_DIR")
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")) and p.name != "README.md"
    )


def load_corpus(corpus_dir: Path) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    files = document_files(corpus_dir)
    if not files:
        raise CorpusError(f"政策文件目录 {corpus_dir} 中没有政策文件（{'、'.join(SUFFIXES)}）")
    for path in files:
        doc = load_document(path)
        if doc.doc_id in docs:
            raise CorpusError(f"文件 {path.name} 的文档编号 {doc.doc_id} 与 {docs[doc.doc_id].path.name} 重复")
        docs[doc.doc_id] = doc
    return docs
