"""Awards whose amount depends on the applicant's category, listed as the standard they are paid by
(按A类5万元、B类3万元的标准给予…): one tiered rule whose levels are the categories, never a set award of one
of the amounts. Made-up clauses in the style of district talent texts."""

from __future__ import annotations

from decimal import Decimal

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


def test_categories_listed_as_the_standard_are_tiers(tmp_path):
    drafts, rules = drafted(tmp_path, "对新落户本县并签订3年以上劳动合同的人才，按正高级职称8万元、副高级职称4万元的标准"
                                      "给予安居补贴。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("正高级职称", "8万元"), ("副高级职称", "4万元")]
    assert compute(rules[0], Inputs(level="副高级职称")).amount_yuan == 40000


def test_a_category_named_two_ways_keeps_both_names(tmp_path):
    drafts, _ = drafted(tmp_path, "对新引进的中小学教师，按特级教师或正高级教师6万元、一级教师或中级职称人员2万元、"
                                  "其他教师1万元的标准给予生活补贴。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["amount"] for t in drafts[0].tiers] == ["6万元", "2万元", "1万元"]
    assert drafts[0].tiers[0]["words"] == ["特级教师", "正高级教师"]


def test_categories_paid_by_the_month_are_no_set_tiers(tmp_path):
    drafts, _ = drafted(tmp_path, "按博士每月3000元、硕士每月2000元的标准发放生活补贴。")
    assert all(d.kind != "tiered" or all("每" not in t["label"] for t in d.tiers) for d in drafts)


def test_the_same_two_awards_for_each_category_are_one_tiered_rule_per_award(tmp_path):
    drafts, rules = drafted(tmp_path, "对引进的高层次医疗人才，领军人才给予60万元购房补贴和24万元工作津贴，拔尖人才给予"
                                      "30万元购房补贴和12万元工作津贴。")
    assert [d.kind for d in drafts] == ["tiered", "tiered"]
    assert [[(t["label"], t["amount"]) for t in d.tiers] for d in drafts] == [
        [("领军人才", "60万元"), ("拔尖人才", "30万元")], [("领军人才", "24万元"), ("拔尖人才", "12万元")]]
    assert drafts[0].name != drafts[1].name
    assert compute(rules[1], Inputs(level="拔尖人才")).amount_yuan == 120000


def test_two_awards_of_one_category_stay_two_awards(tmp_path):
    drafts, _ = drafted(tmp_path, "对入选的创业团队，给予带头人50万元安家补贴和20万元生活补贴。")
    assert [d.kind for d in drafts] == ["fixed", "fixed"] or [d.kind for d in drafts] == ["cap_only", "cap_only"]
    assert sorted(d.amount or d.cap for d in drafts) == ["20万元", "50万元"]


def test_an_award_for_each_step_of_an_amount_is_left_for_a_person(tmp_path):
    drafts, _ = drafted(tmp_path, "对年产值每新上一个2亿元台阶的规上工业企业，一次性给予10万元奖励。")
    assert drafts == []


def test_a_sentence_naming_a_goal_that_pays_an_award_in_jiangbu_words(tmp_path):
    drafts, _ = drafted(tmp_path, "鼓励企业对标行动目标做大做强，对首次进入县级、市级重点培育名单的企业，分别给予5万元、10万元资金奖补。")
    assert [(d.kind, [t["amount"] for t in d.tiers]) for d in drafts] == [("tiered", ["5万元", "10万元"])]


def test_long_quoted_titles_are_the_cases_of_an_award_list(tmp_path):
    drafts, _ = drafted(tmp_path, "对获评“某省优秀科技服务业示范项目”“某省优秀科技服务示范机构”认定的，分别给予认定项目、机构3万元、6万元的奖励。")
    assert [(d.kind, [(t["label"], t["amount"]) for t in d.tiers]) for d in drafts] == [
        ("tiered", [("某省优秀科技服务业示范项目", "3万元"), ("某省优秀科技服务示范机构", "6万元")])]


def test_an_award_listed_by_case_is_named_by_the_words_after_its_amounts(tmp_path):
    drafts, _ = drafted(tmp_path, "对新取得高级、正高级职称的教师，分别给予3000元、6000元职称激励补贴。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert "职称激励补贴" in drafts[0].aliases


def test_thresholds_listed_from_the_highest_are_read_from_the_lowest(tmp_path):
    drafts, rules = drafted(tmp_path, "对年产值首次突破20亿元、10亿元的工业企业，分别一次性给予50万元、20万元奖励。")
    assert [(d.kind, [(t["threshold"], t["amount"]) for t in d.tiers]) for d in drafts] == [
        ("tiered_threshold", [("10亿元", "20万元"), ("20亿元", "50万元")])]
    assert compute(rules[0], Inputs(base=Decimal(1_500_000_000))).amount_yuan == 200000
