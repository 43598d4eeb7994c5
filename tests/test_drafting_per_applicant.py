"""每户 names the applicant itself (an enterprise, a household) when the award is paid once to it (每户奖励5万元):
a set award, not an amount per counted unit; parallel sentences of such awards for different cases are tiers.
Made-up clauses in the style of county texts."""

from __future__ import annotations

from assistant.knowledge.calculator import compute
from assistant.knowledge.types import Inputs
from tests.test_drafting_wording import drafted, kinds


def test_each_applicant_paid_once_is_a_set_award(tmp_path):
    drafts, rules = drafted(tmp_path, "对年度出口额首次突破1000万美元的外贸企业，每户奖励8万元。")
    assert [(d.kind, d.amount) for d in drafts] == [("fixed", "8万元")]
    assert compute(rules[0], Inputs()).amount_yuan == 80000


def test_each_applicant_at_most_is_a_cap(tmp_path):
    drafts, _ = drafted(tmp_path, "对通过两化融合管理体系贯标评定的企业，每户给予最高6万元补助。")
    assert [(d.kind, d.cap) for d in drafts] == [("cap_only", "6万元")]


def test_households_counted_by_the_month_stay_per_unit(tmp_path):
    assert kinds(tmp_path, "对承租公共租赁住房的低收入家庭，每户每月补贴300元。") == ["per_unit"]


def test_parallel_awards_per_applicant_for_two_certifications_are_tiers(tmp_path):
    drafts, rules = drafted(tmp_path, "对新通过GB/T19001质量管理体系认证的企业，每户奖励2万元；对新通过ISO45001职业健康安全"
                                      "管理体系认证的企业，每户奖励4万元。")
    assert [d.kind for d in drafts] == ["tiered"]
    assert [t["amount"] for t in drafts[0].tiers] == ["2万元", "4万元"]
    assert compute(rules[0], Inputs(level=drafts[0].tiers[1]["label"])).amount_yuan == 40000
