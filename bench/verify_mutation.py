"""Mutation score of the claim verifier, per rule of the reviewed rule book (issue 13).

    python bench/verify_mutation.py            # prints a markdown table
    python bench/verify_mutation.py --no-stub  # skip the ChatOpenAI-over-HTTP column

For every rule, bases below / at / above the cap or threshold and three answer styles, a
scripted model calls the real tools and writes a correct answer; every figure is mutated into
every other figure of its kind the turn makes available and every verdict into its opposite
(tests/verify_mutations.py). Columns:

* answers: correct answers, and how many the verifier rejected (false rejections);
* figures / verdicts: mutations stopped by the verifier (the same Turn the agent builds);
* agent: the whole model path with LangChain's fake chat model (every correct answer, and the
  headline figure's and every verdict's mutations of the rule's first answer);
* stub: the same through ChatOpenAI against tests/openai_stub.py (the first answer, one figure
  and one verdict mutation).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.verify_mutations import (  # noqa: E402
    agent_subset,
    cases,
    mutation_bot,
    run_agent_case,
    stub_model,
    stub_script,
)


def _stopped(ans) -> bool:
    return ans.mode == "grounded" and bool(ans.rejected_claims)


def _passed(ans, reply: str) -> bool:
    return ans.mode == "llm" and ans.answer.startswith(reply)


def score(stub: bool = True) -> tuple[list[dict], dict]:
    with tempfile.TemporaryDirectory() as tmp:
        bot = mutation_bot(Path(tmp))
        t0 = time.perf_counter()
        by_rule: dict[str, list] = {}
        for case in cases(bot):
            by_rule.setdefault(case.rule.id, []).append(case)
        built = time.perf_counter() - t0
        rows, checks, t_check = [], 0, 0.0
        for rule_id, found in by_rule.items():
            row = {"rule": rule_id, "clause": found[0].rule.clause, "kind": found[0].rule.kind,
                   "bases": len({c.label for c in found}), "answers": len(found), "false": 0,
                   "figure": [0, 0], "verdict": [0, 0], "agent": [0, 0], "agent_ok": [0, 0],
                   "stub": [0, 0], "stub_ok": [0, 0]}
            t = time.perf_counter()
            for case in found:
                row["false"] += bool(case.correct_rejected())
                for m in case.mutations():
                    row[m.what][1] += 1
                    row[m.what][0] += case.stopped(m.text)
                    checks += 1
            t_check += time.perf_counter() - t
            for case in found:
                row["agent_ok"][1] += 1
                row["agent_ok"][0] += _passed(run_agent_case(bot, case, case.reply), case.reply)
            for case, m in agent_subset(found):
                row["agent"][1] += 1
                row["agent"][0] += _stopped(run_agent_case(bot, case, m.text))
            if stub:
                _stub_row(bot, found, row)
            rows.append(row)
        return rows, {"built_s": built, "checks": checks, "check_ms": 1000 * t_check / max(checks, 1)}


def _stub_row(bot, found, row) -> None:
    from tests.openai_stub import OpenAIStub

    case = found[0]
    subset = agent_subset(found)
    picked = [next(m for _, m in subset if m.what == w) for w in ("figure", "verdict")]
    with OpenAIStub() as server:
        model = stub_model(server.base_url)
        server.queue_chat(*stub_script(case, case.reply))
        row["stub_ok"][1] += 1
        row["stub_ok"][0] += _passed(run_agent_case(bot, case, case.reply, model=model), case.reply)
        for m in picked:
            server.queue_chat(*stub_script(case, m.text))
            row["stub"][1] += 1
            row["stub"][0] += _stopped(run_agent_case(bot, case, m.text, model=model))


def _frac(pair) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "—"


def table(rows: list[dict], info: dict, stub: bool) -> str:
    head = ["rule", "clause", "kind", "bases", "answers", "false rejections", "figure mutations stopped",
            "verdict mutations stopped", "agent: mutations stopped", "agent: correct passed"]
    if stub:
        head += ["stub: mutations stopped", "stub: correct passed"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    total = {k: [0, 0] for k in ("figure", "verdict", "agent", "agent_ok", "stub", "stub_ok")}
    answers = false = 0
    for r in rows:
        cells = [r["rule"], r["clause"], r["kind"], str(r["bases"]), str(r["answers"]), str(r["false"]),
                 _frac(r["figure"]), _frac(r["verdict"]), _frac(r["agent"]), _frac(r["agent_ok"])]
        if stub:
            cells += [_frac(r["stub"]), _frac(r["stub_ok"])]
        lines.append("| " + " | ".join(cells) + " |")
        answers += r["answers"]
        false += r["false"]
        for k in total:
            total[k][0] += r[k][0]
            total[k][1] += r[k][1]
    cells = ["**all**", "", "", "", str(answers), str(false), _frac(total["figure"]), _frac(total["verdict"]),
             _frac(total["agent"]), _frac(total["agent_ok"])]
    if stub:
        cells += [_frac(total["stub"]), _frac(total["stub_ok"])]
    lines.append("| " + " | ".join(cells) + " |")
    stopped = total["figure"][0] + total["verdict"][0]
    mutations = total["figure"][1] + total["verdict"][1]
    lines += ["", f"Mutation score {stopped}/{mutations} ({100 * stopped / max(mutations, 1):.1f} %); "
                  f"false rejections {false}/{answers} ({100 * false / max(answers, 1):.1f} %). "
                  f"Cases built in {info['built_s']:.1f} s; {info['checks']} verifier checks, "
                  f"{info['check_ms']:.2f} ms each."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-stub", action="store_true", help="skip ChatOpenAI against the local stub server")
    args = ap.parse_args()
    rows, info = score(stub=not args.no_stub)
    print(table(rows, info, stub=not args.no_stub))


if __name__ == "__main__":
    main()
