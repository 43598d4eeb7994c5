"""Hybrid search over the policy chunks: dense (Chroma) + BM25 (jieba), fused per clause.

Dense vectors catch paraphrases that share no words with the text ("能拿到政府数据吗" →
（五）); BM25 catches exact terms and figures the small embedding model blurs ("REITs",
"五百万"). Both rank *clauses*, not chunks: a measure's whole-text chunk and its sentences
compete as one candidate, so the top results are distinct measures, each quoted by its best
chunk. Every passage is a verbatim span: ``quote == doc.text[start:end]``.

Fusion ``relative`` (default) min-max normalises each method's clause scores and adds them
with equal weights, so a decisive method outweighs an undecided one; ``rrf`` only sees ranks
and lets a one-word keyword match ("政策") outvote a clear dense winner (docs/RETRIEVAL_EVAL.md).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import PolicyError
from assistant.knowledge.documents import Citation, Document
from assistant.search.chunking import Chunk
from assistant.search.keywords import open_keyword_index
from assistant.text.amounts import find_mentions

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 512  # e5 reads at most 512 tokens; longer input only adds noise and time
FUSIONS = ("relative", "rrf")
RRF_K = 60  # the constant from the RRF paper; see docs/RETRIEVAL_EVAL.md for the sensitivity check
DENSE_WEIGHT = 1.0  # equal weights: not tuned on the evaluation set
BM25_WEIGHT = 1.0
MODES = ("hybrid", "dense", "bm25")
CANDIDATES = 100  # chunks taken from each method before fusing; far more than k distinct clauses

STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 是 在 对 为 有 吗 呢 吧 啊 么 嘛 之 其 该 这 那 都 也 还 就 而 并 以 于 将 被 把 "
    "什么 怎么 怎样 如何 哪些 哪个 多少 能否 可否 是否 请问 我 我们 你 你们 他们 这个 那个".split()
)


class QueryError(PolicyError, ValueError):
    """The question cannot be searched (empty)."""


@dataclass(frozen=True)
class Passage(Citation):
    """A cited span plus its search score."""

    score: float

    @property
    def citation(self) -> Citation:
        return Citation(self.doc_id, self.clause, self.section, self.quote, self.start, self.end)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "score": round(self.score, 6)}


class Results(list):
    """The passages, best first, plus ``notice``: a Chinese remark about the query ("" if none),
    e.g. that it was truncated. A list subclass so the notice travels with the result and
    concurrent searches cannot overwrite each other's."""

    notice: str = ""


# ----------------------------------------------------------------------------- keywords

_TOKENIZER = None
_TOKENIZER_LOCK = threading.Lock()
_RANGE_DASHES = ("-", "－", "—", "–", "~", "～", "至", "到")


def _tokenizer():
    """A private jieba tokenizer with the policy's terms (jieba's global one stays untouched);
    its dictionary loads lazily from a cache (``segmenter``), so the first question is not kept
    waiting a second for it."""
    global _TOKENIZER
    with _TOKENIZER_LOCK:
        if _TOKENIZER is None:
            from assistant.text.segmenter import new_tokenizer

            _TOKENIZER = new_tokenizer()
    return _TOKENIZER


def add_terms(terms) -> None:
    """Keep a document's own terms whole (揭榜挂帅 stays one word, not 揭榜/挂帅); the terms live in
    the document's rule file (``terms:``), so an added document brings its own."""
    tk = _tokenizer()
    with _TOKENIZER_LOCK:
        for term in terms:
            if term and term.strip() and not term.isascii():
                tk.add_word(term.strip())


def document_terms(docs: dict[str, Document]) -> list[str]:
    """The ``terms`` of each document's rule file (empty when a document has none)."""
    import yaml

    from assistant.knowledge.rules import rules_path

    out: list[str] = []
    for doc in docs.values():
        path = rules_path(doc)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # the rule loader reports a broken rule file; search still works without its terms
        terms = data.get("terms") if isinstance(data, dict) else None
        if isinstance(terms, list):
            out += [str(t) for t in terms if isinstance(t, str | int)]
    return out


def _words(text: str) -> list[str]:
    out = []
    for w in _tokenizer().lcut_for_search(text):
        w = w.strip().lower()
        if w and w not in STOPWORDS and any(ch.isalnum() for ch in w):
            out.append(w)
    return out


