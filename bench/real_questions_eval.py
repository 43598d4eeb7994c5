"""Questions about real policy texts added as a new user would: every text of a folder added with
`add` to a copy of the project's corpus, its rules drafted with `rules draft` and accepted as drafted
(no alias, example or figure written by hand), then each question asked once, without history.

A question with figures is *exact* when every expected amount is among the answer's calculations from
the question's document; a calculation with any other amount (or from another document) is a *wrong
figure*. A question whose answer is no amount (``calcs: []``) is exact when the answer computes
nothing. Every question is *on the right document* when the answer cites that document.

    python bench/real_questions_eval.py [QUESTIONS.yaml] [--texts DIR] [--embedding hash|e5|e5-small] [--details]

The questions (tests/fixtures/real_policies/questions_dev.yaml by default) were written by someone who
did not see the code, with the amount each expects.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEXTS = ROOT / "tests" / "fixtures" / "real_policies"


def build(texts: Path, tmp: Path, embedding: str):
    from assistant.knowledge.base import Knowledge
    from assistant.knowledge.ingest import add_document
    from assistant.knowledge.rules_draft import draft_rule_file
    from assistant.service import Assistant
    from assistant.settings import Settings

    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns(".backup"))
    settings = Settings.from_env(corpus_dir=corpus, embedding=embedding, index_dir=tmp / "idx",
                                 answer_log=tmp / "answers.jsonl")
    stems = []
    for path in sorted(texts.glob("*.txt")):
        add_document(settings, path)
        stems.append(path.stem)
    docs = Knowledge.load(corpus).docs
    for stem in stems:
        rules, _ = draft_rule_file(docs[stem])
        rules.write_text(rules.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    return Assistant(settings)


def score(bot, questions: list[dict]) -> tuple[list[dict], dict]:
    rows = []
    for q in questions:
        answer = bot.ask(q["q"], history=[{"role": "user", "content": h} for h in q.get("history") or []]).to_dict()
        got = [(c["rule_id"].rsplit(".", 1)[0], Decimal(c["amount_yuan"])) for c in answer["calculations"]]
        want_all = {Decimal(str(amount)) for _, amount in q.get("calcs") or []}
        sums: dict[str, Decimal] = {}  # one rule's entries (each category's persons) adding up to a total the set lists
        for c in answer["calculations"]:
            sums[c["rule_id"]] = sums.get(c["rule_id"], Decimal(0)) + Decimal(c["amount_yuan"])
        summed = {r for r, v in sums.items() if v in want_all and sum(1 for c in answer["calculations"] if c["rule_id"] == r) > 1}
        got = [g for g, c in zip(got, answer["calculations"], strict=True) if c["rule_id"] not in summed] + \
            [(r.rsplit(".", 1)[0], sums[r]) for r in summed]
        cited = {c["doc_id"] for c in answer["citations"]}
        want = [Decimal(str(amount)) for _, amount in q.get("calcs") or []]
        row = {"id": q["id"], "doc": q["doc"], "right_doc": q["doc"] in cited, "got": got, "want": want,
               "answer": answer["answer"].split("\n")[0][:80]}
        if "calcs" in q:
            mine = [a for d, a in got if d == q["doc"]]
            row["exact"] = all(w in mine for w in want) if want else not got
            row["wrong"] = any(d != q["doc"] or a not in want for d, a in got)
        rows.append(row)
    figured = [r for r in rows if "exact" in r]
    summary = {"questions": len(rows), "with_figures": len(figured), "exact": sum(r["exact"] for r in figured),
               "wrong": sum(r["wrong"] for r in figured), "right_doc": sum(r["right_doc"] for r in rows)}
    return rows, summary


def main(argv: list[str]) -> None:
    valued = {argv.index(k) + 1 for k in ("--texts", "--embedding") if k in argv}
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and i not in valued]
    qfile = Path(args[0]) if args else TEXTS / "questions_dev.yaml"
    texts = Path(argv[argv.index("--texts") + 1]) if "--texts" in argv else TEXTS
    embedding = argv[argv.index("--embedding") + 1] if "--embedding" in argv else "hash"
    embedding = {"e5": "e5-small"}.get(embedding, embedding)  # the setting's own name for the default model
    questions = yaml.safe_load(qfile.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        bot = build(texts, Path(tmp), embedding)
        rows, s = score(bot, questions)
        took = time.perf_counter() - t0
    print(f"| questions | with figures | exact | wrong figure | cites the right document |\n|---|---|---|---|---|\n"
          f"| {s['questions']} | {s['with_figures']} | {s['exact']} ({s['exact'] / max(s['with_figures'], 1):.0%}) | "
          f"{s['wrong']} | {s['right_doc']} ({s['right_doc'] / max(s['questions'], 1):.0%}) |")
    print(f"({took:.0f} s, embedding {embedding})")
    if "--details" in argv:
        for r in rows:
            mark = "WRONG" if r.get("wrong") else ("ok   " if r.get("exact") else "miss ")  # a wrong figure first
            print(f"{mark} {r['id']} doc={'y' if r['right_doc'] else 'n'} want={[str(w) for w in r['want']]} "
                  f"got={[(d[:12], str(a)) for d, a in r['got']]} {r['answer']}")


if __name__ == "__main__":
    main(sys.argv[1:])
