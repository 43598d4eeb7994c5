"""Chat chips are what a user would answer (issue 20): never the assistant's own question, never an example
figure, and each one, sent, becomes the fact it names while the calculation stays the same."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from assistant.answering.quick_replies import quick_replies
from assistant.service import Assistant
from assistant.settings import Settings

QUESTION = "场景实验室投资1200万能补多少"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(Settings.from_env(index_dir=tmp_path_factory.mktemp("chips-index"), embedding="hash",
                                       today="2023-06-01"))


def test_chips_are_answers_not_the_assistants_questions_or_figures(bot):
    answer = bot.ask(QUESTION)
    chips = quick_replies(answer, bot.kb)
    assert chips and not set(chips) & set(answer.follow_up)
    assert not any(re.search(r"\d|万|亿", c) for c in chips)  # an example figure never becomes a base
    assert all(not c.endswith(("？", "?")) for c in chips[:2])  # the first chips answer, they do not ask


@pytest.mark.parametrize("chip, criterion, met", [
    ("在北京注册经营", "在北京市注册经营", True),
    ("外地注册", "在北京市注册经营", False),
    ("工业企业", "属于工业或软件和信息服务业企业", True),
    ("软件和信息服务业企业", "属于工业或软件和信息服务业企业", True),
    ("已入库", "项目已纳入北京市新基建重点项目库", True),
    ("未入库", "项目已纳入北京市新基建重点项目库", False),
])
def test_each_chip_sent_becomes_its_fact_and_keeps_the_figure(bot, chip, criterion, met):
    offered = quick_replies(bot.ask(QUESTION), bot.kb, limit=10)
    assert chip in offered
    answer = bot.ask(chip, history=[{"role": "user", "content": QUESTION}])
    assert [(c.rule_id, c.amount_yuan) for c in answer.calculations] == [("scenario_lab", D("3600000"))]
    assert next(v.met for v in answer.eligibility if v.criterion.startswith(criterion)) is met


def test_an_answer_without_a_figure_offers_no_next_question_about_one(bot):
    answer = bot.ask("这个政策是谁发布的？")
    assert quick_replies(answer, bot.kb) == []
