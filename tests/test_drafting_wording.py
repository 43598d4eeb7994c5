"""Drafting real award wording, one wording class at a time: each short sentence (written in the style of
real county and city texts, not copied from the annotated ones) must be drafted as the kind that expresses
it, with its figures, its tiers or bands, and must compute the right amount once accepted."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.knowledge.base import Knowledge
from assistant.knowledge.calculator import compute
from assistant.knowledge.rules_draft import draft_rule_file
from assistant.knowledge.types import Inputs

HEAD = "某区促进产业发展若干措施\n"


def drafted(tmp_path: Path, body: str):
    """The rules drafted from one clause, as drafts and as loaded (accepted) rules."""
    (tmp_path / "p.txt").write_text(HEAD + "一、" + body + "\n", encoding="utf-8")
    _, drafts = draft_rule_file(Knowledge.load(tmp_path).docs["p"])
    rules = [replace(r, reviewed=True) for r in Knowledge.load(tmp_path).rules if r.doc_id == "p"]
    return drafts, rules


def kinds(tmp_path: Path, body: str) -> list[str]:
    """The kinds of the rules drafted from one clause."""
    return [d.kind for d in drafted(tmp_path, body)[0]]


@pytest.mark.parametrize("body, labels, amounts, pick, amount", [
    # grades told apart by a number, one sentence per grade (thresholds of a count: tests/test_drafting_counted_steps.py)
    # two cases in one sentence, between commas
    ("对考核排名前3位的园区给予10万元奖励，对排名前10位的园区给予5万元奖励。",
     ["考核排名前3位的园区", "排名前10位的园区"], ["10万元", "5万元"], 0, 100000),
    # the second case is the first with a qualifier
    ("对新建的众创空间，给予20万元建设补助；对新建的国家备案众创空间，给予50万元建设补助。",
     ["新建的众创空间", "新建的国家备案众创空间"], ["20万元", "50万元"], 1, 500000),
])
def test_parallel_set_awards_for_grades_are_one_tiered_rule(tmp_path, body, labels, amounts, pick, amount):
    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["label"] for t in drafts[0].tiers] == labels and [t["amount"] for t in drafts[0].tiers] == amounts
    assert compute(rules[0], Inputs(level=labels[pick])).amount_yuan == amount


def test_set_awards_for_unrelated_cases_stay_two_awards(tmp_path):
    drafts, rules = drafted(tmp_path, "对新认定的技术创新示范企业，给予企业300万元奖励；对新认定的知识产权优势企业，给予企业200万元奖励。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "300万元"), ("cap_only", "200万元")]
    assert compute(rules[1], Inputs()).amount_yuan == 2000000


@pytest.mark.parametrize("body, labels, amounts", [
    # two sentences, one board each
    ("对在科创板上市的企业，给予企业300万元奖励；对在创业板上市的企业，给予企业200万元奖励。",
     ["科创板上市", "创业板上市"], ["300万元", "200万元"]),
    # one sentence: the first verb mistyped, the last amount written without 元
    ("在本县注册纳税的制造企业在沪深两市主板、中小板上市的奖历企业200万元，在科创板上市的奖励企业80万。",
     ["沪深两市主板、中小板上市", "科创板上市"], ["200万元", "80万"]),
])
def test_awards_by_listing_board_are_tiers_of_one_award(tmp_path, body, labels, amounts):
    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["label"] for t in drafts[0].tiers] == labels and [t["amount"] for t in drafts[0].tiers] == amounts
    assert compute(rules[0], Inputs(level=labels[1])).amount_yuan == int(amounts[1].rstrip("万元")) * 10000


def test_the_same_award_for_several_cases_is_no_tiers(tmp_path):
    drafts, _ = drafted(tmp_path, "对年产值首次超过1亿元的企业，给予10万元奖励；对年产值首次超过5亿元的企业，给予10万元奖励。")
    assert all(d.kind != "tiered" for d in drafts)


@pytest.mark.parametrize("body, boundary, base, amount", [
    ("对年度纳税首次超过1000万元的企业，给予30万元奖励；对年度纳税首次超过5000万元的企业，给予80万元奖励。",
     "超过", "5000万元", 300000),  # 超过 excludes the number: 5000万 is still the first band
    ("对年营业收入达到1亿元的企业，给予20万元奖励；达到5亿元的，给予50万元奖励。", "达到", "5亿元", 500000),
])
def test_awards_by_thresholds_of_an_amount_are_one_rule_with_its_boundary(tmp_path, body, boundary, base, amount):
    from assistant.text.amounts import parse_amount

    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.boundary) for d in drafts] == [("tiered_threshold", boundary)]
    assert compute(rules[0], Inputs(base=parse_amount(base))).amount_yuan == amount


@pytest.mark.parametrize("body, thresholds, currency, base, amount", [
    # bands listed before 分别, their currency written once at the end of the first band
    ("对新设立的外资企业，实缴注册外资500万（含）至1000万美元、1000万（含）至5000万美元、5000万美元（含）以上的，"
     "分别给予100万元、200万元、300万元奖励。", ["500万", "1000万", "5000万美元"], "美元", "1200万", 2000000),
    # one case per sentence, the later ones without the award's noun
    ("对年出口额超过500万美元的企业，给予10万元扶持资金；超过1000万美元的，给予20万元；超过3000万美元的，给予40万元扶持资金。",
     ["500万美元", "1000万美元", "3000万美元"], "美元", "1000万", 100000),
    ("对年营业收入2亿元（含）至5亿元、5亿元（含）至10亿元、10亿元（含）以上的企业，分别给予50万元、100万元、200万元奖励。",
     ["2亿元", "5亿元", "10亿元"], None, "5亿", 1000000),
])
def test_bands_of_an_amount_are_one_rule_in_the_currency_of_the_text(tmp_path, body, thresholds, currency, base, amount):
    from assistant.knowledge.kinds import foreign_amount
    from assistant.text.amounts import parse_amount

    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["tiered_threshold"] and drafts[0].currency == currency
    assert [t["threshold"] for t in drafts[0].tiers] == thresholds
    value = foreign_amount(base, currency) if currency else parse_amount(base + "元")
    assert compute(rules[0], Inputs(base=value)).amount_yuan == amount  # 超过1000万 excludes 1000万


def test_a_foreign_threshold_rule_calculates_from_the_command_line(tmp_path, monkeypatch, capsys):
    from assistant.__main__ import main

    (tmp_path / "p.txt").write_text(HEAD + "一、对年出口额超过500万美元的企业，给予10万元扶持资金；超过1000万美元的，给予20万元扶持资金。\n",
                                    encoding="utf-8")
    path, _ = draft_rule_file(Knowledge.load(tmp_path).docs["p"])
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    monkeypatch.setenv("POLICY_CORPUS_DIR", str(tmp_path))
    main(["calc", "p.r1", "--base", "1200万美元"])
    out = capsys.readouterr().out
    assert "12,000,000美元，超过10,000,000美元（不含本数）一档 → 可获20万元" in out


def test_per_person_amounts_by_category_are_one_tiered_rule_per_person(tmp_path):
    drafts, rules = drafted(tmp_path, "到艰苦边远地区就业的毕业生，按博士每人20000元、硕士每人10000元、本科每人6000元给予一次性补贴。")
    assert [d.kind for d in drafts] == ["tiered"] and drafts[0].unit == "人"
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("博士", "20000元"), ("硕士", "10000元"), ("本科", "6000元")]
    assert compute(rules[0], Inputs(level="硕士")).amount_yuan == 10000
    assert compute(rules[0], Inputs(level="博士", quantity=Decimal(2))).amount_yuan == 40000


def test_per_month_amounts_by_category_across_sentences(tmp_path):
    drafts, rules = drafted(tmp_path, "护理补贴标准为：特困老人每人每月500元，低保老人每人每月300元。经评估为失能的，每人每月增加护理补贴100元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["label"] for t in drafts[0].tiers] == ["特困老人", "低保老人", "经评估为失能"]
    calc = compute(rules[0], Inputs(level="低保老人", quantity=Decimal(12)))
    assert calc.amount_yuan == 3600 and "12人月" in calc.trace


def test_an_organisation_paid_per_person_keeps_per_unit_rules(tmp_path):
    drafts, _ = drafted(tmp_path, "对研发机构按博士每人5万元、硕士每人3万元给予补贴，每家机构每年最高200万元。")
    assert [d.kind for d in drafts] == ["per_unit", "per_unit"]


@pytest.mark.parametrize("body, year, amount", [
    ("对认定的总部企业给予500万元落户奖励，分三年按40%、30%、30%的比例拨付。", 1, 2000000),
    ("对认定的总部企业给予500万元落户奖励，分三年按40%、30%、30%的比例拨付。", 3, 1500000),
    ("对新落户的区域总部给予300万元奖励，按50%、30%、20%的比例分三年兑现。", 2, 900000),
])
def test_an_award_paid_in_shares_over_years_is_one_schedule(tmp_path, body, year, amount):
    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["schedule"] and drafts[0].amount in ("500万元", "300万元")
    assert [y["rate"] for y in drafts[0].years][0] in ("40%", "50%")
    assert compute(rules[0], Inputs(year=year)).amount_yuan == amount


def test_stage_amounts_after_fen_bie_are_a_schedule_not_tiers(tmp_path):
    drafts, rules = drafted(tmp_path, "对拟上市企业，按照完成股改、辅导备案、申报受理三个阶段分别给予50万元、50万元和100万元奖励。")
    assert [d.kind for d in drafts] == ["schedule"]
    assert [(y["text"], y["amount"]) for y in drafts[0].years] == [("完成股改", "50万元"), ("辅导备案", "50万元"), ("申报受理", "100万元")]
    assert compute(rules[0], Inputs(year=3)).amount_yuan == 1000000


def test_a_total_paid_in_stages_is_a_schedule_of_its_total(tmp_path):
    drafts, rules = drafted(tmp_path, "对在境内外主板上市的企业，分阶段合计给予300万元奖励。")
    assert [(d.kind, d.amount) for d in drafts] == [("schedule", "300万元")]
    assert compute(rules[0], Inputs()).amount_yuan == 3000000


def topics_of(tmp_path: Path, body: str) -> list[str]:
    from assistant.knowledge.documents import load_document
    from assistant.knowledge.rules_draft import analyse
    from assistant.knowledge.topics import draft_topics

    (tmp_path / "p.txt").write_text(HEAD + "一、" + body + "\n", encoding="utf-8")
    doc = load_document(tmp_path / "p.txt")
    return [t["quote"] for t in draft_topics(doc, analyse(doc)[0])]


@pytest.mark.parametrize("body, quoted", [
    ("对重大招商项目，按照《某市招商引资奖励办法》（某政发〔2020〕8号）给予相应政策支持。", "给予相应政策支持"),
    ("对引进的高端人才，符合条件的纳入《某市高层次人才支持办法》支持范围。", "纳入《某市高层次人才支持办法》"),
    ("毕业生取得职业技能等级证书的，可按规定申请技能提升补贴。", "可按规定申请技能提升补贴"),
    ("将软件人才列入紧缺人才目录，优先享受相关人才奖励和保障政策。", "优先享受相关人才奖励和保障政策"),
    ("对示范基地给予服务奖励，具体标准由各区结合实际制定。", "具体标准由各区结合实际制定"),
    ("除上述补贴外，各镇街可对养老设施建设给予其他资金补贴。", "给予其他资金补贴"),
    ("对主导制定国家、行业标准的企业给予一定资助。", "给予一定资助"),
    # a decision case by case, the ways of support without amounts, another policy's standard, more funds
    ("对注册在本区、研发活动在外地的研发机构，实行“一事一议”的激励办法。", "一事一议"),
    ("对带动作用突出的创业团队，视其带动效果给予奖励。", "视其带动效果给予奖励"),
    ("评审小组可视各参评单位工作情况，设置年度鼓励奖。", "设置年度鼓励奖"),
    ("专项资金采取无偿资助、贷款贴息的方式支持企业技术改造。", "采取无偿资助、贷款贴息的方式支持企业技术改造"),
    ("对电子商务服务平台的激励以区级相关专项政策为准。", "以区级相关专项政策为准"),
    ("养老护理员取得职业资格证书的，可依照相关就业政策申请技能提升补贴。", "依照相关就业政策申请技能提升补贴"),
    ("民办养老机构享受用地、融资等国家和省级扶持政策，依照有关规定执行。", "依照有关规定执行"),
    ("统筹各方面政策，进一步加大对生物医药产业的资金投入。", "加大对生物医药产业的资金投入"),
    # funds named as the source of support, with no amount; a case-by-case decision beside a procedure word
    ("各区要统筹上级补助资金和本级资金，对园区基础设施建设给予支持。", "对园区基础设施建设给予支持"),
    ("用好产业引导基金，以股权投资方式支持重点企业技术改造。", "以股权投资方式支持重点企业技术改造"),
    ("鼓励天使投资基金对初创期企业给予支持。", "对初创期企业给予支持"),
    ("对重大创新平台，可“一事一议”按规定执行相关政策。", "一事一议"),
])
def test_support_without_a_figure_is_a_topic_with_its_quote(tmp_path, body, quoted):
    assert any(quoted in q for q in topics_of(tmp_path, body))


@pytest.mark.parametrize("body", [
    "办理程序按《某市就业政策项目办理程序的通知》执行。",
    "相关措施的申报指南和操作细则另行制定。",
    "符合条件的研发收入，可按国家规定享受免征增值税的税收优惠政策。",
    "符合资助条件的，经公示，给予资助。",
    "重新评定为更高等级的，按照更高等级补贴标准给予资助。",
    "鼓励银行加大对小微企业的信贷支持力度。",  # what a bank is asked to do, not support this text gives
    "按照《某市专利资助办法》相关规定执行的资助项目，由原受理部门办理。",
    "发挥财政资金的引导作用，支持企业开发新产品。",  # a purpose, not support paid
])
def test_procedure_tax_and_standards_given_elsewhere_are_no_topics(tmp_path, body):
    assert topics_of(tmp_path, body) == []


@pytest.mark.parametrize("body, amount, unit, cap, quantity, expected", [
    # the per-unit maximum is the amount; the cap is the yearly total after it
    ("对孵化器内企业租用办公场地，按每平方米每月最高30元给予租金补贴，每家企业每年补贴总额最高50万元。",
     "30元", "平方米月", "50万元", 1000, 30000),
    ("对孵化器内企业租用办公场地，按每平方米每月最高30元给予租金补贴，每家企业每年补贴总额最高50万元。",
     "30元", "平方米月", "50万元", 20000, 500000),
    # a count of what the applicant brings in, with 最多 as the cap
    ("对电商产业园，每新引进1家电商企业，给予园区运营补贴5000元，最多给予50万元。", "5000元", "家", "50万元", 30, 150000),
    ("对服务机构，每成功推荐1个项目落地且投产满1年的，给予2万元奖励，同一机构每年最高20万元。", "2万元", "个", "20万元", 4, 80000),
])
def test_per_unit_awards_with_their_cap(tmp_path, body, amount, unit, cap, quantity, expected):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.amount, d.unit, d.cap) for d in drafts] == [("per_unit", amount, unit, cap)]
    assert compute(rules[0], Inputs(quantity=Decimal(quantity))).amount_yuan == expected


def test_a_cap_shared_by_per_person_amounts_is_in_each_rule(tmp_path):
    drafts, rules = drafted(tmp_path, "按引进博士每人6万元、硕士每人3万元的标准给予研发机构人才补贴，每个机构每年最高不超过100万元。")
    assert [(d.kind, d.amount, d.cap) for d in drafts] == [("per_unit", "6万元", "100万元"), ("per_unit", "3万元", "100万元")]
    assert compute(rules[0], Inputs(quantity=Decimal(20))).amount_yuan == 1000000


def test_a_cap_in_the_next_sentence_caps_the_award_before_it(tmp_path):
    drafts, rules = drafted(tmp_path, "对开设体验店的企业，按上年度销售额的5%给予扶持。扶持金额最多不超过30万元。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "5%", "30万元")]
    assert "扶持金额最多不超过30万元" in drafts[0].quote
    assert compute(rules[0], Inputs(base=Decimal(10_000_000))).amount_yuan == 300000


def test_a_rate_for_each_level_is_one_tiered_rule_with_its_caps(tmp_path):
    drafts, rules = drafted(tmp_path, "对企业承担的各级科技计划项目给予配套支持，对国家级的给予80%的资金配套，最高400万元；"
                                      "对省级的给予60%的资金配套，最高200万元；对市级的给予40%的资金配套，最高100万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["rate"], t["cap"]) for t in drafts[0].tiers] == [
        ("国家级", "80%", "400万元"), ("省级", "60%", "200万元"), ("市级", "40%", "100万元")]
    calc = compute(rules[0], Inputs(level="省级", base=Decimal(5_000_000)))
    assert calc.amount_yuan == 2000000 and calc.capped  # 300万 over the 省级 cap
    assert compute(rules[0], Inputs(level="市级", base=Decimal(1_000_000))).amount_yuan == 400000


def test_rates_by_level_after_fen_bie_with_a_cap_stated_once(tmp_path):
    drafts, rules = drafted(tmp_path, "对研发机构获得国家部委立项的项目资金给予100%配套；对研发机构获得省、市级部门立项的项目资金分别给予60%、30%配套。"
                                      "原则上单个项目最高配套额度为300万元。")
    assert [d.kind for d in drafts] == ["tiered"] and drafts[0].cap == "300万元"
    assert [(t["label"], t["rate"]) for t in drafts[0].tiers][1:] == [("省", "60%"), ("市级", "30%")]
    assert compute(rules[0], Inputs(level="省级", base=Decimal(10_000_000))).amount_yuan == 3000000


def test_a_maximum_for_each_region_is_one_tiered_rule_answered_as_a_maximum(tmp_path):
    drafts, rules = drafted(tmp_path, "对毕业生租房给予补贴，补贴标准为：中心城区每年最高5000元，其他地区每年最高3000元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("中心城区", "5000元"), ("其他地区", "3000元")]
    calc = compute(rules[0], Inputs(level="其他地区"))
    assert calc.amount_yuan == 3000 and "最高可获" in calc.trace


def test_two_ways_to_be_paid_are_two_rules(tmp_path):
    drafts, rules = drafted(tmp_path, "对新建的重大制造项目，按其设备投资额的8%给予补助，或按年利率5%给予两年的贷款贴息。")
    assert [(d.kind, d.rate) for d in drafts] == [("rate", "8%"), ("rate", "5%")]
    assert compute(rules[0], Inputs(base=Decimal(10_000_000))).amount_yuan == 800000


def test_a_cap_stated_before_per_unit_amounts_caps_each(tmp_path):
    drafts, _ = drafted(tmp_path, "对专利授权给予资助，每个单位年资助总额不超过100万元：其中，发明专利每件资助5000元，实用新型专利每件资助1000元。")
    assert [(d.kind, d.amount, d.cap) for d in drafts] == [("per_unit", "5000元", "100万元"), ("per_unit", "1000元", "100万元")]


def test_a_cap_on_the_counted_units_limits_the_quantity(tmp_path):
    drafts, rules = drafted(tmp_path, "对新建的标准化种植基地，每亩补助300元，补助面积不超过500亩。")
    assert [(d.kind, d.amount, d.max_quantity) for d in drafts] == [("per_unit", "300元", "500")]
    calc = compute(rules[0], Inputs(quantity=Decimal(800)))
    assert calc.amount_yuan == 150000 and "按500亩计" in calc.trace


@pytest.mark.parametrize("body, kind", [
    ("应届毕业生符合条件的，可申请一次性求职创业补贴，补贴标准为每人2000元。", "fixed"),  # the person is paid, once
    ("对企业新招用的就业困难人员，每人一次性给予1000元吸纳就业补贴。", "per_unit"),  # a firm paid per person it hires
])
def test_a_one_off_amount_per_person_is_a_set_award_only_when_the_person_is_paid(tmp_path, body, kind):
    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == [kind]
    if kind == "fixed":
        assert compute(rules[0], Inputs()).amount_yuan == 2000


def test_the_whole_of_a_base_is_a_rate_of_100_percent(tmp_path):
    drafts, rules = drafted(tmp_path, "支持园区基础设施建设，园区内形成的土地出让金收益，3年内全额补贴给园区管委会。")
    assert [(d.kind, d.rate, d.base) for d in drafts] == [("rate", "全额", "土地出让金收益")]
    assert compute(rules[0], Inputs(base=Decimal(8_000_000))).amount_yuan == 8000000


def test_a_floor_someone_else_must_pay_is_a_condition_not_a_rate(tmp_path):
    drafts, _ = drafted(tmp_path, "用人单位组织青年参加就业见习，且按不低于当地最低工资70%的标准支付见习补贴的，可按规定享受见习补贴。")
    assert [d.kind for d in drafts] == []


@pytest.mark.parametrize("body, kind, figure, expected", [
    # a maximum worded as a limit of the award (上限/金额…不超过), without 最高
    ("对企业技术改造项目给予补助，单个项目补助上限原则上不超过150万元。", "cap_only", "150万元", 1500000),
    ("按其设备投资额的一定比例给予一次性建设补贴，同一平台支持金额不超过400万元。", "cap_only", "400万元", 4000000),
    # 分别 before one figure: the same maximum for each case
    ("对获得市级及以上知识产权示范、优势企业认定的，分别最高奖励5万元。", "cap_only", "5万元", 50000),
    # the person is the one paid: a set award per person, or a maximum per person
    ("设立“某某工匠奖”，给予每人3万元奖励。", "fixed", "3万元", 30000),
    ("对取得高级职业资格证书的技术工人，给予每人最高3000元补贴。", "cap_only", "3000元", 3000),
    ("其他急需人才，补贴标准根据实际情况确定，最高不超过每人每月600元。", "cap_only", "600元", 600),
])
def test_one_award_read_as_a_set_amount_or_a_maximum(tmp_path, body, kind, figure, expected):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.amount or d.cap) for d in drafts] == [(kind, figure)]
    assert compute(rules[0], Inputs()).amount_yuan == expected


def test_amounts_by_category_after_qi_zhong_are_one_tiered_rule(tmp_path):
    drafts, rules = drafted(tmp_path, "对新引进的全日制高校毕业生发放生活补贴，其中本科生1万元，硕士研究生3万元，博士研究生5万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("本科生", "1万元"), ("硕士研究生", "3万元"), ("博士研究生", "5万元")]
    assert compute(rules[0], Inputs(level="硕士研究生")).amount_yuan == 30000


def test_a_maximum_with_an_exception_after_qi_zhong_is_tiered(tmp_path):
    drafts, rules = drafted(tmp_path, "对信息化项目给予补助，单个项目的补助上限不超过200万元，其中示范企业补助上限不超过80万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("单个项目", "200万元"), ("示范企业", "80万元")]
    assert compute(rules[0], Inputs(level="示范企业")).amount_yuan == 800000


@pytest.mark.parametrize("body, awards", [
    ("对引进的博士后人员，每人给予一次性科研启动经费8万元和每年5万元的生活补助。", [("cap_only", "8万元"), ("cap_only", "5万元")]),
    ("给予高层次医疗人才最高300万元安家补贴及最高40万元科研经费补助。", [("cap_only", "300万元"), ("cap_only", "40万元")]),
])
def test_several_awards_of_one_sentence_are_one_rule_each(tmp_path, body, awards):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.cap) for d in drafts] == awards
    assert all(d.cap in d.quote for d in drafts)
    assert compute(rules[1], Inputs()).amount_yuan == Decimal(awards[1][1].removesuffix("万元")) * 10000


def test_an_amount_for_each_year_with_its_total_is_a_schedule(tmp_path):
    drafts, rules = drafted(tmp_path, "对首次认定的高新技术企业，在有效期内分三年每年分别补助6万元、4万元、2万元，共补助12万元。")
    assert [(d.kind, d.amount) for d in drafts] == [("schedule", "12万元")]
    assert [(y["first"], y["amount"]) for y in drafts[0].years] == [(1, "6万元"), (2, "4万元"), (3, "2万元")]
    assert compute(rules[0], Inputs(year=2)).amount_yuan == 40000


def test_an_award_paid_before_and_after_acceptance_is_a_schedule_of_shares(tmp_path):
    drafts, rules = drafted(tmp_path, "项目计划下达后，按进度预拨资助资金，预拨总额不超过资助金额的70%，项目通过验收后，再拨付剩余的30%。")
    assert [(d.kind, [y["rate"] for y in d.years]) for d in drafts] == [("schedule", ["70%", "30%"])]
    assert compute(rules[0], Inputs(year=1, base=Decimal(1_000_000))).amount_yuan == 700000


def test_how_the_award_just_stated_is_paid_stays_with_it(tmp_path):
    drafts, rules = drafted(tmp_path, "补贴标准不超过设备合同金额的10%，补贴金额最高不超过100万元。合同完成后，一次性拨付补助金额的60%，"
                                      "项目通过验收后，再拨付剩余的40%。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "10%", "100万元")]
    assert [y["rate"] for y in drafts[0].years] == ["60%", "40%"] and "再拨付剩余的40%" in drafts[0].quote
    assert compute(rules[0], Inputs(base=Decimal(5_000_000))).amount_yuan == 500000


@pytest.mark.parametrize("body, labels, amounts", [
    # the awards listed in the order of the cases, 分别 left out; an example in brackets names no case
    ("首次认定为市级专精特新企业（含小巨人、单项冠军等）、创新型中小企业的，一次性补助8万元、3万元。",
     ["市级专精特新企业", "创新型中小企业"], ["8万元", "3万元"]),
    # cases named after 获批, each a longer name
    ("对新获批国家级绿色工厂示范企业、省级绿色工厂示范企业、市级绿色工厂示范企业的，分别予以一次性奖励30万元、20万元、10万元。",
     ["国家级绿色工厂示范企业", "省级绿色工厂示范企业", "市级绿色工厂示范企业"], ["30万元", "20万元", "10万元"]),
    # 分别设 the prizes, then the prize money in their order
    ("评比分别设一等奖一名、二等奖两名和三等奖三名，得奖金6万元、4万元、2万元。",
     ["一等奖一名", "二等奖两名", "三等奖三名"], ["6万元", "4万元", "2万元"]),
])
def test_awards_listed_in_the_order_of_the_cases_are_one_tiered_rule(tmp_path, body, labels, amounts):
    drafts, rules = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["tiered"]
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == list(zip(labels, amounts, strict=True))
    assert compute(rules[0], Inputs(level=labels[1])).amount_yuan == Decimal(amounts[1].removesuffix("万元")) * 10000


def test_items_under_a_lead_in_that_names_the_award_are_drafted(tmp_path):
    drafts, rules = drafted(tmp_path, "对新授权的专利，按以下标准予以一次性资助：\n（一）发明专利：企业8000元/件，个人4000元/件；\n"
                                      "（二）实用新型：企业1000元/件，个人500元/件。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", a, "件") for a in ("8000元", "4000元", "1000元", "500元")]
    assert compute(rules[1], Inputs(quantity=Decimal(3))).amount_yuan == 12000


def test_a_public_funds_equity_stake_is_no_award(tmp_path):
    drafts, _ = drafted(tmp_path, "区引导基金采用股权投资方式支持重点企业的产业化项目，财政资金所占股份比例不超过被投资企业总股本的25%。")
    assert drafts == []


def test_a_growth_range_asked_for_is_a_condition_of_the_awards(tmp_path):
    drafts, rules = drafted(tmp_path, "当年销售额比上年增长10-15%或增加1亿元以上的奖励2万元，增长15-20%或增加2亿元以上的奖励4万元。")
    assert [(d.kind, [t["threshold"] for t in d.tiers]) for d in drafts] == [("tiered_threshold", ["1亿元", "2亿元"])]
    assert compute(rules[0], Inputs(base=Decimal(250_000_000))).amount_yuan == 40000


def test_a_rate_for_each_period_listed_with_dun_are_two_rules_sharing_the_cap(tmp_path):
    drafts, rules = drafted(tmp_path, "入库科技型企业首年按研发费用的2%、以后年度按研发费用增量的5%给予研发补助，但单个企业当年补助不超过20万元。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "2%", "20万元"), ("subsidy", "5%", "20万元")]
    assert compute(rules[1], Inputs(base=Decimal(1_000_000))).amount_yuan == 50000


def test_per_person_bands_paid_for_each_further_person_are_marginal_with_their_cap(tmp_path):
    drafts, rules = drafted(tmp_path, "初创企业招用2人以下的按每人1500元给予补贴；招用3人以上的每增加1人给予2500元补贴，总额最高不超过2万元。")
    assert [(d.kind, d.marginal, d.cap) for d in drafts] == [("banded", True, "2万元")]
    assert [(b.get("low"), b.get("high"), b["amount"]) for b in drafts[0].bands] == [(None, "2", "1500元"), ("3", None, "2500元")]
    calc = compute(rules[0], Inputs(quantity=Decimal(4)))
    assert calc.amount_yuan == 2 * 1500 + 2 * 2500 and "逐档" in calc.trace
    assert compute(rules[0], Inputs(quantity=Decimal(12))).amount_yuan == 20000  # 3000 + 10 × 2500, capped


def test_bands_without_a_further_unit_pay_every_unit_at_the_bands_amount(tmp_path):
    drafts, rules = drafted(tmp_path, "新建冷库50—200平方米（含200平方米）的，每平方米补助30元；200平方米以上的，每平方米补助50元。")
    assert [(d.kind, d.marginal) for d in drafts] == [("banded", None)]
    assert compute(rules[0], Inputs(quantity=Decimal(300))).amount_yuan == 15000


def test_a_matching_ratio_is_a_rate_of_its_base(tmp_path):
    drafts, rules = drafted(tmp_path, "对新增养老床位，在享受市级建设补贴基础上，按市级补贴标准1:0.5的比例给予区级配套补贴。")
    assert [(d.kind, d.rate) for d in drafts] == [("rate", "1:0.5")]
    assert compute(rules[0], Inputs(base=Decimal(200_000))).amount_yuan == 100000


@pytest.mark.parametrize("base, expected", [(10_000_000, 300000), (30_000_000, 500000)])
def test_a_second_cap_over_a_wider_scope_is_kept_with_the_first(tmp_path, base, expected):
    drafts, rules = drafted(tmp_path, "对创业投资基金，按其投资区内项目金额的3%给予奖励，对同一项目的奖励最高50万元，"
                                      "对一家基金每年的奖励金额最高200万元。")
    assert [(d.kind, d.rate, d.cap, d.total_cap, d.total_cap_per) for d in drafts] == [
        ("subsidy", "3%", "50万元", "200万元", "一家基金每年")]
    assert compute(rules[0], Inputs(base=Decimal(base))).amount_yuan == expected


def test_a_wider_cap_below_the_first_bounds_one_award(tmp_path):
    drafts, rules = drafted(tmp_path, "按设备投资额的10%给予补贴，单个项目最高不超过500万元，每家企业每年累计不超过300万元。")
    assert [(d.cap, d.total_cap) for d in drafts] == [("500万元", "300万元")]
    calc = compute(rules[0], Inputs(base=Decimal(40_000_000)))
    assert calc.amount_yuan == 3000000 and calc.capped and "300万元" in calc.trace


@pytest.mark.parametrize("base, expected", [(15_000_000, 400000), (50_000_000, 800000), (60_000_000, 800000)])
def test_rates_by_slices_of_an_amount_are_one_banded_rule_with_its_caps(tmp_path, base, expected):
    drafts, rules = drafted(tmp_path, "对股权投资机构按投资额分级给予奖励。单笔投资额在2000万元以上的，1000万元（含）以下的部分按投资额的3%给予奖励；"
                                      "超过1000万元不超过2000万元（含）的部分按投资额的2%给予奖励；2000万元以上的部分按投资额的1%给予奖励。"
                                      "单笔奖励不超过80万元，累计奖励不超过500万元。")
    assert [(d.kind, d.cap, d.total_cap) for d in drafts] == [("banded", "80万元", "500万元")]
    assert [(b.get("low"), b.get("high"), b["rate"]) for b in drafts[0].bands] == [
        (None, "1000万元", "3%"), ("1000万元", "2000万元", "2%"), ("2000万元", None, "1%")]
    calc = compute(rules[0], Inputs(base=Decimal(base)))
    assert calc.amount_yuan == expected and "分段计算" in calc.trace


def test_as_much_again_as_a_named_award_is_the_whole_of_that_base(tmp_path):
    drafts, rules = drafted(tmp_path, "对认定的高成长企业，以其获得的市级研发后补助资金为标准，再给予相同额度资金奖励，每年最高不超过150万元。")
    assert [(d.kind, d.rate, d.base, d.cap) for d in drafts] == [("subsidy", "相同额度", "市级研发后补助资金", "150万元")]
    assert compute(rules[0], Inputs(base=Decimal(800_000))).amount_yuan == 800000
    assert compute(rules[0], Inputs(base=Decimal(2_000_000))).amount_yuan == 1500000


def test_a_standard_raised_from_one_amount_to_another_pays_the_new_one(tmp_path):
    drafts, rules = drafted(tmp_path, "低收入残疾人生活补贴标准由每人每月70元调整为85元。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", "85元", "人月")]
    (tmp_path / "b").mkdir()
    drafts, _ = drafted(tmp_path / "b", "一级重度残疾人护理补贴标准由每人每月95元提高到110元；二级重度残疾人护理补贴标准由每人每月75元提高到85元。")
    assert [(t["label"], t["amount"]) for t in drafts[0].tiers] == [("一级重度残疾人", "110元"), ("二级重度残疾人", "85元")]


@pytest.mark.parametrize("body, kinds", [
    # how much may be borrowed is no award and no cap of one
    ("对返乡创业人员，可申请创业担保贷款，贷款额度最高不超过25万元，按规定给予贴息。", []),
    ("对小微企业按贷款基准利率的50%给予贴息，单户贷款额度最高不超过200万元。", [("rate", "50%", None)]),
    # a cap on the interest subsidy itself stays a cap
    ("对小微企业按贷款基准利率的50%给予贴息，每家企业贷款贴息最高20万元。", [("subsidy", "50%", "20万元")]),
])
def test_a_loan_ceiling_is_no_award_and_no_cap(tmp_path, body, kinds):
    drafts, _ = drafted(tmp_path, body)
    assert [(d.kind, d.rate, d.cap) for d in drafts] == kinds


@pytest.mark.parametrize("body, kinds", [
    # the parts of one award by who pays them are no categories of applicant
    ("对新认定的国家级孵化器给予奖励50万元，其中省级财政30万元，区级财政20万元。", [("cap_only", "50万元")]),
    # an applicant brought in by an equity investment is still paid by the rate
    ("对以股权投资方式引进的产业项目，按其实际到位资金的2%给予奖励。", [("rate", None)]),
    # slices of a loan paid at a share of its interest rate: the rate is of another amount than the one sliced
    ("单笔贷款额度不超过100万元（含）的部分按贷款利率的50%给予贴息；超过100万元不超过500万元（含）的部分按30%给予贴息。", []),
])
def test_readings_that_must_not_fire(tmp_path, body, kinds):
    drafts, _ = drafted(tmp_path, body)
    assert [(d.kind, d.cap) for d in drafts] == kinds


@pytest.mark.parametrize("body, kinds", [
    ("对返乡创业人员，可申请最高20万元创业担保贷款，并按规定给予贴息。", []),  # the ceiling written before 贷款
    ("对小微企业，给予最高不超过40万元的贷款贴息补助。", [("cap_only", None, "40万元")]),  # a cap on the interest subsidy
])
def test_a_loan_ceiling_written_before_the_loan(tmp_path, body, kinds):
    drafts, _ = drafted(tmp_path, body)
    assert [(d.kind, d.rate, d.cap) for d in drafts] == kinds


def test_a_total_after_the_award_noun_is_the_schedules_amount(tmp_path):
    drafts, rules = drafted(tmp_path, "对引进的创新团队，分三年每年分别给予80万元、60万元、60万元资助，共资助200万元。")
    assert [(d.kind, d.amount, [y["amount"] for y in d.years]) for d in drafts] == [("schedule", "200万元", ["80万元", "60万元", "60万元"])]
    assert compute(rules[0], Inputs(year=3)).amount_yuan == 600000


def test_a_person_who_takes_a_training_is_paid_not_counted(tmp_path):
    drafts, _ = drafted(tmp_path, "对参加职业技能培训并取得证书的，给予每人最高1200元培训补贴。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "1200元")]
    (tmp_path / "b").mkdir()
    drafts, _ = drafted(tmp_path / "b", "对年培训人数达到30人以上的机构，每培训1人给予1500元补贴。")  # an organisation counts
    assert [(d.kind, d.amount) for d in drafts] == [("per_unit", "1500元")]


def test_a_cap_written_as_the_award_after_the_rate_is_its_cap(tmp_path):
    drafts, rules = drafted(tmp_path, "对获得天使投资的初创企业，按照当年实际到账融资额的3%，给予不超过30万元的奖励。")
    assert [(d.kind, d.rate, d.cap, d.base) for d in drafts] == [("subsidy", "3%", "30万元", "当年实际到账融资额")]
    assert compute(rules[0], Inputs(base=Decimal(20000000))).amount_yuan == 300000


def test_interest_at_the_benchmark_rate_for_projects_financed_by_loans(tmp_path):
    drafts, rules = drafted(tmp_path, "对通过银行贷款筹集资金的技改项目，根据项目贷款实际发生额和同期贷款基准利率给予40%，"
                                      "贴息期限最长不超过三年，单个项目的贴息额度不超过80万元。")
    assert [(d.kind, d.rate, d.cap, d.cap_per, d.base) for d in drafts] == [
        ("subsidy", "40%", "80万元", "单个项目", "按贷款基准利率计算的利息")]
    assert compute(rules[0], Inputs(base=Decimal(1000000))).amount_yuan == 400000


def test_a_count_in_words_far_from_its_award_to_each_party(tmp_path):
    drafts, rules = drafted(tmp_path, "鼓励龙头企业招引配套企业，每引进一家具有独立法人资格的配套企业落户，且当年纳税达到规定要求的，"
                                      "给予引进企业和落户企业各20万元奖励。")
    assert [(d.kind, d.amount, d.unit) for d in drafts] == [("per_unit", "20万元", "家")]
    assert compute(rules[0], Inputs(quantity=Decimal(3))).amount_yuan == 600000


def test_a_set_award_in_wan_without_yuan_closing_its_sentence(tmp_path):
    drafts, rules = drafted(tmp_path, "对首次入选省级瞪羚企业名单的企业，一次性奖励企业30万。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "30万")]
    assert compute(rules[0], Inputs()).amount_yuan == 300000


def test_bands_written_from_and_below_with_a_set_award_before_them(tmp_path):
    drafts, rules = drafted(tmp_path, "对家庭农场注册为公司的，给予一次性奖励3000元，纳入规模以上统计的，按其年销售收入首次达到500万元以上（含）"
                                      "1000万元以下的奖励2万元，首次达到1000万元以上的（含）奖励4万元。")
    assert [(d.kind, d.cap or d.base) for d in drafts] == [("cap_only", "3000元"), ("tiered_threshold", "年销售收入")]
    assert [(t["threshold"], t["amount"]) for t in drafts[1].tiers] == [("500万元", "2万元"), ("1000万元", "4万元")]
    assert compute(rules[1], Inputs(base=Decimal(10000000))).amount_yuan == 40000


@pytest.mark.parametrize("body, labels", [
    ("对首次跻身全市20强、全省100强的物流企业，分别给予企业一次性奖励5万元、15万元。", ["全市20强", "全省100强"]),
    ("对成功创建为国家级、省级示范物流园区的企业，分别奖15万元、5万元。", ["国家级", "省级"]),
])
def test_ranks_entered_and_awards_written_with_jiang_alone(tmp_path, body, labels):
    drafts, _ = drafted(tmp_path, body)
    assert [d.kind for d in drafts] == ["tiered"] and [t["label"] for t in drafts[0].tiers] == labels
