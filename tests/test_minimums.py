"""Minimum figures an award requires are conditions of the award (issue 18): "注册资本在1000万元（含）以上，且年度
营业收入在1亿元（含）以上，按营业额的0.2%给予奖励" is drafted with both floors as conditions, never as awards; a firm
whose figure is below a floor is told so with the text's words and gets no amount computed; one that reaches
them gets the award; one that does not say is asked."""

from __future__ import annotations

from decimal import Decimal as D

from assistant.knowledge.minimums import find_minimums

from .policy_fixtures import drafted_bot_fixture

TEXT = ("某市总部经济扶持办法\n"
        "一、新迁入本市的企业地区总部，注册资本在2000万元（含）以上，且年度营业收入在5亿元（含）以上的，按营业收入的0.1%给予奖励，"
        "每年最高不超过80万元。\n"
        "二、对年度研发投入达到300万元以上的企业，给予一次性奖励20万元。\n"
        "三、本办法自2023年1月1日起施行，有效期至2025年12月31日。\n")


bot = drafted_bot_fixture("mock-hq", TEXT, "2023-06-01")


def test_floors_are_read_with_their_words_and_whether_the_number_counts():
    found = find_minimums("注册资本在2000万元（含）以上，且年度营业收入超过5亿元的，按营业收入的0.1%给予奖励")
    assert [(m["term"], m["threshold"], m["inclusive"]) for m in found] == [("注册资本", "2000万元", True),
                                                                          ("年度营业收入", "5亿元", False)]
    assert "营业收入" in found[1]["terms"]
    assert find_minimums("年度营业收入在5000万元—2亿元（含）的，奖励5万元") == []  # a band, not a floor
    assert find_minimums("给予一次性奖励20万元，最高不超过50万元") == []  # awards and caps are no floors


def test_a_firm_below_a_floor_gets_no_amount_and_the_floor_it_misses(bot):
    a = bot.ask("我们是新迁入的企业地区总部，注册资本只有1500万，年度营业收入8亿元，总部奖励能拿多少？")
    assert a.calculations == []
    assert "不满足" in a.answer and "注册资本在2000万元（含）以上" in a.answer
    missed = [v for v in a.eligibility if v.met is False]
    assert [v.criterion for v in missed] == ["注册资本在2000万元（含）以上"]


def test_a_firm_that_reaches_every_floor_gets_the_award(bot):
    a = bot.ask("我们是新迁入的企业地区总部，注册资本3000万，年度营业收入8亿元，总部奖励能拿多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in a.calculations] == [(D("800000000"), D("800000"))]
    assert all(v.met for v in a.eligibility if v.criterion.startswith(("注册资本", "年度营业收入")))


def test_a_floor_exactly_reached_counts_and_one_missed_by_a_little_does_not(bot):
    assert bot.ask("年度研发投入刚好300万元，研发投入奖励能拿多少？").calculations[0].amount_yuan == D("200000")
    a = bot.ask("年度研发投入299万元，研发投入奖励能拿多少？")
    assert a.calculations == [] and "年度研发投入达到300万元以上" in a.answer


def test_a_floor_not_stated_is_asked_about(bot):
    a = bot.ask("新迁入的企业地区总部，年度营业收入8亿元，奖励多少？")
    unknown = [v for v in a.eligibility if v.met is None and v.criterion.startswith("注册资本")]
    assert unknown and "注册资本" in unknown[0].ask


def test_minimum_ids_name_their_document():
    """Readers gather the minimums of every document by id: rule r1 of two documents never shares one."""
    from assistant.knowledge.minimums import minimum_conditions

    quote = "注册资本在500万元（含）以上的物流企业，按营业额的0.1%给予奖励"
    a = minimum_conditions("city-a-logistics.r1", "rate", "（一）", quote)
    b = minimum_conditions("county-b-logistics.r1", "rate", "（一）", quote)
    assert len(a) == len(b) == 1 and not set(a) & set(b)
