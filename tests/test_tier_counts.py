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
