"""Rates that change by year of support, written as real texts write them: 第二、三年 (two years in a row named with
、), 全额 for the whole of the base, the base named before 给予. One schedule rule, computed year by year.
Sentences written for these tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted


@pytest.mark.parametrize("year, expected", [(1, 600000), (2, 300000), (3, 300000), (4, 0)])
def test_years_named_with_a_pause_mark_share_their_rate(tmp_path: Path, year, expected):
    drafts, rules = drafted(tmp_path, "对新落户的区域总部，按其办公用房租金给予补贴，第一年补贴100%，第二、三年补贴50%。")
    assert [(d.kind, d.base) for d in drafts] == [("schedule", "办公用房租金")]
    assert [(y["text"], y["first"], y["last"], y["rate"]) for y in drafts[0].years] == [
        ("第一年", 1, 1, "100%"), ("第二、三年", 2, 3, "50%")]
    assert compute(rules[0], Inputs(base=Decimal(600000), year=year)).amount_yuan == expected


def test_the_whole_of_the_base_for_the_first_years(tmp_path: Path):
    drafts, rules = drafted(tmp_path, "对入驻孵化基地的初创企业，前两年给予租金全额补贴，后三年给予50%补贴。")
    assert [(d.kind, d.base) for d in drafts] == [("schedule", "租金")]
    assert [(y["first"], y["last"], y["rate"]) for y in drafts[0].years] == [(1, 2, "全额"), (3, 5, "50%")]
    assert compute(rules[0], Inputs(base=Decimal(80000), year=2)).amount_yuan == 80000
    assert compute(rules[0], Inputs(base=Decimal(80000), year=5)).amount_yuan == 40000


def test_years_listed_out_of_order_are_not_read_as_a_span(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "对引进的研发机构，第一年补贴其租金的100%，第二、四年补贴50%。")
    assert not [d for d in drafts if d.kind == "schedule" and any(y["last"] == 4 for y in d.years)]


@pytest.mark.parametrize("body, base, spans, year, expected", [
    # the base named between the first years and their rate, with what it excludes in brackets; 第X、第Y年
    ("对入驻园区的软件企业，企业前两年缴纳的增值税县级留成部分（不含土地使用税县级留成部分）予以全额奖励，"
     "第三、第四年按县级留成部分的60%予以奖励。", "缴纳的增值税县级留成部分（不含土地使用税县级留成部分）",
     [("前两年", 1, 2, "全额"), ("第三、第四年", 3, 4, "60%")], 4, 60000),
    # 全部 for the whole of the base, and years listed with and without 第
    ("对新入驻的设计企业，第一、二年经营场所租金全部补贴、第三、第四、五年经营场所租金补贴40%。", "经营场所租金",
     [("第一、二年", 1, 2, "全部"), ("第三、第四、五年", 3, 5, "40%")], 2, 100000),
])
def test_years_far_from_their_rate_and_listed_with_several_spellings(tmp_path: Path, body, base, spans, year, expected):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.base) for d in drafts] == [("schedule", base)]
    assert [(y["text"], y["first"], y["last"], y["rate"]) for y in drafts[0].years] == spans
    assert compute(rules[0], Inputs(base=Decimal(100000), year=year)).amount_yuan == expected


@pytest.mark.parametrize("body, text, last, amount", [
    ("对引进的紧缺人才，每年给予最高12万元安家补贴，补贴期3年。", "补贴期3年", 3, "12万元"),
    ("对新落户的区域总部，连续三年每年给予20万元运营补贴。", "连续三年", 3, "20万元"),
])
def test_one_amount_a_year_for_a_span_of_years_is_a_schedule(tmp_path: Path, body, text, last, amount):
    drafts, rules = drafted(tmp_path, body)
    assert [(d.kind, d.years) for d in drafts] == [("schedule", [{"text": text, "first": 1, "last": last, "amount": amount}])]
    assert compute(rules[0], Inputs(year=last)).amount_yuan == rules[0].years[0].rate
    assert compute(rules[0], Inputs(year=last + 1)).amount_yuan == 0


def test_an_amount_per_person_and_year_stays_per_unit(tmp_path: Path):
    drafts, _ = drafted(tmp_path, "在职期间可领取每人每年3000元交通补贴，补贴期限最长为2年。")
    assert [d.kind for d in drafts] == ["per_unit"]
