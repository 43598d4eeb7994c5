"""A question naming something of a document in that document's own words (省十四运会) is in scope however jieba cuts
those words, and a fact in passing (交了社保) does not make a question about a document a procedure question."""

from __future__ import annotations

from .policy_fixtures import drafted_bot_fixture

DOC = "some-city-provincial-games-awards-2022"
TEXT = """某市参加省第十四届运动会奖励办法

第一条 为激励运动员在省十四运会上奋勇争先，制定本办法。
第二条 对在省十四运会获得单项项目前8名的运动员，市财政按以下标准给予奖励：每获得金牌1枚，奖励4万元；每获得银牌1枚，奖励1.5万元；每获得铜牌1枚，奖励1万元。
第三条 对吸纳贫困家庭劳动力就业并签订一年以上劳动合同的企业，按每人2000元给予一次性奖补。
第四条 本办法自印发之日起施行。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2022-08-01")


def test_a_question_in_the_documents_own_words_is_in_scope(bot):
    assert bot.ask("我儿子在省十四运会游泳比赛拿了1金1银2铜，市财政一共奖多少？").in_scope


def test_a_fact_in_passing_does_not_make_it_a_procedure_question(bot):
    assert bot.ask("我们厂招了8个贫困家庭劳动力，都签了两年合同、交了社保，这块一次性奖补多少？").in_scope


def test_a_question_about_something_no_document_names_stays_out_of_scope(bot):
    assert not bot.ask("个人所得税汇算清缴怎么办理？").in_scope
