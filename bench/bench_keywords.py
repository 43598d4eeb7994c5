"""Keyword search and start-up at scale: rank_bm25 (before issue 12) and the bm25s index side by side.

    python bench/bench_keywords.py --docs 1000 4000 --rounds 5      # keyword search, old vs new
    python bench/bench_keywords.py --docs 1000 --start --hybrid     # + process start, hybrid vs one e5 query

Synthetic policies from ``bench/bench_retrieval.py``. Keyword search is timed per call of what
``Retriever.keyword`` does (query tokens, scoring, the best 100 chunks), old and new on the same
tokens in the same process; "top-10 overlap" is the share of the old top 10 chunks that the new
index also ranks in its top 10, and "counting ties" counts a new top-10 chunk as the same when
rank_bm25 scores it as high as its own 10th (the synthetic policies repeat sentences, so ties abound). ``--start`` runs fresh processes against a built 25k-chunk index
(first start, unchanged start, start after editing one document) and counts the texts tokenized.
``--hybrid`` times a hybrid query over 1,000 documents with the real e5 query embedding (the chunk
vectors come from the hash embedder at e5's dimension: the same Chroma work without a 15-minute
e5 build) against one e5 query embedding alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_retrieval import ACTIVITIES, THINGS, TOPICS, write_corpus  # noqa: E402

QUERIES = ([f"{w}补贴比例是多少" for w in THINGS + ACTIVITIES] + [f"{w}有什么支持政策" for w in TOPICS]
           + ["REITs专项债券", "贷款贴息最高多少", "500万元以上的项目能入库吗", "揭榜挂帅承接场景试点", "安家补助"])
CANDIDATES = 100


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class OldKeywords:
    """What Retriever did before: rank_bm25 scoring only the chunks that share a query word."""

    def __init__(self, corpus: list[list[str]]):
        from rank_bm25 import BM25Okapi

        self.bm25 = BM25Okapi([t or ["∅"] for t in corpus])
        self.postings: dict[str, list[int]] = {}
        for i, tokens in enumerate(corpus):
            for t in set(tokens):
                self.postings.setdefault(t, []).append(i)

    def top(self, tokens: list[str], n: int) -> list[tuple[int, float]]:
        ids = sorted({i for t in tokens for i in self.postings.get(t, ())})
        if not ids:
            return []
        scores = self.bm25.get_batch_scores(tokens, ids)
        ranked = sorted(zip(ids, scores, strict=True), key=lambda x: -x[1])[:n]
        return [(i, float(s)) for i, s in ranked if s > 0]


def keyword_side_by_side(n_docs: int, rounds: int) -> dict:
    from assistant.knowledge.documents import load_corpus
    from assistant.search.chunking import chunk_corpus
    from assistant.search.keywords import KeywordIndex
    from assistant.search.retrieval import add_terms, document_terms, keyword_tokens

    with tempfile.TemporaryDirectory() as tmp:
        docs = load_corpus(write_corpus(Path(tmp) / "corpus", n_docs))
        chunks = chunk_corpus(docs)
        add_terms(document_terms(docs))
        t0 = time.perf_counter()
        corpus = [keyword_tokens(c.text) for c in chunks]
        t1 = time.perf_counter()
        old = OldKeywords(corpus)
        t2 = time.perf_counter()
        KeywordIndex.build(corpus, save_to=Path(tmp) / "kw")
        t3 = time.perf_counter()
        new = KeywordIndex.load(Path(tmp) / "kw", len(chunks))
        t4 = time.perf_counter()
        times: dict[str, list[float]] = {"old": [], "new": []}
        overlap, tied = [], []
        for _ in range(rounds):
            for q in QUERIES:
                tops = {}
                for name, index in (("old", old), ("new", new)):
                    t = time.perf_counter()
                    tops[name] = index.top(keyword_tokens(q), CANDIDATES)
                    times[name].append((time.perf_counter() - t) * 1000)
                a, b = {i for i, _ in tops["old"][:10]}, [i for i, _ in tops["new"][:10]]
                if a:
                    overlap.append(len(a & set(b)) / len(a))
                    # synthetic policies repeat whole sentences, so many chunks tie; a chunk scoring as
                    # high (under rank_bm25) as the old 10th is as good an answer as the one it displaced
                    tenth = tops["old"][:10][-1][1]
                    old_scores = old.bm25.get_batch_scores(keyword_tokens(q), b)
                    tied.append(sum(s >= tenth * (1 - 1e-5) for s in old_scores) / len(a))
        return {"docs": n_docs, "chunks": len(chunks), "tokenize_s": round(t1 - t0, 2), "old_setup_s": round(t2 - t1, 2),
                "new_build_s": round(t3 - t2, 2), "new_load_ms": round((t4 - t3) * 1000, 1),
                **{f"{k}_median_ms": round(statistics.median(v), 2) for k, v in times.items()},
                **{f"{k}_p95_ms": round(pct(v, 95), 2) for k, v in times.items()},
                "overlap_min": round(min(overlap), 2), "overlap_mean": round(statistics.mean(overlap), 3),
                "tied_min": round(min(tied), 2), "tied_mean": round(statistics.mean(tied), 3),
                "queries": len(times["new"])}


class QueryOnlyE5:
    """Chunk vectors from the hash embedder at e5's dimension; queries embedded by the real e5."""

    def __init__(self):
        from assistant.search.embeddings import HashEmbedder, make_embedder

        self.hash, self.e5 = HashEmbedder(dim=384), make_embedder("e5-small")
        self.name, self.dim, self.fingerprint = "hash384+e5-queries", 384, self.hash.fingerprint

    def embed_documents(self, texts):
        return self.hash.embed_documents(texts)

    def embed_query(self, text):
        return self.e5.embed_query(text)


