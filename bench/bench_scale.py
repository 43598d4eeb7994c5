"""Thousands of documents: build, first start after `index`, later start, search, RSS; two checkouts side by side.

    python bench/bench_scale.py --docs 1000 --base /path/to/baseline-checkout          # both sides, one run
    python bench/bench_scale.py --docs 10000 --sides new --json new-10k.json            # one side only
    python bench/bench_scale.py --merge base-10k.json new-10k.json --docs 10000         # table from saved sides

Every step is a fresh process run in the checkout being measured (its own `assistant` package), on one
synthetic corpus (`bench/bench_retrieval.py`'s generator, no rule files) and the `hash` embedder, so the
figures are the index's own cost:

* build: `python -m assistant index` on an empty index folder (wall time, peak RSS, size on disk);
* first start: the first process after `index` constructs `Assistant` and runs one search (imports included);
* later start: the same in a second process; it then runs the search latency queries;
* RSS: the started process after its first search (what a replica holds while idle).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()  # before any import of the measured package: a start includes its imports
ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Ten thousand documents (issue 21)"
QUERIES = [f"{topic}{what}" for topic in ("人工智能", "集成电路", "氢能", "工业互联网", "生物医药")
           for what in ("平台建设补贴最高多少", "首台套保险补贴比例", "贷款贴息有什么支持", "小批量验证怎么支持")]


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    now = peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            now = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return now, peak


def phase_build() -> dict:
    """What `python -m assistant index` does, with the seconds per step where the checkout records them."""
    t = time.perf_counter()
    try:
        from assistant.service import build_index
    except ImportError:  # before the manifest: `index` built the vectors only
        from assistant.__main__ import main

        return {"code": main(["index"]), "seconds": time.perf_counter() - t, "peak_rss_mb": _rss_mb()[1]}
    from assistant.settings import Settings

    bot, _ = build_index(Settings.from_env())
    index = bot.retriever.index
    return {"code": 0, "seconds": time.perf_counter() - t, "peak_rss_mb": _rss_mb()[1], "chunks": len(index.chunks),
            "steps": index.timings}


def phase_start(queries: int) -> dict:
    """Construct the assistant and answer one search, as a replica or a one-question CLI does."""
    from assistant.service import Assistant

    bot = Assistant()
    t_bot = time.perf_counter() - T0
    first = bot.search(QUERIES[0], k=5)
    out = {"assistant_s": t_bot, "start_and_search_s": time.perf_counter() - T0, "hits": len(first)}
    out["rss_mb"], out["peak_rss_mb"] = _rss_mb()
    lat = []
    for i in range(queries):
        q = f"{QUERIES[i % len(QUERIES)]}（{i}）"
        t = time.perf_counter()
        bot.search(q, k=5)
        lat.append((time.perf_counter() - t) * 1000)
    out["query_ms"] = lat
    out["top"] = [(p.doc_id, p.clause, p.start, p.end) for p in bot.search(QUERIES[1], k=5)]
    return out


def _run(checkout: Path, env: dict, step: str, queries: int = 0) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", step, "--queries", str(queries)]
    proc = subprocess.run(cmd, cwd=checkout, env={**env, "PYTHONPATH": str(checkout)}, capture_output=True,
                          text=True)
    if proc.returncode:
        raise SystemExit(f"{step} failed in {checkout}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def corpus(n: int, where: Path) -> Path:
    """The synthetic corpus of ``n`` documents (written once, reused by every side and run)."""
    sys.path.insert(0, str(ROOT))  # not in a measured step: there the checkout's own package is imported
    from bench.bench_retrieval import synthetic_policy

    folder = where / f"scale-corpus-{n}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for i in range(n):
            (folder / f"synthetic-{i:05d}.txt").write_text(synthetic_policy(i), encoding="utf-8")
        (folder / ".complete").write_text("", encoding="utf-8")
    return folder


def side(checkout: Path, docs: Path, work: Path, queries: int) -> dict:
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    env = {**os.environ, "POLICY_CORPUS_DIR": str(docs), "POLICY_INDEX_DIR": str(index), "POLICY_EMBEDDING": "hash",
           "POLICY_CHROMA_URL": "", "POLICY_LLM_BASE_URL": ""}
    out = {"checkout": str(checkout), "docs": len(list(docs.glob("*.txt")))}
    t = time.perf_counter()
    out["build"] = _run(checkout, env, "build")
    out["build"]["wall_s"] = time.perf_counter() - t
    out["index_mb"] = _dir_mb(index)
    out["first"] = _run(checkout, env, "start", 0)
    out["later"] = _run(checkout, env, "start", queries)
    out["index_mb_started"] = _dir_mb(index)  # with whatever the first start built (the keyword index, before)
    return out


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p * (len(s) - 1))))]


def table(results: dict[str, dict], n: int) -> list[str]:
    lines = [f"**{n:,} documents** ({results[next(iter(results))]['docs']:,} files):", "",
             "| | build s | peak RSS of build MB | index on disk MB (after `index` / after a start) | first start after `index` + first search s "
             "| later start + first search s | search median / p95 ms | RSS of a started process MB |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        q = r["later"]["query_ms"]
        lines.append(f"| {name} | {r['build']['seconds']:.1f} | {r['build']['peak_rss_mb']:.0f} "
                     f"| {r['index_mb']:.0f} / {r.get('index_mb_started', r['index_mb']):.0f} "
                     f"| {r['first']['start_and_search_s']:.2f} | {r['later']['start_and_search_s']:.2f} "
                     f"| {statistics.median(q):.1f} / {_pct(q, 0.95):.1f} | {r['later']['rss_mb']:.0f} |")
    for name, r in results.items():
        steps = r["build"].get("steps")
        if steps:
            chunks = r["build"]["chunks"]
            lines += ["", f"Where the {name} build spends its time ({chunks:,} chunks, "
                      f"{chunks / r['build']['seconds']:.0f} chunks/s overall; the keyword index is built in a thread "
                      "and worker processes while the vectors are embedded and inserted, so the steps overlap):", "",
                      "| " + " | ".join(STEPS) + " |", "|---" * len(STEPS) + "|",
                      "| " + " | ".join(f"{steps.get(k, 0):.1f}" for k in STEPS.values()) + " |"]
    return lines + [""]


STEPS = {"load + parse s": "parse_s", "chunk s": "chunk_s", "embed (hash) s": "embed_s", "Chroma insert s": "insert_s",
         "keyword index s": "keywords_s", "manifest s": "manifest_s", "example vectors s": "examples_s"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs="+", default=[1000])
    ap.add_argument("--base", type=Path, help="a checkout of the baseline commit (git worktree add …)")
    ap.add_argument("--sides", default="base,new")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-scale")
    ap.add_argument("--json", type=Path, help="save the raw results here")
    ap.add_argument("--merge", type=Path, nargs="+", help="saved results to print together")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        res = phase_build() if args.phase == "build" else phase_start(args.queries)
        print(json.dumps(res))
        return 0
    if args.merge:
        merged: dict = {}
        for path in args.merge:
            for key, value in json.loads(path.read_text(encoding="utf-8")).items():
                merged.setdefault(key, {}).update(value)
        for n in args.docs:
            print("\n".join(table(merged[str(n)], n)))
        return 0
    sides = {"before": args.base, "after": ROOT}
    wanted = {"base": "before", "new": "after"}
    results: dict = {}
    for n in args.docs:
        docs = corpus(n, args.work)
        results[str(n)] = {}
        for key in args.sides.split(","):
            name = wanted[key]
            if sides[name] is None:
                raise SystemExit("--base is needed to measure the baseline side")
            print(f"{n} documents, {name} ({sides[name]}) …", file=sys.stderr, flush=True)
            results[str(n)][name] = side(Path(sides[name]).resolve(), docs, args.work / f"{name}-{n}", args.queries)
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        print("\n".join(table(results[str(n)], n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
