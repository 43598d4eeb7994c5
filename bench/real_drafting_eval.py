"""Drafting recall and precision on real policy texts, against annotations written by someone who did
not write the drafter (tests/fixtures/real_policies: the texts, their sources, annotations.yaml).

An annotated provision is a span of the text (its verbatim quote or quotes), a kind and its figures.
A drafted rule is *right* when its quote lies in a provision's span, its kind is that provision's kind
and every amount and rate it states is one of the provision's figures (compared by value: 1亿 = 1亿元 =
100000000). A provision is *recalled* when its right rules together state every award figure it has
(its amounts and rates, less those its conditions name: 年销售收入在2000万元以上的 is a condition,
not an award). A figure-less support (一事一议, 另行制定, 给予一定资助) is a drafted topic with a quote.

The project's kinds are compared under the annotation's names: a rate with a cap (subsidy), a rate and
a range of rates are ``rate``; a set award (cap_only without 最高/不超过 in the quote, or fixed) is
``fixed``; awards by thresholds of an amount (tiered_threshold) are ``banded``; N months or N times of a standard
(multiple) is ``cap_only`` when the quote bounds it (不超过本市12个月…标准) and ``rate`` of the standard otherwise. Provisions annotated
``other`` (no kind expresses them) are not counted for recall; a rule drafted on one is wrong.

    python bench/real_drafting_eval.py [--details]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "real_policies"
sys.path.insert(0, str(ROOT))

KINDS = ("fixed", "cap_only", "rate", "per_unit", "tiered", "banded", "range", "schedule", "min_rate", "topic")
NUMBER = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万|亿|千)?\s*(?:元|美元)?\s*[%％]?")


def values(figures) -> set[Decimal]:
    """The amounts and rates among ``figures`` by value (a count such as 5件 or 3年 is no money)."""
    from assistant.text.amounts import parse_amount, parse_rate

    out: set[Decimal] = set()
    for f in figures or ():
        text = str(f).translate(str.maketrans("％（）０１２３４５６７８９", "%()0123456789")).replace(" ", "")
        text = re.sub(r"\(含\)|（含）", "", text)
        for m in NUMBER.finditer(text):
            s = m[0].replace(",", "").replace("，", "")
            if "美元" in s:
                continue  # a foreign amount is a condition here, never converted
            try:
                if s.endswith("%"):
                    out.add(parse_rate(s))
                elif re.search(r"[万亿千]|元", s):
                    out.add(parse_amount(s if s.endswith("元") else s + "元"))
            except Exception:  # noqa: BLE001  (a figure the reader refuses is no money figure)
                continue
    return out


def mapped_kind(d) -> str:
    """A drafted rule's kind under the annotation's names."""
    if d.kind in ("subsidy", "rate"):
        return "rate"
    if d.kind == "range":
        return "rate" if re.search("[%％]", (d.low or "") + (d.high or "")) else "range"  # 10％－70％ too
    if d.kind == "tiered_threshold":
        return "banded"
    if d.kind == "multiple":
        at = d.quote.find(d.multiple or "")
        return "cap_only" if re.search("最高|不超过|上限|以内", d.quote[max(0, at - 10 - len(d.base or "")):at]) else "rate"
    if d.kind == "cap_only":
        at = d.quote.find(d.cap or "")
        return "cap_only" if at < 0 or re.search("最高|不超过|上限|以内", d.quote[max(0, at - 8):at]) else "fixed"
    return d.kind


def _spans(text: str, quote) -> list[tuple[int, int]]:
    out = []
    for q in [quote] if isinstance(quote, str) else quote or []:
        q = str(q).strip()
        at = text.find(q)
        if at >= 0:
            out.append((at, at + len(q)))
    return out


def _award_values(p: dict) -> set[Decimal]:
    conditions = " ".join(map(str, p.get("conditions") or []))
    figs = [f for f in p.get("figures") or [] if not re.search(r"[（(]含[）)]|以上|以下", str(f))
            and str(f) not in conditions]
    return values(figs)


def score(folder: Path = FIXTURES) -> dict:
    from assistant.errors import CorpusError
    from assistant.knowledge import rules_draft
    from assistant.knowledge.documents import load_document

    notes = yaml.safe_load((folder / "annotations.yaml").read_text(encoding="utf-8"))
    per_kind = {k: Counter() for k in (*KINDS, "other", "threshold")}
    details, missing_quotes = [], []
    for stem, note in notes.items():
        if folder == FIXTURES and note.get("split") != "dev":
            continue  # another folder is a held-out set: every text of it is scored
        try:
            doc = load_document(folder / f"{stem}.txt")
        except CorpusError as exc:  # refused by add: nothing drafted
            details.append(f"refused {stem}: {exc}")
            for p in note.get("provisions") or []:
                per_kind[p["kind"]]["annotated"] += 1
            continue
        provisions = []
        for p in note.get("provisions") or []:
            spans = _spans(doc.text, p["quote"])
            if not spans:
                missing_quotes.append((stem, p["clause"]))
            provisions.append({**p, "spans": spans, "values": values(p.get("figures")), "award": _award_values(p),
                               "got": set(), "hits": 0})
        drafts, _ = rules_draft.analyse(doc)
        items = []
        for d in drafts:
            unit = doc.unit(d.clause)
            at = doc.text.find(d.quote, unit.start)
            items.append((mapped_kind(d), (at, at + len(d.quote)), values(d.figures()), d))
        for t in getattr(rules_draft, "draft_topics", lambda *_: [])(doc, drafts):
            at = doc.text.find(t["quote"], doc.unit(t["clause"]).start)
            items.append(("topic", (at, at + len(t["quote"])), set(), t))
        for kind, (s, e), vals, d in items:
            per_kind.setdefault(kind, Counter())["drafted"] += 1
            home = next((p for p in provisions if p["kind"] == kind and vals <= p["values"]
                         and any(a < e and s < b for a, b in p["spans"])), None)
            if home is None:
                details.append(f"wrong   {stem} {getattr(d, 'clause', None) or d['clause']} {kind} "
                               f"{sorted(map(str, vals))} “{doc.text[s:e][:60]}”")
                continue
            per_kind[kind]["right"] += 1
            home["got"] |= vals
            home["hits"] += 1
        for p in provisions:
            per_kind[p["kind"]]["annotated"] += 1
            if p["hits"] and p["award"] <= p["got"]:
                per_kind[p["kind"]]["recalled"] += 1
            else:
                q = p["quote"] if isinstance(p["quote"], str) else " / ".join(p["quote"])
                details.append(f"missed  {stem} {p['clause']} {p['kind']} {p.get('figures')} “{q[:60]}”")
    return {"per_kind": per_kind, "details": details, "missing_quotes": missing_quotes}


def table(result: dict) -> str:
    rows = ["| kind | annotated | recalled | recall | drafted | right | precision |", "|---|---|---|---|---|---|---|"]
    tot = Counter()
    for kind, c in result["per_kind"].items():
        if not (c["annotated"] or c["drafted"]):
            continue
        counted = kind != "other"
        if counted:
            tot.update({"annotated": c["annotated"], "recalled": c["recalled"]})
        tot.update({"drafted": c["drafted"], "right": c["right"]})
        rec = f"{c['recalled'] / c['annotated']:.0%}" if c["annotated"] and counted else "—"
        prec = f"{c['right'] / c['drafted']:.0%}" if c["drafted"] else "—"
        rows.append(f"| {kind} | {c['annotated']} | {c['recalled'] if counted else '—'} | {rec} | {c['drafted']} | "
                    f"{c['right']} | {prec} |")
    rec = tot["recalled"] / tot["annotated"] if tot["annotated"] else 1.0
    prec = tot["right"] / tot["drafted"] if tot["drafted"] else 1.0
    rows.append(f"| **total** | {tot['annotated']} | {tot['recalled']} | {rec:.1%} | {tot['drafted']} | {tot['right']} | {prec:.1%} |")
    return "\n".join(rows)


def totals(result: dict) -> tuple[float, float]:
    """(recall, precision) over every kind but ``other``."""
    c = result["per_kind"]
    ann = sum(v["annotated"] for k, v in c.items() if k != "other")
    rec = sum(v["recalled"] for k, v in c.items() if k != "other")
    dr = sum(v["drafted"] for v in c.values())
    right = sum(v["right"] for v in c.values())
    return rec / ann if ann else 1.0, right / dr if dr else 1.0


if __name__ == "__main__":
    # --texts DIR: another folder of texts with its annotations.yaml (a held-out set kept outside the repository)
    result = score(Path(sys.argv[sys.argv.index("--texts") + 1])) if "--texts" in sys.argv else score()
    print(table(result))
    if result["missing_quotes"]:
        print("quotes not found in the text:", result["missing_quotes"])
    if "--details" in sys.argv:
        print("\n".join(result["details"]))
