"""A base written with what it leaves out (区级留成部分（不含个人所得税区级留成部分）) is named by its own words without
the bracket; a head two measures' bases share names neither as its own, so a figure said with it is not computed
for the other measure the question does not ask about."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

DOC = "some-park-tax-retention-awards-2020"
TEXT = """某园区企业扶持办法

第一条 为支持入园企业发展，制定本办法。
第二条 产业奖励。入园企业前两年上缴税收区级留成部分（不含个人所得税区级留成部分）予以全额产业奖励，第三、第四年按区级留成部分的60%予以产业奖励。
第三条 人才奖励。入园企业聘用的高管，个人所得税三年内区级留成部分全额奖励。
第四条 本办法自2020年1月1日起施行，有效期至2025年12月31日。
"""


bot = drafted_bot_fixture(DOC, TEXT, "2021-06-01")


def test_the_figure_of_a_base_with_an_exclusion_is_that_measures_and_no_other(bot):
    answer = bot.ask("我们是入园企业，今年是入园第三年，缴税共500万，其中区级留成部分（不含个税）是120万，产业奖励能拿多少？")
    assert [(c.clause, c.amount_yuan) for c in answer.calculations] == [("第二条", D("720000"))]
