"""A clause with a maximum that names no base beside an award paid on a figure: a question giving that figure is about
the award paid on it; and a base drafted with its 额 (当年度实际销售回款额) is also said without it ("实际销售回款45万")."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

DOC = "some-district-digital-suppliers-2025"
TEXT = """某区支持制造业数字化发展实施细则

第一条 为推动制造业数字化发展，制定本细则。
第二条 数字化转型产品供给奖励。
1.对于通过服务平台供给端遴选，并支撑10家以上本区制造业企业完成转型升级的供给方，根据产品应用程度和使用总额，给予最高不超过10万元的奖励。
2.对于通过服务平台供给端遴选，且通过服务平台销售总额不低于200万元（不含税）的供给方，按其当年度实际销售回款额的20%给予一次性最高10万元的奖励。
第三条 本细则自2025年5月15日起施行，有效期3年。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2025-06-01")


def test_the_figure_given_picks_the_award_paid_on_it_over_the_bare_maximum_beside_it(bot):
    answer = bot.ask("我们产品通过了供给端遴选，在平台上累计卖了260万（不含税），今年实际销售回款45万。供给方这块奖励能拿多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in answer.calculations] == [(D("450000"), D("90000"))]


DOC2 = "some-city-talent-matching-2021"
TEXT2 = """某市关于进一步支持科技创新的若干政策

1.为支持科技创新，制定本政策。
2.对新引进的全职两院院士，每引进一名按省级奖励标准的50%给予配套奖励。
3.本政策自2021年1月1日起施行。
"""

bot2 = drafted_bot_fixture(DOC2, TEXT2, "2021-06-01")


def test_a_figure_said_for_each_of_several_persons_is_computed_once_for_each(bot2):
    answer = bot2.ask("我们研究院今年新引进了2名全职两院院士，省里的奖励标准是每人150万，市里配套奖励一共多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in answer.calculations] == [(D("1500000"), D("750000"))] * 2
