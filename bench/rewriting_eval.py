"""Score Assistant.ask on the rewriting (invariance) suite: rewordings that must not change the calculations.

    python bench/rewriting_eval.py [--embedding hash] [--relation noise] [--fast 5] [--show-failures] [--json out.json]

Every rewriting of tests/rewriting/generator.py (distractor, letter, traditional, amount_style, total_wording,
noise, english; ≥ 2,000 of them, from the calculation cases of tests/questions/{tune,holdout,holdout2,holdout3}.yaml)
and every control goes through a grounded Assistant (one per asked-about date, as bench/conversation_eval.py).
Prints a markdown table per relation: rewritings, invariant (calculations exactly the expected ones, compared by
``calc_failures`` of bench/conversation_eval.py: rule, amount and base as decimals), %, source exact (rewritings
whose source question itself is answered exactly), broken by the rewriting (of those, the ones that are not),
misreads (a calculation from a base or to an amount the source does not support) and, for the controls, how
many computed something on their non-base figure. Then the runtime and the median latency of ``ask``.

The default embedding is the setting's (e5-small, as conversation_eval.py); ``--embedding hash`` is the fast
tests' embedder (no semantic routing), which tests/rewriting/known_failures.txt is measured with.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.conversation_eval import _fmt_calc, _got, calc_failures, is_misread  # noqa: E402
from tests.rewriting.generator import (  # noqa: E402
    CONTROL,
    RELATIONS,
    fast_subset,
    generate,
    load_sources,
    opencc_available,
)


def _dec(value) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def judge(case: dict, answer: dict) -> dict:
    """One case's result: ok (invariant, or for a control: nothing computed on its figure) and why not."""
    if case["cat"] == CONTROL:
        figure = Decimal(case["figure"])
        on_figure = [c for c in _got(answer) if c[2] is not None and c[2] == figure]
        reasons = [f"computed on the non-base figure {figure}: {_fmt_calc(c)}" for c in on_figure]
        return {"ok": not on_figure, "on_figure": bool(on_figure), "misread": False, "reasons": reasons}
    reasons = calc_failures(case, answer)
    return {"ok": not reasons, "on_figure": False, "misread": is_misread(case, answer), "reasons": reasons}


def _row(rs: list[dict]) -> dict:
    return {"cases": len(rs), "ok": sum(r["ok"] for r in rs), "misreads": sum(r["misread"] for r in rs),
            "on_figure": sum(r["on_figure"] for r in rs),
            "source_ok": sum(bool(r.get("source_ok")) for r in rs),
            "broken": sum(bool(r.get("source_ok")) and not r["ok"] for r in rs)}


