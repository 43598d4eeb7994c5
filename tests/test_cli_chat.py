"""A terminal conversation (issue 10): `chat` keeps the history, `ask --history FILE` continues one,
and the CLI runs from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test runs the command line in a subprocess (index build, several turns)

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, stdin: str = "", cwd: Path = ROOT, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICY_EMBEDDING": "hash", "POLICY_TODAY": "2023-06-01", "PYTHONPATH": str(ROOT),
           **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=240, env=env)


def test_chat_keeps_the_topic_across_turns(tmp_path):
    out = cli("chat", stdin="平台建设投资1200万元，能补多少？\n那2000万呢\n退出\n", cwd=tmp_path,
              env_extra={"POLICY_INDEX_DIR": str(tmp_path / "idx")})
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.split("您：")[1:3]
    assert "最高可获360万元" in first and "最高可获500万元" in second  # the second turn continues the first


def test_ask_history_file_is_appended_and_continued(tmp_path):
    history = tmp_path / "h.json"
    env = {"POLICY_INDEX_DIR": str(tmp_path / "idx")}
    one = cli("ask", "场景实验室投资1000万元能补多少", "--history", str(history), env_extra=env)
    assert one.returncode == 0, one.stderr  # a history file that does not exist yet starts one
    turns = json.loads(history.read_text(encoding="utf-8"))
    assert [t["role"] for t in turns] == ["user", "assistant"] and "300万元" in turns[1]["content"]
    two = cli("ask", "那5000万呢", "--history", str(history), "--json", env_extra=env)
    data = json.loads(two.stdout)
    assert [(c["rule_id"], c["amount_yuan"]) for c in data["calculations"]] == [("scenario_lab", "10000000")]
    assert len(json.loads(history.read_text(encoding="utf-8"))) == 4


def test_plain_output_lists_every_citation_it_uses(tmp_path):
    out = cli("ask", "我们是北京的软件企业，平台建设投资1200万元，能补多少？", cwd=tmp_path,
              env_extra={"POLICY_INDEX_DIR": str(tmp_path / "idx")})
    assert out.returncode == 0, out.stderr
    used = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", out.stdout.split("引用原文：")[0])}
    listed = {int(n) for n in __import__("re").findall(r"^(?:> )?\[(\d+)\] “", out.stdout, flags=8)}
    assert used and used <= listed