def _figure(m) -> list[str] | None:
    """Canonical tokens for a figure, so 500万元 / 五百万 / 5,000,000 are the same word."""
    if m.kind == "amount" or (m.kind == "number" and m.value >= 10_000):
        return [f"amt{m.value.normalize():f}"]
    if m.kind == "rate":
        return [f"pct{(m.value * 100).normalize():f}"]
    if m.kind == "year":
        return [f"y{int(m.value)}"]
    return None  # small bare numbers (5G, 23号) stay ordinary text


def keyword_tokens(text: str) -> list[str]:
    """BM25 tokens: jieba words (policy terms kept whole) with every figure canonicalised;
    a year range "2022-2024" also yields the years inside it, so "2023年" matches."""
    tokens: list[str] = []
    pos = 0
    prev_year = None
    for m in find_mentions(text):
        canon = _figure(m)
        if canon is None:
            continue
        tokens += _words(text[pos : m.start])
        if m.kind == "year" and prev_year and text[prev_year.end : m.start].strip() in _RANGE_DASHES:
            canon = [f"y{y}" for y in range(int(prev_year.value) + 1, int(m.value) + 1)][:30] or canon
        tokens += canon
        prev_year = m if m.kind == "year" else None
        pos = m.end
    return tokens + _words(text[pos:])


# ---------------------------------------------------------------------------- retriever


