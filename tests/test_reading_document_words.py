"""A figure is tied to a base by words of the document asked about: a word only another text's rules use
("项目总投资", the first policy's) does not make a figure the base of a measure paid on something else; and two
different figures of one base that the message does not list as items are asked about, never both computed."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

DOC = "some-city-clean-heating-2026"
TEXT = """某市关于支持清洁供热项目建设的通知

一、支持范围
对清洁能源供热装机占比达到60%及以上的供热新建及改扩建项目，给予清洁能源建设投资30%的市政府固定资产投资支持。
二、其他
本通知自印发之日起施行。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2026-06-01")


def calcs(answer):
    return [(c.base_yuan, c.amount_yuan) for c in answer.calculations]


def test_the_base_said_in_its_own_words_is_computed(bot):
    assert calcs(bot.ask("清洁供热项目，装机占比70%，清洁能源建设投资9200万，市里能支持多少？")) == [(D("92000000"), D("27600000"))]


def test_another_texts_word_for_a_total_does_not_make_it_this_measures_base(bot):
    answer = bot.ask("清洁供热项目，装机占比70%。项目总投资1.5个亿，其中清洁能源部分的建设投资9,200万，剩下的是燃气锅炉。市里能支持多少？")
    assert all(c.base_yuan != D("150000000") for c in answer.calculations)


def test_two_figures_of_one_base_not_listed_as_items_are_asked_about(bot):
    answer = bot.ask("清洁供热项目，清洁能源建设投资合计3260万元，集团全年清洁能源建设投资15亿。能支持多少？")
    assert calcs(answer) == [] and answer.follow_up


def test_two_figures_listed_as_items_are_each_computed(bot):
    answer = bot.ask("我们有两个清洁供热项目，清洁能源建设投资分别为1000万和2000万，各能支持多少？")
    assert calcs(answer) == [(D("10000000"), D("3000000")), (D("20000000"), D("6000000"))]


def test_a_percentage_below_the_bar_of_the_award_is_not_computed(bot):
    answer = bot.ask("清洁供热项目改造后装机占比正好30%，清洁能源建设投资三千四百万，市里能支持多少？")
    assert calcs(answer) == []
    assert calcs(bot.ask("清洁供热项目改造后装机占比65%，清洁能源建设投资三千四百万，市里能支持多少？")) == [
        (D("34000000"), D("10200000"))]
