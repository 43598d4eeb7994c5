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
def bots(tmp_path_factory):
    """An assistant per synthetic text of this module (added and accepted as drafted), built once."""
    made = {}

    def get(stem: str, text: str):
        if stem not in made:
            made[stem] = drafted_assistant(tmp_path_factory.mktemp(stem), stem, text, "2025-06-01")
        return made[stem]
    return get


@pytest.fixture
def bot(bots):
    return bots("district-2024", TEXT)


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


def test_two_measures_named_alike_the_one_whose_base_the_figure_is_answers(bots):
    """Both name 地区总部; the figure is 年租金, the base of one of them: that one, not a question back."""
    answer = bots("hq-2024", HQ).ask("我们地区总部租了自用办公楼，年租金800万，补贴能拿多少？")
    assert [(c.clause, c.amount_yuan) for c in answer.calculations] == [("二、", 2400000)]


def test_firms_are_counted_with_any_of_their_classifiers(bots):
    answer = bots("hq-2024", HQ).ask("我们服务机构今年推荐了14家企业落户，推荐奖励能拿多少？")  # the text counts 个, the firm says 家
    assert [(c.clause, c.amount_yuan) for c in answer.calculations] == [("三、", 100000)]


LEVELS = """某区孵化载体支持办法
一、载体认定支持。对被评定为国家级、省级、市级科技企业孵化载体的，分别给予80万元、30万元、20万元一次性支持。不同级别叠加支持。
二、人才驿站支持。对被评定为国家级、省级、市级人才驿站的，分别给予50万元、20万元、10万元一次性支持，同一驿站按最高级别给予，不重复支持。
三、本办法自2024年1月1日起施行，有效期至2026年12月31日。
"""


def test_levels_held_at_once_add_up_only_where_the_clause_says_so(bots):
    levels = bots("levels-2024", LEVELS)
    both = levels.ask("我们同时被评为省级和市级科技企业孵化载体，载体认定支持能拿多少？")
    assert sorted(c.amount_yuan for c in both.calculations) == [200000, 300000]  # 叠加: each level
    highest = levels.ask("我们的人才驿站被评为省级和市级人才驿站，能拿多少支持？")
    assert [c.amount_yuan for c in highest.calculations] == [200000]  # 按最高级别，不重复: the highest only
