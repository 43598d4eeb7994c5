"""Drafting the wording of assistance and care texts (救助, 养老, 住房保障), one class at a time: standards paid per
person and period, per-unit amounts written after the amount, caps per person and day, floors that are no award,
and support without figures. Each sentence is written in the style of such texts, not copied from the annotated
ones, and must be drafted as the kind that expresses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted, topics_of


@pytest.mark.parametrize("body, quoted", [
    # assistance decided case by case, or left to another body's own standard
    ("对遭遇特大火灾的困难家庭，由区民政部门采取一事一议方式确定救助金额。", "一事一议"),
    ("社区长者食堂的运营补贴标准，由各区根据当地实际确定。", "由各区根据当地实际确定"),
    ("市财政对经济欠发达的镇给予适当支持。", "给予适当支持"),
    # levels named, no amounts for them
    ("对获评优秀、良好等次的社区服务中心，区财政分别给予一次性奖补。", "分别给予一次性奖补"),
    # 上述 naming people (the graduates above), not figures stated elsewhere
    ("从2024年起，上述专业的毕业生在本区养老机构就业满3年的，区财政给予一次性就业奖励。", "给予一次性就业奖励"),
    # money support named beside a tax rule
    ("参与社区养老服务的社会组织，可按照有关规定享受财政补贴、税收优惠等政策。", "享受财政补贴、税收优惠等政策"),
])
def test_assistance_without_a_figure_is_a_topic(tmp_path: Path, body, quoted):
    assert any(quoted in q for q in topics_of(tmp_path, body))


@pytest.mark.parametrize("body", [
    "对上述补贴标准，各区可在本办法规定范围内适当提高。",  # figures stated elsewhere
    "养老机构提供的养护服务，按国家规定享受免征增值税的税收优惠政策。",  # a tax rule, no money paid by the text
])
def test_standards_elsewhere_and_tax_rules_stay_no_topics(tmp_path: Path, body):
    assert topics_of(tmp_path, body) == []


def test_a_maximum_award_named_jiang_bu_is_a_cap(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对年度考核排名前5位的服务平台，每个一次性给予最高100万元奖补。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "100万元")]
    assert compute(rules[0], Inputs()).amount_yuan == 1000000


def test_a_rent_reduction_by_a_range_of_full_width_rates_is_a_range_of_rates(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "对承租公共租赁住房的困难家庭，按照家庭收入情况给予租金减免，租金缴交比例为市场租金的20％－60％。")
    assert [(d.kind, d.low, d.high) for d in drafts] == [("range", "20％", "60％")]
    assert drafts[0].base_key  # a range of rates asks for its base, as 20%-60% does
