"""Many policies: a synthetic corpus of N documents, drafted and reviewed rules, index, search, matching.

    python bench/bench_many.py                 # 1,000 documents; writes "## Many policies" in docs/BENCHMARKS.md
    python bench/bench_many.py --docs 100 --no-write

Runs in a subprocess per phase so peak RSS is that phase's own. The index is built with the
`hash` embedder (e5-small embeds ~30 chunks/s here, ~13 min for 1,000 documents: see the
Retrieval section for e5 build throughput); query latency uses the same index.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_retrieval import synthetic_policy  # noqa: E402

SECTION = "## Many policies"


def phase(corpus: str, index: str, n_queries: int) -> dict:
    """Inside a subprocess: ingest (parse + rules), index, query, match; times and peak RSS."""
    import datetime as dt

    from assistant.answering.match import match_profile
    from assistant.knowledge.base import Knowledge
    from assistant.search.embeddings import make_embedder
    from assistant.search.index import open_index
    from assistant.search.retrieval import Retriever
    from assistant.settings import Settings

    out: dict = {}
    t = time.perf_counter()
    kb = Knowledge.load(Path(corpus))
    out["load_s"] = time.perf_counter() - t
    out["docs"], out["rules"] = len(kb.docs), len(kb.rules)
    settings = Settings.from_env(corpus_dir=Path(corpus), index_dir=Path(index), embedding="hash")
    emb = make_embedder("hash")
    t = time.perf_counter()
    ix = open_index(settings, kb.docs, emb, progress=lambda d, n: None)
    out["index_s"], out["chunks"] = time.perf_counter() - t, len(ix.chunks)
    retriever = Retriever(kb.docs, emb, ix)
    queries = [f"{topic}平台建设补贴最高多少（{i}）" for i, topic in
               enumerate(["人工智能", "集成电路", "氢能", "工业互联网", "生物医药"] * (n_queries // 5 + 1))][:n_queries]
    lat = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, k=5)
        lat.append(time.perf_counter() - t)
    out["query_ms"] = [x * 1000 for x in lat]
    profile = {"registered_in": "北京", "industry": "软件和信息服务业", "project_in_library": True,
               "platform_investment": "2000万元", "project_investment": "3000万元", "insurance_premium": "60万元",
               "loan_principal": "3亿元", "date": "2023-06-01"}
    mt = []
    for _ in range(5):
        t = time.perf_counter()
        matches = match_profile(kb, profile, dt.date(2023, 6, 1))
        mt.append(time.perf_counter() - t)
    out["match_ms"] = [x * 1000 for x in mt]
    out["matches"] = len(matches)
    out["computed"] = sum(m.status == "computed" for m in matches)
    ix.close()
    # one document edited: the incremental update re-embeds only it
    first = sorted(Path(corpus).glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("特制定本措施", "特制定本措施（修订）"), encoding="utf-8")
    kb2 = Knowledge.load(Path(corpus))
    t = time.perf_counter()
    ix = open_index(settings, kb2.docs, emb, progress=lambda d, n: None)
    out["update_s"], out["updated"] = time.perf_counter() - t, ix.updated
    ix.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def prepare(folder: Path, n: int) -> dict:
    """Write N documents, draft their rule files and mark them reviewed (as a person would after checking)."""
    from assistant.knowledge.documents import load_document
    from assistant.knowledge.rules_draft import draft_rule_file

    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    for i in range(n):
        (folder / f"synthetic-{i:04d}.txt").write_text(synthetic_policy(i), encoding="utf-8")
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    drafted = 0
    for path in sorted(folder.glob("*.txt")):
        rules_path, drafts = draft_rule_file(load_document(path))
        rules_path.write_text(rules_path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"),
                              encoding="utf-8")
        drafted += len(drafts)
    return {"write_s": write_s, "draft_s": time.perf_counter() - t, "drafted": drafted}


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args.phase[0], args.phase[1], args.queries)))
        return 0
    tmp = Path(tempfile.mkdtemp())
    corpus, index = tmp / "corpus", tmp / "index"
    prep = prepare(corpus, args.docs)
    res = json.loads(subprocess.run([sys.executable, __file__, "--queries", str(args.queries), "--phase",
                                     str(corpus), str(index)], capture_output=True, text=True, check=True,
                                    cwd=ROOT).stdout.strip().splitlines()[-1])
    q = sorted(res["query_ms"])
    m = sorted(res["match_ms"])
    lines = [
        SECTION, "",
        f"Command: `python bench/bench_many.py --docs {args.docs}` (synthetic policies from `bench/bench_retrieval.py`, "
        "rule files drafted by `rules draft` and marked reviewed; `hash` embedder for the index).", "",
        "| measure | result |", "|---|---|",
        f"| documents / drafted rules | {res['docs']} / {res['rules']} |",
        f"| rule drafting | {prep['draft_s']:.1f} s ({args.docs / prep['draft_s']:.0f} docs/s) |",
        f"| load corpus + check every rule quote | {res['load_s']:.1f} s ({res['docs'] / res['load_s']:.0f} docs/s) |",
        f"| index build (chunk + embed + Chroma add) | {res['index_s']:.1f} s, {res['chunks']} chunks "
        f"({res['chunks'] / res['index_s']:.0f} chunks/s) |",
        f"| index size on disk | {_dir_mb(index):.1f} MB |",
        f"| incremental update after editing one document | {res['update_s']:.2f} s, re-embedded: {len(res['updated'])} document |",
        f"| hybrid query latency ({len(q)} queries) | median {statistics.median(q):.1f} ms, p95 {q[int(len(q) * 0.95) - 1]:.1f} ms |",
        f"| profile matching over all rules | median {statistics.median(m):.1f} ms ({res['matches']} measures listed, "
        f"{res['computed']} computed) |",
        f"| peak RSS of the phase process | {res['peak_rss_mb']:.0f} MB |", "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        from bench.bench_ask import _replace_section

        _replace_section(ROOT / "docs" / "BENCHMARKS.md", SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
