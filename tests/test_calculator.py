import datetime as dt
from decimal import Decimal

import pytest

from assistant.errors import AmountError
from assistant.knowledge.calculator import calculate
from assistant.knowledge.types import Facts
from assistant.text.amounts import parse_amount
from assistant.text.formats import format_yuan

D = Decimal

# rule, base typed as a user would, expected exact amount, capped
GOLDEN = [
    # （四） platform construction: 30%, cap 500万 per platform
    ("platform_construction", "1000万元", "3000000", False),
    ("platform_construction", "1200万元", "3600000", False),
    ("platform_construction", "2000万元", "5000000", True),
    ("platform_construction", "16,666,666元", "4999999.80", False),
    ("platform_construction", "5000000/0.3", None, None),  # placeholder replaced below
    ("platform_construction", "1元", "0.30", False),
    ("platform_construction", "1000亿元", "5000000", True),
    # （六） scenario labs: 30%, cap 1000万
    ("scenario_lab", "3000万元", "9000000", False),
    ("scenario_lab", "33,333,340元", "10000000", True),
    ("scenario_lab", "1亿", "10000000", True),
    ("scenario_lab", "10万元", "30000", False),
    # （七） small batch: 30%, cap 1000万
    ("small_batch", "500万", "1500000", False),
    ("small_batch", "5000万元", "10000000", True),
    ("small_batch", "三千万元", "9000000", False),
    # （八） insurance premium: 50%, cap 1000万 per enterprise
    ("insurance_premium", "30万", "150000", False),
    ("insurance_premium", "2000万元", "10000000", False),
    ("insurance_premium", "2000.02万元", "10000000", True),
    ("insurance_premium", "1.5亿", "10000000", True),
    # （八） list application: 30%, cap 3000万
    ("list_application", "1亿元", "30000000", False),
    ("list_application", "2.5亿", "30000000", True),
    ("list_application", "333.33万", "999990", False),
    # （十） loan interest: 2%, cap 1000万
    ("loan_interest", "6亿", "10000000", True),
    ("loan_interest", "5亿元", "10000000", False),
    ("loan_interest", "3亿元", "6000000", False),
    ("loan_interest", "¥18,000,000", "360000", False),
]
GOLDEN = [g for g in GOLDEN if g[2] is not None]


@pytest.mark.parametrize("rule_id, base, amount, capped", GOLDEN)
def test_golden_amounts(kb, rule_id, base, amount, capped):
    calc = calculate(kb.rules.get(rule_id), parse_amount(base))
    assert calc.amount_yuan == D(amount)
    assert calc.capped is capped
    assert calc.to_dict()["amount_yuan"] == format(D(amount), "f")
    assert calc.clause == kb.rules.get(rule_id).clause
    assert calc.citation.quote == kb.rules.get(rule_id).quote


@pytest.mark.parametrize("rule_id", ["platform_construction", "scenario_lab", "small_batch",
                                     "insurance_premium", "list_application", "loan_interest"])
def test_exactly_at_the_cap_is_not_capped(kb, rule_id):
    rule = kb.rules.get(rule_id)
    exact = rule.cap / rule.rate
    if exact == exact.quantize(D("0.01")):  # 50% and 2% reach the cap at a whole-fen base
        calc = calculate(rule, exact)
        assert calc.amount_yuan == rule.cap and not calc.capped
        assert "恰好等于" in calc.trace
    # one fen either side of the binding point (30%: 16,666,666.66 vs .67 for a 500万 cap)
    below = calculate(rule, exact.quantize(D("0.01"), rounding="ROUND_FLOOR") - (D("0.01") if exact % D("0.01") == 0 else 0))
    assert below.amount_yuan < rule.cap and not below.capped
    above = calculate(rule, exact.quantize(D("0.01"), rounding="ROUND_FLOOR") + D("0.01"))
    assert above.amount_yuan == rule.cap and above.capped


def test_platform_cap_boundary_to_the_fen(kb):
    rule = kb.rules.get("platform_construction")
    assert calculate(rule, D("16666666.66")).amount_yuan == D("4999999.998")
    assert calculate(rule, D("16666666.67")).amount_yuan == D("5000000")


def test_traces_read_like_the_design(kb):
    assert calculate(kb.rules.get("platform_construction"), D("12000000")).trace == (
        "1,200万元 × 30% = 360万元，未超过单个平台上限500万元 → 最高可获360万元"
    )
    assert calculate(kb.rules.get("platform_construction"), D("20000000")).trace == (
        "2,000万元 × 30% = 600万元，超过单个平台上限500万元，按上限计 → 最高可获500万元"
    )
    assert calculate(kb.rules.get("loan_interest"), D("600000000")).trace == (
        "6亿元 × 2% = 1,200万元，超过单个项目上限1,000万元，按上限计 → 最高可获1,000万元"
    )
    assert format_yuan(calculate(kb.rules.get("platform_construction"), D("16666666")).amount_yuan) == "4,999,999.80元"


