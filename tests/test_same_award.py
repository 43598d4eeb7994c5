"""The same award restated in two documents of one place (a policy package and one of its parts): computed once,
from the document the question is most about, the other document cited beside it, never added to it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from .policy_fixtures import drafted_corpus

PACKAGE = """某新区产业配套政策

第一条 为促进产业发展，制定本政策。
第二条 创新金融服务。支持企业通过融资租赁取得生产设备，对承租企业按租赁标的物总额的5%一次性给予扶持，最高500万元。
第三条 房租补贴。对新落户企业按房租的30%给予房租补贴，最高20万元。
第四条 本政策自2024年1月1日起施行。
"""
PART = """某新区智能制造配套政策

一、鼓励企业开展智能装备融资租赁服务，对承租企业按租赁标的物总额的5%一次性给予扶持，最高500万元。
二、对新建智能工厂的，按投资额的10%给予补贴，最高1000万元。
三、对功能平台落户的，按平台投资额的20%给予补贴，最高5000万元。
四、租金补贴。对入驻孵化载体的企业，按场地租金总额的50%予以租金补贴，每年不超过5万元。
五、本政策自2024年1月1日起施行。
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from assistant.service import Assistant

    tmp = tmp_path_factory.mktemp("same-award")
    sources = []
    for stem, text in (("some-area-industry-package-2024", PACKAGE), ("some-area-smart-manufacturing-2024", PART)):
        (tmp / f"{stem}.txt").write_text(text, encoding="utf-8")
        sources.append(tmp / f"{stem}.txt")
    return Assistant(drafted_corpus(tmp, sources, "2024-06-01"))


def test_the_same_award_of_two_documents_is_computed_once_and_the_other_cited(bot):
    answer = bot.ask("我们通过融资租赁搞了一批设备，租赁标的物总额1.2亿，一次性扶持多少？")
    assert [c.amount_yuan for c in answer.calculations] == [D("5000000")]  # once: 1.2亿 × 5% capped, not 1,000万
    cited = {c.doc_id for c in answer.citations}
    assert cited >= {"some-area-industry-package-2024", "some-area-smart-manufacturing-2024"}
    assert "有相同规定" in answer.answer


def test_two_different_awards_of_two_documents_are_both_computed(bot):
    answer = bot.ask("融资租赁标的物总额1.2亿，另外新建智能工厂投资额3000万，分别能拿多少？")
    assert sorted(c.amount_yuan for c in answer.calculations) == [D("3000000"), D("5000000")]



def test_a_figure_tied_to_another_documents_own_base_is_a_lone_figure_here(bot):
    # "房租14万" reads as the other text's 实际房租; asked about the 租金补贴 of this one, it is the lone figure given,
    # taken as its base and said so
    answer = bot.ask("我们入驻了孵化载体，一年场地房租14万，租金补贴每年最多补多少？")
    assert [(c.rule_id.rsplit(".", 1)[0], c.amount_yuan) for c in answer.calculations] == [
        ("some-area-smart-manufacturing-2024", D("50000"))]
    assert "按您所说的" in answer.answer
