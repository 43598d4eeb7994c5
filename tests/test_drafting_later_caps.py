"""Caps written in a sentence of their own after the awards they bound, over a scope they name (同一…的，
资助总额最高不超过…; 以上两项同一…不超过…): made-up clauses in the style of county texts."""

from __future__ import annotations

from decimal import Decimal

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


def test_a_scoped_cap_and_a_wider_one_bound_the_rate_before_them(tmp_path):
    drafts, rules = drafted(tmp_path, "对新取得境外注册的集成电路布图设计，按其登记费用的40%给予资助。同一布图设计在多个地区"
                                      "登记的，资助总额最高不超过6万元，同一权利人在同一年度多个地区登记的，资助总额最高不超过12万元。")
    assert [(d.kind, d.rate, d.cap, d.total_cap) for d in drafts] == [("subsidy", "40%", "6万元", "12万元")]
    assert drafts[0].cap_per.startswith("同一布图设计") and drafts[0].total_cap_per.startswith("同一权利人")
    assert compute(rules[0], Inputs(base=Decimal(200000))).amount_yuan == 60000


def test_a_cap_over_the_two_awards_before_it_bounds_each(tmp_path):
    drafts, _ = drafted(tmp_path, "对新登记的软件著作权，给予著作权人每件2000元一次性奖励。对新登记的作品著作权，给予著作权人"
                                  "每件500元一次性奖励。以上两项同一著作权人一年内奖励金额不超过1万元。")
    assert [(d.kind, d.amount, d.cap) for d in drafts] == [("per_unit", "2000元", "1万元"), ("per_unit", "500元", "1万元")]


def test_a_cap_sentence_after_a_set_award_is_left_as_it_is(tmp_path):
    drafts, _ = drafted(tmp_path, "对首次认定的专精特新企业，给予一次性奖励8万元。同一企业累计奖励最高不超过20万元。")
    assert all(d.total_cap is None for d in drafts) and "8万元" in [d.cap or d.amount for d in drafts]


def test_a_scoped_cap_after_awards_by_bands_of_a_count_is_their_cap(tmp_path):
    drafts, rules = drafted(tmp_path, "对年产量达一定规模的新型农机产品给予一次性奖励，其中：年产量2000（含）—4000台（不含）的产品，"
                                      "给予200万元奖励；年产量4000台以上的产品，给予400万元奖励。单个企业年度奖励金额最高不超过600万元，"
                                      "同一系列产品不重复奖励。")
    assert [(d.kind, d.cap, d.cap_per) for d in drafts] == [("tiered_threshold", "600万元", "单个企业")]
    assert [(t["threshold"], t["amount"]) for t in drafts[0].tiers] == [("2000", "200万元"), ("4000台", "400万元")]
    rule = rules[0]
    assert compute(rule, Inputs(quantity=Decimal(4000))).amount_yuan == 4000000  # 4000台（不含）below: 4000 is the upper band
    assert compute(rule, Inputs(quantity=Decimal(3999))).amount_yuan == 2000000
