"""Questions about run-on real pages (batch 5's 广安 texts, each crawled as one line): answered from the
numbered clause they ask about, with its label; a word of the question that only looks like a question
about the document (字号 in 中华老字号) does not turn it into one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .policy_fixtures import drafted_corpus

BATCH5 = Path(__file__).parent / "fixtures" / "real_policies_batch5"
STEMS = ["sichuan-guangan-commerce-services-2015", "sichuan-guangan-tech-innovation-2021"]


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
