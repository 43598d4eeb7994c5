"""The persisted keyword (BM25) index: built once per corpus, memory-mapped by every later start.

``bm25s`` computes every chunk's BM25 weight per word ahead of time into a sparse word × chunk
matrix, so a query only adds up the columns of its words (milliseconds at 100,000 chunks, where
rank_bm25's per-query Python loop took hundreds). The matrix is saved in ``bm25s``'s own format in
``<index dir>/keywords/<fingerprint>/`` (kept locally also when the vectors live on a Chroma
server) and read back with ``numpy.load(mmap_mode="r")``: no process start re-tokenizes an
unchanged corpus, and a start costs the vocabulary's JSON and three memory maps.

The fingerprint covers every chunk's id and text, the tokenizer's version and the documents'
``terms``. Tokens are cached per document by content hash (``tokens.marshal``), so after an edit
only the edited document is tokenized again. A missing, partial or inconsistent index is rebuilt,
never trusted; two processes building at once each write a private folder and the first rename wins.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = "bm25s-0.3.16/okapi-idf/k1.5/b0.75/v1"  # bump when tokens or BM25 parameters change
K1, B = 1.5, 0.75
EPSILON = 0.25  # rank_bm25's floor for negative idf: a fraction of the average idf
TOKENS_FILE = "tokens.marshal"
MANIFEST = "manifest.json"
ARRAYS = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy")
EMPTY = "∅"  # the token of a chunk with no words (bm25s needs at least one per document)


class KeywordIndex:
    """BM25 over pre-tokenized chunks; ``top(tokens, n)`` → [(chunk position, score)], best first."""

    def __init__(self, data, indices, indptr, vocab: dict[str, int], num_docs: int):
        self.data, self.indices, self.indptr = data, indices, indptr
        self.vocab, self.num_docs = vocab, num_docs

    @classmethod
    def build(cls, corpus: Sequence[Sequence[str]], save_to: Path | None = None) -> KeywordIndex:
        """Index ``corpus`` (a token list per chunk) in memory; also save it when ``save_to`` is given."""
        import bm25s

        bm = bm25s.BM25(k1=K1, b=B, method="lucene")
        bm.index([list(tokens) or [EMPTY] for tokens in corpus], show_progress=False)
        _okapi_idf(bm.scores)
        if save_to is not None:
            bm.save(str(save_to), show_progress=False)
        s = bm.scores
        return cls(s["data"], s["indices"], s["indptr"], dict(bm.vocab_dict), int(s["num_docs"]))

    @classmethod
    def load(cls, folder: Path, num_docs: int) -> KeywordIndex:
        """The saved arrays, memory-mapped; ValueError/OSError when anything does not add up."""
        import numpy as np

        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        data, indices, indptr = (np.load(folder / name, mmap_mode="r", allow_pickle=False) for name in ARRAYS)
        if (params.get("method") != "lucene" or int(params.get("num_docs", -1)) != num_docs
                or not len(vocab) <= len(indptr) <= len(vocab) + 1 or len(data) != len(indices) or int(indptr[-1]) != len(data)
                or (len(indices) and int(indices.max()) >= num_docs)):
            raise ValueError("keyword index does not match its corpus")
        return cls(data, indices, indptr, vocab, num_docs)

    def scores(self, tokens: Sequence[str]):
        """BM25 score of every chunk (a repeated query word counts each time, as in bm25s)."""
        import numpy as np

        out = np.zeros(self.num_docs, dtype=np.float32)
        for token in tokens:
            col = self.vocab.get(token)
            if col is None or col + 1 >= len(self.indptr):  # unknown, or bm25s's empty token (no column)
                continue
            a, b = int(self.indptr[col]), int(self.indptr[col + 1])
            out[self.indices[a:b]] += self.data[a:b]  # a word's chunks are distinct: no np.add.at needed
        return out

    def top(self, tokens: Sequence[str], n: int) -> list[tuple[int, float]]:
        import numpy as np

        scores = self.scores(tokens)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > n:
            hits = hits[np.argpartition(-scores[hits], n - 1)[:n]]
        order = hits[np.lexsort((hits, -scores[hits]))]  # best first; ties in corpus order
        return [(int(i), float(scores[i])) for i in order]


def _okapi_idf(scores: dict) -> None:
    """Re-weight bm25s's Lucene matrix in place to the Okapi idf that rank_bm25 used, so ranking
    and fusion stay as measured (docs/RETRIEVAL_EVAL.md): ``log((N - df + .5) / (df + .5))``, a
    negative idf (a word in most chunks) replaced by EPSILON × the average idf. Lucene's idf
    ``log(1 + …)`` let such common words weigh more and cost one hit@1 on the evaluation set.
    The term-frequency part differs only by the constant factor k1 + 1, which changes no ranking."""
    import numpy as np

    indptr, n = scores["indptr"], float(scores["num_docs"])
    df = np.diff(indptr).astype(np.float64)
    okapi = np.log((n - df + 0.5) / (df + 0.5))
    okapi[okapi < 0] = EPSILON * okapi.mean() if len(okapi) else 0.0
    lucene = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    factor = np.repeat(okapi / lucene, np.diff(indptr))
    scores["data"] = (scores["data"] * factor).astype(scores["data"].dtype)


def fingerprint(chunks, terms: Sequence[str]) -> str:
    """Of the chunks and terms; a chunk table (``chunk_table``) says what it holds by its documents'
    hashes, so an unchanged corpus is recognised without reading any text."""
    h = hashlib.sha256(f"{FORMAT}\0{chr(31).join(sorted(set(terms)))}\0".encode())
    table = getattr(chunks, "fingerprint", None)
    if table is not None:
        h.update(f"table\0{table}\0{len(chunks)}".encode())
        return h.hexdigest()[:20]
    for c in chunks:
        h.update(f"{c.id}\0{c.text}\0".encode())
    return h.hexdigest()[:20]


Many = Callable[[list[str]], list[list[str]]]


def open_keyword_index(folder: Path | None, chunks: Sequence, terms: Sequence[str],
                       tokenize: Callable[[str], list[str]], tokenize_many: Many | None = None) -> KeywordIndex:
    """The keyword index of ``chunks`` from ``folder`` (built and saved there when missing or bad);
    in memory only when ``folder`` is None. ``tokenize_many``, when given, tokenizes a list of texts
    at once (in other processes)."""
    many = tokenize_many or (lambda texts: [tokenize(t) for t in texts])
    if folder is None:
        return KeywordIndex.build(many([c.text for c in chunks]))
    folder = Path(folder)
    fp = fingerprint(chunks, terms)
    target = folder / fp
    if (target / MANIFEST).exists():
        try:
            manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
            if manifest.get("fingerprint") != fp or manifest.get("chunks") != len(chunks):
                raise ValueError("manifest does not match")
            return KeywordIndex.load(target, len(chunks))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("关键词索引 %s 已损坏（%s），正在重建", target, exc)
            shutil.rmtree(target, ignore_errors=True)
    elif target.exists():
        shutil.rmtree(target, ignore_errors=True)  # a build that never finished
    corpus = cached_tokens(folder, chunks, terms, many)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{fp}-", dir=folder))
    except OSError as exc:
        log.warning("无法保存关键词索引到 %s（%s），本次仅在内存中使用", folder, exc)
        return KeywordIndex.build(corpus)
    index = KeywordIndex.build(corpus, save_to=tmp)
    (tmp / MANIFEST).write_text(json.dumps({"fingerprint": fp, "chunks": len(chunks), "format": FORMAT}), encoding="utf-8")
    try:
        os.rename(tmp, target)  # atomic; fails if another process got there first (its index is the same)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    for old in folder.iterdir():  # earlier corpora's indexes; open maps of them stay valid until closed
        if old.is_dir() and old.name != fp and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    return index


def cached_tokens(folder: Path, chunks: Sequence, terms: Sequence[str], many: Many) -> list[list[str]]:
    """Each chunk's tokens; a document whose chunks (and the terms) are unchanged is not tokenized again."""
    path = folder / TOKENS_FILE
    try:
        with open(path, "rb") as f:
            cache = marshal.load(f)
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, EOFError, ValueError, TypeError):
        cache = {}
    salt = f"{FORMAT}\0{chr(31).join(sorted(set(terms)))}"
    fresh: dict[str, list[list[str]]] = {}
    out: list[list[str]] = [[] for _ in range(len(chunks))]
    missing: list[tuple[str, list[int]]] = []
    groups = _groups(chunks)
    for material, positions in groups:
        key = hashlib.sha256(f"{salt}\0{material}".encode()).hexdigest()[:24]
        tokens = cache.get(key)
        if not (isinstance(tokens, list) and len(tokens) == len(positions)):
            missing.append((key, positions))
            continue
        fresh[key] = tokens
        for i, t in zip(positions, tokens, strict=True):
            out[i] = t
    done = iter(many([chunks[i].text for _, positions in missing for i in positions]))
    for key, positions in missing:
        fresh[key] = [next(done) for _ in positions]
        for i, t in zip(positions, fresh[key], strict=True):
            out[i] = t
    if missing:
        log.info("关键词索引：%d 个文档重新分词（共 %d 个）", len(missing), len(groups))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tokens-")
        with os.fdopen(fd, "wb") as f:
            marshal.dump(fresh, f)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("无法写入分词缓存 %s（%s）", path, exc)
    return out


def _groups(chunks: Sequence) -> list[tuple[str, list[int]]]:
    """(what a document's chunks depend on, their positions) per document."""
    if hasattr(chunks, "doc_positions"):  # a chunk table: its documents' hashes, no text read
        return [(chunks.doc_key(d), list(chunks.doc_positions(d))) for d in chunks.doc_ids]
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        by_doc.setdefault(c.doc_id, []).append(i)
    return [("".join(f"{chunks[i].id}\0{chunks[i].text}\0" for i in positions), positions)
            for positions in by_doc.values()]
