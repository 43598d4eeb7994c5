"""Memory of a running app under repeated large requests (docs/BENCHMARKS.md, "Bounded requests").

    python bench/bench_memory.py [--rounds 10] [--mb 15] [--message-chars 2000] [--baseline /path/to/main]

Starts ``python app.py`` twice on free ports (hash embeddings, so the model's own memory does not
blur the figures): once with the default body cap (``POLICY_MAX_BODY``, 1,000,000 bytes), once with
the cap lifted to 64 MB, which shows what the history bound alone does once such a body is parsed;
with ``--baseline /path/to/other/checkout`` the same calls go to that checkout's ``app.py`` too (in
the same run), for a before/after comparison.
Each server answers one ordinary question first (the baseline), then ``--rounds`` calls of ``/ask``
carrying a history of ``--mb`` MB (messages of 2,000 characters); the resident set size (VmRSS of
the server process) is read after each call and again after 5 s idle.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import AppServer  # noqa: E402

QUESTION = "平台建设投资1200万元，能补多少？"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def ask(http: httpx.Client, history: list | None) -> tuple[int, str]:
    body = json.dumps({"data": [QUESTION, history]}, ensure_ascii=False).encode("utf-8")
    try:
        response = http.post("/gradio_api/call/ask", content=body, headers={"content-type": "application/json"})
    except (httpx.WriteError, httpx.RemoteProtocolError):
        return 413, "closed while sending"
    if response.status_code != 200:
        return response.status_code, response.text[:80]
    event = response.json()["event_id"]
    stream = http.get(f"/gradio_api/call/ask/{event}").text
    return 200, stream.rsplit("event: ", 1)[-1].split("\n", 1)[0]


def run(max_body: int, rounds: int, mb: float, root: Path = ROOT, chars: int = 2000) -> dict:
    content = ("平台建设投资" * (chars // 6 + 1))[:chars]  # 3 bytes of UTF-8 a character
    history = [{"role": "user" if i % 2 == 0 else "assistant", "content": content}
               for i in range(int(mb * 1024 * 1024 / (chars * 3 + 40)))]
    size = len(json.dumps({"data": [QUESTION, history]}, ensure_ascii=False).encode("utf-8"))
    import tests.test_browser as served

    served.ROOT = root  # AppServer starts ROOT/app.py in ROOT
    with tempfile.TemporaryDirectory() as tmp, AppServer(Path(tmp), POLICY_EMBEDDING="hash",
                                                          POLICY_MAX_BODY=str(max_body)) as srv:
        http = httpx.Client(base_url=srv.url, timeout=600)
        status = ask(http, None)
        assert status == (200, "complete"), status
        time.sleep(2)
        base = rss_mb(srv.proc.pid)
        after, statuses, took = [], [], []
        for _ in range(rounds):
            began = time.perf_counter()
            statuses.append(ask(http, history))
            took.append(time.perf_counter() - began)
            after.append(rss_mb(srv.proc.pid))
        time.sleep(5)
        if srv.proc.poll() is not None:
            raise RuntimeError(f"the app exited ({srv.proc.returncode}):\n{srv.output()[-3000:]}")
        idle = rss_mb(srv.proc.pid)
        assert ask(http, None) == (200, "complete")  # still answering
    return {"app": str(root), "max_body": max_body, "message_chars": chars, "messages": len(history), "body_mb": round(size / 1e6, 1), "rounds": rounds, "statuses": sorted({s for s, _ in statuses}),
            "rss_base_mb": round(base), "rss_peak_mb": round(max(after)), "rss_idle_mb": round(idle),
            "growth_mb": round(idle - base), "peak_growth_mb": round(max(after) - base),
            "median_call_s": round(sorted(took)[len(took) // 2], 2), "rss_after_each_mb": [round(a) for a in after]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--mb", type=float, default=15)
    parser.add_argument("--message-chars", type=int, default=2000, help="characters of each history message")
    parser.add_argument("--lifted-only", action="store_true", help="only the server with the cap lifted")
    parser.add_argument("--baseline", type=Path, help="another checkout whose app.py is measured the same way")
    args = parser.parse_args()
    if args.baseline:
        print(json.dumps(run(64 * 1024 * 1024, args.rounds, args.mb, args.baseline.resolve(), args.message_chars)), flush=True)
    for max_body in ((64 * 1024 * 1024,) if args.lifted_only else (1_000_000, 64 * 1024 * 1024)):
        print(json.dumps(run(max_body, args.rounds, args.mb, ROOT, args.message_chars)), flush=True)


if __name__ == "__main__":
    main()
