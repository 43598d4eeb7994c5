"""A policy for persons (talent housing): a person asking about a support the text names in its own words is asked
about that text, not turned away as a private affair; a private purchase under a policy for firms still is."""

from __future__ import annotations

from .policy_fixtures import drafted_bot_fixture

DOC = "some-district-talent-housing-2024"
TEXT = """某区促进人才安居的若干措施

第一条 为吸引各类人才来区创新创业，制定本措施。
第二条 购房补贴。对在本区工作的高层次人才，按在本区实际购房金额的50%给予最高100万元购房补贴。
第三条 租房补贴。对在本区工作且未享受购房补贴的青年人才，每月给予1000元租房补贴，补贴期限为3年。
第四条 本措施自2024年1月1日起施行，有效期至2026年12月31日。
"""


bot = drafted_bot_fixture(DOC, TEXT, "2024-06-01")


def test_a_person_asking_about_a_support_the_text_names_is_answered_from_it(bot):
    answer = bot.ask("我是区里引进的高层次人才，在区里买房花了160万，购房补贴能给多少？")
    assert answer.in_scope is True
    assert [(c.rule_id.split(".")[0], c.amount_yuan) for c in answer.calculations] == [(DOC, 800000)]


def test_a_private_purchase_under_a_policy_for_firms_is_still_out_of_scope(bot):
    assert bot.ask("我个人贷款买房能贴息吗").in_scope is False


CATEGORIES = """某区人才入户奖励办法

第一条 为引进青年人才，制定本办法。
第二条 入户奖励。对新入户本区的人才，按博士研究生5万元、硕士研究生3万元的标准给予新入户奖励。
第三条 本办法自2024年1月1日起施行，有效期至2026年12月31日。
"""
categories = drafted_bot_fixture("some-district-settlement-awards-2024", CATEGORIES, "2024-06-01")


def test_persons_counted_per_category_get_each_categorys_amount(categories):
    answer = categories.ask("我们公司今年有2个博士、3个硕士新入户本区，入户奖励一共能拿多少？")
    assert sorted(c.amount_yuan for c in answer.calculations) == [90000, 100000]
    answer = categories.ask("今年来了2个博士和几个硕士，入户奖励一共多少？")
    assert [c.amount_yuan for c in answer.calculations] != [50000]  # a level named without its count: not one person's
