"""The command line as a user runs it: a subprocess, UTF-8 JSON, one-line Chinese errors."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120)


def test_calc_json_is_the_contract_form():
    out = run("calc", "platform_construction", "--base", "16,666,666元", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["amount_yuan"] == "4999999.80" and data["clause"] == "（四）" and data["capped"] is False
    assert "\\u" not in out.stdout  # UTF-8, not escaped


@pytest.mark.parametrize(
    "rule, base, amount",
    [("platform_construction", "1000万", "3000000"), ("platform_construction", "2000万", "5000000"),
     ("insurance_premium", "30万", "150000"), ("loan_interest", "6亿", "10000000")],
)
def test_calc_worked_examples(rule, base, amount):
    out = run("calc", rule, "--base", base, "--json")
    assert json.loads(out.stdout)["amount_yuan"] == amount


def test_calc_text_shows_trace_and_quote():
    out = run("calc", "platform_construction", "--base", "1200万元", "--date", "2023-06-01")
    assert "1,200万元 × 30% = 360万元，未超过单个平台上限500万元 → 最高可获360万元" in out.stdout
    assert "单个平台建设补贴最高不超过500万元" in out.stdout
    assert "已届满" not in out.stdout  # asked about 2023: in force


def test_threshold_rule_gives_a_verdict():
    data = json.loads(run("calc", "library_threshold", "--base", "1000万元", "--json").stdout)
    assert data["met"] is True and data["clause"] == "（一）"


def test_rules_lists_every_rule_id_first():
    out = run("rules")
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 9
    assert lines[3].split("\t")[:2] == ["platform_construction", "（四）"]
    rows = json.loads(run("rules", "--json").stdout)
    assert {r["id"]: r["cap_yuan"] for r in rows}["list_application"] == "30000000"


@pytest.mark.parametrize(
    "args",
    [("calc", "platform_construction", "--base=-5万"), ("calc", "platform_construction", "--base", "100美元"),
     ("calc", "nope", "--base", "5万"), ("calc", "platform_construction", "--base", "5万", "--date", "2023-13-01"),
     ("calc", "platform_construction", "--base"), ("calc", "platform_construction")],
)
def test_bad_input_exits_nonzero_with_one_chinese_line(args):
    out = run(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    err = out.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("错误：") and "Traceback" not in err
