"""规则审核 in the app (issue 18): staff accept, edit or delete drafted rules beside their quotes, and an accepted
rule is used by the next match and question without a restart."""

from __future__ import annotations

import shutil
from decimal import Decimal as D

import pytest
import yaml

import app
from assistant.errors import PolicyError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.rules_draft import draft_rule_file
from assistant.settings import Settings
from assistant.web.state import WebApp

from .test_review import FIXTURES, STEM


@pytest.fixture
def web(corpus_copy, tmp_path):
    shutil.copy(FIXTURES / f"{STEM}.txt", corpus_copy / f"{STEM}.txt")
    draft_rule_file(Knowledge.load(corpus_copy).docs[STEM])
    settings = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "idx", embedding="hash",
                                 today="2024-06-01", answer_log=str(tmp_path / "answers.jsonl"))
    return WebApp(settings)


def rule_of(web, clause: str) -> str:
    return next(rule_id for label, rule_id in web.review_choices(STEM) if f"· {clause} ·" in label)


def amounts(web, profile: dict) -> dict:
    return {m.rule.id: (m.status, m.amount) for m in web.bot.match(profile)}


def test_an_accepted_rule_is_used_at_once(web):
    assert web.review_docs() == [("关于促进工业经济高质量发展的若干意见（待审核 17 条）", STEM)]
    upgrade = rule_of(web, "（四）")
    html = web.review_html(STEM)
    assert "按设备投资额的8%给予补助，单个项目最高不超过500万元" in html and f'data-rule="{upgrade}"' in html
    profile = {"registered_in": "北京", "project_investment": "1000万元"}
    assert amounts(web, profile)[upgrade] == ("unreviewed", None)
    said = web.review_decide(STEM, upgrade, "接受", by="张三")
    assert "已接受" in said and upgrade not in [r for _, r in web.review_choices(STEM)]
    assert amounts(web, profile)[upgrade][1] == D("800000")  # 1000万 × 8%, no restart
    saved = yaml.safe_load((web.settings.corpus_dir / f"{STEM}.rules.yaml").read_text(encoding="utf-8"))
    row = next(r for r in saved["rules"] if r["id"] == upgrade)
    assert row["reviewed"] is True and row["reviewed_by"] == "张三"


def test_an_edit_with_a_figure_not_in_the_quote_is_refused_and_nothing_changes(web):
    upgrade = rule_of(web, "（四）")
    path = web.settings.corpus_dir / f"{STEM}.rules.yaml"
    before = path.read_text(encoding="utf-8")
    with pytest.raises(PolicyError, match="修改未通过核对"):
        web.review_decide(STEM, upgrade, "修改", "cap: 999万元", by="张三")
    assert path.read_text(encoding="utf-8") == before
    with pytest.raises(PolicyError, match="逐行填写"):
        web.review_decide(STEM, upgrade, "修改", "", by="张三")


def test_a_deleted_rule_is_gone_from_the_file_and_the_list(web):
    first = rule_of(web, "（一）")
    assert "已删除" in web.review_decide(STEM, first, "删除", by="张三")
    assert first not in [r for _, r in web.review_choices(STEM)]
    saved = yaml.safe_load((web.settings.corpus_dir / f"{STEM}.rules.yaml").read_text(encoding="utf-8"))
    assert first not in [r["id"] for r in saved["rules"]]
    with pytest.raises(PolicyError, match="没有待审核的规则"):
        web.review_decide(STEM, first, "接受", by="张三")


def test_the_tab_is_there_only_behind_a_staff_login(web, monkeypatch):
    assert "tab-review" not in str(app.build_demo(web).config)
    monkeypatch.setattr(web.settings, "app_username", "staff")
    assert "tab-review" in str(app.build_demo(web).config)
