"""Cold command-line start: each command in a fresh process, against ``python -c pass`` in the same run.

    python bench/bench_cold.py --rounds 7

The index is built once in a temporary folder (the developer's index/ is untouched); the commands
then run interleaved, round by round, so load from other processes spreads over all of them alike.
Reports the median and the ratio to ``python -c pass`` and, for the retrieval question, to the
calculation question (the issue's target: a cold retrieval ``ask`` ≤ 1.5× a cold calculation ``ask``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALC_Q = "平台建设投资1200万元，能补多少？"
RETRIEVAL_Q = "REITs有什么支持"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "calc (calculator only)": [sys.executable, "-m", "assistant", "calc", "platform_construction", "--base", "1200万元", "--json"],
    "ask, calculation question": [sys.executable, "-m", "assistant", "ask", CALC_Q, "--json"],
    "ask, retrieval question": [sys.executable, "-m", "assistant", "ask", RETRIEVAL_Q, "--json"],
}


def run(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--embedding", default="e5-small")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "POLICY_INDEX_DIR": str(Path(tmp) / "index"), "POLICY_EMBEDDING": args.embedding,
               "POLICY_ANSWER_LOG": str(Path(tmp) / "answers.jsonl")}
        run(COMMANDS["ask, retrieval question"], env)  # builds the index, the keyword index and the caches
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.rounds):
            for name, cmd in COMMANDS.items():
                times[name].append(run(cmd, env))
    load = os.getloadavg()
    median = {name: statistics.median(ts) for name, ts in times.items()}
    base = median["python -c pass"]
    print(f"cold CLI, {args.rounds} rounds, {os.cpu_count()} cores, load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| command | median s | min s | max s | × python -c pass |")
    print("|---|---|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {median[name]:.2f} | {min(ts):.2f} | {max(ts):.2f} | {median[name] / base:.1f} |")
    ratio = median["ask, retrieval question"] / median["ask, calculation question"]
    print(f"\nretrieval ask / calculation ask: {ratio:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
