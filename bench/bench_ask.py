"""Benchmark Assistant.ask in grounded mode and the CLI cold start; score the dev set.

    python bench/bench_ask.py            # prints a markdown section; --write appends it to docs/BENCHMARKS.md

Reports medians (the machine is noisy) and, as a baseline measured in the same run, the bare
calculator call that every numeric answer wraps, so the figures read as ratios too.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.verify import check_answer  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402


def _ms(samples: list[float]) -> str:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(len(s) * 0.95))]
    return f"median {statistics.median(s) * 1000:.3g} ms, p95 {p95 * 1000:.3g} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cases = yaml.safe_load((ROOT / "tests" / "dev_set.yaml").read_text(encoding="utf-8"))
    index = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    bot = Assistant(Settings.from_env(index_dir=index))
    bot.ask("REITs有什么支持")  # loads the model, builds the index, warms the reader
    warm = time.perf_counter() - t0

    exact = cited = numeric = unsupported = 0
    ask_times, calc_times, first_times = [], [], []
    for case in cases:
        history = [{"role": "user", "content": h} for h in case.get("history", [])]
        bot.settings.today = case.get("date") or ""
        for i in range(args.repeat):
            t = time.perf_counter()
            ans = bot.ask(case["q"], history)
            (first_times if i == 0 else ask_times).append(time.perf_counter() - t)
        on = bot.today()
        unsupported += len(check_answer(ans, case["q"], history, on, bot.kb))
        if "rule" in case:
            numeric += 1
            calc = ans.calculations[0] if ans.calculations else None
            exact += bool(calc and calc.rule_id == case["rule"] and str(calc.to_dict()["amount_yuan"]) == case["amount"])
            cited += bool(calc and calc.clause in [c.clause for c in ans.citations])
            rule = bot.kb.rules.get(case["rule"])
            base = calc.base_yuan if calc else None
            t = time.perf_counter()
            for _ in range(args.repeat):
                bot.kb.calculate(rule.id, base)
            calc_times.append((time.perf_counter() - t) / args.repeat)
    bot.settings.today = ""

    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "ask", "平台建设投资1200万元，能补多少？", "--json"],
                       cwd=ROOT, capture_output=True, check=True, env={**_env(), "POLICY_INDEX_DIR": str(index)})
        cold.append(time.perf_counter() - t)

    lines = [
        "## Conversation (grounded `Assistant.ask`)",
        "",
        f"Command: `python bench/bench_ask.py --write` ({len(cases)} dev-set questions × {args.repeat} runs, default e5-small embedder).",
        "",
        "| measure | result |",
        "|---|---|",
        f"| dev set: exact amounts | {exact}/{numeric} ({exact / max(numeric, 1):.0%}) |",
        f"| dev set: numeric answers citing their clause | {cited}/{numeric} ({cited / max(numeric, 1):.0%}) |",
        f"| dev set: unsupported numbers in answers (verifier) | {unsupported} |",
        f"| `ask` in-process after start-up, each question the first time | {_ms(first_times)} (target: median ≤ 100 ms) |",
        f"| `ask` repeated (question already read, query embedding cached) | {_ms(ask_times)} |",
        f"| baseline: bare calculator call | {_ms(calc_times)} |",
        f"| first `ask` in a process (model load + index build/open + reader warm-up) | {warm:.2f} s |",
        f"| `python -m assistant ask … --json` cold start, index already built | median {statistics.median(cold):.2f} s of {len(cold)} (target ≤ 3 s) |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        _replace_section(ROOT / "docs" / "BENCHMARKS.md", "## Conversation", text)


def _env() -> dict:
    import os

    return dict(os.environ)


def _replace_section(path: Path, heading: str, text: str) -> None:
    path.parent.mkdir(exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    start = old.find(heading)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(heading))
        new = old[:start] + text + ("\n" + old[end + 1 :] if end >= 0 else "")
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