class Retriever:
    """Search the chunks of ``index`` (a PolicyIndex for ``docs``) with ``embedder``."""

    def __init__(self, docs: dict[str, Document], embedder, index, *, fusion: str = "relative",
                 rrf_k: float = RRF_K, dense_weight: float = DENSE_WEIGHT, bm25_weight: float = BM25_WEIGHT,
                 cache_size: int = 256, keyword_dir: Path | None = None, keywords=None) -> None:
        if fusion not in FUSIONS:
            raise ValueError(f"fusion must be one of {FUSIONS}")
        self.docs, self.embedder, self.index = docs, embedder, index
        self.chunks = index.chunks  # the chunk table: positions, labels, text read when shown
        self.fusion, self.rrf_k = fusion, rrf_k
        self.weights = {"dense": dense_weight, "bm25": bm25_weight}
        # Verbatim text only: a sentence's heading is already in its measure's unit chunk, and
        # repeating it in every sentence would make them near-duplicates for BM25. Built once per
        # corpus and memory-mapped afterwards (``keyword_dir``; in memory only when None).
        self._bm25 = keywords if keywords is not None else open_keywords(keyword_dir, self.chunks, docs)
        # Repeated questions (chat retries, the evaluation's three methods) skip the model.
        self._embed = functools.lru_cache(maxsize=cache_size)(embedder.embed_query)

    def search(self, query: str, k: int = 5, *, mode: str = "hybrid", docs: set[str] | None = None) -> Results:
        """The ``k`` best passages for ``query``, one per clause, best first (``docs``: from these documents
        only, when given).

        Empty/whitespace → QueryError. Over MAX_QUERY_CHARS → searched on the first
        MAX_QUERY_CHARS characters, with ``Results.notice`` saying so. Nothing searchable
        (only punctuation or emoji) → an empty result with a notice, not an error: the chat
        layer then answers "not covered" like for any other question without a match.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        results = Results()
        text = " ".join((query or "").split())
        if not text:
            raise QueryError("问题为空，请输入要查询的政策问题，例如“REITs有什么支持”")
        if len(text) > MAX_QUERY_CHARS:
            results.notice = f"问题过长（{len(text)} 字），只按前 {MAX_QUERY_CHARS} 字检索"
            log.warning(results.notice)
            text = text[:MAX_QUERY_CHARS]
        if not any(ch.isalnum() for ch in text):
            results.notice = "问题中没有可检索的文字（只有标点或表情符号），请用文字描述问题"
            return results
        rankings = {}
        if mode in ("hybrid", "dense"):
            rankings["dense"] = self._dense(text)
        if mode in ("hybrid", "bm25"):
            rankings["bm25"] = self._keyword(text)
        k = max(1, int(k))
        keys = self.chunks.keys({i for ranked in rankings.values() for i, _ in ranked})
        if docs is not None:
            rankings = {m: [(i, s) for i, s in ranked if keys[i][0] in docs] for m, ranked in rankings.items()}
        if mode != "hybrid":
            results.extend(self._passage(i, s) for i, s in list(_per_clause(rankings[mode], keys).values())[:k])
        else:
            results.extend(self._passage(i, s) for i, s in self._fuse(rankings, keys)[:k])
        return results

    def doc_scores(self, query: str) -> dict[str, float]:
        """How much each document is about ``query``'s words: the sum of its three best chunks' BM25 scores
        among the keyword candidates (a document none of whose chunks is among them is absent)."""
        text = " ".join((query or "").split())[:MAX_QUERY_CHARS]
        if not any(ch.isalnum() for ch in text):
            return {}
        ranked = self._keyword(text)
        keys = self.chunks.keys({i for i, _ in ranked}) if ranked else {}
        best: dict[str, list[float]] = {}
        for i, score in ranked:
            got = best.setdefault(keys[i][0], [])
            if len(got) < 3:
                got.append(float(score))
        return {doc: sum(v) for doc, v in best.items()}

    def dense(self, text: str) -> list[tuple[Chunk, float]]:
        """Chunks by cosine similarity to the query, best first."""
        return [(self.chunks[i], s) for i, s in self._dense(text)]

    def keyword(self, text: str) -> list[tuple[Chunk, float]]:
        """Chunks sharing at least one keyword with the query, by BM25, best first."""
        return [(self.chunks[i], s) for i, s in self._keyword(text)]

    # Ranking works on chunk-table positions: only the passages returned read their text.
    def _dense(self, text: str) -> list[tuple[int, float]]:
        return self.index.nearest(self._embed(text), CANDIDATES)

    def _keyword(self, text: str) -> list[tuple[int, float]]:
        return self._bm25.top(keyword_tokens(text), CANDIDATES)

    def _fuse(self, rankings: dict[str, list[tuple[int, float]]], keys: dict[int, tuple]) -> list[tuple[int, float]]:
        """Clause scores summed over methods; each clause is quoted by its chunk with the best
        chunk-level fused score (a precise sentence when both methods agree on it)."""
        clause_score: dict[tuple, float] = {}
        chunk_score: dict[int, float] = {}
        for method, ranked in rankings.items():
            w = self.weights[method]
            per_clause = _per_clause(ranked, keys)
            for key, value in self._normalise([s for _, s in per_clause.values()], per_clause).items():
                clause_score[key] = clause_score.get(key, 0.0) + w * value
            for i, value in self._normalise([s for _, s in ranked], [i for i, _ in ranked]).items():
                chunk_score[i] = chunk_score.get(i, 0.0) + w * value
        best: dict[tuple, int] = {}
        for ranked in rankings.values():
            for i, _ in ranked:
                key = keys[i]
                if key not in best or chunk_score[i] > chunk_score[best[key]]:
                    best[key] = i
        order = sorted(clause_score, key=lambda key: -clause_score[key])
        return [(best[key], clause_score[key]) for key in order]

    def _passage(self, i: int, score: float) -> Passage:
        c = self.chunks[i]
        return Passage(c.doc_id, c.clause, c.section, c.text, c.start, c.end, score)

    def _normalise(self, scores: list[float], keys) -> dict:
        """Per-method scores made comparable: min-max to [0, 1] over what the method returned
        (a lone hit is the method's best: 1), or 1/(k + rank) for RRF. ``scores`` is sorted."""
        if self.fusion == "rrf":
            return {key: 1.0 / (self.rrf_k + rank) for rank, key in enumerate(keys, start=1)}
        if not scores:
            return {}
        hi, lo = scores[0], scores[-1]
        return {key: (s - lo) / (hi - lo) if hi > lo else 1.0 for key, s in zip(keys, scores, strict=True)}


def keyword_dir(settings) -> Path:
    """Where the keyword index lives: beside the local vectors, and locally also for a Chroma server."""
    return Path(settings.index_dir) / "keywords"


def _per_clause(ranked: list[tuple[int, float]], keys: dict[int, tuple]) -> dict[tuple, tuple[int, float]]:
    """The best chunk of each clause (``keys``: position -> (doc_id, clause)), clauses in rank order."""
    best: dict[tuple, tuple[int, float]] = {}
    for i, score in ranked:
        best.setdefault(keys[i], (i, score))
    return best


def open_keywords(folder: Path | None, chunks, docs: dict[str, Document], tokenize_many=None):
    """The keyword index of ``chunks`` (the documents' rule-file terms kept whole)."""
    terms = document_terms(docs)
    add_terms(terms)
    return open_keyword_index(folder, chunks, terms, lambda text: keyword_tokens(text),
                              tokenize_many(terms) if tokenize_many else None)
