"""Bands of an amount in a foreign currency: a question giving the amount in that currency reaches the rule,
which compares it in that currency (never converted); an amount in a foreign currency is never the base of a
rule in yuan."""

from __future__ import annotations

import pytest

from .policy_fixtures import drafted_assistant

TEXT = """某市鼓励外商投资若干措施
一、新设外资企业奖励。对新设立的外资制造业企业，实缴注册外资1000万（含）至2000万美元、2000万（含）至1亿美元、1亿美元（含）以上的，经认定分别给予600万元、900万元、1200万元奖励。
二、本措施自2024年1月1日起施行，有效期至2026年12月31日。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return drafted_assistant(tmp_path_factory.mktemp("foreign"), "foreign-2024", TEXT, "2025-06-01")


def test_the_bands_are_drafted_with_their_base_and_currency(bot):
    rule = bot.kb.rules.get("foreign-2024.r1")
    assert (rule.kind, rule.currency, rule.base) == ("tiered_threshold", "美元", "实缴注册外资")


@pytest.mark.parametrize("question, amount", [
    ("我们是新设的外资制造企业，实缴注册外资正好2000万美元，能拿多少奖励？", 9000000),  # 2000万（含）: the second band
    ("实缴注册外资1500万美元，外资企业奖励多少", 6000000),
    ("我们实缴注册外资2亿美元，新设外资企业奖励是多少", 12000000),
])
def test_a_foreign_amount_reaches_the_rule_in_its_currency(bot, question, amount):
    answer = bot.ask(question)
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [("foreign-2024.r1", amount)]
    assert "不是人民币" not in answer.answer


def test_a_foreign_amount_is_never_the_base_of_a_rule_in_yuan(bot):
    answer = bot.ask("我们在海淀建场景实验室，投资500万美元，能补多少？")
    assert answer.calculations == [] and "不是人民币" in answer.answer