def test_contract_dict_uses_exact_decimal_strings(kb):
    d = calculate(kb.rules.get("platform_construction"), D("16666666")).to_dict()
    assert d == {
        "rule_id": "platform_construction", "clause": "（四）", "base_yuan": "16666666", "rate": "0.3",
        "cap_yuan": "5000000", "amount_yuan": "4999999.80", "capped": False,
        "trace": "16,666,666元 × 30% = 4,999,999.80元，未超过单个平台上限500万元 → 最高可获4,999,999.80元",
    }
    assert calculate(kb.rules.get("insurance_premium"), D("300000")).to_dict()["rate"] == "0.5"


def test_open_figures_are_said_open_not_guessed(kb):
    rd = calculate(kb.rules.get("rd_first_use"))
    assert rd.amount_yuan == D("30000000") and rd.rate is None and rd.base_yuan is None
    assert "原文未规定补贴比例" in rd.trace
    assert any("一定服务奖励" in n for n in calculate(kb.rules.get("platform_construction"), D("1e6")).notes)
    loan = kb.eligibility("loan_interest", Facts(), dt.date(2023, 1, 1))
    scale = next(v for v in loan if "一定规模" in v.criterion)
    assert scale.met is None and "未规定具体金额" in scale.detail


@pytest.mark.parametrize("base", [D("0"), D("-1"), None])
def test_bad_bases_are_refused(kb, base):
    with pytest.raises(AmountError):
        calculate(kb.rules.get("platform_construction"), base)


@pytest.mark.parametrize(
    "rule_id, amount, met",
    [
        ("library_threshold", "1000万元", True),  # （含）: exactly the threshold counts
        ("library_threshold", "9,999,999.99元", False),
        ("library_threshold", "1200万", True),
        ("major_project", "2亿元", True),  # 以上 includes the number (Civil Code)
        ("major_project", "199,999,999元", False),
        ("major_project", "2.5亿", True),
    ],
)
def test_thresholds(kb, rule_id, amount, met):
    v = kb.threshold(rule_id, parse_amount(amount))
    assert v.met is met
    assert v.clause == kb.rules.get(rule_id).clause


IN_2023 = dt.date(2023, 6, 1)
BEIJING_SOFTWARE = Facts(registered_in="北京市海淀区", industry="软件和信息服务业", project_in_library=True,
                         uses_listed_products=True)


def _by_criterion(verdicts):
    return {v.criterion: v for v in verdicts}


def test_beijing_software_firm_in_library_meets_everything_fixed(kb):
    v = _by_criterion(kb.eligibility("scenario_lab", BEIJING_SOFTWARE, IN_2023))
    assert [x.met for x in v.values()] == [True, True, True, True]
    assert v["申请时间在政策有效期（2022-2024年）内"].clause == "施行期限"


def test_shanghai_firm_is_not_covered_and_cites_the_scope(kb):
    facts = Facts(registered_in="上海市浦东新区", industry="软件和信息服务业", project_in_library=True)
    v = _by_criterion(kb.eligibility("platform_construction", facts, IN_2023))["在北京市注册经营"]
    assert v.met is False and v.clause == "适用范围" and "上海市浦东新区" in v.detail
    assert v.citation.quote == "本措施支持的对象为在本市注册经营的工业和软件信息服务业企业"


def test_beijing_restaurant_chain_is_not_covered(kb):
    facts = Facts(registered_in="北京", industry="餐饮连锁", project_in_library=True)
    v = _by_criterion(kb.eligibility("scenario_lab", facts, IN_2023))
    assert v["在北京市注册经营"].met is True
    assert v["属于工业或软件和信息服务业企业"].met is False


def test_project_outside_the_library_cites_clause_one(kb):
    facts = Facts(registered_in="北京", industry="制造业", project_in_library=False)
    v = _by_criterion(kb.eligibility("list_application", facts, IN_2023))
    lib = v["项目已纳入北京市新基建重点项目库（在库项目）"]
    assert lib.met is False and lib.clause == "（一）"
    assert lib.citation.quote == "享受本措施支持的项目应为在库项目"


def test_unknown_facts_say_what_is_missing(kb):
    v = kb.eligibility("scenario_lab", Facts(), IN_2023)
    unknown = [x for x in v if x.met is None]
    assert len(unknown) == 3
    assert all(x.ask.endswith("？") for x in unknown)


def test_validity_in_2023_and_today(kb):
    during = _by_criterion(kb.eligibility("scenario_lab", BEIJING_SOFTWARE, IN_2023))
    assert during["申请时间在政策有效期（2022-2024年）内"].met is True
    today = dt.date.today()
    after = _by_criterion(kb.eligibility("scenario_lab", BEIJING_SOFTWARE, today))
    ended = after["申请时间在政策有效期（2022-2024年）内"]
    assert ended.met is False and "已届满" in ended.detail and "在2022-2024年内有效" in ended.detail
    assert "2022年1月1日" not in ended.detail  # the text says 自发布之日起实施, not a start date
    edge = _by_criterion(kb.eligibility("scenario_lab", BEIJING_SOFTWARE, dt.date(2024, 12, 31)))
    assert edge["申请时间在政策有效期（2022-2024年）内"].met is True
