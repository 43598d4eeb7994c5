"""The app's handlers without a browser: each tab, bad inputs, escaping, the answer log, settings."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest

import app
from assistant.answer import Answer
from assistant.answer_log import AnswerLog, session_tag
from assistant.errors import PolicyError, SettingsError
from assistant.prompts import FALLBACK_NOTICES
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.webui import FieldError, WebApp, chat_markdown, esc, field_error, markdown_to_docx, md_safe

XSS = "<img src=x onerror=alert(1)>"
ENDED = "2025-03-01"  # after the policy's validity (2022-2024)
IN_FORCE = "2023-06-01"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """The embedding model and index, loaded once; each test gets its own Assistant and log around them."""
    root = tmp_path_factory.mktemp("app")
    bot = Assistant(Settings.from_env(index_dir=root / "index", answer_log=root / "unused.jsonl"))
    bot.understander.read("预热")
    return bot.embedder, bot.retriever


def make_web(shared, tmp_path, *, today: str = ENDED, log_path: Path | None = None, **overrides) -> WebApp:
    embedder, retriever = shared
    settings = Settings.from_env(today=today, **overrides)
    bot = Assistant(settings, embedder=embedder, retriever=retriever)
    return WebApp(settings, bot=bot, answer_log=AnswerLog(log_path or settings.answer_log,
                                                          ("s3cret-pass-9", "sk-test-key-123")))


@pytest.fixture
def web(shared, tmp_path) -> WebApp:
    return make_web(shared, tmp_path)


def log_lines(web: WebApp) -> list[dict]:
    return [json.loads(line) for line in web.log.path.read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- the UI is built with named endpoints
def test_demo_builds_with_named_api_endpoints(web):
    demo = app.build_demo(web)
    named = demo.get_api_info()["named_endpoints"]
    assert {"/ask", "/calculate", "/draft"} <= set(named)
    assert [p["parameter_name"] for p in named["/ask"]["parameters"]] == ["question"]
    calc = [p["parameter_name"] for p in named["/calculate"]["parameters"]]
    assert calc == ["measure", "base", "date", "registered_in", "industry", "in_library", "listed_products"]
    assert [p["parameter_name"] for p in named["/draft"]["parameters"]] == ["inquiry", "enterprise"]
    # UI-only events are not part of the API
    assert not any("echo" in name or "reply" in name for name in named)


# ---------------------------------------------------------------- 政策问答
def test_chat_turn_shows_amount_citation_trace_checklist_and_validity(web):
    turn = web.chat_turn("平台建设投资1200万元，能补多少？", [], session="s-1")
    assert "360万元" in turn.markdown
    # marker [1] links to clause （四） with the quote's exact span
    c = turn.answer.citations[0]
    assert c.clause == "（四）"
    assert f'href="#clause-四~{c.start}-{c.end}"' in turn.markdown
    d = turn.details
    assert "政策依据" in d and esc(c.quote) in d and "二、支持新基建创新攻关和新主体新平台培育" in d
    assert "计算过程" in d and "1,200万元 × 30% = 360万元" in d and "<table" in d
    assert "资格自查表" in d and "待确认" in d and "需补充" in d and "不符合" in d
    assert "有效期提示" in d and "已届满" in d
    assert "离线核算" in d  # the mode is always visible
    assert turn.history == [
        {"role": "user", "content": "平台建设投资1200万元，能补多少？"},
        {"role": "assistant", "content": turn.answer.answer},
    ]


def test_validity_notice_says_in_force_for_a_date_inside_the_period(shared, tmp_path):
    web = make_web(shared, tmp_path, today=IN_FORCE)
    d = web.chat_turn("平台建设投资1200万元，能补多少？", []).details
    assert "在有效期内" in d and "已届满" not in d


def test_two_turn_follow_up_uses_the_session_history(web):
    first = web.chat_turn("我想申请平台建设补贴", [])
    second = web.chat_turn("建设投资是1500万元", first.history)
    assert "450万元" in second.markdown
    assert second.answer.calculations[0].amount_yuan == Decimal("4500000")
    assert len(second.history) == 4


def test_fallback_notice_when_the_configured_model_failed(shared, tmp_path):
    # a model endpoint that refuses connections: the agent falls back to the grounded answer
    web = make_web(shared, tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_timeout=2.0)
    turn = web.chat_turn("平台建设投资1200万元，能补多少？", [])
    assert turn.answer.mode == "grounded" and "360万元" in turn.markdown
    assert "对话模型未能完成本次回答" in turn.details and FALLBACK_NOTICES["unavailable"] in turn.details
    assert "回退" in turn.details
    # a grounded answer without a fallback notice shows no warning
    plain = web.details_html(Answer(answer="x", question="q", asked_on=IN_FORCE, notices=["问题过长，只处理了前2000个字。"]))
    assert "对话模型未能完成" not in plain and "问题过长" in plain


def test_chat_input_and_answers_are_escaped(web):
    turn = web.chat_turn(XSS, [])
    assert "<img" not in turn.markdown and "<img" not in turn.details
    assert md_safe(XSS) == "&lt;img src=x onerror=alert(1)>"
    # an answer that echoes HTML is rendered inert
    answer = Answer(answer=f"您问的是 {XSS} [1]", citations=turn.answer.citations[:0], question=XSS)
    assert "<img" not in chat_markdown(answer, web.anchors)
    assert "<img" not in web.details_html(Answer(answer="a", notices=[XSS], question=XSS))


def test_empty_and_failing_questions_never_raise(web, monkeypatch):
    assert web.chat_turn("   ", []).markdown  # the assistant asks for a question
    monkeypatch.setattr(web.bot, "ask", lambda *a, **k: (_ for _ in ()).throw(PolicyError("索引不可用，请稍后重试")))
    turn = web.chat_turn("平台建设投资1200万元", [])
    assert "索引不可用" in turn.markdown and turn.history == []
    monkeypatch.setattr(web.bot, "ask", lambda *a, **k: 1 / 0)
    turn = web.chat_turn("平台建设投资1200万元", [])
    assert "内部错误" in turn.markdown and "Traceback" not in turn.markdown + turn.details


# ---------------------------------------------------------------- the answer log
def test_every_answer_is_logged_with_time_session_hash_and_no_secret(web):
    web.chat_turn("平台建设投资1200万元，密码 s3cret-pass-9 能补多少？", [], session="raw-session-id")
    web.chat_turn("保费30万元能补多少？", [], session="raw-session-id")
    lines = log_lines(web)
    assert len(lines) == 2
    rec = lines[0]
    assert {"answer", "mode", "in_scope", "citations", "calculations", "eligibility", "follow_up",
            "question", "asked_on", "notices", "time", "session", "channel"} <= set(rec)
    assert rec["session"] == session_tag("raw-session-id") != "raw-session-id"
    assert rec["calculations"][0]["amount_yuan"] == "3600000"
    raw = web.log.path.read_text(encoding="utf-8")
    assert "s3cret-pass-9" not in raw and "raw-session-id" not in raw and "***" in raw


def test_a_failing_log_write_is_reported_but_the_chat_goes_on(shared, tmp_path, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    web = make_web(shared, tmp_path, log_path=blocker / "answers.jsonl")
    turn = web.chat_turn("平台建设投资1200万元，能补多少？", [])
    assert "360万元" in turn.markdown and not turn.logged
    assert "未能写入问答日志" in turn.details
    assert any("问答日志写入失败" in r.getMessage() for r in caplog.records)


def test_answer_log_from_settings_masks_configured_secrets(tmp_path):
    settings = Settings.from_env(answer_log=tmp_path / "a.jsonl", app_password="pw-123456", llm_api_key="sk-abcdef")
    log = AnswerLog.from_settings(settings)
    assert log.append(Answer(answer="pw-123456 and sk-abcdef", question="q"), session="s")
    text = (tmp_path / "a.jsonl").read_text(encoding="utf-8")
    assert "pw-123456" not in text and "sk-abcdef" not in text


# ---------------------------------------------------------------- 补贴计算器
@pytest.mark.parametrize(
    ("rule_id", "base", "amount", "capped"),
    [
        ("platform_construction", "1200万", "3600000", False),
        ("platform_construction", "2000万", "5000000", True),
        ("platform_construction", "16,666,666元", "4999999.8", False),
        ("insurance_premium", "30万", "150000", False),
        ("loan_interest", "6亿", "10000000", True),
        ("scenario_lab", "三千万", "9000000", False),
    ],
)
def test_calculator_amounts(web, rule_id, base, amount, capped):
    r = web.calculate(rule_id, base)
    assert r.calculation.amount_yuan == Decimal(amount) and r.calculation.capped is capped
    html = web.calc_html(r)
    assert "计算过程" in html and "政策依据" in html and "资格自查表" in html
    assert esc(r.rule.quote) in html and f'href="#clause-{r.rule.clause.strip("（）")}~' in html
    data = r.to_dict()
    assert Decimal(data["calculation"]["amount_yuan"]) == Decimal(amount)


def test_calculator_shows_exact_amount_and_trace(web):
    html = web.calc_html(web.calculate("platform_construction", "16,666,666元"))
    assert "4,999,999.80元" in html and "16,666,666元 × 30%" in html


@pytest.mark.parametrize(
    ("kwargs", "field", "needle"),
    [
        ({"base": "-5万"}, "base", "不能为负数"),
        ({"base": ""}, "base", "金额为空"),
        ({"base": "abc"}, "base", "无法识别金额"),
        ({"base": "0"}, "base", "不能为零"),
        ({"base": "5万亿"}, "base", "超过1万亿元"),
        ({"base": "100万", "date": "2023-13-45"}, "date", "无法识别日期"),
        ({"base": "100万", "in_library": "也许"}, "in_library", "是"),
        ({"rule_id": "no_such_rule", "base": "100万"}, "measure", "没有编号"),
    ],
)
def test_calculator_bad_inputs_name_their_field_in_chinese(web, kwargs, field, needle):
    args = {"rule_id": "platform_construction", **kwargs}
    with pytest.raises(FieldError) as err:
        web.calculate(**args)
    assert err.value.field == field and needle in str(err.value)
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))


def test_calculator_threshold_rules_give_a_verdict(web):
    met = web.calculate("library_threshold", "1000万")
    assert met.threshold.met is True and met.calculation is None
    assert "达到门槛" in web.calc_html(met)
    below = web.calculate("library_threshold", "999万")
    assert below.threshold.met is False and "未达到门槛" in web.calc_html(below)
    assert web.calculate("major_project", "2亿").threshold.met is True  # 以上 includes the number


def test_calculator_cap_only_rule_needs_no_base(web):
    r = web.calculate("rd_first_use", "")
    assert r.calculation.amount_yuan == Decimal("30000000")
    assert web.base_label("rd_first_use")[1] is False


def test_calculator_facts_and_date_drive_the_checklist(web):
    r = web.calculate("loan_interest", "1亿", "2023-06-01", "北京市海淀区", "软件和信息服务业", "是", "")
    met = {v.criterion: v.met for v in r.eligibility}
    assert met["在北京市注册经营"] is True and met["属于工业或软件和信息服务业企业"] is True
    assert met["项目已纳入北京市新基建重点项目库（在库项目）"] is True
    assert met["申请时间在政策有效期（2022-2024年）内"] is True
    html = web.calc_html(r)
    assert "在有效期内" in html and "符合" in html
    late = web.calculate("loan_interest", "1亿", "2025-01-01", "上海市", "餐饮", "否")
    assert all(v.met is not True for v in late.eligibility[:3])
    assert "已届满" in web.calc_html(late)


def test_calculator_escapes_what_the_user_typed(web):
    with pytest.raises(FieldError) as err:
        web.calculate("platform_construction", XSS)
    shown = field_error(str(err.value))
    assert "<img" not in shown and "&lt;img" in shown
    assert "<img" not in web.preview_amount(XSS)
    assert "1,200万元" in web.preview_amount("1200万") and "12,000,000元" in web.preview_amount("1200万")
    assert web.preview_amount("") == ""
    assert "2023年6月1日" in web.preview_date("2023/6/1") and web.preview_date("") == ""
    assert "<img" not in web.preview_date(XSS) and "无法识别日期" in web.preview_date(XSS)


def test_calculator_ui_handler_puts_errors_next_to_the_field(web):
    demo = app.build_demo(web)
    fn = next(b.fn for b in demo.fns.values() if getattr(b.fn, "__name__", "") == "on_calculate")
    base_msg, date_msg, panel = fn("platform_construction", "-5万", "", "", "", "不清楚", "不清楚")
    assert "不能为负数" in base_msg and "pa-field-error" in base_msg and "请先更正" in panel
    base_msg, date_msg, panel = fn("platform_construction", "100万", "明天", "", "", "不清楚", "不清楚")
    assert "无法识别日期" in date_msg
    base_msg, date_msg, panel = fn("platform_construction", "2000万", "", "", "", "不清楚", "不清楚")
    assert "500万元" in panel and "pa-field-ok" in base_msg


# ---------------------------------------------------------------- 答复起草
def test_draft_gives_markdown_basis_and_downloadable_files(web):
    r = web.draft("我公司建设测试验证公共服务平台，建设投资2000万元，能获得多少补贴？", "北京某科技有限公司", session="s")
    assert "500万元" in r.markdown and "北京某科技有限公司" in r.markdown and "政策依据" in r.markdown
    assert "政策依据" in r.basis and 'href="#clause-四~' in r.basis
    text = "\n".join(p.text for p in docx.Document(str(r.docx)).paragraphs)
    assert "500万元" in text and "第（四）条" in text
    assert r.md.read_text(encoding="utf-8") == r.markdown
    assert log_lines(web)[-1]["channel"] == "draft"


def test_draft_edits_flow_into_the_downloads(web):
    r = web.draft("平台建设投资2000万元，能补多少？")
    edited = r.markdown.replace("特此答复。", "特此答复（已人工复核）。")
    docx_path, md_path = web.draft_files(edited, str(r.docx.parent))
    assert docx_path.parent == r.docx.parent  # the session's folder is reused
    assert "已人工复核" in md_path.read_text(encoding="utf-8")
    paragraphs = docx.Document(str(docx_path)).paragraphs
    assert any("已人工复核" in p.text for p in paragraphs)
    assert paragraphs[0].style.name.startswith("Heading")


def test_draft_rejects_an_empty_inquiry_and_escapes_input(web):
    with pytest.raises(FieldError) as err:
        web.draft("  ")
    assert err.value.field == "inquiry" and "咨询内容" in str(err.value)
    r = web.draft(f"{XSS} 平台建设投资1200万元")
    assert "<img" not in r.basis


def test_markdown_to_docx_bold_and_headings(tmp_path):
    path = markdown_to_docx("# 标题\n\n**政策依据**\n\n正文 **加粗** 结束", tmp_path / "x.docx")
    paragraphs = docx.Document(str(path)).paragraphs
    assert paragraphs[0].text == "标题"
    assert paragraphs[1].runs[0].bold and paragraphs[2].text == "正文 加粗 结束"


# ---------------------------------------------------------------- 政策原文
def test_source_has_every_unit_with_a_unique_anchor(web):
    html = web.source_html()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for label in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"):
        assert f'id="clause-{label}"' in html
    assert 'id="clause-适用范围"' in html and 'id="clause-施行期限"' in html
    # every rule's citation points at an anchor that exists
    for rule in web.kb.rules:
        assert f'id="{web.anchors.of_citation(rule.citation)}"' in html
    # the unit text is there verbatim (escaped), so the page script can mark exact spans
    doc = next(iter(web.kb.docs.values()))
    four = doc.unit("（四）")
    assert f'data-start="{four.start}"' in html and esc(four.text[len("（四）"):].split("。", 1)[1]) in html


# ---------------------------------------------------------------- settings
def test_launch_settings_and_optional_login():
    kwargs = app.launch_kwargs(Settings.from_env(host="127.0.0.1", port=7999))
    assert kwargs["server_name"] == "127.0.0.1" and kwargs["server_port"] == 7999 and kwargs["auth"] is None
    kwargs = app.launch_kwargs(Settings.from_env(app_username="staff", app_password="pw-123456"))
    assert kwargs["auth"] == ("staff", "pw-123456")
    with pytest.raises(SettingsError, match="POLICY_APP_PASSWORD"):
        app.launch_kwargs(Settings.from_env(app_username="staff"))


def test_concurrency_limit_comes_from_settings(shared, tmp_path):
    web = make_web(shared, tmp_path, concurrency=3)
    demo = app.build_demo(web)
    assert demo._queue.default_concurrency_limit == 3
