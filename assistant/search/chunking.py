"""Split parsed documents into search chunks whose text is a verbatim, locatable quote.

Every chunk satisfies ``chunk.text == doc.text[chunk.start:chunk.end]`` and lies inside one
structural unit, so a hit can always be cited with exact offsets and one clause label.

We index two granularities of each long unit (a measure, the scope paragraph):
* the whole unit — it carries the measure's heading and all its conditions, which is what a
  broad question ("中试验证有什么支持") matches, and it is the context an answer needs;
* its sentences — a specific question ("保费补贴比例") matches one sentence far more sharply
  than a 190-character measure where that sentence is diluted, and the sentence is the
  precise quote to show. Retrieval merges hits per clause, so the two never appear twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.knowledge.documents import Document, Unit

# Bump whenever chunk boundaries or ``embed_text`` change: the index fingerprint includes it.
CHUNKER_VERSION = "3"

INDEXED_KINDS = ("issuers", "title", "preamble", "scope", "measure", "validity")
SENTENCE_END = "。；！？!?;"
OPENERS = "（(《“‘【〔「『"
CLOSERS = "）)》”’】〕」』"
SPLIT_OVER = 60  # units longer than this (characters) also get sentence chunks
MIN_SENTENCE = 8  # shorter pieces ("是。") are merged into their neighbour


@dataclass(frozen=True)
class Chunk:
    id: str  # "<doc_id>#<start>-<end>": stable while the document text is unchanged
    doc_id: str
    clause: str | None  # （四） / 适用范围 / 施行期限 / 前言 / 标题
    section: str | None  # the part heading, 二、支持企业创新攻关和新平台培育
    kind: str  # "unit" (a whole measure/paragraph) or "sentence"
    start: int
    end: int
    text: str  # == doc.text[start:end]
    context: str = ""  # heading of the enclosing measure, for sentence chunks only

    @property
    def embed_text(self) -> str:
        """What the embedder sees: a sentence alone loses its subject, so its measure's
        heading goes in front ("（八）支持新技术新产品规模化推广应用。…对采购…给予补贴")."""
        return f"{self.context}{self.text}" if self.context else self.text


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text[start:end]``, covering it without gaps
    except leading whitespace. Cuts only at 。；！？ outside brackets and quotes, so
    "2022-2024"、"50％"、"1000万元（含）" and 《…》 titles always stay whole."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    depth = 0
    piece = start
    for i in range(start, end):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch in SENTENCE_END and depth == 0:
            spans.append((piece, i + 1))
            piece = i + 1
    if piece < end:
        spans.append((piece, end))
    spans = [_strip(text, s, e) for s, e in spans]
    return _merge_short([(s, e) for s, e in spans if e > s])


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _merge_short(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and (e - s < MIN_SENTENCE or merged[-1][1] - merged[-1][0] < MIN_SENTENCE):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _chunk(doc: Document, unit: Unit, kind: str, start: int, end: int, context: str = "") -> Chunk:
    cite = doc.citation(start, end)
    return Chunk(
        id=f"{doc.doc_id}#{start}-{end}",
        doc_id=doc.doc_id,
        clause=cite.clause or unit.label,
        section=cite.section,
        kind=kind,
        start=start,
        end=end,
        text=cite.quote,
        context=context,
    )


def chunk_document(doc: Document) -> list[Chunk]:
    """The unit chunks of ``doc`` in text order, each followed by its sentence chunks."""
    chunks: list[Chunk] = []
    for unit in doc.units:
        if unit.kind not in INDEXED_KINDS:
            continue
        # Non-clause units say what they are ("施行期限：…", "发文机关：…"), as a reader sees
        # from the document's layout; the text itself rarely names its own role.
        label = "" if unit.kind in ("measure", "part") else f"{unit.label}："
        chunks.append(_chunk(doc, unit, "unit", unit.start, unit.end, label))
        if unit.end - unit.start <= SPLIT_OVER:
            continue
        spans = split_sentences(doc.text, unit.start, unit.end)
        if len(spans) < 2:
            continue
        # The heading sentence gives each sibling sentence its subject; the first sentence
        # already starts with it, so it gets no prefix.
        heading = doc.text[spans[0][0] : spans[0][1]] if unit.kind == "measure" else ""
        for i, (s, e) in enumerate(spans):
            chunks.append(_chunk(doc, unit, "sentence", s, e, (heading if i else "") or label))
    return chunks


def chunk_corpus(docs: dict[str, Document] | Iterable[Document]) -> list[Chunk]:
    """Chunks of every document, documents in doc_id order (so ids and order are stable)."""
    items = docs.values() if isinstance(docs, dict) else docs
    out: list[Chunk] = []
    for doc in sorted(items, key=lambda d: d.doc_id):
        out.extend(chunk_document(doc))
    return out
