"""The places a question names choose the documents it is answered from: a document at the place, above it or
below it, never another place's; and a subject a document of the corpus supports (社保, 个人) is not out of scope."""

from __future__ import annotations

import pytest

from assistant.reading.places import Places
from bench.real_drafting_eval import FIXTURES

from .policy_fixtures import drafted_corpus

STEMS = ["guangdong-province-graduate-employment-2026", "guangdong-guangzhou-internship-base-2019",
         "guangdong-guangzhou-tianhe-smallbiz-2025", "guangdong-dongguan-patent-funding-2017",
         "liaoning-dalian-eco-tech-city-2012"]


@pytest.fixture(scope="module")
def several(tmp_path_factory):
    from assistant.service import Assistant

    return Assistant(drafted_corpus(tmp_path_factory.mktemp("places"), [FIXTURES / f"{s}.txt" for s in STEMS],
                                    "2024-06-01"))


def test_each_document_is_placed_by_its_own_title_region_or_text(several):
    chains = Places(several.kb).chains
    assert chains["beijing-new-infra-2022"] == ("北京",)
    assert chains["guangdong-province-graduate-employment-2026"] == ("广东",)
    assert chains["guangdong-guangzhou-tianhe-smallbiz-2025"] == ("广东", "广州", "天河")
    assert chains["guangdong-dongguan-patent-funding-2017"] == ("广东", "东莞")
    # a text copied without its title is at the places its own words name (大连, and its 甘井子 district)
    assert chains["liaoning-dalian-eco-tech-city-2012"][:2] == ("辽宁", "大连")


def test_a_place_allows_its_documents_those_above_and_below_it_never_another_places(several):
    places = Places(several.kb)
    guangzhou = {"guangdong-province-graduate-employment-2026", "guangdong-guangzhou-internship-base-2019",
                 "guangdong-guangzhou-tianhe-smallbiz-2025"}
    assert places.allowed(["我们是广州的企业"]) == guangzhou  # the city's, its district's, the province's
    assert places.allowed(["我们在天河"]) == guangzhou
    assert places.allowed(["去梅州一家民营企业上班了"]) == {"guangdong-province-graduate-employment-2026"}
    assert places.allowed(["东莞的发明人"]) == {"guangdong-province-graduate-employment-2026",
                                                "guangdong-dongguan-patent-funding-2017"}
    assert places.allowed(["我们在海淀"]) == {"beijing-new-infra-2022"}
    assert places.allowed(["一台设备卖了80万"]) is None  # no place: every document
    assert places.allowed(["我们是成都的企业"]) is None  # a place no document is at: their conditions decide
    # a message naming no place keeps the conversation's
    assert places.allowed(["留用补贴怎么算", "我们是梅州的企业"]) == {"guangdong-province-graduate-employment-2026"}


def test_a_question_from_a_place_is_answered_from_that_places_documents(several):
    answer = several.ask("我是硕士毕业生，去梅州一家民营企业上班了，签了3年合同，社保交满6个月，粤东西北就业补贴有多少？")
    assert answer.in_scope
    assert {c.doc_id for c in answer.citations} == {"guangdong-province-graduate-employment-2026"}


def test_a_subject_a_document_supports_is_not_out_of_scope(several):
    """社保 is an individual's procedure for a corpus of enterprise measures, but not when a document here pays
    for it: a Guangzhou internship base asking about 社保 and 留用补贴 is answered from its document."""
    answer = several.ask("我们是广州的就业见习基地，见习期满留下了8个见习生，都交了6个月社保，留用补贴怎么算")
    assert answer.in_scope
    assert {c.doc_id for c in answer.citations} == {"guangdong-guangzhou-internship-base-2019"}


def test_a_beijing_question_never_gets_another_places_measure(several):
    answer = several.ask("我们是海淀的软件公司，场景实验室投资1000万能补多少")
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [("scenario_lab", 3000000)]


def test_one_award_of_a_clause_is_chosen_by_the_words_of_its_own_sentence(several):
    """A clause with several per-件 awards: the question's words choose one; words that fit several ask back,
    never every award of the clause listed as the answer's figures."""
    answer = several.ask("我们在东莞，今年有3件发明专利拿到了美国授权，境外专利每件资助多少，一共多少？")
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [("guangdong-dongguan-patent-funding-2017.r9", 150000)]
    unclear = several.ask("我们在东莞，今年有3件发明专利授权了，能拿多少资助？")
    assert unclear.calculations == [] and "请说明是哪一项" in unclear.answer


def test_a_drafted_rule_is_named_by_the_award_its_sentence_gives():
    from assistant.knowledge.aliases import award_names, inner_awards, name_aliases

    assert award_names("由就业补助资金按每人3000元给予用人单位留用补贴") == ["留用补贴"]
    assert award_names("见习期间由就业补助资金按每月500元给予生活费补贴") == ["生活费补贴"]
    assert award_names("给予一次性奖励50万元") == []  # a qualifier is no name
    assert inner_awards("列入风险补贴计划的项目") == ["风险补贴"]
    assert name_aliases("列入生产资助计划的项目") == ["列入生产资助计划的项目", "生产资助"]


def test_without_a_place_the_document_most_about_the_questions_words_answers(several):
    """No place named: the internship-base text (见习 throughout) outweighs the graduate list that names a
    就业见习补贴 once; its 留用补贴 is computed per person kept on."""
    answer = several.ask("见习期满后我们留用了8个见习学员，都稳定就业交了半年以上社保，留用补贴一共多少？")
    assert {c.doc_id for c in answer.citations} == {"guangdong-guangzhou-internship-base-2019"}
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [("guangdong-guangzhou-internship-base-2019.r3", 24000)]


def test_an_answer_is_never_empty_when_its_documents_say_nothing_of_that_kind(several):
    """The documents a place allows may state no validity or scope of their own: the answer then quotes the
    passages asked about, never an empty reply."""
    for q in ["我们是梅州的企业，就业补贴这个政策现在还有效吗？", "东莞的发明人，专利资助期限一年吗，财政能补多少？"]:
        answer = several.ask(q)
        assert answer.answer.strip() and answer.citations, q


def test_a_text_that_lost_its_title_is_named_by_its_file_not_by_its_first_chapter(tmp_path):
    """A .docx body that lost its title and starts at a chapter line without its number ("总则"): that is no
    title; the file's own name stands for it."""
    from assistant.knowledge.documents import load_document

    path = tmp_path / "某市跨境电子商务扶持资金管理暂行规定.txt"
    path.write_text("总则\n第一条 为促进跨境电子商务发展，制定本规定。\n"
                    "第二条 对跨境电子商务企业给予一次性奖励10万元。\n", encoding="utf-8")
    assert load_document(path).meta.title == "某市跨境电子商务扶持资金管理暂行规定"
