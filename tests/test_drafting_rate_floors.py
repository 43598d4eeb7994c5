"""A rate of support written as a floor (按技改投入的5%以上、最高给予…), and one rate with its cap after 分别 for
several levels (分别按照市、区两级奖励金额的20%、最高30万元): made-up clauses in the style of county texts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted, kinds


@pytest.mark.parametrize("body, drafted_as, base, amount", [
    # 以上 after the rate of support: a floor, with its cap
    ("对年度技术改造投入达到300万元以上的企业，按技改投入的5%以上、最高给予100万元奖励。",
     ("min_rate", "5%", "100万元"), 4000000, 200000),
    # 以上 after a rate the applicant must reach: a condition, the rate of support is the other one
    ("对营业收入增长20%以上的企业，按新增营业收入的2%给予奖励，最高不超过50万元。", ("subsidy", "2%", "50万元"), 1000000, 20000),
    # one rate and its cap after 分别: the same rate for each level
    ("对获得市、区两级技术创新项目立项的企业，分别按照市、区两级支持金额的20%、最高30万元给予配套奖励。",
     ("subsidy", "20%", "30万元"), 2000000, 300000),
])
def test_rates_of_support(tmp_path, body, drafted_as, base, amount):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [drafted_as]
    assert compute(rules[0], Inputs(base=Decimal(base))).amount_yuan == amount


def test_two_rates_after_fenbie_stay_tiers(tmp_path):
    assert kinds(tmp_path, "对获得省级、市级立项的项目，分别按支持金额的50%、30%给予配套。") == ["tiered"]


def test_a_rate_capped_for_each_case_is_a_rate_not_an_amount_per_case(tmp_path):
    drafts, rules = drafted(tmp_path, "企业开展海外商标异议答辩并获支持的，给予企业代理服务费的40%资助，每件最高资助3万元，"
                                      "同一企业当年资助总额不超过9万元。")
    assert [(d.kind, d.rate, d.cap, d.total_cap) for d in drafts] == [("subsidy", "40%", "3万元", "9万元")]
    assert compute(rules[0], Inputs(base=Decimal(100000))).amount_yuan == 30000


def test_an_amount_per_case_without_a_rate_stays_per_unit(tmp_path):
    assert kinds(tmp_path, "对新认定的商标品牌指导站，每件最高资助2万元。") == ["per_unit"]
