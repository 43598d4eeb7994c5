"""Lists of separate units with their sum, a part of a total in brackets, a measure's name that is no label of the
figure after it, a guarantee fee, the place of registration in brackets, and a money question with no base at all.
Each row is the figure (or the question back) a user relies on."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assistant.service import Assistant
from assistant.settings import Settings


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(Settings.from_env(index_dir=tmp_path_factory.mktemp("lists-index"), embedding="hash",
                                       today="2023-06-01"))


def calcs(answer) -> list[tuple[str, D, D]]:
    return [(c.rule_id, c.base_yuan, c.amount_yuan) for c in answer.calculations]


@pytest.mark.parametrize("question, expected", [
    ("我们建了两个测试验证平台，建设投资分别为一千万和二百万，共计一千二百万，各自能补多少？",
     [("platform_construction", D("10000000"), D("3000000")), ("platform_construction", D("2000000"), D("600000"))]),
    ("我司有两个在库项目应用了两清单内的新技术新产品，A项目投资额1.2亿元，B项目投资额9000万元，合计2.1亿元。请问合计可获补贴多少？",
     [("list_application", D("120000000"), D("30000000")), ("list_application", D("90000000"), D("27000000"))]),
    ("我司各建设了一个场景实验室（两个独立项目），项目投资额分别为2800万元和1600万元，两个加起来4400万，分别能拿多少？",
     [("scenario_lab", D("28000000"), D("8400000")), ("scenario_lab", D("16000000"), D("4800000"))]),
    # the phases of one project: their total is the base
    ("场景实验室一期600万、二期700万，两期总投资1300万，能补多少", [("scenario_lab", D("13000000"), D("3900000"))]),
    # a per-enterprise cap: the premiums of one firm are summed whatever the wording
    ("两笔保费分别为900万和1600万，合计2500万，保费补贴多少", [("insurance_premium", D("25000000"), D("10000000"))]),
])
def test_separate_units_are_computed_each_and_their_sum_is_no_base(bot, question, expected):
    assert calcs(bot.ask(question)) == expected


def test_two_units_counted_in_the_clause_before_each_figure(bot):
    answer = bot.ask("那如果是两个独立的平台，各900万呢？", history=[{"role": "user", "content": "测试平台建设投资1800万能补多少"}])
    assert calcs(answer) == [("platform_construction", D("9000000"), D("2700000"))] * 2


def test_the_part_of_a_total_in_brackets_with_its_own_base_word_is_the_base(bot):
    answer = bot.ask("我司注册资本1亿，贷款总额3亿（其中固定资产投资贷款2亿，流动资金贷款1亿），项目已入库，贴息能给多少？")
    assert calcs(answer) == [("loan_interest", D("200000000"), D("4000000"))]


def test_a_part_in_brackets_without_a_base_word_stays_a_part(bot):
    assert calcs(bot.ask("场景实验室总投资2000万（其中设备800万），能补多少")) == [("scenario_lab", D("20000000"), D("6000000"))]


def test_a_measure_named_before_a_price_paid_does_not_make_the_price_its_base(bot):
    answer = bot.ask("我们想申请保费补贴，采购设备花了600万，能补多少")
    assert calcs(answer) == [] and any("保费" in f for f in answer.follow_up)


def test_a_guarantee_fee_is_another_policys_support_and_never_a_premium(bot):
    answer = bot.ask("北京市中小企业融资担保费补贴怎么申请？我们担保费40万")
    assert not answer.in_scope and calcs(answer) == []
    assert calcs(bot.ask("新产品的保费补贴，我们保费40万能补多少")) == [("insurance_premium", D("400000"), D("200000"))]


def test_the_place_of_registration_in_brackets_is_the_firms_not_the_place_of_the_project(bot):
    answer = bot.ask("外地企业（注册在深圳）在北京做新基建项目能申请吗？")
    assert next(v.met for v in answer.eligibility if v.criterion.startswith("在北京市注册经营")) is False


@pytest.mark.parametrize("question", ["我们公司营收5个亿，注册资本2亿，能申请多少补贴？", "我们注册资本5000万，能拿多少"])
def test_a_money_question_whose_only_figures_are_no_base_asks_which_measure(bot, question):
    answer = bot.ask(question)
    assert calcs(answer) == [] and answer.in_scope and answer.follow_up


def test_the_gap_to_a_bar_is_no_figure_of_the_base(bot):
    answer = bot.ask("项目总投资九百九十九万，差一万能入库吗")
    assert next(v.met for v in answer.eligibility if v.criterion.startswith("纳入市级新基建重点项目库")) is False
    assert not answer.follow_up or all("多个金额" not in f for f in answer.follow_up)
