"""Awards by bands of a share beside another award on the same base: the share the user gives picks the band, and the
other award, which the question does not name, is not computed on the same figure."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

DOC = "some-city-clean-heating-bands-2026"
TEXT = """某市关于支持清洁供热项目建设的通知

一、支持标准
（一）对清洁能源供热装机占比达到60%及以上的供热新建及改扩建项目，给予清洁能源建设投资30%的市政府固定资产投资支持；装机占比30%至60%（不含）的给予20%资金支持。
（二）对清洁能源供热装机占比30%及以上的新技术应用项目、多能耦合综合能源站项目，给予清洁能源建设投资30%的资金支持。
二、其他
本通知自印发之日起施行。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2026-06-01")


def test_the_share_picks_its_band_and_the_award_not_named_is_not_computed(bot):
    answer = bot.ask("我们改扩建一个供热项目，改造后清洁能源装机占比正好30%，清洁能源建设投资三千四百万，市里能支持多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in answer.calculations] == [(D("34000000"), D("6800000"))]
