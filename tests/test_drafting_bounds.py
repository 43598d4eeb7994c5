"""Caps that bound the awards before them rather than pay one: how much one applicant may get in a year
(每家主体每年奖励额度最高…), and an article's own yearly budget (本条款每年奖励额度最高…). Made-up clauses in
the style of district culture texts."""

from __future__ import annotations

from tests.test_drafting_wording import drafted


def test_a_yearly_bound_per_applicant_after_maxima_is_no_award(tmp_path):
    drafts, _ = drafted(tmp_path, "对举办大型展会的企业，单场观众3000人以上的，给予单场最高2万元奖励；单场观众8000人以上的，"
                                  "给予单场最高5万元奖励。每家企业每年奖励额度最高20万元，本条款每年奖励额度最高80万元。")
    assert "20万元" not in [d.cap for d in drafts] and "80万元" not in [d.cap for d in drafts]
    assert sorted(d.cap for d in drafts) == ["2万元", "5万元"]


def test_an_articles_yearly_budget_is_no_award(tmp_path):
    drafts, _ = drafted(tmp_path, "对经认定的新型演艺空间，按票房的1%给予运营主体不超过20万元奖励。本条款每年奖励额度最高60万元。")
    assert [(d.kind, d.rate, d.cap) for d in drafts] == [("subsidy", "1%", "20万元")]
