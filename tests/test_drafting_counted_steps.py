"""Set awards by thresholds of a count (达50件、100件以上 · 500人（含）—1000人（不含）的): one tiered_threshold rule whose
thresholds are quantities, the count asked as its input. Sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.kinds import needs
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


@pytest.mark.parametrize("body, unit, thresholds, amounts, boundary", [
    # steps of a count listed before 分别, 以上 after the last
    ("对年度代理专利申请量达30件、60件、120件以上的服务机构，分别给予一次性奖励1万元、3万元、6万元。",
     "件", ["30件", "60件", "120件"], ["1万元", "3万元", "6万元"], "以上"),
    # bands of an area listed before 分别, the first band's lower bound without its unit
    ("对新开业的商业综合体，经营面积在5000—10000平方米（含）、10000平方米以上的，分别奖励20万元、40万元。",
     "平方米", ["5000", "10000平方米"], ["20万元", "40万元"], "（含）"),
    # a band of a count and its award, clause by clause
    ("单场赛事观众800人（含）—2000人（不含）的，给予2万元奖励；单场赛事观众2000人（含）以上的，给予5万元奖励。",
     "人", ["800人", "2000人"], ["2万元", "5万元"], "以上"),
])
def test_thresholds_of_a_count_are_one_rule_asking_the_count(tmp_path: Path, body, unit, thresholds, amounts, boundary):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.unit, d.boundary) for d in drafts] == [("tiered_threshold", unit, boundary)]
    assert [t["threshold"] for t in drafts[0].tiers] == thresholds and [t["amount"] for t in drafts[0].tiers] == amounts
    assert needs(rules[0]) == ("quantity",)
    below, top = rules[0].tiers[0].threshold, rules[0].tiers[-1].threshold
    assert compute(rules[0], Inputs(quantity=below - 1)).amount_yuan == 0
    assert compute(rules[0], Inputs(quantity=top + 1)).amount_yuan == rules[0].tiers[-1].amount


def test_an_award_per_unit_is_not_a_threshold(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "对引进人才的机构，每引进1人给予2000元奖励。")
    assert [d.kind for d in drafts] == ["per_unit"]


def test_a_count_threshold_reached_pays_its_award(tmp_path: Path):
    _, rules = drafted(tmp_path, "对年度代理专利申请量达30件、60件、120件以上的服务机构，分别给予一次性奖励1万元、3万元、6万元。")
    assert compute(rules[0], Inputs(quantity=Decimal(60))).amount_yuan == 30000
    assert compute(rules[0], Inputs(quantity=Decimal(59))).amount_yuan == 10000


def test_cases_with_an_amount_to_reach_besides_the_count_are_no_bands_of_the_count(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "（一）年度营业收入达到500万元的机构，租赁面积超过100平方米的，给予最高3万元补贴；"
                                  "（二）年度营业收入达到2000万元的机构，租赁面积超过300平方米的，给予最高8万元补贴。")
    assert not [d for d in drafts if d.kind == "tiered_threshold" and d.unit]


def test_bands_written_as_and_above_then_below_are_thresholds(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "到位外资在300万美元及以上800万美元以下的，最高奖励10万元；到位外资在800万美元及以上的，最高奖励30万元。")
    assert [(d.kind, d.currency) for d in drafts] == [("tiered_threshold", "美元")]
    assert [(t["threshold"], t["amount"]) for t in drafts[0].tiers] == [("300万美元", "10万元"), ("800万美元", "30万元")]


def test_thresholds_a_count_must_pass_exclude_the_number(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对年接待游客首次突破50万人次的景区，给予30万元奖励；对年接待游客首次突破100万人次的景区，给予80万元奖励。")
    assert [(d.kind, d.unit, d.boundary) for d in drafts] == [("tiered_threshold", "人次", "突破")]
    assert compute(rules[0], Inputs(quantity=Decimal(1000000))).amount_yuan == 300000
    assert compute(rules[0], Inputs(quantity=Decimal(1000001))).amount_yuan == 800000
