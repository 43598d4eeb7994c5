"""Drafting recall and precision on the hand-annotated policy texts (tests/fixtures/drafting).

A drafted rule counts as right when its clause, kind and every figure it states equal one
annotated provision. Recall = right / annotated, precision = right / drafted. Also reported: how
many figures of provisions no kind expresses the draft file's header lists, and how many
non-support figures (fund, target, condition) were drafted as rules (should be 0).

    python bench/bench_drafting.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "drafting"
sys.path.insert(0, str(ROOT))


def score(folder: Path = FIXTURES) -> list[dict]:
    from assistant.knowledge.documents import load_document
    from assistant.knowledge.rules_draft import analyse

    notes = yaml.safe_load((folder / "annotations.yaml").read_text(encoding="utf-8"))
    rows = []
    for stem, note in notes.items():
        drafts, left = analyse(load_document(folder / f"{stem}.txt"))
        want = [(c, k, tuple(sorted(map(str, f)))) for c, k, f in note["provisions"]]
        got = [(d.clause, d.kind, tuple(d.figures())) for d in drafts]
        pool = list(want)
        right = 0
        for g in got:
            if g in pool:
                pool.remove(g)
                right += 1
        listed = {(u.clause, u.figure) for u in left}
        unexp = [tuple(x) for x in note.get("unexpressible") or []]
        skipped = [tuple(x) for x in note.get("skip") or []]
        drafted_figs = {(d.clause, f) for d in drafts for f in d.figures()}
        rows.append({"doc": stem, "annotated": len(want), "drafted": len(got), "right": right,
                     "missed": pool, "wrong": [g for g in got if g not in want],
                     "unexpressible": len(unexp), "listed": sum(1 for u in unexp if u in listed),
                     "skip": len(skipped), "skip_drafted": sum(1 for s in skipped if s in drafted_figs)})
    return rows


def table(rows: list[dict]) -> str:
    out = ["| text | annotated | drafted | right | recall | precision | unexpressible listed | non-support drafted |",
           "|---|---|---|---|---|---|---|---|"]
    tot = {k: sum(r[k] for r in rows) for k in ("annotated", "drafted", "right", "unexpressible", "listed", "skip",
                                                 "skip_drafted")}
    for r in [*rows, {"doc": "**total**", **tot}]:
        rec = r["right"] / r["annotated"] if r["annotated"] else 1.0
        prec = r["right"] / r["drafted"] if r["drafted"] else 1.0
        out.append(f"| {r['doc']} | {r['annotated']} | {r['drafted']} | {r['right']} | {rec:.1%} | {prec:.1%} | "
                   f"{r['listed']}/{r['unexpressible']} | {r['skip_drafted']}/{r['skip']} |")
    return "\n".join(out)


if __name__ == "__main__":
    rows = score()
    print(table(rows))
    for r in rows:
        for m in r["missed"]:
            print(f"missed {r['doc']}: {m}")
        for w in r["wrong"]:
            print(f"wrong  {r['doc']}: {w}")
