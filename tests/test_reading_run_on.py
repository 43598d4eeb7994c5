"""Questions about run-on real pages (batch 5's 广安 texts, each crawled as one line): answered from the
numbered clause they ask about, with its label; a word of the question that only looks like a question
about the document (字号 in 中华老字号) does not turn it into one."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from .policy_fixtures import drafted_corpus

BATCH5 = Path(__file__).parent / "fixtures" / "real_policies_batch5"
STEMS = ["sichuan-guangan-commerce-services-2015", "sichuan-guangan-tech-innovation-2021",
         "sichuan-guangan-investment-promotion-2022", "sichuan-guangan-ip-support-2022",
         "jiangxi-province-national-development-zones-2020"]


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from assistant.service import Assistant

    settings = drafted_corpus(tmp_path_factory.mktemp("run-on"), [BATCH5 / f"{s}.txt" for s in STEMS], "2022-06-01")
    return Assistant(settings)


def _figures(answer) -> list[tuple[str, str]]:
    return [(c.rule_id.split(".")[0], str(c.amount_yuan)) for c in answer.calculations]


def test_a_brand_title_with_zihao_in_it_is_asked_about_not_the_document_number(bot):
    a = bot.ask("我们是广安本地的餐饮老店，今年首次被授予“中华老字号”，广安这边奖多少？")
    assert _figures(a) == [("sichuan-guangan-commerce-services-2015", "200000")]
    assert any(c.clause == "（十）" for c in a.citations)
    assert "文号" not in a.answer


def test_the_document_number_is_still_asked_for_in_words_of_its_own(bot):
    a = bot.ask("广安促进商贸服务业发展二十条措施的发文字号是什么？")
    assert not a.calculations
    assert "文号" in a.answer


def test_a_clause_of_a_run_on_page_is_cited_by_its_own_number(bot):
    a = bot.ask("广安的企业首次创建为高新技术企业，能拿多少支持？")
    assert _figures(a) == [("sichuan-guangan-tech-innovation-2021", "200000")]
    assert [c.clause for c in a.citations][:1] == ["12."]


def test_a_base_named_without_its_sum_word_is_still_the_base(tmp_path):
    """年仓储配送费用总额 is named "仓储配送费用一共…" by a user: the base, computed on; 经济贡献 beside it is not."""
    from .policy_fixtures import drafted_assistant

    text = ("某市现代物流业扶持办法\n一、对入驻物流园区满一年、年度纳税达到500万元以上的企业，可按照年仓储配送费用总额的4%给予企业补贴，"
            "每年补贴额度不超过80万元。\n二、本办法自2023年1月1日起施行，有效期至2025年12月31日。\n")
    bot = drafted_assistant(tmp_path, "mock-logistics", text, "2023-06-01")
    a = bot.ask("我们入驻物流园区两年了，年度纳税600万元，今年仓储配送费用一共1,500万元，能补多少？")
    assert [(c.base_yuan, c.amount_yuan) for c in a.calculations] == [(D("15000000"), D("600000"))]


def test_a_measure_named_by_a_term_many_documents_mention_is_still_found_by_it(bot):
    """高新技术企业 is in most of these texts, so it is no alias of any measure in general; but clause 12. is named
    by it (对首次创建为高新技术企业的，给予20万元支持): a question in other words of the firm still reaches it."""
    a = bot.ask("我们是广安本地的老企业，今年第一次被认定为高新技术企业，年销售3200万，员工86人，能拿多少支持？")
    assert _figures(a) == [("sichuan-guangan-tech-innovation-2021", "200000")]
