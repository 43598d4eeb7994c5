"""Awards written as N months or N times of a standard (kind ``multiple``): the drafted rule states the multiple
and the standard it refers to; it is computed on the standard's amount only when the document states that amount
or the user gives it, and otherwise asks for it. Floors and conditions written the same way are no award. The
sentences are written in the style of assistance texts, not copied from the annotated ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.kind_calc import MissingInput
from assistant.knowledge.kinds import describe
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


@pytest.mark.parametrize("body, multiple, base, upper", [
    ("遭遇突发重大疾病的困难家庭，区民政部门给予临时救助，人均最高不超过当地9个月最低生活保障标准。",
     "9个月", "当地最低生活保障标准", True),
    ("对分散供养的特困老人，县财政按照本县农村特困人员供养标准的1.2倍给予护理补贴。",
     "1.2倍", "本县农村特困人员供养标准", False),
    ("对重度残疾人家庭，救助标准原则上人均不超过本区两个月城乡低保标准。", "两个月", "本区城乡低保标准", True),
])
def test_a_multiple_of_a_standard_is_drafted_with_the_standard_it_refers_to(tmp_path: Path, body, multiple, base, upper):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.multiple, d.base) for d in drafts] == [("multiple", multiple, base)]
    assert rules[0].upper is upper and rules[0].standard is None
    with pytest.raises(MissingInput) as asked:  # the standard's amount is not in the text: asked, never assumed
        compute(rules[0], Inputs())
    assert base in str(asked.value) and multiple in str(asked.value)
    assert "未写明" in describe(rules[0])


def test_the_standard_given_by_the_user_is_multiplied(tmp_path: Path):
    _, rules = drafted(tmp_path, "对突发困难家庭给予临时救助，人均不超过本市6个月最低生活保障标准。")
    calc = compute(rules[0], Inputs(base=Decimal(1200)))
    assert calc.amount_yuan == Decimal(7200) and "6个月" in calc.trace and "人均最高可获" in calc.trace


def test_the_standard_stated_in_the_document_is_quoted_and_used(tmp_path: Path):
    body = ("本市城乡最低生活保障标准为每人每月1250元。\n"
            "二、对因病致贫的家庭给予临时救助，人均不超过本市3个月最低生活保障标准。")
    drafts, rules = drafted(tmp_path, body)
    (d,) = [d for d in drafts if d.kind == "multiple"]
    assert (d.multiple, d.standard, d.standard_clause) == ("3个月", "1250元", "一、")
    (r,) = [r for r in rules if r.kind == "multiple"]
    assert r.standard_citation.quote == "本市城乡最低生活保障标准为每人每月1250元"
    calc = compute(r, Inputs())  # no input needed: the document states the standard
    assert calc.amount_yuan == Decimal(3750) and "1,250" in calc.trace.replace("1250", "1,250")


def test_an_amount_cap_beside_the_multiple_bounds_it(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对遭遇火灾的家庭给予救助，最高不超过当地12个月最低生活保障标准，且不超过2万元。")
    assert [(d.kind, d.multiple, d.cap) for d in drafts] == [("multiple", "12个月", "2万元")]
    assert compute(rules[0], Inputs(base=Decimal(2000))).amount_yuan == Decimal(20000)  # 24,000 capped


@pytest.mark.parametrize("body", [
    "个人临时救助标准原则上不低于当地三个月城镇最低生活保障标准。",  # a floor, not an award
    "救助金额不超过本市2个月最低生活保障标准的，由街道审批后拨付救助资金。",  # who approves: a condition
    "家庭收入在低保标准1.5倍以内的，可申请临时救助。",  # eligibility
])
def test_floors_and_conditions_written_as_multiples_are_no_award(tmp_path: Path, body):
    drafts, _ = drafted(tmp_path, body)
    assert [d for d in drafts if d.kind == "multiple"] == []
