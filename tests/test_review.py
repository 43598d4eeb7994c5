"""`rules review`: each drafted rule beside its quote with worked examples; accept, edit, reject
from scripted input; the file records who reviewed and when."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from assistant.knowledge.base import Knowledge
from assistant.knowledge.review import review
from assistant.knowledge.rules_draft import draft_rule_file

FIXTURES = Path(__file__).parent / "fixtures" / "drafting"
STEM = "county-industry-2024"


def test_review_accepts_edits_and_rejects_from_scripted_input(tmp_path):
    shutil.copy(FIXTURES / f"{STEM}.txt", tmp_path / f"{STEM}.txt")
    doc = Knowledge.load(tmp_path).docs[STEM]
    path, drafts = draft_rule_file(doc)
    # r1 accept; r2 edit with a figure not in the quote (refused), then a good edit, then accept;
    # r3 reject; r4 accept; then save and quit
    script = iter(["a", "e", "cap: 999万元", "", "e", "name: 沪深交易所上市奖励", "", "a", "r", "a", "q"])
    shown: list[str] = []
    counts = review(doc, by="张三", ask=lambda _: next(script), say=shown.append, now=dt.datetime(2024, 6, 1, 9, 30))
    assert counts == {"accepted": 3, "edited": 1, "rejected": 1, "skipped": 0}
    text = "\n".join(shown)
    assert f"原文：“{drafts[2].quote}”" in text
    assert "若为国家级 → 级别为国家级，对应50万元 → 可获50万元" in text
    assert "修改未通过核对" in text and "999万元" in text
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_id = {r["id"].rsplit(".", 1)[-1]: r for r in data["rules"]}
    assert "r3" not in by_id and by_id["r2"]["name"] == "沪深交易所上市奖励"
    for rid in ("r1", "r2", "r4"):
        assert by_id[rid]["reviewed"] is True and by_id[rid]["reviewed_by"] == "张三"
        assert by_id[rid]["reviewed_at"] == "2024-06-01T09:30:00"
    assert by_id["r5"]["reviewed"] is False and data["reviewed"] is False  # not yet reviewed: the file is not
    assert path.read_text(encoding="utf-8").startswith("# 由 `python -m assistant rules draft`")
    kb = Knowledge.load(tmp_path)
    assert kb.rules.get(f"{STEM}.r4").reviewed and kb.rules.get(f"{STEM}.r4").reviewed_by == "张三"


def test_review_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    shutil.copy(FIXTURES / f"{STEM}.txt", tmp_path / f"{STEM}.txt")
    draft_rule_file(Knowledge.load(tmp_path).docs[STEM])
    env = {**os.environ, "POLICY_CORPUS_DIR": str(tmp_path), "POLICY_EMBEDDING": "hash", "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-m", "assistant", "rules", "review", STEM, "--by", "李四"], cwd=ROOT, env=env,
                         input="a\n" * 17, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert out.returncode == 0, out.stderr
    assert "接受 17" in out.stdout
    data = yaml.safe_load((tmp_path / f"{STEM}.rules.yaml").read_text(encoding="utf-8"))
    assert data["reviewed"] is True and data["reviewed_by"] == "李四"
    calc = subprocess.run([sys.executable, "-m", "assistant", "calc", f"{STEM}.r4", "--level", "省级"], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert calc.returncode == 0 and "可获：50万元" in calc.stdout, calc.stderr
