"""A shared base drafted with its qualifier and 额 (项目固定资产投资额) is also said without them ("固定资产投资1200万"):
the figure is that measure's base, never taken as the base of a sibling measure paid on something else."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

DOC = "some-district-film-industry-2025"
TEXT = """某区促进影视产业发展的若干措施

第一条 为促进影视产业发展，制定本措施。
第二条 支持短剧创作。对经审核通过的短剧作品，上线播出后分账收入达到50万元以上的，最高可按该部作品分账收入的1%给予出品方不超过15万元奖励。
对在本区新建或改建短剧拍摄基地固定资产投资额达到500万元以上的项目，最高可按项目固定资产投资额的10%给予不超过200万元奖励。
第三条 本措施自2025年1月1日起施行，有效期三年。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2025-06-01")


def test_fixed_asset_investment_said_short_is_the_base_of_the_investment_award(bot):
    answer = bot.ask("打算改建一个短剧拍摄基地，新建摄影棚加设备更新，固定资产投资1200万。建成认定后最多奖多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in answer.calculations] == [(D("12000000"), D("1200000"))]


def test_the_revenue_share_award_is_still_computed_on_its_own_base(bot):
    answer = bot.ask("我们的短剧作品上线后分账收入800万，能奖多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in answer.calculations] == [(D("8000000"), D("80000"))]
