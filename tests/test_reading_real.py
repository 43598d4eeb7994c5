"""Reading questions about real texts the project did not write: the narrowest place named decides, a county
its issuer names is a place, a bare ordinal (第一次, 第三方) is no clause, a base of a measure's own is named by
its head words, and a word the whole document is about names none of its measures."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from assistant.knowledge.base import Knowledge
from assistant.knowledge.rules_draft import draft_rule_file
from assistant.reading.places import Places
from assistant.reading.shared_aliases import _document_words
from assistant.reading.targets import targets_of
from bench.real_drafting_eval import FIXTURES

from .policy_fixtures import drafted_corpus

STEMS = ["guangdong-dongguan-robot-special-fund-2016", "guangdong-guangzhou-tianhe-smallbiz-2025",
         "guangdong-dongguan-patent-funding-2017", "chongqing-wushan-trademark-patent-awards-2020",
         "chongqing-wansheng-innovation-incentives-2024", "shanghai-lingang-smart-manufacturing-2016"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return drafted_corpus(tmp_path_factory.mktemp("real-reading"), [FIXTURES / f"{s}.txt" for s in STEMS], "2016-06-01")


@pytest.fixture(scope="module")
def bot(corpus):
    from assistant.service import Assistant

    return Assistant(corpus)


def test_of_places_in_one_line_the_narrowest_decides(corpus):
    places = Places(Knowledge.load(corpus.corpus_dir))
    allowed = places.allowed(["我们是东莞的规上企业，买了一批广东本省自主品牌的工业机器人"])
    assert "guangdong-guangzhou-tianhe-smallbiz-2025" not in allowed  # 广东 is where the robots are from
    assert {"guangdong-dongguan-patent-funding-2017", "guangdong-dongguan-robot-special-fund-2016"} <= allowed
    assert "guangdong-guangzhou-tianhe-smallbiz-2025" in places.allowed(["我们是广东的企业"])


def test_a_county_or_zone_the_issuer_names_is_a_place(corpus):
    places = Places(Knowledge.load(corpus.corpus_dir))
    assert places.chains["chongqing-wushan-trademark-patent-awards-2020"] == ("重庆", "巫山")  # 巫山县人民政府
    assert places.chains["chongqing-wansheng-innovation-incentives-2024"] == ("重庆", "万盛")  # 重庆市万盛经开区管委会
    wushan = places.allowed(["我们是巫山县的企业"])
    assert "chongqing-wushan-trademark-patent-awards-2020" in wushan
    assert "chongqing-wansheng-innovation-incentives-2024" not in wushan
    assert places.chains["shanghai-lingang-smart-manufacturing-2016"][:2] == ("上海", "临港")  # 临港地区 is no county


@pytest.mark.parametrize("text, refs", [("第一次被认定为市级中心", []), ("第三方服务平台", []), ("第二批申报", []),
                                        ("第六条怎么说", [6]), ("第七呢", [7]), ("看看（八）", [8])])
def test_a_bare_ordinal_is_no_clause(bot, text, refs):
    assert bot.understander.reader.read(text).clause_refs == refs


def test_a_base_of_a_measures_own_is_named_by_its_head_words(bot):
    answer = bot.ask("我们是东莞的规上工业企业，员工1200人，今年3月买了一批广东本省品牌的工业机器人，购置额480万，能补多少？")
    assert [(bot.kb.rules.get(c.rule_id).base, c.amount_yuan, c.base_yuan) for c in answer.calculations] == [
        ("机器人购置额", D("480000"), D("4800000"))]


def test_a_word_the_whole_document_is_about_names_none_of_its_measures(corpus):
    kb = Knowledge.load(corpus.corpus_dir)
    words = _document_words(targets_of(kb), kb)
    assert ("shanghai-lingang-smart-manufacturing-2016", "智能制造") in words
    assert not any(d == "beijing-new-infra-2022" for d, _ in words)


def test_a_document_word_alone_computes_no_award(bot):
    """智能制造 runs through the whole Lingang text: a purchase question with it is not the listing award."""
    answer = bot.ask("临港企业第一次采购临港自主品牌的智能制造产品，采购合同3200万，能扶持多少？")
    assert all(c.amount_yuan != D("500000") for c in answer.calculations)


@pytest.mark.parametrize("question, doc", [
    ("个体户转企业、首达标这些支持去哪里申报啊，有申报指南吗", "guangdong-guangzhou-tianhe-smallbiz-2025"),
    ("机器人骨干企业搞重大技术创新及产业化，是怎么支持的？", "guangdong-dongguan-robot-special-fund-2016")])
def test_a_question_about_a_whole_document_is_answered_from_the_one_its_words_are_about(bot, question, doc):
    answer = bot.ask(question)
    assert answer.citations and {c.doc_id for c in answer.citations} == {doc}


def test_a_quoted_name_is_typed_without_its_quotes_and_a_lead_in_holds_its_items(bot):
    """【小微企业“首达标”支持】 is asked about as 首达标支持; "对符合以下条件的企业，给予5万元支持：" covers the 餐饮业
    item after it, not the 工业企业 award of the same clause."""
    answer = bot.ask("我们是天河的餐饮企业，今年第一次达标入规，营业额刚好500万，首达标支持有多少？")
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [
        ("guangdong-guangzhou-tianhe-smallbiz-2025.r2", D("50000"))]


@pytest.mark.parametrize("wording", ["财政部门按照贷款基准利率的50%给予贴息",
                                     "财政部门给予最高不超过贷款基准利率（不含利率上浮部分）50%的贴息"])
def test_a_share_of_an_interest_rate_is_never_computed_on_the_principal(tmp_path, wording):
    """"按贷款基准利率的50%给予贴息" pays half the interest: a 300万 loan is not a 150万 award."""
    from dataclasses import replace as _replace

    from assistant.knowledge.calculator import compute
    from assistant.knowledge.types import Inputs

    (tmp_path / "p.txt").write_text(f"某省创业担保贷款贴息办法\n一、对贷款额度在200万元以下的，{wording}。\n", encoding="utf-8")
    draft_rule_file(Knowledge.load(tmp_path).docs["p"])
    rules = [_replace(r, reviewed=True) for r in Knowledge.load(tmp_path).rules if r.doc_id == "p"]
    assert rules and all(r.base != "贷款本金" and r.base_key != "loan_principal" for r in rules)
    assert compute(rules[0], Inputs(base=D("43500") * 2)).amount_yuan == D("43500")  # half the interest given


def test_a_draft_that_would_not_load_is_listed_not_written(tmp_path):
    """A drafted figure not found verbatim in its quote ("１０ 亿元" read as 10亿元) would make the accepted
    file refuse to load, and with it every document: it is listed as not expressed instead."""
    from assistant.knowledge.rules_draft import DraftRule, _loadable, rules_path

    (tmp_path / "p.txt").write_text("某市服务券办法\n一、营业收入１０ 亿元至２０ 亿元的企业，给予20万至50万元服务券。\n", encoding="utf-8")
    doc = Knowledge.load(tmp_path).docs["p"]
    quote = "营业收入１０ 亿元至２０ 亿元的企业，给予20万至50万元服务券"
    good = DraftRule("p.r1", "一、", "range", "服务券", quote, low="20万", high="50万元")
    bad = DraftRule("p.r2", "一、", "range", "服务券", quote, low="10亿元", high="20亿元")
    kept, left = _loadable(doc, [good, bad], [], rules_path(doc), {})
    assert [d.id for d in kept] == ["p.r1"]
    assert len(left) == 1 and "未通过规则校验" in left[0].line()


def test_a_word_of_its_own_is_no_mistyped_name():
    from assistant.reading.targets import typo_of

    assert typo_of("我们是民营企业", "民口企业") is None  # 民营企业 is a word: not a mistyped 民口企业
    assert typo_of("场景试验室投资1200万", "场景实验室") == "场景试验室"  # one mistyped character in a name
    # "智能制造行业" is part of 智能制造|行业协会: its 行 belongs to another word, not a slip (a 协会 is no 企业)
    assert typo_of("有个市级智能制造行业协会要落户", "智能制造企业") is None
    assert typo_of("平抬建设投资800万", "平台建设") == "平抬建设"  # a slip of the keyboard
    assert typo_of("小批次测试花了1,450万", "小批量测试") == "小批次测试"  # a word for a word, still the same name


def test_a_figure_of_a_shared_base_picks_no_measure_the_question_does_not_name(bot):
    """"智能工厂改造…投资额4000万": the factory measure's base; the 功能平台 measure (its base 平台投资额, a shared
    kind of base) is not named, so nothing is computed for it."""
    answer = bot.ask("我们在临港做智能工厂改造，符合智能制造试点示范专项标准，投资额4000万，临港能给多少？")
    names = [bot.understander.kb.rules.get(c.rule_id).name for c in answer.calculations]
    assert names and not any("功能平台" in n for n in names)
