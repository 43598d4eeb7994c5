"""Totals of several units, a follow-up that scales the earlier figure, items in clauses of the same form, and a figure
said in passing beside the one measure the asking clause names. Each row is the figure (or none) a user relies on."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assistant.service import Assistant
from assistant.settings import Settings


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(Settings.from_env(index_dir=tmp_path_factory.mktemp("totals-index"), embedding="hash",
                                       today="2023-06-01"))


def calcs(answer):
    return [(c.rule_id, c.base_yuan, c.amount_yuan) for c in answer.calculations]


@pytest.mark.parametrize("question", ["兩個項目加起來投資4000萬，都是場景實驗室，能補多少？",
                                      "小批量测试和场景实验室都做了，两个总共花了3000万，各能补多少"])
def test_a_total_of_several_units_is_no_one_units_base(bot, question):
    answer = bot.ask(question)
    assert calcs(answer) == [] and answer.follow_up


def test_a_total_of_one_firms_premiums_is_still_its_base(bot):
    assert calcs(bot.ask("两笔保费一共2000万，保费补贴多少")) == [("insurance_premium", D("20000000"), D("10000000"))]


def test_items_in_clauses_of_the_same_form_asked_each_are_each_computed(bot):
    answer = bot.ask("我们有两个场景实验室：望京那个投资2,400万，亦庄那个投资4,000万，合计6,400万，分别能补多少")
    assert calcs(answer) == [("scenario_lab", D("24000000"), D("7200000")), ("scenario_lab", D("40000000"), D("10000000"))]


def test_a_follow_up_that_doubles_the_figure_computes_on_the_doubled_figure(bot):
    answer = bot.ask("那翻一倍呢", history=[{"role": "user", "content": "小批量验证投资1000万能补多少"}])
    assert calcs(answer) == [("small_batch", D("20000000"), D("6000000"))]


def test_a_loan_said_in_passing_is_not_computed_beside_the_measure_asked(bot):
    answer = bot.ask("在库项目总投资5.6亿元，已获得银行贷款3亿元，项目应用了两清单内新产品，应用清单产品这块补贴多少")
    assert calcs(answer) == [("list_application", D("560000000"), D("30000000"))]


def test_a_figure_with_its_own_base_word_never_takes_the_base_of_the_figure_before(bot):
    answer = bot.ask("项目已入库，场景实验室投资额1,960万元，小批量测试投资额480万元，请问可获补贴金额？")
    assert calcs(answer) == [("scenario_lab", D("19600000"), D("5880000")), ("small_batch", D("4800000"), D("1440000"))]


def test_an_asking_clause_that_names_two_measures_gets_both(bot):
    answer = bot.ask("在库项目采购应用了标杆技术清单内的产品，项目投资额4200万元，对新产品投保的保费是86万元。"
                     "想问一下保费补贴和项目应用补贴分别最多多少？")
    assert sorted(calcs(answer)) == [("insurance_premium", D("860000"), D("430000")),
                                     ("list_application", D("42000000"), D("12600000"))]
