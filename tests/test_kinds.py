"""The rule kinds real policies use: golden tables per kind (every tier, both sides of every band
bound, range ends, schedule years, missing inputs), load-time checks, and reading the inputs.

The rules are the ones `rules draft` writes for the annotated fixture texts, accepted as drafted:
what a reviewer would get.
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from assistant.errors import AmountError, RuleError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.calculator import compute, examples
from assistant.knowledge.kind_calc import MissingInput
from assistant.knowledge.rules_draft import draft_rule_file
from assistant.knowledge.types import Inputs
from assistant.reading.quantities import read_inputs, read_level, read_quantity, read_year

FIXTURES = Path(__file__).parent / "fixtures" / "drafting"
IND, TOUR = "county-industry-2024", "county-tourism-2024"


def accept_all(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kinds")
    for stem in (IND, TOUR):
        shutil.copy(FIXTURES / f"{stem}.txt", folder / f"{stem}.txt")
    for stem in (IND, TOUR):
        path, _ = draft_rule_file(Knowledge.load(folder).docs[stem])
        accept_all(path)
    return Knowledge.load(folder)


def rule(kb, doc_id, clause, n=0):
    return [r for r in kb.rules if r.doc_id == doc_id and r.clause == clause][n]


def amount(kb, doc_id, clause, n=0, **given):
    return compute(rule(kb, doc_id, clause, n), Inputs(**given))


@pytest.mark.parametrize("n, level, expected", [
    (0, "省级", "200000"), (0, "国家级", "500000"),
    (1, "国家级", "1000000"), (1, "省级", "500000"), (1, "市级", "200000"),  # the middle tier is the middle figure
])
def test_tiered_by_level(kb, n, level, expected):
    calc = amount(kb, IND, "（二）", n, level=level)
    assert calc.amount_yuan == D(expected) and calc.selected == level and level in calc.trace


def test_tiered_asks_for_the_level(kb):
    with pytest.raises(MissingInput, match="请说明级别：国家级、省级或市级"):
        amount(kb, IND, "（二）", 1)
    with pytest.raises(AmountError, match="不是本条规定的级别"):
        amount(kb, IND, "（二）", 0, level="区级")


@pytest.mark.parametrize("revenue, expected", [
    ("100000000", "0"), ("100000001", "300000"),  # 突破 reads as 超过: exactly 1亿元 has not broken through
    ("500000000", "300000"), ("500000001", "1000000"), ("1000000000", "1000000"), ("1000000001", "2000000"),
])
def test_tiered_threshold(kb, revenue, expected):
    assert amount(kb, IND, "（三）", base=D(revenue)).amount_yuan == D(expected)


def test_range_of_rates_and_of_amounts(kb):
    calc = amount(kb, IND, "（五）", base=D("200000000"))
    assert (calc.amount_yuan, calc.low_yuan) == (D("30000000"), D("6000000"))
    assert "最高可获3,000万元，最低600万元" in calc.trace
    calc = amount(kb, IND, "（十三）")
    assert (calc.amount_yuan, calc.low_yuan) == (D("500000"), D("50000"))
    with pytest.raises(MissingInput, match="金额"):
        amount(kb, IND, "（五）")


@pytest.mark.parametrize("base, expected, capped", [("5000000", "500000", False), ("10000000", "1000000", False),
                                                     ("20000000", "1000000", True)])
def test_minimum_rate_with_a_cap(kb, base, expected, capped):
    calc = amount(kb, IND, "（六）", base=D(base))
    assert (calc.amount_yuan, calc.capped) == (D(expected), capped)
    assert ("至少可获" in calc.trace) is not capped


@pytest.mark.parametrize("mu, expected, capped", [("300", "150000", False), ("1000", "500000", False),
                                                  ("1200", "500000", True)])
def test_per_unit_with_a_cap(kb, mu, expected, capped):
    calc = amount(kb, IND, "（七）", quantity=D(mu))
    assert (calc.amount_yuan, calc.capped) == (D(expected), capped)


@pytest.mark.parametrize("area, expected", [
    ("4999", "0"), ("5000", "150000"),  # the lower bound 5000 is in the first band
    ("20000", "600000"), ("20001", "1000050"),  # （含20000平方米）: 20000 is the first band, 20000以上 starts after it
])
def test_bands_with_inclusive_bounds(kb, area, expected):
    assert amount(kb, IND, "（八）", quantity=D(area)).amount_yuan == D(expected)


@pytest.mark.parametrize("area, expected", [("50", "1500"), ("200", "6000"), ("200.5", "10025"), ("49", "0")])
def test_bands_of_the_tourism_text(kb, area, expected):
    assert amount(kb, TOUR, "第九条", quantity=D(area)).amount_yuan == D(expected)


@pytest.mark.parametrize("year, expected, capped", [(1, "20000000", True), (2, "20000000", True), (3, "15000000", False),
                                                    (5, "15000000", False), (6, "0", False)])
def test_schedule_years_with_a_yearly_cap(kb, year, expected, capped):
    calc = amount(kb, IND, "（九）", base=D("30000000"), year=year)
    assert (calc.amount_yuan, calc.capped) == (D(expected), capped)


def test_schedule_asks_for_the_year(kb):
    with pytest.raises(MissingInput, match="第几年"):
        amount(kb, IND, "（九）", base=D("30000000"))


@pytest.mark.parametrize("visits, expected", [("9999", "0"), ("10000", "10000"), ("35000", "30000"),
                                              ("800000", "500000")])
def test_per_full_step(kb, visits, expected):
    assert amount(kb, TOUR, "第八条", quantity=D(visits)).amount_yuan == D(expected)


def test_set_awards_rates_and_per_night(kb):
    assert amount(kb, IND, "（一）", 1).amount_yuan == D("3000000")
    assert "最高" not in amount(kb, IND, "（一）", 1).trace  # a set award is not an upper bound
    assert amount(kb, IND, "（十五）", base=D("100000")).amount_yuan == D("50000")
    assert amount(kb, TOUR, "第六条", quantity=D("2000")).amount_yuan == D("40000")
    assert amount(kb, TOUR, "第六条", quantity=D("20000")).amount_yuan == D("300000")  # capped per agency


def test_review_examples_state_each_tier(kb):
    shown = examples(rule(kb, IND, "（二）", 1))
    assert [label for label, _ in shown] == ["若为国家级", "若为省级", "若为市级"]
    assert "可获50万元" in shown[1][1]


@pytest.mark.parametrize("text, level, quantity, year", [
    ("我们新认定为国家级专精特新企业", "国家级", None, None),
    ("从省级升到国家级，奖励多少", None, None, None),  # two levels named: asked, not guessed
    ("标准厂房建筑面积2万平方米", None, D("20000"), None),
    ("落户第三年", None, None, 3),
])
def test_inputs_are_read_with_the_rules_words(kb, text, level, quantity, year):
    assert read_level(rule(kb, IND, "（二）", 1), text) == level
    assert read_quantity(rule(kb, IND, "（八）"), text) == quantity
    assert read_year(text) == year


def test_an_amount_is_read_for_the_rules_own_base(kb):
    r = rule(kb, IND, "（三）")
    assert read_inputs(r, ["营业收入6亿元，奖励多少"]).base == D("600000000")
    assert read_inputs(r, ["奖励多少"]).base is None


# ------------------------------------------------------------------------ load-time checks

DOC = "某县奖励办法\n（一）对新认定为省级、国家级专精特新企业，分别给予20万元、50万元奖励。\n" \
      "（二）建筑面积50—200平方米（含200平方米）的，每平方米奖励30元；200平方米以上的，每平方米奖励50元。\n" \
      "（三）对在北交所上市的企业，给予企业200万元奖励。\n"


def _load(tmp_path, rules: list[dict]):
    (tmp_path / "k.txt").write_text(DOC, encoding="utf-8")
    (tmp_path / "k.rules.yaml").write_text(yaml.safe_dump({"reviewed": True, "rules": rules}, allow_unicode=True),
                                           encoding="utf-8")
    return Knowledge.load(tmp_path)


TIERED = {"id": "t", "clause": "（一）", "kind": "tiered", "quote": "对新认定为省级、国家级专精特新企业，分别给予20万元、50万元奖励",
          "tiers": [{"label": "省级", "amount": "20万元"}, {"label": "国家级", "amount": "50万元"}]}
BANDED = {"id": "b", "clause": "（二）", "kind": "banded", "unit": "平方米",
          "quote": "建筑面积50—200平方米（含200平方米）的，每平方米奖励30元；200平方米以上的，每平方米奖励50元",
          "bands": [{"low": "50", "high": "200", "amount": "30元"}, {"low": "200", "low_inclusive": False, "amount": "50元"}]}
FIXED = {"id": "f", "clause": "（三）", "kind": "fixed", "quote": "对在北交所上市的企业，给予企业200万元奖励", "amount": "200万元"}


def test_hand_written_rules_of_each_shape_load_and_compute(tmp_path):
    kb = _load(tmp_path, [TIERED, BANDED, FIXED])
    assert compute(kb.rules.get("f"), Inputs()).amount_yuan == D("2000000")
    assert compute(kb.rules.get("t"), Inputs(level="国家级")).amount_yuan == D("500000")
    assert compute(kb.rules.get("b"), Inputs(quantity=D("200"))).amount_yuan == D("6000")


@pytest.mark.parametrize("bad, message", [
    ({**TIERED, "tiers": [{"label": "省级", "amount": "30万元"}, {"label": "国家级", "amount": "50万元"}]}, "30万元"),
    ({**TIERED, "tiers": [{"label": "市级", "amount": "20万元"}, {"label": "国家级", "amount": "50万元"}]}, "市级"),
    ({**BANDED, "bands": [{"low": "50", "high": "200", "amount": "30元"}, {"low": "200", "amount": "50元"}]}, "重叠"),
    ({**FIXED, "amount": "300万元"}, "300万元"),
    ({**FIXED, "kind": "per_unit"}, "unit"),
])
def test_a_figure_not_in_the_quote_or_an_ambiguous_bound_fails_loading(tmp_path, bad, message):
    with pytest.raises(RuleError, match=message):
        _load(tmp_path, [bad])


def test_matching_uses_the_new_kinds(kb):
    import datetime as dt

    from assistant.answering.match import match_profile

    level, area = rule(kb, IND, "（二）", 1), rule(kb, IND, "（八）")
    profile = {"registered_in": "某县", level.input_key: "省级", area.input_key: "20001平方米",
               rule(kb, IND, "（九）").base_key: "3000万元", "support_year": "3"}
    got = {m.rule.id: m for m in match_profile(kb, profile, dt.date(2024, 6, 1))}
    assert got[level.id].status == "computed" and got[level.id].amount == D("500000")
    assert got[area.id].amount == D("1000050")
    assert got[rule(kb, IND, "（九）").id].amount == D("15000000")
    first = got[rule(kb, IND, "（二）").id]  # its level was not given: asked, with the figures
    assert first.status == "needs_input" and "请说明级别：省级或国家级" in first.note
    assert got[rule(kb, IND, "（一）").id].amount == D("2000000")
