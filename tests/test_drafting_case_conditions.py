"""Cases of an award list that each open with their own threshold or verb (对投资1000万元以上建设数字工厂、投资
200万元以上建设数字车间的企业，分别最高给予…), and an award whose subject is what the applicant does (对购置
节能设备50万元以上的工业企业…): made-up clauses in the style of county texts."""

from __future__ import annotations

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


def test_cases_with_their_own_thresholds_are_tiers_named_by_what_they_build(tmp_path):
    drafts, rules = drafted(tmp_path, "对投资1500万元以上建设数字化工厂、投资400万元以上建设数字化车间、投资100万元以上"
                                      "建设数字化产线的制造业企业，分别最高给予200万元、80万元、30万元支持。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["label"] for t in drafts[0].tiers] == ["建设数字化工厂", "建设数字化车间", "建设数字化产线"]
    assert [t["amount"] for t in drafts[0].tiers] == ["200万元", "80万元", "30万元"]
    assert "1500万元" in drafts[0].quote  # the thresholds stay conditions, in the quote
    assert compute(rules[0], Inputs(level="建设数字化车间")).amount_yuan == 800000
    # a question names the thing built ("建成了一个数字化车间"), not the text's verb
    assert [t.get("words") for t in drafts[0].tiers] == [["数字化工厂"], ["数字化车间"], ["数字化产线"]]


def test_cases_opened_by_the_verb_they_share_are_named_without_it(tmp_path):
    drafts, _ = drafted(tmp_path, "对首次成功创建市级现代农业产业示范园区、省级农业产业化联合体的，分别最高给予40万元、20万元奖励。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["label"] for t in drafts[0].tiers] == ["市级现代农业产业示范园区", "省级农业产业化联合体"]


@pytest.mark.parametrize("body, subject", [
    ("对购置节能环保设备50万元以上的工业企业，给予3万元至20万元奖励。", "购置节能环保设备"),
    ("对建设数字化车间的制造业企业，给予一次性奖励10万元。", "建设数字化车间"),
])
def test_what_the_applicant_does_names_the_award_not_the_sort_of_applicant(tmp_path, body, subject):
    drafts, _ = drafted(tmp_path, body)
    assert subject in drafts[0].aliases and all(not a.endswith("企业") for a in drafts[0].aliases)
