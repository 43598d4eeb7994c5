"""Drafting recall and precision on the hand-annotated texts (bench/bench_drafting.py), the draft
file's header listing every figure it could not express, and drafts that load and compute only
figures their quotes state."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from assistant.knowledge.base import Knowledge
from assistant.knowledge.rules_draft import draft_rule_file
from bench.bench_drafting import FIXTURES, score

STEMS = ("county-industry-2024", "county-tourism-2024", "city-talent-tech-2025")


def test_recall_and_precision_on_the_annotated_texts():
    rows = score()
    right = sum(r["right"] for r in rows)
    assert right / sum(r["annotated"] for r in rows) >= 0.9
    assert right / sum(r["drafted"] for r in rows) >= 0.95
    assert sum(r["skip_drafted"] for r in rows) == 0  # no rule for a fund, a target or a condition
    assert all(r["listed"] == r["unexpressible"] for r in rows)


def test_drafts_load_and_the_header_lists_what_was_not_expressed(tmp_path: Path):
    from assistant.knowledge.calculator import examples

    for stem in STEMS:
        shutil.copy(FIXTURES / f"{stem}.txt", tmp_path / f"{stem}.txt")
        path, drafts = draft_rule_file(Knowledge.load(tmp_path).docs[stem])
        header = "".join(line for line in path.read_text(encoding="utf-8").splitlines(True) if line.startswith("#"))
        if stem == "city-talent-tech-2025":
            assert "5. 20元" in header and "11. 3000元" in header and "11. 2000元" in header
            assert "14. 20亿元：资金或基金规模" in header
    kb = Knowledge.load(tmp_path)  # every drafted figure is verbatim in its quote, or this fails
    drafted = [r for r in kb.rules if r.doc_id in STEMS]
    assert len(drafted) == 43 and not any(r.reviewed for r in drafted)
    for rule in drafted:  # each kind computes from its own figures only: a worked example for each
        for _, trace in examples(replace(rule, reviewed=True)):
            assert "无法计算" not in trace, (rule.id, trace)


def test_force_never_overwrites_reviewed_rules(corpus_copy):
    import pytest

    from assistant.errors import RuleError

    doc = Knowledge.load(corpus_copy).docs["beijing-new-infra-2022"]
    before = (doc.path.with_name(f"{doc.path.stem}.rules.yaml")).read_text(encoding="utf-8")
    with pytest.raises(RuleError, match="已审核"):
        draft_rule_file(doc, force=True)
    assert doc.path.with_name(f"{doc.path.stem}.rules.yaml").read_text(encoding="utf-8") == before
