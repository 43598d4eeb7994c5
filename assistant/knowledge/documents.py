"""Load policy documents, clean conversion artifacts and parse them into citable units.

The *cleaned* text is the document text: every offset and every quote refers to it, so a
citation is always ``doc.text[start:end] == quote``. ``raw_offset`` maps back to the file.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.knowledge.extract import SUFFIXES, read_text  # noqa: F401  (re-exported)
from assistant.knowledge.headers import header_fields
from assistant.knowledge.structure import VALIDITY_RE, Unit, cn_number, cn_to_int, parse_structure  # noqa: F401  (re-exported)
from assistant.knowledge.unflatten import breaks, hanging

# Leftovers of Word → text conversion that are not part of the published text.
ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]|\[anchor: [^\]]*\]|\ufeff|\u200b")


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
    raw_offsets: array = field(repr=False, default_factory=lambda: array("i"))

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


def clean(raw: str) -> tuple[str, array]:
    """Drop conversion artifacts, join sentences a page broke over an indented line, and break a run-together page
    into its paragraphs (``unflatten``);
    return the text and, per character, its raw offset (4 bytes a character: a list of ints cost 36, a
    third of a 10,000-document build's memory)."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    offsets = array("i")
    pos = 0
    dropped = sorted([(m.start(), m.end()) for m in ARTIFACTS.finditer(raw)] + hanging(raw))
    for start, end in dropped:
        if start < pos:
            continue
        kept.append(raw[pos:start])
        offsets.extend(range(pos, start))
        pos = end
    kept.append(raw[pos:])
    offsets.extend(range(pos, len(raw)))
    text = "".join(kept)
    cuts = breaks(text)
    if not cuts:
        return text, offsets
    # a run-together page: its paragraphs on lines of their own again, each break standing for the raw
    # offset of the paragraph it opens
    parts, moved, prev = [], array("i"), 0
    for c in cuts:
        parts += [text[prev:c], "\n"]
        moved.extend(offsets[prev:c])
        moved.append(offsets[c])
        prev = c
    parts.append(text[prev:])
    moved.extend(offsets[prev:])
    return "".join(parts), moved


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


FULL_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
PLACE = re.compile(r"((?:(?![年在的和与及对由用享受按给于之等有关我本全各该])[\u4e00-\u9fa5]){2,3}?"
                   r"(?:(?<![上城超门])市|省|自治区))")
PLACE2 = re.compile(r"((?:(?![年在的和与及对由用享受按给于之等有关我本全各该为进获得级、])[\u4e00-\u9fa5]){2}(?:(?<![上城超门])市|省))")


def infer_meta(meta: DocMeta, units: list[Unit], text: str = "") -> DocMeta:
    """Fill what the metadata file leaves empty from what the text states outright.

    Validity dates are taken only when written as full dates (自2023年3月1日起施行，有效期至
    2025年12月31日); anything vaguer stays empty and is asked for (see ``missing_meta``).
    """
    found = {u.kind: u.text for u in units if u.kind in ("title", "issuers", "doc_number", "validity")}
    values = dict(meta.__dict__)
    for key, value in header_fields(text).items():  # a portal's labelled lines above the body ("政策名：…")
        if not values.get(key):
            values[key] = value
            found.pop(key, None)
    if not values["title"] and "title" in found:
        values["title"] = found["title"].replace("\n", "")
    if not values["issuers"] and "issuers" in found:
        values["issuers"] = tuple(found["issuers"].split())
    if not values["doc_number"] and "doc_number" in found:
        values["doc_number"] = found["doc_number"]
    # The validity sentence may be its own paragraph or the last article (第五条 本办法自…起施行).
    if not values["region"]:
        place = PLACE.search(found.get("issuers", "") + found.get("title", ""))
        values["region"] = place.group(1) if place and not place.group(1).startswith("本") else ""
    if not values["region"]:  # a text copied without its title: the place its clauses name most, twice at least
        named = Counter(m.group(1) for u in units if u.kind in ("measure", "preamble", "scope") for m in PLACE2.finditer(u.text))
        top = named.most_common(1)
        values["region"] = top[0][0] if top and top[0][1] >= 2 else ""
    validity = found.get("validity") or next((u.text for u in reversed(units) if VALIDITY_RE.search(u.text)), "")
    start = re.search(rf"自{FULL_DATE}起(施行|实施)", validity)
    end = re.search(rf"有效期至{FULL_DATE}", validity)
    if values["valid_from"] is None and start:
        values["valid_from"] = dt.date(int(start[1]), int(start[2]), int(start[3]))
    if values["valid_to"] is None and end:
        values["valid_to"] = dt.date(int(end[1]), int(end[2]), int(end[3]))
    return DocMeta(**values)


def missing_meta(meta: DocMeta) -> list[str]:
    """Fields a person must fill in the metadata file (we do not guess them)."""
    return [k for k in ("title", "valid_from", "valid_to") if not getattr(meta, k)]


def load_document(path: Path) -> Document:
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise CorpusError(f"不支持的文件类型 {path.name}，只接受 {'、'.join(SUFFIXES)}")
    raw = read_text(path)
    text, offsets = clean(raw)
    units = parse_structure(text, path.name)
    meta = infer_meta(load_meta(path, path.stem), units, text)
    if not meta.title:
        meta = DocMeta(**{**meta.__dict__, "title": path.stem})
    return Document(meta.doc_id, path, raw, text, meta, units, offsets)


def document_files(corpus_dir: Path) -> list[Path]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"政策文件目录 {corpus_dir} 不存在，请检查设置 POLICY_CORPUS_DIR")
    return sorted(
        (p for p in corpus_dir.iterdir()
         if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")) and p.name != "README.md"),
        key=lambda p: p.name,  # one folder: the same order as comparing paths, at a tenth of the cost
    )


def load_corpus(corpus_dir: Path, load=load_document) -> dict[str, Document]:
    """Every document of the folder (``catalog.load_corpus`` skips parsing the unchanged ones)."""
    docs: dict[str, Document] = {}
    files = document_files(corpus_dir)
    if not files:
        raise CorpusError(f"政策文件目录 {corpus_dir} 中没有政策文件（{'、'.join(SUFFIXES)}）")
    for path in files:
        doc = load(path)
        if doc.doc_id in docs:
            raise CorpusError(f"文件 {path.name} 的文档编号 {doc.doc_id} 与 {docs[doc.doc_id].path.name} 重复")
        docs[doc.doc_id] = doc
    return docs
