"""A base that lists what it sums (按其评估费、担保费、贷款利息的40%; 新增设备、工业软件投资额8%): each item names a
part of the base, the parts the user gives are summed, and a figure beside them that is no part (the loan, the
project's total investment) is never computed on. Made-up clauses in the wording of real city texts."""

from __future__ import annotations

from decimal import Decimal as D

from .policy_fixtures import drafted_bot_fixture

TEXT = ("某市促进产业发展若干措施\n"
        "一、企业开展专利权质押融资的，按其评估费、担保费、贷款利息的40%给予一次性资助，每个企业当年资助总额不超过15万元。\n"
        "二、转型升级补贴。对符合条件的传统产业技术改造项目，按不超过固定资产投资额度5%的比例，给予最高600万元奖补。"
        "对实施数字化改造的项目，按不超过技术改造项目新增设备、工业软件投资额8%的比例，给予最高300万元补助。\n"
        "三、对引进的人才团队给予一次性奖励50万元。\n"
        "四、科技创新支持。鼓励成果转化，按不超过转化项目新增设备投资额10%的比例，给予最高500万元奖补；对带动新增主营业务收入"
        "2000万元以上的企业，按不超过新增主营业务收入1%的标准给予奖补，最高不超过100万元。\n"
        "五、本措施自2023年1月1日起施行，有效期至2025年12月31日。\n")


bot = drafted_bot_fixture("mock-listed", TEXT, "2023-06-01")


def _calcs(answer):
    return [(c.base_yuan, c.amount_yuan) for c in answer.calculations]


def test_the_parts_given_are_summed_and_the_loan_is_no_part(bot):
    a = bot.ask("我们拿专利做质押融资，贷款3000万，评估费2万、担保费4万、一年利息10万，能资助多少？")
    assert _calcs(a) == [(D("160000"), D("64000"))]


def test_a_long_listed_base_is_read_whole_and_the_total_investment_is_not_it(bot):
    a = bot.ask("我们搞技术改造，新增设备和工业软件投资2500万，项目总投资5000万，能补多少？")
    assert _calcs(a) == [(D("25000000"), D("2000000"))]


def test_rates_of_different_bases_in_one_clause_are_two_awards_not_levels(bot):
    rules = sorted((r for r in bot.kb.rules if r.doc_id == "mock-listed" and r.clause == "四、"), key=lambda r: r.rate)
    assert [(r.kind, r.rate, r.cap) for r in rules] == [("subsidy", D("0.01"), D("1000000")),
                                                        ("subsidy", D("0.1"), D("5000000"))]
