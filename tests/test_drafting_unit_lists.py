"""Amounts per unit listed for the cases before them (按1000元/人、3000元/人…标准给予奖励): one tiered rule whose
tiers are amounts per unit, the count of each case asked. Sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


def test_amounts_per_person_by_category_are_one_tiered_rule(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对在本单位取得初级、中级、高级技术职称的专业人才，按1000元/人、3000元/人、6000元/人标准给予一次性奖励。")
    assert [(d.kind, d.unit) for d in drafts] == [("tiered", "人")]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("初级", "1000元"), ("中级", "3000元"), ("高级", "6000元")]
    assert compute(rules[0], Inputs(level="中级", quantity=Decimal(2))).amount_yuan == 6000


def test_one_amount_per_person_stays_per_unit(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "对引进人才的机构，按2000元/人给予补贴。")
    assert [(d.kind, d.amount) for d in drafts] == [("per_unit", "2000元")]
