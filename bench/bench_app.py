"""Benchmarks of the Gradio app (results go in docs/BENCHMARKS.md, section "App").

    python bench/bench_app.py                 # everything: start-up, browser, 20 and 50 client sessions
    python bench/bench_app.py --only clients --sessions 20 50 100

Each part starts ``python app.py`` in a subprocess on a free port (default settings: grounded mode,
e5-small embeddings, a fresh index in a temporary folder) and stops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_app_clients import conversation  # noqa: E402
from tests.test_browser import AppServer, launch_chromium  # noqa: E402

BROWSER_QUESTIONS = [
    ("平台建设投资1200万元，能补多少？", "360万元"),
    ("小批量测试投资2000万元，能拿多少补贴？", "600万元"),
    ("采购新产品投保，保费30万元能补多少？", "15万元"),
    ("固定资产投资贷款6亿元，贴息最多多少？", "1,000万元"),
    ("哪些企业可以享受这个政策？", "工业和软件信息服务业企业"),
    ("这个政策现在还有效吗？", "2022-2024"),
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def startup(runs: int) -> dict:
    """Process start → page served, and → first answer (includes loading the embedding model)."""
    from gradio_client import Client

    served, answered = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, AppServer(Path(tmp)) as srv:
            served.append(srv.started_in)
            began = time.perf_counter() - srv.started_in
            Client(srv.url, verbose=False).predict("平台建设投资1200万元，能补多少？", api_name="/ask")
            answered.append(time.perf_counter() - began)
    return {"runs": runs, "served_median_s": statistics.median(served), "first_answer_median_s": statistics.median(answered)}


def browser(rounds: int) -> dict:
    """Enter pressed → the answer rendered in the chat, in Chromium (grounded mode)."""
    from playwright.sync_api import sync_playwright

    times = []
    with tempfile.TemporaryDirectory() as tmp, AppServer(Path(tmp)) as srv, sync_playwright() as p:
        b = launch_chromium(p)
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(srv.url)
        page.wait_for_selector("#chat-input textarea")
        for r in range(rounds + 1):  # round 0 warms up (model load) and is not counted
            for question, want in BROWSER_QUESTIONS:
                page.click("#chat-clear")
                page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 0")
                page.fill("#chat-input textarea", question)
                began = time.perf_counter()
                page.press("#chat-input textarea", "Enter")
                page.wait_for_function(
                    "(t) => { const b = document.querySelectorAll('#chatbot .bot');"
                    " return b.length && b[b.length - 1].innerText.includes(t); }", arg=want, timeout=120_000)
                if r:
                    times.append(time.perf_counter() - began)
        b.close()
    return {"questions": len(times), "median_s": statistics.median(times), "p95_s": pct(times, 0.95),
            "max_s": max(times)}


def clients(sessions: int, concurrency: int) -> dict:
    """``sessions`` concurrent gradio_client sessions, three turns each (the test's conversations)."""
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp, AppServer(Path(tmp), POLICY_CONCURRENCY=str(concurrency)) as srv:
        Client(srv.url, verbose=False).predict("平台建设投资1200万元，能补多少？", api_name="/ask")  # warm-up

        def one(i: int) -> tuple[list[float], int]:
            client = Client(srv.url, verbose=False)
            latencies, wrong = [], 0
            for question, want in conversation(i):
                began = time.perf_counter()
                answer = client.predict(question, api_name="/ask")
                latencies.append(time.perf_counter() - began)
                got = Decimal(answer["calculations"][0]["amount_yuan"]) if answer["calculations"] else None
                wrong += got != want
            return latencies, wrong

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sessions) as pool:
            results = list(pool.map(one, range(sessions)))
        wall = time.perf_counter() - began
    latencies = [t for lat, _ in results for t in lat]
    return {"sessions": sessions, "concurrency_limit": concurrency, "requests": len(latencies),
            "wall_s": wall, "throughput_rps": len(latencies) / wall, "p50_s": statistics.median(latencies),
            "p95_s": pct(latencies, 0.95), "wrong_answers": sum(w for _, w in results)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["startup", "browser", "clients"], action="append")
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--browser-rounds", type=int, default=3)
    ap.add_argument("--sessions", type=int, nargs="+", default=[20, 50])
    ap.add_argument("--concurrency", type=int, default=8, help="POLICY_CONCURRENCY for the client runs")
    args = ap.parse_args()
    parts = args.only or ["startup", "browser", "clients"]
    out: dict = {}
    if "startup" in parts:
        out["startup"] = startup(args.startup_runs)
        print("startup", json.dumps(out["startup"]), flush=True)
    if "browser" in parts:
        out["browser"] = browser(args.browser_rounds)
        print("browser", json.dumps(out["browser"]), flush=True)
    if "clients" in parts:
        out["clients"] = [clients(n, args.concurrency) for n in args.sessions]
        for row in out["clients"]:
            print("clients", json.dumps(row), flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
