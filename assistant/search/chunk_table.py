"""The chunk table: every chunk's document, span, kind and labels, without its text.

A start reads each unchanged document's rows from the document manifest (``knowledge.catalog``)
instead of chunking it again; only new or changed documents are chunked. The rows are one int32
array (kind, start, end and three indexes into the document's own labels), so 250,000 chunks cost a
few megabytes, and a chunk's text is cut from its document, read from the file, when it is shown.
Positions are stable for one table: the vectors, the keyword index and the fusion all speak of them.
"""

from __future__ import annotations

import hashlib
import marshal
from array import array
from collections.abc import Iterator, Sequence

from assistant.knowledge.catalog import stored, text_hash
from assistant.knowledge.documents import Document
from assistant.search.chunking import CHUNKER_VERSION, Chunk, chunk_document

KINDS = ("unit", "sentence")
WIDTH = 6  # kind, start, end, clause, section, context


def encode(chunks: list[Chunk]) -> tuple[str, tuple[str, ...], bytes]:
    """One document's chunks as (chunker version, its labels marshalled, int32 rows) for the manifest."""
    labels: dict[str, int] = {}

    def at(text: str | None) -> int:
        return -1 if text is None else labels.setdefault(text, len(labels))

    rows = array("i")
    for c in chunks:
        rows.extend((KINDS.index(c.kind), c.start, c.end, at(c.clause), at(c.section), at(c.context or None)))
    return CHUNKER_VERSION, marshal.dumps(tuple(labels)), rows.tobytes()


class ChunkTable(Sequence):
    """The chunks of ``docs`` in doc_id order; ``table[i]`` is a ``Chunk`` (its text read then)."""

    def __init__(self, docs: dict[str, Document]):
        import numpy as np

        self.docs = docs
        self.doc_ids = sorted(docs)
        self.position_of_doc = {d: i for i, d in enumerate(self.doc_ids)}
        self.labels: list[bytes] = []  # per document, decoded when a chunk of it is ranked (``_labels``)
        self._decoded: dict[int, tuple[str, ...]] = {}
        self._spans: dict[int, dict[tuple[int, int], int]] = {}
        self.stored: dict[str, tuple] = {}
        self.chunked: list[str] = []  # documents chunked by this table (not read from the manifest)
        blobs, first = [], [0]
        for d in self.doc_ids:
            rows = stored(docs[d], "chunks")
            if not (isinstance(rows, tuple) and len(rows) == 3 and rows[0] == CHUNKER_VERSION):
                rows = encode(chunk_document(docs[d]))
                self.chunked.append(d)
            self.stored[d] = rows
            self.labels.append(rows[1])
            blobs.append(rows[2])
            first.append(first[-1] + len(rows[2]) // (4 * WIDTH))
        self.rows = np.frombuffer(b"".join(blobs), dtype=np.int32).reshape(-1, WIDTH)
        self.first = np.array(first, dtype=np.int64)
        h = hashlib.sha256(f"chunker {CHUNKER_VERSION}\0".encode())
        for d in self.doc_ids:
            h.update(f"{d}\0{text_hash(docs[d])}\0".encode())
        self.fingerprint = h.hexdigest()[:16]  # the corpus as the index sees it, from the manifest's hashes

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        d, (kind, start, end, clause, section, context) = self._row(i)
        doc = self.docs[self.doc_ids[d]]
        return Chunk(id=f"{doc.doc_id}#{start}-{end}", doc_id=doc.doc_id, clause=self._label(d, clause),
                     section=self._label(d, section), kind=KINDS[kind], start=int(start), end=int(end),
                     text=doc.text[start:end], context=self._label(d, context) or "")

    def __iter__(self) -> Iterator[Chunk]:
        return (self[i] for i in range(len(self)))

    def _row(self, i: int):
        import numpy as np

        i = int(i)
        if not 0 <= i < len(self.rows):
            raise IndexError(i)
        return int(np.searchsorted(self.first, i, side="right")) - 1, self.rows[i].tolist()

    def _label(self, d: int, at: int) -> str | None:
        if at < 0:
            return None
        labels = self._decoded.get(d)
        if labels is None:
            if len(self._decoded) > 4096:  # what recent queries touched, not the whole corpus
                self._decoded.clear()
            labels = self._decoded[d] = marshal.loads(self.labels[d])
        return labels[at]

    def id(self, i: int) -> str:
        d, row = self._row(i)
        return f"{self.doc_ids[d]}#{row[1]}-{row[2]}"

    def key(self, i: int) -> tuple[str, str | None]:
        """(doc_id, clause): what retrieval ranks, without reading any text."""
        d, row = self._row(i)
        return self.doc_ids[d], self._label(d, row[3])

    def keys(self, positions) -> dict[int, tuple[str, str | None]]:
        """``key`` of many positions at once (one query's candidates)."""
        import numpy as np

        pos = np.fromiter(positions, dtype=np.int64)
        docs = (np.searchsorted(self.first, pos, side="right") - 1).tolist()
        clauses = self.rows[pos, 3].tolist()
        return {p: (self.doc_ids[d], self._label(d, c)) for p, d, c in zip(pos.tolist(), docs, clauses, strict=True)}

    def position(self, chunk_id: str) -> int | None:
        """The position of a chunk id ("<doc_id>#<start>-<end>"), None when not in this table."""
        doc_id, _, span = chunk_id.rpartition("#")
        d = self.position_of_doc.get(doc_id)
        try:
            start, end = (int(x) for x in span.split("-"))
        except ValueError:
            return None
        if d is None:
            return None
        spans = self._spans.get(d)
        if spans is None:
            if len(self._spans) > 4096:  # what recent queries touched, not the whole corpus
                self._spans.clear()
            a, b = int(self.first[d]), int(self.first[d + 1])
            spans = self._spans[d] = {(s, e): a + j for j, (s, e) in enumerate(self.rows[a:b, 1:3].tolist())}
        return spans.get((start, end))

    def doc_positions(self, doc_id: str) -> range:
        d = self.position_of_doc[doc_id]
        return range(int(self.first[d]), int(self.first[d + 1]))

    def doc_key(self, doc_id: str) -> str:
        """Changes when the document's text or the chunker does (for caches of per-document work)."""
        return f"{doc_id}\0{text_hash(self.docs[doc_id])}\0{CHUNKER_VERSION}"


def as_table(chunks: Sequence[Chunk]) -> bool:
    return isinstance(chunks, ChunkTable)
