"""Drafting the wording of assistance and care texts (救助, 养老, 住房保障), one class at a time: standards paid per
person and period, per-unit amounts written after the amount, caps per person and day, floors that are no award,
and support without figures. Each sentence is written in the style of such texts, not copied from the annotated
ones, and must be drafted as the kind that expresses it."""

from __future__ import annotations

from decimal import Decimal
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
    # a named allowance paid with no amount in the sentence, even where figures follow in the clause
    ("为本区90周岁以上老人发放长寿生活补贴，并逐步扩大补贴范围。", "发放长寿生活补贴"),
    ("给予困难残疾人家庭实施无障碍改造一次性补贴，每年改造不少于100户。对新建床位每张补贴5000元。", "无障碍改造一次性补贴"),
])
def test_assistance_without_a_figure_is_a_topic(tmp_path: Path, body, quoted):
    assert any(quoted in q for q in topics_of(tmp_path, body))


@pytest.mark.parametrize("body", [
    "对上述补贴标准，各区可在本办法规定范围内适当提高。",  # figures stated elsewhere
    "养老机构提供的养护服务，按国家规定享受免征增值税的税收优惠政策。",  # a tax rule, no money paid by the text
    "对新入驻企业给予一次性补贴，补贴标准为每家5万元。",  # the allowance's amount is in the sentence: a rule, no topic
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


@pytest.mark.parametrize("body, expected", [
    # the unit written after the amount (元每人每天), and a maximum per person and day beside it
    ("救援队员伙食费按照80元每人每天标准给予定额补助。", [("per_unit", "80元", "人天")]),
    ("住宿费据实补助，但不超过每人每天200元。", [("cap_only", "200元", None)]),
    ("伙食费按照80元每人每天标准给予定额补助，住宿费按实际发生金额但不超过每人每天200元给予补助。",
     [("per_unit", "80元", "人天"), ("cap_only", "200元", None)]),
    # a maximum per person and day written with slashes, for each group of persons
    ("特困人员护理救助标准不超过200元/人/日，其他人员护理救助标准不超过100元/人/日。",
     [("cap_only", "200元", None), ("cap_only", "100元", None)]),
    # a standard per unit set at some length before its amount
    ("市财政对新建养老机构每张床位补贴标准提高到8000元，改扩建每张床位补贴标准提高到5000元。",
     [("per_unit", "8000元", "张"), ("per_unit", "5000元", "张")]),
    # a standard per person and month named without an award word; a recognition threshold is none
    ("全区城乡最低生活保障标准为每人每月1100元。", [("per_unit", "1100元", "人月")]),
    ("低收入家庭认定标准为每人每月1650元。", []),
    # a floor the computed subsidy is raised to is no award of its own
    ("按公式计算每户每月补贴不足150元的，按照150元/月发放。", []),
])
def test_per_person_and_per_unit_standards(tmp_path: Path, body, expected):
    drafts, _ = drafted(tmp_path, body)
    assert [(d.kind, d.amount or d.cap, d.unit) for d in drafts] == expected


def test_a_per_person_standard_for_each_case_after_fen_bie_is_a_per_unit_rule_per_case(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "每接收1名本区户籍老年人，按照其自理、失能的状况，区财政给予运营补贴标准分别为每人每月300元、500元。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", "300元", "人月"), ("per_unit", "500元", "人月")]
    assert drafts[0].name.endswith("（自理）") and drafts[1].name.endswith("（失能）")
    assert compute(rules[1], Inputs(quantity=Decimal(24))).amount_yuan == 12000  # 2 residents × 12 months


@pytest.mark.parametrize("base, expected", [(200_000, 1000), (2_000_000, 4000), (30_000, 0)])
def test_a_rate_of_the_whole_amount_for_each_band_it_falls_in_is_one_banded_rule(tmp_path: Path, base, expected):
    drafts, rules = drafted(tmp_path, "对救援队伍自带设备给予损耗补助。单台设备购买原值≥5万元，小于100万元的，损耗补助率为0.5%；"
                                      "单台设备购买原值≥100万元的，损耗补助率为0.2%。")
    assert [(d.kind, d.base, d.marginal) for d in drafts] == [("banded", "单台设备购买原值", None)]
    assert [(b.get("low"), b.get("high"), b["rate"]) for b in drafts[0].bands] == [("5万元", "100万元", "0.5%"), ("100万元", None, "0.2%")]
    assert compute(rules[0], Inputs(base=Decimal(base))).amount_yuan == expected


def test_per_person_standards_by_category_are_tiers_named_by_the_persons(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "成年受助人员基本饮食标准为每人每月700元；未成年受助人员基本饮食标准为每人每月850元。")
    assert [(d.kind, d.unit) for d in drafts] == [("tiered", "人月")]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("成年受助人员", "700元"), ("未成年受助人员", "850元")]


def test_an_incentive_is_an_award_word_and_a_target_market_no_goal(tmp_path):
    # 激励 names the money paid; 出口目标国家 is where goods go, not a development goal (目标) of the policy
    drafts, rules = drafted(tmp_path, "对获得出口目标国家（地区）认证的整车企业，按照相关认证检测费用的20%给予激励，"
                                      "单个企业年度激励金额不超过100万元。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "20%", "100万元")]
