"""A question about a provision no drafted rule expresses is answered with that provision's text, never computed with
the rule of the sentence beside it (a confident wrong figure)."""

from __future__ import annotations

from .policy_fixtures import drafted_bot_fixture

DOC = "some-district-service-firms-2025"
TEXT = """某区促进服务业发展的若干措施

第一条 为促进服务业发展，制定本措施。
第二条 鼓励服务机构做大做强：
（一）注册成立时间未满3年的服务机构，年度营业收入自其注册成立以来首次达到1亿元、5亿元、10亿元的，分别给予最高30万元、50万元、80万元的奖励；
（二）年度营业收入超过5亿元且同比增速高于10%、20%、50%的服务机构，按照就高不重复原则，分别最高按当年度营业收入增量的0.1%、0.15%、0.2%给予奖励，每年奖励最高100万元。
第三条 本措施自2025年1月1日起施行，有效期五年。
"""

bot = drafted_bot_fixture(DOC, TEXT, "2025-06-01")


def test_a_question_naming_an_unexpressed_provision_gets_no_figure_of_its_neighbour(bot):
    answer = bot.ask("去年营收12个亿，今年冲到了20个亿，按增速那条奖励能拿多少？听说有封顶？",
                     history=[{"role": "user", "content": "我们是区里的一家服务机构，成立8年了，营收一直在增长"}])
    # never the revenue band of （一） (80万 for 20亿): the growth award computed right, or its text quoted
    assert all(c.amount_yuan != 800000 for c in answer.calculations)
    assert answer.calculations or "增速高于" in answer.answer
