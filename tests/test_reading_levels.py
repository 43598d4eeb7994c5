"""Questions about an added text whose awards are paid by level, or asked about with "can we apply": a level
the question names (四星级) chooses the measure paid by that level, and a question asking whether, not how much,
is answered with the conditions, never with a computed award."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from .policy_fixtures import drafted_assistant

TEXT = """某市养老服务发展扶持办法

第一条 为促进本市养老服务业发展，制定本办法。本办法适用于在本市登记注册的养老服务机构。
第二条 星级评定补贴。养老服务机构被评定为星级且评定证书在有效期内的，被评为五星级的给予10万元，四星级的给予5万元，三星级的给予3万元。
第三条 规模提升奖励。对首次纳入规模以上服务业统计的养老服务企业，给予一次性奖励8万元。
第四条 人才培训补贴。对开展护理员岗前培训的机构，按培训费用的50%给予补贴，单个机构每年最高不超过20万元。
第五条 护理补贴调整标准。一级护理对象护理补贴标准由每人每月200元调整为300元；二级护理对象护理补贴标准由每人每月100元调整为150元。
第六条 高学历人才补贴。对新引进的全日制本科生、硕士研究生、博士研究生，分别给予2万元、4万元、6万元住房补贴。
第七条 示范基地补贴。养老服务机构连续两年每年接收实习护理员超过50人、留用率达到60%以上的，可认定为示范基地，按每人200元给予补贴，每年最高不超过5万元。
第八条 研发平台补助。首次认定为国家级、市级工程研究中心的，分别一次性补助100万元、50万元。同一机构在不同年度被认定为不同级别的，实行差额补助。
第九条 孵化载体建设。被授予省外荣誉称号的孵化载体，给予每家30万元一次性支持；被评定为国家级、省级、市级孵化载体的，分别给予每家80万元、30万元、20万元一次性支持。不同级别叠加支持。
第十条 本办法自2024年1月1日起施行，有效期3年。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return drafted_assistant(tmp_path_factory.mktemp("levels"), "some-city-elderly-levels-2024", TEXT, "2024-06-01")


def _calcs(answer):
    return [(c.rule_id.rsplit(".", 1)[0], c.amount_yuan) for c in answer.calculations]


@pytest.mark.parametrize("q, want", [
    ("我们机构去年被评为四星级，证书还有效，能拿多少补贴？", D("50000")),
    ("三星级的养老机构补贴多少钱", D("30000")),
])
def test_a_level_the_question_names_chooses_the_measure_paid_by_level(bot, q, want):
    answer = bot.ask(q)
    assert _calcs(answer) == [("some-city-elderly-levels-2024", want)]
    assert any(c.clause == "第二条" for c in answer.citations)


def test_whether_one_can_apply_is_answered_with_the_conditions_not_a_computed_award(bot):
    answer = bot.ask("我们今年首次纳入规上统计了，可以申请那个8万元的一次性奖励吗？")
    assert answer.calculations == []
    assert any(c.clause == "第三条" for c in answer.citations)
    assert "8万元" in answer.answer  # the text's figure is quoted, as the text states it
    # asked how much, the same award is what the text sets
    assert _calcs(bot.ask("规模提升奖励能拿多少？")) == [("some-city-elderly-levels-2024", D("80000"))]


def test_an_adverb_between_can_and_apply_still_asks_whether(bot):
    assert bot.ask("去年拿过规模提升奖励，今年还能再申请吗？").calculations == []


@pytest.mark.parametrize("q, want", [
    ("我家老人是一级护理对象，护理补贴一个月多少？领一整年是多少钱？", D("3600")),  # one person, twelve months
    ("我们院里有4名二级护理对象，半年的护理补贴一共多少？", D("3600")),  # 4 × 6 months × 150
    ("二级护理对象的护理补贴每月多少？", D("150")),  # no period: the monthly figure itself
])
def test_a_measure_paid_per_person_per_month_is_times_persons_and_months(bot, q, want):
    assert _calcs(bot.ask(q)) == [("some-city-elderly-levels-2024", want)]


def test_groups_of_several_counts_are_not_summed_on_a_guess(bot):
    # "20位…另外5位…": two groups, perhaps at two rates; never one of the counts times the period
    got = _calcs(bot.ask("院里有20位一级护理对象，另外5位二级护理对象，上半年护理补贴能领多少？"))
    assert not any(a in (D("36000"), D("4500"), D("6000"), D("9000")) for _, a in got)


def test_a_level_named_in_words_of_its_own_chooses_it_and_two_named_choose_none(bot):
    # 硕士 tells 硕士研究生 apart from 本科生 and 博士研究生
    assert _calcs(bot.ask("我今年硕士毕业刚被引进，高学历人才补贴是多少？")) == [("some-city-elderly-levels-2024", D("40000"))]
    # "按本科还是博士算": two levels named, so neither is taken
    assert _calcs(bot.ask("高学历人才补贴我该按本科还是博士算？能拿多少？")) == []


def test_a_yes_no_question_about_a_per_person_award_computes_nothing_on_the_rate(bot):
    # "能评…拿那个200元一个人的补贴吗": whether; "200元一个人" is the rate per person, not a count of one
    answer = bot.ask("我们连续两年每年接收60个实习护理员，留用率只有55%，能评示范基地拿那个200元一个人的补贴吗？")
    assert answer.calculations == []
    assert any(c.clause == "第七条" for c in answer.citations)
    # asked how much, with the count: the count times the rate
    assert _calcs(bot.ask("示范基地补贴，今年接收了80个实习护理员，能拿多少？")) == [("some-city-elderly-levels-2024", D("16000"))]


def test_an_upgrade_in_a_clause_that_pays_the_difference_gets_the_difference(bot):
    q = "我们的工程研究中心前年被认定为市级，当时补了五十万元；今年升为国家级了，研发平台补助这次还能补多少？"
    assert _calcs(bot.ask(q)) == [("some-city-elderly-levels-2024", D("500000"))]  # 100万 − 50万 received
    assert _calcs(bot.ask("我们的工程研究中心今年被认定为国家级，研发平台补助能拿多少？")) == \
        [("some-city-elderly-levels-2024", D("1000000"))]


def test_two_levels_held_at_once_of_an_award_that_adds_them_up(bot):
    # "同时被评为省级和市级": two levels of the tiered award (叠加), not the sibling award nor two measures side by side
    answer = bot.ask("我们的孵化器同时被评为省级和市级孵化载体，孵化载体建设支持一共能拿多少？")
    assert sorted(a for _, a in _calcs(answer)) == [D("200000"), D("300000")]
    assert all(c.selected in ("省级", "市级") for c in answer.calculations)
