"""Awards paid per person (household, vehicle) per day or month, as social and emergency policies write them
(按每人每天300元给予补偿, 每户每月500元发放生活救助金): drafted with their compound unit, and computed on the
persons times the days or months the question gives, never on the persons alone."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assistant.knowledge.base import Knowledge

from .policy_fixtures import drafted_assistant

DOC = "some-city-rescue-compensation-2024"
TEXT = """某市应急救援补偿办法

第一条 为规范社会力量参与应急救援的补偿，制定本办法。
第二条 人员补偿。参加救援的队员按每人每天300元给予补偿。
第三条 车辆补偿。租用社会车辆参加救援的，按每台每天800元给予补偿，单次救援最高不超过5万元。
第四条 生活救助。对受灾困难家庭按每户每月500元发放生活救助金。
第五条 本办法自2024年1月1日起施行。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return drafted_assistant(tmp_path_factory.mktemp("per-period"), DOC, TEXT, "2024-06-01")


def _calcs(answer):
    return [(c.clause, c.amount_yuan) for c in answer.calculations]


def test_a_compound_unit_is_drafted_whole_and_compensation_and_relief_are_awards(bot):
    rules = {r.clause: r for r in Knowledge.load(bot.settings.corpus_dir).rules if r.doc_id == DOC}
    assert (rules["第二条"].unit, rules["第二条"].amount) == ("人天", D("300"))
    assert (rules["第三条"].unit, rules["第三条"].cap) == ("台天", D("50000"))
    assert rules["第四条"].unit == "户月"  # 发放生活救助金 is support as much as 给予补贴


@pytest.mark.parametrize("q, want", [
    ("我们派了12名队员参加救援，干了3天，人员补偿多少？", [("第二条", D("10800"))]),  # 12 × 3 × 300
    ("车辆补偿：10台车，5月3日开始救援，一共8天，补多少", [("第三条", D("50000"))]),  # 80 × 800, capped; 3日 is a date
    ("受灾困难家庭的生活救助，一年能领多少钱？", [("第四条", D("6000"))]),  # one household × 12 × 500
])
def test_persons_times_periods(bot, q, want):
    assert _calcs(bot.ask(q)) == want


def test_persons_without_a_period_are_not_computed_as_if_one_day(bot):
    got = _calcs(bot.ask("我们派了12名队员参加救援，人员补偿多少？"))
    assert ("第二条", D("3600")) not in got  # 12 persons × 300 would be one day, which the question never said
