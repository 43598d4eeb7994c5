"""An award on reaching a count and an amount for each unit beyond it (达到5个的，给予2万元，5个以上的每增加一个给予
5000元), and per-person amounts by bands where each band's verb names the count (每招用1人): marginal bands, the first
of which may pay once. Made-up clauses in the style of county texts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


def test_an_award_on_reaching_a_count_then_an_amount_for_each_further_unit(tmp_path):
    drafts, rules = drafted(tmp_path, "对创业孵化基地给予奖补，标准为：当年新增入驻企业达到4个的，给予3万元奖补，4个以上的每增加一个"
                                      "给予6000元奖补，每个基地每年奖补总额最高不超过9万元。")
    assert [(d.kind, d.unit, d.cap) for d in drafts] == [("banded", "个", "9万元")]
    assert drafts[0].marginal and drafts[0].bands[0]["lump"] and drafts[0].bands[0]["amount"] == "3万元"
    assert "对创业孵化基地给予奖补，标准为" in drafts[0].quote  # who is paid, from the sentence's start
    rule = rules[0]
    got = {q: compute(rule, Inputs(quantity=Decimal(q))).amount_yuan for q in (3, 4, 7, 30)}
    assert got == {3: 0, 4: 30000, 7: 48000, 30: 90000}


@pytest.mark.parametrize("body", [
    "吸纳就业的，招用2人（含2人）以下的，每招用1人奖励1500元，招用2人以上的，每增加1人奖励2500元，最高奖励总额不超过5万元。",
])
def test_per_person_bands_whose_verb_names_the_count_are_marginal(tmp_path, body):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.unit, d.cap, d.marginal) for d in drafts] == [("banded", "人", "5万元", True)]
    assert compute(rules[0], Inputs(quantity=Decimal(5))).amount_yuan == 2 * 1500 + 3 * 2500


def test_an_award_on_reaching_a_count_then_an_amount_for_each_full_step_beyond_it(tmp_path):
    drafts, rules = drafted(tmp_path, "对服务机构同一年度代理商标注册量达20件的，奖励3万元；超过20件的部分，每20件奖励1万元，"
                                      "累计最高奖励8万元。")
    assert [(d.kind, d.step, d.cap) for d in drafts] == [("banded", "20", "8万元")]
    got = {q: compute(rules[0], Inputs(quantity=Decimal(q))).amount_yuan for q in (19, 20, 39, 40, 75, 500)}
    assert got == {19: 0, 20: 30000, 39: 30000, 40: 40000, 75: 50000, 500: 80000}
