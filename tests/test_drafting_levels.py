"""Set awards written in parallel for cases that differ only by a level (入选省队 / 入选国家队), with the way each
award is shared out in brackets after it (市、县级各1万元); a place (第4名) is no count of units. Made-up clauses."""

from __future__ import annotations

from tests.test_drafting_wording import drafted


def test_parallel_awards_that_differ_by_level_with_a_shared_out_note_are_one_tiered_rule(tmp_path):
    drafts, _ = drafted(tmp_path, "对正式入选省代表队、国家代表队的选手，按以下标准给予奖励：正式入选省代表队的选手，奖励3万元"
                                  "（市、区级各1.5万元）；正式入选国家代表队的选手，奖励6万元（市、区级各3万元）。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("正式入选省代表队的选手", "3万元"),
                                                                  ("正式入选国家代表队的选手", "6万元")]


def test_a_place_won_is_no_count_of_units(tmp_path):
    drafts, _ = drafted(tmp_path, "对获得比赛名次的选手给予奖励：每获得第4名，奖励6000元；每获得第5名，奖励3000元。")
    assert not any(d.kind == "per_unit" for d in drafts)
    assert all(d.step is None for d in drafts if hasattr(d, "step"))


def test_levels_after_a_long_subject_and_the_verb_create_are_the_cases(tmp_path):
    drafts, _ = drafted(tmp_path, "对返乡创业的小微企业成功创建国家级和省级技能大师工作室的，按规定从专项资金中分别一次性给予20万元、"
                                  "10万元经费补助。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("国家级", "20万元"), ("省级", "10万元")]


def test_two_award_lists_in_one_sentence_each_for_its_own_cases_are_two_rules(tmp_path):
    drafts, _ = drafted(tmp_path, "加大培育扶持，对成功创建国家级、省级、市级工程研究中心的，分别给予60万元、30万元、10万元奖励，"
                                  "对成功创建国家级、省级质量标杆企业的，分别给予40万元、20万元奖励。")
    assert [(d.kind, [t["amount"] for t in d.tiers]) for d in drafts] == [("tiered", ["60万元", "30万元", "10万元"]),
                                                                           ("tiered", ["40万元", "20万元"])]
    assert "质量标杆企业" in drafts[1].quote and "工程研究中心" not in drafts[1].quote


def test_an_amount_range_that_names_the_case_is_no_range_of_awards(tmp_path):
    drafts, _ = drafted(tmp_path, "对完成投资目标的重点项目，投资额在3000万元至8000万元的每个奖励2万元，投资8000万元以上的每个奖励4万元。")
    assert not any(d.kind == "range" for d in drafts)
    assert [(d.kind, [(t["threshold"], t["amount"]) for t in d.tiers]) for d in drafts] == [
        ("tiered_threshold", [("3000万元", "2万元"), ("8000万元", "4万元")])]


def test_an_amount_for_each_unit_over_a_task_is_per_unit(tmp_path):
    drafts, _ = drafted(tmp_path, "对超额完成奖牌数任务的乡镇，县财政按每超1枚奖牌5000元的标准给予奖励。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", "5000元", "枚")]


def test_two_threshold_lists_joined_by_or_sharing_one_award_list_are_a_rule_each(tmp_path):
    drafts, _ = drafted(tmp_path, "凡符合产业规划要求、实际投资额（不含土地成本）达到4000万元、1亿元以上的新建项目或实际投资额达到"
                                  "2000万元、6000万元以上的改造项目，竣工后分别给予一次性奖励10万元、25万元。")
    got = [(d.kind, d.base, [(t["threshold"], t["amount"]) for t in d.tiers]) for d in drafts]
    assert got == [("tiered_threshold", "实际投资额", [("4000万元", "10万元"), ("1亿元", "25万元")]),
                   ("tiered_threshold", "实际投资额", [("2000万元", "10万元"), ("6000万元", "25万元")])]
    assert drafts[0].name.endswith("（新建项目）") and drafts[1].name.endswith("（改造项目）")


def test_per_person_amounts_by_category_are_named_without_the_verb_before_them(tmp_path):
    drafts, _ = drafted(tmp_path, "对组织省外游客来本市的旅行社按每人次30元给予奖补；对组织市外省内游客来本市的旅行社按每人次10元给予奖补。")
    assert [(d.kind, d.unit) for d in drafts] == [("tiered", "人次")]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("组织省外游客来本市的旅行社", "30元"),
                                                                  ("组织市外省内游客来本市的旅行社", "10元")]


def test_an_amount_for_one_unit_of_what_the_applicant_registers_is_per_unit(tmp_path):
    drafts, _ = drafted(tmp_path, "鼓励培育服务业品牌，凡新注册登记服务业商标的，注册一件商标奖励1500元。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", "1500元", "件")]


def test_maxima_for_two_cases_after_an_item_heading_are_tiers(tmp_path):
    drafts, _ = drafted(tmp_path, "标杆项目：对入选市级及以上智能化改造标杆的申报单位，择优给予奖励，金额最高不超过40万元；"
                                  "对入选国家级智能制造示范工厂的申报单位，择优给予奖励，金额最高不超过80万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["amount"] for t in drafts[0].tiers] == ["40万元", "80万元"]

