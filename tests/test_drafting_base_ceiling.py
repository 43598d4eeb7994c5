"""A ceiling on the base rather than on the award (贷款额超过5000万元的，按5000万元计算 · 贷款额度在200万元以下的):
the drafted rate rule states it as ``max_base`` and the award is rate × min(base, ceiling). Where the rate is a
share of the interest, the ceiling bounds the loan the interest is computed on: stated with the rule and in the
trace, never applied to the interest as if it were the loan. Sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.kinds import describe
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


@pytest.mark.parametrize("base, expected", [("8000万元", "1000000"), ("3000万元", "600000"), ("5000万元", "1000000")])
def test_the_base_is_counted_up_to_its_ceiling(tmp_path: Path, base, expected):
    from assistant.text.amounts import parse_amount

    drafts, rules = drafted(tmp_path, "对企业技术改造项目贷款，按贷款额的2%给予贴息，贷款额超过5000万元的，按5000万元计算。")
    assert [(d.kind, d.rate, d.base, d.max_base, d.max_base_of) for d in drafts] == [("rate", "2%", "贷款额", "5000万元", None)]
    calc = compute(rules[0], Inputs(base=parse_amount(base)))
    assert calc.amount_yuan == Decimal(expected)
    assert ("按5000万元计" in calc.trace) is (base == "8000万元")


def test_a_ceiling_on_the_base_and_a_cap_on_the_award_both_hold(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对购置设备的融资租赁，按租赁额的10%给予补贴，租赁额超过3000万元的按3000万元计，每家企业最高不超过200万元。")
    assert [(d.kind, d.max_base, d.cap) for d in drafts] == [("subsidy", "3000万元", "200万元")]
    assert compute(rules[0], Inputs(base=Decimal(40_000_000))).amount_yuan == Decimal(2_000_000)  # 300万 capped
    assert compute(rules[0], Inputs(base=Decimal(15_000_000))).amount_yuan == Decimal(1_500_000)


def test_a_loan_ceiling_of_an_interest_subsidy_is_stated_not_applied_to_the_interest(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对民办托育机构的装修贷款，贷款额度不超过300万元的，给予50%贴息，贴息期限不超过2年。")
    assert [(d.kind, d.rate, d.base, d.max_base, d.max_base_of) for d in drafts] == [
        ("rate", "50%", "贷款利息", "300万元", "贷款本金")]
    calc = compute(rules[0], Inputs(base=Decimal(120_000)))
    assert calc.amount_yuan == Decimal(60_000) and "300万元" in calc.trace
    assert "贷款本金最高按300万元计" in describe(rules[0])
