"""Grades named by a count ("服务本市企业500家以上"): the question's count of that unit chooses the grade."""

from __future__ import annotations

import pytest

from .policy_fixtures import drafted_assistant

TEXT = """某区科技服务机构奖励办法
一、资质奖励。新认定为国家级科技服务机构的，给予30万元奖励。
二、服务奖励。对科技服务机构按以下标准给予奖励：
1、服务本区企业300家以上，服务收入达到600万元的，给予15万元的奖励；
2、服务本区企业150家以上，服务收入达到300万元的，给予8万元的奖励；
3、服务本区企业80家以上，服务收入达到100万元的，给予3万元的奖励。
三、本办法自2024年1月1日起施行，有效期至2026年12月31日。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return drafted_assistant(tmp_path_factory.mktemp("tiers"), "district-2024", TEXT, "2025-06-01")


@pytest.mark.parametrize("count, amount", [("300家", 150000), ("210家", 80000), ("80家", 30000)])
def test_the_count_reaches_its_grade(bot, count, amount):
    answer = bot.ask(f"我们是科技服务机构，去年服务本区企业{count}，服务收入增长了15%，服务奖励能拿多少？")
    assert [c.amount_yuan for c in answer.calculations] == [amount]


def test_a_count_below_every_grade_computes_nothing(bot):
    answer = bot.ask("我们是科技服务机构，去年服务本区企业50家，服务奖励能拿多少？")
    assert answer.calculations == []


HQ = """某区总部经济扶持办法
一、地区总部奖励。对新认定的地区总部，给予一次性奖励100万元。
二、办公用房补贴。地区总部租赁自用办公用房的，按年租金的30%给予补贴，每年最高不超过300万元。
三、推荐奖励。第三方服务机构每推荐1个企业落户，给予1万元奖励，每年最高不超过10万元。
四、本办法自2024年1月1日起施行，有效期至2026年12月31日。
"""


@pytest.fixture(scope="module")
def hq(tmp_path_factory):
    return drafted_assistant(tmp_path_factory.mktemp("hq"), "hq-2024", HQ, "2025-06-01")


def test_two_measures_named_alike_the_one_whose_base_the_figure_is_answers(hq):
    """Both name 地区总部; the figure is 年租金, the base of one of them: that one, not a question back."""
    answer = hq.ask("我们地区总部租了自用办公楼，年租金800万，补贴能拿多少？")
    assert [(c.clause, c.amount_yuan) for c in answer.calculations] == [("二、", 2400000)]


def test_firms_are_counted_with_any_of_their_classifiers(hq):
    answer = hq.ask("我们服务机构今年推荐了14家企业落户，推荐奖励能拿多少？")  # the text counts 个, the firm says 家
    assert [(c.clause, c.amount_yuan) for c in answer.calculations] == [("三、", 100000)]
