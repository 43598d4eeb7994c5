"""Score Assistant.ask on a natural-question set (tests/questions/*.yaml).

    python bench/conversation_eval.py tests/questions/tune.yaml [--show-failures] [--json out.json] [--cat yesno]

Prints, per category and in total: cases right / cases, exact amounts (amount cases whose calculations are
exactly the expected ones) / amount cases, misreads (answers that computed from a base or to an amount the
question does not support: a confident wrong figure), and the median latency of ``ask``.

``check_case(case, answer_dict)`` and ``is_misread(case, answer_dict)`` are pure and importable, so a pytest
file can reuse them. The schema of a case is described in tests/questions/README.md.
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

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _dec(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def _expected(case: dict) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """The case's calcs as (rule_id, amount, base-or-None)."""
    out = []
    for entry in case.get("calcs") or []:
        rule, amount = entry[0], _dec(entry[1])
        base = _dec(entry[2]) if len(entry) > 2 else None
        out.append((rule, amount, base))
    return out


def _got(answer: dict) -> list[tuple[str, Decimal | None, Decimal | None]]:
    return [(c.get("rule_id"), _dec(c.get("amount_yuan")), _dec(c.get("base_yuan")))
            for c in answer.get("calculations") or []]


def _fmt_calc(calc: tuple) -> str:
    rule, amount, base = calc
    return f"{rule}={amount}" + (f" (base {base})" if base is not None else "")


def calc_failures(case: dict, answer: dict) -> list[str]:
    """Reasons the answer's calculations differ from the case's ``calcs`` (compared as a multiset)."""
    if "calcs" not in case:
        return []
    unmatched = _got(answer)
    missing = []
    for rule, amount, base in _expected(case):
        for i, (g_rule, g_amount, g_base) in enumerate(unmatched):
            if g_rule == rule and g_amount == amount and (base is None or g_base == base):
                del unmatched[i]
                break
        else:
            missing.append((rule, amount, base))
    reasons = [f"missing calculation {_fmt_calc(c)}" for c in missing]
    reasons += [f"unexpected calculation {_fmt_calc(c)}" for c in unmatched]
    return reasons


def is_misread(case: dict, answer: dict) -> bool:
    """A calculation from a base, or to an amount, that the expected list does not contain.

    Only calculations that read a base from the question count (a cap-only figure reads nothing);
    cases without ``calcs`` are not judged.
    """
    if "calcs" not in case:
        return False
    expected = _expected(case)
    amounts = {a for _, a, _ in expected}
    for rule, amount, base in _got(answer):
        if base is None:
            continue
        # an expected entry without a base (the case leaves the base open) judges only the amount
        bases = {b for r, _, b in expected if r == rule}
        if amount is None or amount not in amounts or (None not in bases and base not in bases):
            return True
    return False


def check_case(case: dict, answer: dict) -> list[str]:
    """Every check the case specifies, against the answer's contract dict; returns failure reasons ([] = right)."""
    reasons = []
    in_scope = case.get("in_scope", True)
    if answer.get("in_scope") is not in_scope:
        reasons.append(f"in_scope: expected {in_scope}, got {answer.get('in_scope')}")
    reasons += calc_failures(case, answer)
    if "clause" in case:
        clauses = [c.get("clause") for c in answer.get("citations") or []]
        if case["clause"] not in clauses:
            reasons.append(f"clause {case['clause']} not cited (cited: {clauses})")
    if "follow_up" in case:
        asks = [q for q in answer.get("follow_up") or [] if isinstance(q, str) and q.strip()]
        if bool(asks) is not bool(case["follow_up"]):
            reasons.append(f"follow_up: expected {bool(case['follow_up'])}, got {answer.get('follow_up')}")
    for prefix, met in (case.get("met") or {}).items():
        found = [v for v in answer.get("eligibility") or [] if str(v.get("criterion", "")).startswith(prefix)]
        if not found:
            reasons.append(f"met[{prefix}]: criterion missing")
        elif found[0].get("met") is not met:
            reasons.append(f"met[{prefix}]: expected {met}, got {found[0].get('met')}")
    text = answer.get("answer") or ""
    reasons += [f"answer lacks {s!r}" for s in case.get("contains") or [] if s not in text]
    reasons += [f"answer contains {s!r}" for s in case.get("absent") or [] if s in text]
    return reasons


