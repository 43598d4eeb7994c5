"""Mutation tests for the claim verifier (issue 13): the proof that figures are checked in their
role and verdicts against the calculator, for every rule of the reviewed rule book.

For each rule and base (below, at, above the cap or threshold) a scripted model calls the real
tools and writes a correct answer (three styles). Every figure is mutated into every other
figure of its kind the turn makes available and every verdict into its opposite
(``tests/verify_mutations.py``). Correct answers must pass unchanged; every mutation must be
stopped. Most mutations go straight to the verifier (the same ``Turn`` the agent builds); a
representative subset goes through the whole agent with LangChain's fake chat model, and a
smaller one through ``ChatOpenAI`` against the local stub server.
"""

from __future__ import annotations

import pytest

from assistant.answering.prompts import FALLBACK_NOTICE
from tests.openai_stub import OpenAIStub
from tests.verify_mutations import agent_subset, cases, mutation_bot, run_agent_case, stub_model, stub_script

RULES = ["library_threshold", "major_project", "rd_first_use", "platform_construction", "scenario_lab",
         "small_batch", "insurance_premium", "list_application", "loan_interest"]


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return mutation_bot(tmp_path_factory.mktemp("mutation"))


@pytest.fixture(scope="module")
def by_rule(bot):
    out: dict[str, list] = {}
    for case in cases(bot):
        out.setdefault(case.rule.id, []).append(case)
    return out


def test_every_reviewed_rule_is_covered(bot, by_rule):
    assert sorted(by_rule) == sorted(r.id for r in bot.kb.rules if r.reviewed) == sorted(RULES)
    for rule_id, found in by_rule.items():
        labels = {c.label for c in found}
        assert len(labels) >= (1 if rule_id == "rd_first_use" else 3), labels  # below, at, above
        assert {c.style for c in found} == {"zh", "zh2", "en"}


@pytest.mark.parametrize("rule_id", RULES)
def test_correct_answers_pass_and_every_mutation_is_stopped(by_rule, rule_id):
    false_rejections, missed, total = [], [], 0
    for case in by_rule[rule_id]:
        rejected = case.correct_rejected()
        if rejected:
            false_rejections.append((case.name, rejected))
        for m in case.mutations():
            total += 1
            if not case.stopped(m.text):
                missed.append((case.name, m.change))
    assert not false_rejections
    assert not missed, f"{len(missed)}/{total} mutations not stopped"
    assert total >= 40  # every figure and verdict of every answer, in every style


@pytest.mark.parametrize("rule_id", RULES)
def test_through_the_agent_with_a_fake_model(bot, by_rule, rule_id):
    """The whole model path: correct answers are shown as written ("llm"), mutated ones are
    replaced by the grounded answer with the notice."""
    for case in by_rule[rule_id]:
        ans = run_agent_case(bot, case, case.reply)
        assert ans.mode == "llm" and not ans.notices, (case.name, ans.rejected_claims, ans.notices)
        assert ans.answer.startswith(case.reply)
    subset = agent_subset(by_rule[rule_id])
    assert len(subset) >= 4
    for case, m in subset:
        ans = run_agent_case(bot, case, m.text)
        assert ans.mode == "grounded" and ans.rejected_claims, (case.name, m.change)
        assert any(n.endswith(FALLBACK_NOTICE) for n in ans.notices) and FALLBACK_NOTICE in ans.answer


@pytest.mark.parametrize("rule_id", ["platform_construction", "loan_interest", "library_threshold"])
def test_through_chat_openai_and_the_stub(bot, by_rule, rule_id):
    case = by_rule[rule_id][0]
    figure = next(m for case_, m in agent_subset(by_rule[rule_id]) if m.what == "figure")
    verdict = next(m for case_, m in agent_subset(by_rule[rule_id]) if m.what == "verdict")
    with OpenAIStub() as stub:
        model = stub_model(stub.base_url)
        stub.queue_chat(*stub_script(case, case.reply))
        good = run_agent_case(bot, case, case.reply, model=model)
        stub.queue_chat(*stub_script(case, figure.text))
        bad_figure = run_agent_case(bot, case, figure.text, model=model)
        stub.queue_chat(*stub_script(case, verdict.text))
        bad_verdict = run_agent_case(bot, case, verdict.text, model=model)
        tools_sent = {t["function"]["name"] for t in stub.chat_requests[0]["tools"]}
    assert "check_eligibility" in tools_sent
    assert good.mode == "llm" and good.answer.startswith(case.reply), good.notices
    for ans, m in ((bad_figure, figure), (bad_verdict, verdict)):
        assert ans.mode == "grounded" and ans.rejected_claims, m.change
        assert FALLBACK_NOTICE in ans.answer
