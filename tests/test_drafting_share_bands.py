"""Rates paid by bands of a share the applicant reaches (占比达到60%及以上的给予投资30%；占比30%至60%（不含）的给予20%):
one tiered rule whose levels are the bands, never a range of rates; and a rate bounded by a rate of another base
(按贷款利率的50%，最高不超过贷款金额的2%), which one rate cannot say, drafted as no rule. Made-up clauses."""

from __future__ import annotations

from tests.test_drafting_wording import drafted


def test_rates_by_bands_of_a_share_are_levels_of_one_rule(tmp_path):
    drafts, _ = drafted(tmp_path, "对可再生能源装机占比达到50%及以上的改造项目，给予可再生能源建设投资25%的资金支持;"
                                  "装机占比20%至50%（不含）的给予15%资金支持；对装机占比20%及以上的示范项目、综合能源站项目，"
                                  "给予可再生能源建设投资25%的资金支持。")
    assert [d.kind for d in drafts] == ["tiered", "rate"]
    tiered = drafts[0]
    assert [(t["label"], t["rate"]) for t in tiered.tiers] == [("装机占比达到50%及以上", "25%"), ("装机占比20%至50%（不含）", "15%")]
    assert tiered.base == "可再生能源建设投资"
    assert not any(d.kind == "range" for d in drafts)


def test_a_rate_bounded_by_a_rate_of_another_base_is_no_rule(tmp_path):
    drafts, _ = drafted(tmp_path, "对核心零部件技改项目，按照企业实际项目贷款利率的40%，最高不超过贷款金额的1.5%给予贴息，"
                                  "单个企业每年贴息上限为800万元。")
    assert drafts == []