def summarize(results: list[dict]) -> dict[str, dict]:
    """Per relation (and the controls) and over all rewritings: cases, ok, misreads, on_figure, source_ok, broken.

    ``source_ok``: rewritings whose source question itself gets exactly its calcs; ``broken``: of those, the
    rewritings that do not (the failures the rewriting caused, not the ones inherited from the source).
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["cat"]].append(r)
    out = {cat: _row(groups[cat]) for cat in [*RELATIONS, CONTROL] if groups.get(cat)}
    rewrites = [r for r in results if r["cat"] != CONTROL]
    if rewrites:
        out["TOTAL rewritings"] = _row(rewrites)
    return out


def table(summary: dict[str, dict]) -> str:
    lines = ["| relation | rewritings | invariant | % | source exact | broken by the rewriting | misreads "
             "| controls computed on their figure |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for cat, s in summary.items():
        pct = f"{100 * s['ok'] / s['cases']:.1f}" if s["cases"] else "-"
        if cat == CONTROL:
            lines.append(f"| {cat} | {s['cases']} | {s['ok']} | {pct} | - | - | - | {s['on_figure']} |")
        else:
            lines.append(f"| {cat} | {s['cases']} | {s['ok']} | {pct} | {s['source_ok']} | {s['broken']} "
                         f"| {s['misreads']} | - |")
    return "\n".join(lines)


def _show(case: dict, answer: dict, reasons: list[str]) -> str:
    expected = case.get("calcs") if case["cat"] != CONTROL else f"nothing on {case['figure']}"
    return "\n".join([
        f"--- {case['id']} [{case['cat']}] source {case.get('source')}" + (f" date {case['date']}" if case.get("date") else ""),
        f"    q:        {case['q']!r}",
        f"    expected: {json.dumps(expected, ensure_ascii=False)}",
        f"    got:      {[_fmt_calc(c) for c in _got(answer)]}",
        *[f"    FAIL: {r}" for r in reasons],
    ])


def make_bots(embedding: str | None, index: Path):
    from assistant import Assistant
    from assistant.settings import Settings

    bots: dict = {}

    def bot(day: str):
        if day not in bots:
            overrides = {"index_dir": index, "today": day, "llm_base_url": "", "llm_model": "",
                         "answer_log": index / "answers.jsonl"}
            if embedding:
                overrides["embedding"] = embedding
            settings = Settings.from_env(**overrides)
            first = next(iter(bots.values()), None)
            made = None
            if first is not None:  # share the loaded model and the opened index between dates
                try:
                    made = Assistant(settings, embedder=first.embedder, retriever=first.retriever)
                except TypeError:
                    made = None
            bots[day] = made or Assistant(settings)
            bots[day].ask("REITs有什么支持")  # warm up: model, index, reader (not timed)
        return bots[day]

    return bot


KNOWN_FAILURES_HEADER = """\
# Fast rewriting cases (tests/rewriting/test_rewriting_fast.py) that fail today, measured with the hash embedder.
# They run as strict xfail: when one starts passing the fast test goes red: delete its line here.
# One id per line; after '#': what the assistant did when the list was written (rule=amount@base).
# Rewrite the whole list: python bench/rewriting_eval.py --fast 5 --embedding hash --write-known-failures \\
#     tests/rewriting/known_failures.txt
"""


def _short(calcs) -> str:
    return ", ".join(f"{c[0]}={c[1]}" + (f"@{c[2]}" if len(c) > 2 and c[2] is not None else "") for c in calcs or []) \
        or "nothing"


def known_failures_text(results: list[dict]) -> str:
    """The known-failures file for these results: failing ids grouped by relation, each with what it got."""
    lines = [KNOWN_FAILURES_HEADER]
    for cat in [*RELATIONS, CONTROL]:
        failing = [r for r in results if r["cat"] == cat and not r["ok"]]
        if failing:
            lines.append(f"# --- {cat}")
        for r in failing:
            if cat == CONTROL:
                note = f"computed on the figure {r['figure']}: {_short(r['got'])}"
            else:
                note = f"got {_short(r['got'])}; expected {_short(r['expected'])}"
                if r.get("source_ok") is False:
                    note += " (the source question fails too)"
            lines.append(f"{r['id']}  # {note}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedding", help="the embedding setting (default: the setting's own, e5-small); hash = fast")
    ap.add_argument("--relation", action="append", help="only these relations (repeatable; 'control' too)")
    ap.add_argument("--fast", type=int, metavar="N", help="only the fast subset: N per relation and every control")
    ap.add_argument("--show-failures", action="store_true", help="print each failing case: question, got vs expected")
    ap.add_argument("--json", type=Path, help="write per-case results and the summary to this file")
    ap.add_argument("--write-known-failures", type=Path, metavar="PATH",
                    help="write the failing ids to PATH in the format of tests/rewriting/known_failures.txt "
                         "(use with --fast 5 --embedding hash, what the fast test runs)")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    cases = fast_subset(args.fast) if args.fast else generate()
    if args.relation:
        cases = [c for c in cases if c["cat"] in set(args.relation)]
    if not opencc_available():
        print("note: OpenCC is not installed (pip install opencc): no traditional rewritings", file=sys.stderr)
    bot = make_bots(args.embedding, Path(tempfile.mkdtemp(prefix="rewriting-eval-")))

    # the source questions themselves, to tell a failure the rewriting caused from one it inherited
    sources = {s["id"]: s for s in load_sources()}
    source_ok: dict[str, bool] = {}
    for sid in dict.fromkeys(c["source"] for c in cases if c["cat"] != CONTROL):
        src = sources[sid]
        source_ok[sid] = not calc_failures(src, bot(str(src.get("date") or "")).ask(src["q"]).to_dict())

    results, latencies = [], []
    for case in cases:
        b = bot(str(case.get("date") or ""))
        t = time.perf_counter()
        answer = b.ask(case["q"]).to_dict()
        latencies.append(time.perf_counter() - t)
        verdict = judge(case, answer)
        results.append({"id": case["id"], "cat": case["cat"], "source": case.get("source"), "q": case["q"],
                        "source_ok": source_ok.get(case.get("source")),
                        "expected": case.get("calcs"), "figure": case.get("figure"), **verdict,
                        "got": [[c.get("rule_id"), c.get("amount_yuan"), c.get("base_yuan")]
                                for c in answer.get("calculations") or []],
                        "latency_ms": round(latencies[-1] * 1000, 1)})
        if verdict["reasons"] and args.show_failures:
            print(_show(case, answer, verdict["reasons"]), end="\n\n")

    summary = summarize(results)
    elapsed = time.perf_counter() - started
    median_ms = statistics.median(latencies) * 1000 if latencies else 0.0
    print(table(summary))
    print(f"\n{len(results)} questions in {elapsed:.1f} s (embedding {args.embedding or 'default'}); "
          f"median ask latency {median_ms:.1f} ms")
    if args.write_known_failures:
        args.write_known_failures.write_text(known_failures_text(results), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"embedding": args.embedding or "default", "summary": summary,
                                         "elapsed_s": round(elapsed, 1), "median_latency_ms": round(median_ms, 1),
                                         "cases": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
