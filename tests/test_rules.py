from decimal import Decimal

import pytest

from assistant.errors import RuleError
from assistant.knowledge.base import Knowledge

from .conftest import DOC_ID

# The table in DESIGN.md, as the rule file must encode it.
EXPECTED = {
    "library_threshold": ("（一）", "threshold", None, None, Decimal("10000000")),
    "major_project": ("（二）", "threshold", None, None, Decimal("200000000")),
    "rd_first_use": ("（三）", "cap_only", None, Decimal("30000000"), None),
    "platform_construction": ("（四）", "subsidy", Decimal("0.3"), Decimal("5000000"), None),
    "scenario_lab": ("（六）", "subsidy", Decimal("0.3"), Decimal("10000000"), None),
    "small_batch": ("（七）", "subsidy", Decimal("0.3"), Decimal("10000000"), None),
    "insurance_premium": ("（八）", "subsidy", Decimal("0.5"), Decimal("10000000"), None),
    "list_application": ("（八）", "subsidy", Decimal("0.3"), Decimal("30000000"), None),
    "loan_interest": ("（十）", "subsidy", Decimal("0.02"), Decimal("10000000"), None),
}


def test_rule_file_encodes_the_design_table(kb):
    assert set(kb.rules.rules) == set(EXPECTED)
    for rid, (clause, kind, rate, cap, threshold) in EXPECTED.items():
        r = kb.rules.get(rid)
        assert (r.clause, r.kind, r.rate, r.cap, r.threshold) == (clause, kind, rate, cap, threshold), rid
        assert r.reviewed


def test_every_quote_is_verbatim_in_its_clause(kb, doc):
    for r in kb.rules:
        c = r.citation
        assert doc.text[c.start : c.end] == r.quote
        assert c.clause == r.clause
        for cond in r.conditions:
            assert doc.text[cond.citation.start : cond.citation.end] == cond.citation.quote


def test_caps_apply_per_platform_project_or_enterprise(kb):
    per = {r.id: r.cap_per for r in kb.rules if r.cap is not None}
    assert per["platform_construction"] == "单个平台"
    assert per["insurance_premium"] == "单个企业"
    assert per["loan_interest"] == "单个项目"


def test_boundary_words_follow_the_civil_code(kb):
    # 以上 includes the number: 1000万元（含）以上 and 2亿元以上 are both ≥.
    assert kb.rules.get("library_threshold").inclusive
    assert kb.rules.get("major_project").inclusive


def test_project_support_requires_the_library(kb):
    for rid in ("scenario_lab", "small_batch", "list_application", "loan_interest", "rd_first_use"):
        assert "in_library" in [c.id for c in kb.rules.get(rid).conditions], rid
    for r in kb.rules:
        if r.kind != "threshold":
            ids = [c.id for c in r.conditions]
            assert {"registered_in_beijing", "eligible_industry", "within_validity"} <= set(ids), r.id


def _edit(corpus_copy, old, new):
    path = corpus_copy / f"{DOC_ID}.rules.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("单个平台建设补贴最高不超过500万元", "单个平台建设补贴最高不超过600万元", "规则 platform_construction 的引文"),
        ("    cap: 500万元", "    cap: 600万元", "规则 platform_construction 的 上限 cap“600万元”没有出现"),
        ("  - id: small_batch\n    clause: （七）", "  - id: small_batch\n    clause: （六）", "规则 small_batch 标注为（六），但引文位于（七）"),
        ("    rate: 2%", "    rate: 3%", "规则 loan_interest 的 比例 rate“3%”"),
        ("kind: subsidy", "kind: bonus", "kind 应为"),
        ("conditions: [registered_in_beijing, eligible_industry, third_party_platform, within_validity, platform_conditions]",
         "conditions: [registered_in_beijing, nowhere]", "未定义的条件：nowhere"),
        ("rules:\n", "rules: [\n", "不是合法的 YAML"),
    ],
)
def test_a_broken_rule_file_fails_naming_the_rule(corpus_copy, old, new, message):
    _edit(corpus_copy, old, new)
    with pytest.raises(RuleError) as err:
        Knowledge.load(corpus_copy)
    assert message in str(err.value)
    assert f"{DOC_ID}.rules.yaml" in str(err.value)


def test_unknown_rule_id_lists_the_accepted_ones(kb):
    with pytest.raises(RuleError, match="platform_construction"):
        kb.rules.get("nope")