def is_amount_case(case: dict) -> bool:
    return bool(case.get("calcs"))


def summarize(results: list[dict]) -> dict:
    """Per-category and total counts from per-case results (keys: cat, ok, amount_case, amount_ok, misread)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        groups[r["cat"]].append(r)
    groups["TOTAL"] = list(results)

    def row(rs):
        return {"right": sum(r["ok"] for r in rs), "total": len(rs),
                "exact_amounts": sum(r["amount_ok"] for r in rs if r["amount_case"]),
                "amount_cases": sum(r["amount_case"] for r in rs),
                "misreads": sum(r["misread"] for r in rs)}

    return {cat: row(rs) for cat, rs in groups.items()}


def _show(case: dict, answer: dict, reasons: list[str]) -> str:
    exp = {k: case[k] for k in ("calcs", "clause", "in_scope", "follow_up", "met", "contains", "absent", "date")
           if k in case}
    lines = [f"--- {case['id']} [{case.get('cat')}] {case['q']}"]
    if case.get("history"):
        lines.append(f"    history: {case['history']}")
    lines += [
        f"    expected: {json.dumps(exp, ensure_ascii=False, default=str)}",
        f"    answer:   {(answer.get('answer') or '')[:200]!r}",
        f"    calcs:    {[_fmt_calc(c) for c in _got(answer)]}",
        f"    clauses:  {[c.get('clause') for c in answer.get('citations') or []]}",
        f"    in_scope: {answer.get('in_scope')}   follow_up: {answer.get('follow_up')}",
        f"    met:      {[(e.get('criterion'), e.get('met')) for e in answer.get('eligibility') or []]}",
    ]
    lines += [f"    FAIL: {r}" for r in reasons]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", type=Path, help="a YAML question set, e.g. tests/questions/tune.yaml")
    ap.add_argument("--show-failures", action="store_true", help="print every failing case, expected vs got")
    ap.add_argument("--json", type=Path, help="write per-case results and the summary to this file")
    ap.add_argument("--cat", action="append", help="only these categories (repeatable)")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from assistant.service import Assistant
    from assistant.settings import Settings

    cases = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    if args.cat:
        cases = [c for c in cases if c.get("cat") in set(args.cat)]
    index = Path(tempfile.mkdtemp(prefix="conversation-eval-"))
    bots: dict[str, Assistant] = {}

    def bot(day: str) -> Assistant:
        if day not in bots:
            bots[day] = Assistant(Settings.from_env(index_dir=index, today=day))
            bots[day].ask("REITs有什么支持")  # warm up: model, index, reader (not timed)
        return bots[day]

    results, latencies = [], []
    for case in cases:
        b = bot(str(case.get("date") or ""))
        history = [{"role": "user", "content": h} for h in case.get("history") or []]
        t = time.perf_counter()
        answer = b.ask(case["q"], history).to_dict()
        latencies.append(time.perf_counter() - t)
        reasons = check_case(case, answer)
        results.append({
            "id": case["id"], "cat": case.get("cat", "?"), "ok": not reasons, "reasons": reasons,
            "amount_case": is_amount_case(case), "amount_ok": is_amount_case(case) and not calc_failures(case, answer),
            "misread": is_misread(case, answer), "latency_ms": round(latencies[-1] * 1000, 1), "answer": answer,
        })
        if reasons and args.show_failures:
            print(_show(case, answer, reasons), end="\n\n")

    summary = summarize(results)
    median_ms = statistics.median(latencies) * 1000 if latencies else 0.0
    print(f"{'category':<16}{'right':>10}{'amounts':>12}{'misreads':>10}")
    for cat in sorted(summary, key=lambda c: (c == "TOTAL", c)):
        s = summary[cat]
        print(f"{cat:<16}{s['right']:>5}/{s['total']:<4}{s['exact_amounts']:>7}/{s['amount_cases']:<4}{s['misreads']:>10}")
    print(f"median ask latency: {median_ms:.1f} ms over {len(latencies)} questions")
    if args.json:
        args.json.write_text(json.dumps({"questions": str(args.questions), "summary": summary,
                                         "median_latency_ms": round(median_ms, 1), "cases": results},
                                        ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
