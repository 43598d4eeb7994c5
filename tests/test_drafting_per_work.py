"""Awards per work of film and television (每集, 每部): an amount per episode capped per series, a maximum per
work, and a smaller maximum after it that is another case's award, never its cap. Made-up clauses in the style
of district culture texts."""

from __future__ import annotations

from decimal import Decimal

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted, kinds


def test_an_amount_per_episode_capped_per_series(tmp_path):
    drafts, rules = drafted(tmp_path, "对在省级卫视黄金时段首播的纪录片，每集奖励3万元，每部最高奖励60万元。")
    assert [(d.kind, d.amount, d.cap, d.unit) for d in drafts] == [("per_unit", "3万元", "60万元", "集")]
    assert compute(rules[0], Inputs(quantity=Decimal(30))).amount_yuan == 600000
    assert compute(rules[0], Inputs(quantity=Decimal(12))).amount_yuan == 360000


def test_a_maximum_per_work(tmp_path):
    assert kinds(tmp_path, "对在院线上映的动画电影，每部最高奖励40万元。") == ["per_unit"]


def test_a_smaller_maximum_after_is_no_cap(tmp_path):
    drafts, _ = drafted(tmp_path, "对获得国家级影视大奖的作品，每部最高奖励80万元，获得提名的最高奖励20万元。")
    assert all(d.cap != "20万元" for d in drafts)


def test_a_department_is_no_unit(tmp_path):
    assert "per_unit" not in kinds(tmp_path, "对牵头组织活动的单位，每部门给予最高5万元经费支持。")


def test_an_award_named_by_its_own_prize_word_per_person_brought_in(tmp_path):
    drafts, _ = drafted(tmp_path, "每推荐1名高层次人才落户本县，经认定给予最高5万元伯乐奖。同一单位每年奖励最高50万元。")
    assert [(d.kind, d.amount, d.cap, d.unit) for d in drafts] == [("per_unit", "5万元", "50万元", "名")]


def test_a_count_written_with_spaces_around_its_number(tmp_path):
    """Figures keep the spaces the text prints (3 万元), so the accepted rule loads and computes."""
    drafts, rules = drafted(tmp_path, "对认定的众创空间，每孵化 1 家高新技术企业，给予运营单位最高 3 万元奖励，每年累计最高 30 万元。")
    assert [(d.kind, d.amount, d.cap) for d in drafts] == [("per_unit", "3 万元", "30 万元")]
    assert compute(rules[0], Inputs(quantity=Decimal(4))).amount_yuan == 120000
    assert compute(rules[0], Inputs(quantity=Decimal(40))).amount_yuan == 300000


def test_an_amount_for_each_night_in_turn_is_no_amount_and_cap(tmp_path):
    drafts, _ = drafted(tmp_path, "对组织研学团队入住本县酒店的机构，按每人第一晚最高30元、第二晚最高50元的标准给予最高20万元奖励。")
    assert all(d.cap != "50元" for d in drafts)
    assert not [d for d in drafts if d.kind == "per_unit" and d.amount == "30元"]


def test_kinds_of_what_is_counted_are_tiers_per_unit_with_their_cap(tmp_path):
    drafts, rules = drafted(tmp_path, "对向本县企业输送技能人才的职业院校，每输送1名中级工、高级工、技师，分别给予500元、800元、"
                                      "1200元补贴，同一院校每年最高5万元。")
    assert [(d.kind, d.unit, d.cap) for d in drafts] == [("tiered", "名", "5万元")]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("中级工", "500元"), ("高级工", "800元"), ("技师", "1200元")]
    assert compute(rules[0], Inputs(level="技师", quantity=Decimal(10))).amount_yuan == 12000
    assert compute(rules[0], Inputs(level="技师", quantity=Decimal(60))).amount_yuan == 50000


def test_a_settling_in_fee_named_after_its_amount_is_an_award(tmp_path):
    drafts, _ = drafted(tmp_path, "对来本县工作的博士，经认定给予最高15万元安家费。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "15万元")]
