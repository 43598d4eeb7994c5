"""The real e5 build of a large corpus: throughput, peak memory, then the cost of editing one document.

    python bench/bench_e5_build.py --docs 1000       # about 15 minutes on two cores

Synthetic policies from ``bench/bench_retrieval.py``; the index goes to a temporary folder. The build
runs in a fresh process (its peak RSS is its own) and shows the progress line on stderr; then one
sentence of one document is edited and the index is opened again: only the chunks whose text changed
are embedded (vectors are reused by content hash).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_retrieval import write_corpus  # noqa: E402


def open_once(corpus_dir: str, index_dir: str) -> dict:
    """Inside a fresh process: open (building or updating) the e5 index; count what is embedded."""
    from assistant.knowledge.documents import load_corpus
    from assistant.search.embeddings import make_embedder
    from assistant.search.index import open_index
    from assistant.settings import Settings

    settings = Settings.from_env(corpus_dir=Path(corpus_dir), index_dir=Path(index_dir), chroma_url="")
    docs = load_corpus(settings.corpus_dir)
    embedder = make_embedder("e5-small", settings)
    embedder.embed_query("预热")  # the model load is not build time
    embedded = [0]
    real = embedder.embed_documents

    def counting(texts):
        embedded[0] += len(texts)
        return real(texts)

    embedder.embed_documents = counting
    t = time.perf_counter()
    index = open_index(settings, docs, embedder)  # progress=None: the stderr line with rate and time left
    seconds = time.perf_counter() - t
    return {"docs": len(docs), "chunks": len(index.chunks), "embedded": embedded[0], "seconds": round(seconds, 1),
            "chunks_per_s": round(embedded[0] / seconds, 1) if seconds else None, "rebuilt": index.rebuilt,
            "updated": index.updated[:3], "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def run(corpus: Path, index: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--open-once", str(corpus), str(index)], check=True,
                         stdout=subprocess.PIPE, text=True)  # stderr (the progress line) goes to the terminal
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--open-once", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.open_once:
        print(json.dumps(open_once(*args.open_once)))
        return 0
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(Path(tmp) / "corpus", args.docs)
        build = run(corpus, Path(tmp) / "index")
        edited = corpus / "synthetic-0007.txt"
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("特制定本措施", "特制定本措施（修订）", 1), encoding="utf-8")
        update = run(corpus, Path(tmp) / "index")
        reopen = run(corpus, Path(tmp) / "index")
    end = os.getloadavg()
    print(f"\ne5-small build, {os.cpu_count()} cores, load average at start {load[0]:.2f}, at end {end[0]:.2f}\n")
    print("| step | docs | chunks | chunks embedded | seconds | chunks/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in (("full build", build), ("one document edited", update), ("unchanged", reopen)):
        print(f"| {name} | {r['docs']} | {r['chunks']} | {r['embedded']} | {r['seconds']} | {r['chunks_per_s'] or '—'} | "
              f"{r['peak_rss_mb']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
