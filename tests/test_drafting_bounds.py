"""Caps that bound the awards before them rather than pay one: how much one applicant may get in a year
(每家主体每年奖励额度最高…), and an article's own yearly budget (本条款每年奖励额度最高…). Made-up clauses in
the style of district culture texts."""

from __future__ import annotations

from tests.test_drafting_wording import drafted


def test_a_yearly_bound_per_applicant_after_maxima_is_no_award(tmp_path):
    drafts, _ = drafted(tmp_path, "对举办大型展会的企业，单场观众3000人以上的，给予单场最高2万元奖励；单场观众8000人以上的，"
                                  "给予单场最高5万元奖励。每家企业每年奖励额度最高20万元，本条款每年奖励额度最高80万元。")
    figures = sorted(f for d in drafts for f in d.figures() if f.endswith("元"))
    assert figures == ["2万元", "5万元"]


def test_an_articles_yearly_budget_is_no_award(tmp_path):
    drafts, _ = drafted(tmp_path, "对经认定的新型演艺空间，按票房的1%给予运营主体不超过20万元奖励。本条款每年奖励额度最高60万元。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "1%", "20万元")]


def test_parallel_maxima_for_graded_cases_are_one_tiered_rule(tmp_path):
    drafts, rules = drafted(tmp_path, "对首次在境内主板上市的企业，最高补助600万元；首次在北交所上市的，最高补助300万元；"
                                      "首次在新三板创新层挂牌的，最高补助60万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["amount"] for t in drafts[0].tiers] == ["600万元", "300万元", "60万元"]


def test_maxima_of_one_sentence_for_unrelated_cases_stay_apart(tmp_path):
    drafts, _ = drafted(tmp_path, "其中困难老人助餐补贴不超过15元/人/日,其他老人助餐补贴不超过8元/人/日。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "15元"), ("cap_only", "8元")]


def test_graded_maxima_printed_with_spaces_are_one_rule_by_thresholds_of_the_count(tmp_path):
    drafts, _ = drafted(tmp_path, "单场观众 2000 人（含）—5000 人（不含）的，给予单场最高 1 万元奖励；单场观众 5000 人（含）以上的，"
                                  "给予单场最高 4 万元奖励。")
    assert [(d.kind, d.unit, [t["amount"] for t in d.tiers]) for d in drafts] == [("tiered_threshold", "人", ["1 万元", "4 万元"])]
    assert [t["threshold"] for t in drafts[0].tiers] == ["2000 人", "5000 人"]


def test_several_awards_of_one_sentence_printed_with_spaces_are_one_rule_each(tmp_path):
    drafts, _ = drafted(tmp_path, "对引进的博士后，每人给予一次性科研经费 8 万元和每年 5 万元的生活补助，出站后留在本县工作的，"
                                  "给予 15 万元安家补贴。")
    assert sorted(d.amount or d.cap for d in drafts) == ["15 万元", "5 万元", "8 万元"]
