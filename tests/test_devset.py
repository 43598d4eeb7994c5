"""The dev set: every question through Assistant.ask (grounded, real e5 model), checked against the contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from assistant.answering.verify import check_answer
from assistant.service import Assistant
from assistant.settings import Settings

CASES = yaml.safe_load((Path(__file__).parent / "dev_set.yaml").read_text(encoding="utf-8"))
CONTRACT_KEYS = {"answer", "mode", "in_scope", "citations", "calculations", "eligibility", "follow_up"}


@pytest.fixture(scope="module")
def bots(tmp_path_factory):
    """One assistant per asked-about date (the date is a setting: POLICY_TODAY)."""
    index = tmp_path_factory.mktemp("devset-index")
    made: dict[str, Assistant] = {}

    def get(day: str | None) -> Assistant:
        key = day or ""
        if key not in made:
            made[key] = Assistant(Settings.from_env(index_dir=index, today=key))
        return made[key]

    return get


def _id(case) -> str:
    return case["q"][:24]


def test_dev_set_is_big_enough():
    assert len(CASES) >= 60


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_dev_case(bots, doc, case):
    history = [{"role": "user", "content": h} for h in case.get("history", [])]
    answer = bots(case.get("date")).ask(case["q"], history)
    d = answer.to_dict()
    assert set(d) == CONTRACT_KEYS and d["mode"] == "grounded"
    assert d["in_scope"] is case.get("in_scope", True), d["answer"]
    for c in d["citations"]:  # every citation is a verbatim, locatable quote
        assert doc.text[c["start"] : c["end"]] == c["quote"]
    if not d["in_scope"]:
        assert d["calculations"] == [] and d["citations"] == []
        return
    if "rule" in case:
        assert d["calculations"], d["answer"]
        calc = d["calculations"][0]
        assert (calc["rule_id"], calc["amount_yuan"]) == (case["rule"], case["amount"])
        rule_clause = calc["clause"]
        assert rule_clause in [c["clause"] for c in d["citations"]]  # numeric answers cite their clause
    elif "amount" not in case:
        assert d["calculations"] == [] or case.get("allow_calc")
    if "clause" in case:
        assert case["clause"] in [c["clause"] for c in d["citations"]], d["answer"]
    if case.get("follow_up"):
        assert d["follow_up"] and all(q.strip() for q in d["follow_up"])
    for prefix, met in (case.get("met") or {}).items():
        found = [v for v in d["eligibility"] if v["criterion"].startswith(prefix)]
        assert found and found[0]["met"] is met, (prefix, d["eligibility"])
    # zero unsupported numbers: every figure in the text is the calculator's, a quote's or the user's
    on = dt.date.fromisoformat(answer.asked_on)
    assert check_answer(answer, case["q"], history, on, bots(case.get("date")).kb) == []
    for s in case.get("contains", []):
        assert s in d["answer"]
    for s in case.get("absent", []):
        assert s not in d["answer"]


@pytest.mark.slow
def test_asked_about_date_defaults_to_today(bots):
    answer = bots(None).ask("平台建设投资1000万，能补多少")
    assert answer.asked_on == dt.date.today().isoformat()