def start_once(corpus_dir: str, index_dir: str, hybrid: bool) -> dict:
    """Inside a fresh process: load, open the index, set up search; count texts tokenized."""
    t0 = time.perf_counter()
    import assistant.search.retrieval as retrieval
    from assistant.knowledge.documents import load_corpus
    from assistant.search.index import open_index
    from assistant.settings import Settings

    tokenized = [0]
    real = retrieval.keyword_tokens

    def counting(text):
        tokenized[0] += 1
        return real(text)

    retrieval.keyword_tokens = counting
    settings = Settings.from_env(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), chroma_url="")
    embedder = QueryOnlyE5() if hybrid else __import__("assistant.search.embeddings").embeddings.HashEmbedder(dim=384)
    t1 = time.perf_counter()
    docs = load_corpus(settings.corpus_dir)
    t2 = time.perf_counter()
    index = open_index(settings, docs, embedder, progress=lambda d, t: None)
    t3 = time.perf_counter()
    r = retrieval.Retriever(docs, embedder, index, cache_size=0, keyword_dir=retrieval.keyword_dir(settings))
    t4 = time.perf_counter()
    corpus_tokenized = tokenized[0]
    r.search(QUERIES[0])
    t5 = time.perf_counter()
    out = {"chunks": len(r.chunks), "tokenized": corpus_tokenized, "imports_s": round(t1 - t0, 2),
           "load_corpus_s": round(t2 - t1, 2), "open_index_s": round(t3 - t2, 2), "retriever_s": round(t4 - t3, 2),
           "first_query_s": round(t5 - t4, 2), "total_s": round(t5 - t0, 2), "index_rebuilt": index.rebuilt}
    if hybrid:
        e5 = embedder.e5
        for q in QUERIES[:5]:  # warm both paths
            e5.embed_query(q + "预热")
            r.search(q + "预热")
        embed, search = [], []
        for q in QUERIES * 3:
            t = time.perf_counter()
            e5.embed_query(q)
            embed.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            r.search(q)  # cache off: embeds the query again, then Chroma, keywords, fusion
            search.append((time.perf_counter() - t) * 1000)
        out.update(e5_query_median_ms=round(statistics.median(embed), 2), hybrid_median_ms=round(statistics.median(search), 2),
                   hybrid_p95_ms=round(pct(search, 95), 2), ratio=round(statistics.median(search) / statistics.median(embed), 2))
    return out


def start_in_subprocess(corpus_dir: Path, index_dir: Path, hybrid: bool = False) -> dict:
    env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
    out = subprocess.run([sys.executable, __file__, "--start-once", str(corpus_dir), str(index_dir),
                          *(["--hybrid"] if hybrid else [])], check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, nargs="+", default=[1000, 4000])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--start", action="store_true", help="process start with the first --docs corpus")
    ap.add_argument("--hybrid", action="store_true", help="hybrid query vs one e5 query embedding")
    ap.add_argument("--skip-keywords", action="store_true")
    ap.add_argument("--start-once", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.start_once:
        print(json.dumps(start_once(*args.start_once, hybrid=args.hybrid)))
        return 0
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    if not args.skip_keywords:
        print("| docs | chunks | rank_bm25 median ms | p95 ms | bm25s median ms | p95 ms | speed-up | top-10 overlap mean / min "
              "| same top 10 counting ties mean / min | tokenize corpus s | rank_bm25 setup s | bm25s build+save s | bm25s mmap load ms |")
        print("|---" * 13 + "|")
        for n in args.docs:
            r = keyword_side_by_side(n, args.rounds)
            print(f"| {r['docs']} | {r['chunks']} | {r['old_median_ms']} | {r['old_p95_ms']} | {r['new_median_ms']} | "
                  f"{r['new_p95_ms']} | {r['old_median_ms'] / r['new_median_ms']:.0f}× | {r['overlap_mean']:.1%} / "
                  f"{r['overlap_min']:.0%} | {r['tied_mean']:.1%} / {r['tied_min']:.0%} | {r['tokenize_s']} | {r['old_setup_s']} | {r['new_build_s']} | {r['new_load_ms']} |",
                  flush=True)
    if args.start or args.hybrid:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = write_corpus(Path(tmp) / "corpus", args.docs[0])
            index = Path(tmp) / "index"
            rows = [("first start (builds vectors and keyword index)", start_in_subprocess(corpus, index))]
            rows.append(("unchanged corpus", start_in_subprocess(corpus, index)))
            edited = corpus / "synthetic-0007.txt"
            edited.write_text(edited.read_text(encoding="utf-8").replace("本措施", "本办法", 1), encoding="utf-8")
            rows.append(("one document edited", start_in_subprocess(corpus, index)))
            print("\n| start | chunks | texts tokenized | imports s | load corpus s | open vector index s | "
                  "keyword index s | first query s | total s |")
            print("|---" * 9 + "|")
            for name, r in rows:
                print(f"| {name} | {r['chunks']} | {r['tokenized']} | {r['imports_s']} | {r['load_corpus_s']} | "
                      f"{r['open_index_s']} | {r['retriever_s']} | {r['first_query_s']} | {r['total_s']} |", flush=True)
            if args.hybrid:
                h = start_in_subprocess(corpus, index, hybrid=True)
                print(f"\nhybrid query over {h['chunks']} chunks: median {h['hybrid_median_ms']} ms (p95 "
                      f"{h['hybrid_p95_ms']} ms); one e5 query embedding: median {h['e5_query_median_ms']} ms; "
                      f"ratio {h['ratio']} (target ≤ 1.3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
