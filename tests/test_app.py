"""The app's handlers without a browser: each tab, bad inputs, escaping, the answer log, settings."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest

import app
from assistant.answering.answer import Answer
from assistant.answering.prompts import FALLBACK_NOTICES
from assistant.errors import PolicyError, SettingsError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.answer_log import AnswerLog, session_tag
from assistant.web.state import (
    FieldError,
    FormError,
    WebApp,
    chat_markdown,
    esc,
    field_error,
    md_safe,
    text_to_paragraphs,
)

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
@pytest.mark.slow
def test_demo_builds_with_named_api_endpoints(web):
    demo = app.build_demo(web)
    named = demo.get_api_info()["named_endpoints"]
    assert {"/ask", "/calculate", "/match", "/draft"} <= set(named)
    assert [p["parameter_name"] for p in named["/ask"]["parameters"]] == ["question", "history"]  # history optional
    calc = [p["parameter_name"] for p in named["/calculate"]["parameters"]]
    assert calc == ["measure", "base", "date", "registered_in", "industry", "in_library", "listed_products"]
    assert [p["parameter_name"] for p in named["/draft"]["parameters"]] == ["inquiry", "enterprise"]
    assert [p["parameter_name"] for p in named["/match"]["parameters"]] == ["profile"]
    # UI-only events are not part of the API
    assert not any("echo" in name or "reply" in name for name in named)


# ---------------------------------------------------------------- 政策问答
@pytest.mark.slow
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
    assert "资格自查表" in d and "待确认" in d and "不符合" in d
    assert d.count("贵企业的注册地和经营地是否在北京市？") == 1  # each 待确认 row says what is missing once
    assert "有效期提示" in d and "已届满" in d
    assert "按政策原文核算" in d and "grounded" not in d  # the mode, in words a user understands
    assert turn.history == [
        {"role": "user", "content": "平台建设投资1200万元，能补多少？"},
        {"role": "assistant", "content": turn.answer.answer},
    ]


@pytest.mark.slow
def test_validity_notice_says_in_force_for_a_date_inside_the_period(shared, tmp_path):
    web = make_web(shared, tmp_path, today=IN_FORCE)
    d = web.chat_turn("平台建设投资1200万元，能补多少？", []).details
    assert "在有效期内" in d and "已届满" not in d


@pytest.mark.slow
def test_two_turn_follow_up_uses_the_session_history(web):
    first = web.chat_turn("我想申请平台建设补贴", [])
    second = web.chat_turn("建设投资是1500万元", first.history)
    assert "450万元" in second.markdown
    assert second.answer.calculations[0].amount_yuan == Decimal("4500000")
    assert len(second.history) == 4


@pytest.mark.slow
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


@pytest.mark.slow
def test_chat_input_and_answers_are_escaped(web):
    turn = web.chat_turn(XSS, [])
    assert "<img" not in turn.markdown and "<img" not in turn.details
    assert md_safe(XSS) == "&lt;img src=x onerror=alert(1)>"
    # an answer that echoes HTML is rendered inert
    answer = Answer(answer=f"您问的是 {XSS} [1]", citations=turn.answer.citations[:0], question=XSS)
    assert "<img" not in chat_markdown(answer, web.anchors)
    assert "<img" not in web.details_html(Answer(answer="a", notices=[XSS], question=XSS))


@pytest.mark.slow
def test_empty_and_failing_questions_never_raise(web, monkeypatch):
    assert web.chat_turn("   ", []).markdown  # the assistant asks for a question
    monkeypatch.setattr(web.bot, "ask", lambda *a, **k: (_ for _ in ()).throw(PolicyError("索引不可用，请稍后重试")))
    turn = web.chat_turn("平台建设投资1200万元", [])
    assert "索引不可用" in turn.markdown and turn.history == []
    monkeypatch.setattr(web.bot, "ask", lambda *a, **k: 1 / 0)
    turn = web.chat_turn("平台建设投资1200万元", [])
    assert "内部错误" in turn.markdown and "Traceback" not in turn.markdown + turn.details


# ---------------------------------------------------------------- the answer log
@pytest.mark.slow
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


@pytest.mark.slow
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
@pytest.mark.slow
def test_calculator_amounts(web, rule_id, base, amount, capped):
    r = web.calculate(rule_id, base)
    assert r.calculation.amount_yuan == Decimal(amount) and r.calculation.capped is capped
    html = web.calc_html(r)
    assert "计算过程" in html and "政策依据" in html and "资格自查表" in html
    assert esc(r.rule.quote) in html and f'href="#clause-{r.rule.clause.strip("（）")}~' in html
    data = r.to_dict()
    assert Decimal(data["calculation"]["amount_yuan"]) == Decimal(amount)


@pytest.mark.slow
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
@pytest.mark.slow
def test_calculator_bad_inputs_name_their_field_in_chinese(web, kwargs, field, needle):
    args = {"rule_id": "platform_construction", **kwargs}
    with pytest.raises(FieldError) as err:
        web.calculate(**args)
    assert err.value.field == field and needle in str(err.value)
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))


@pytest.mark.slow
def test_calculator_threshold_rules_give_a_verdict(web):
    met = web.calculate("library_threshold", "1000万")
    assert met.threshold.met is True and met.calculation is None
    assert "达到门槛" in web.calc_html(met)
    below = web.calculate("library_threshold", "999万")
    assert below.threshold.met is False and "未达到门槛" in web.calc_html(below)
    assert web.calculate("major_project", "2亿").threshold.met is True  # 以上 includes the number


@pytest.mark.slow
def test_calculator_cap_only_rule_needs_no_base(web):
    r = web.calculate("rd_first_use", "")
    assert r.calculation.amount_yuan == Decimal("30000000")
    assert web.base_label("rd_first_use")[1] is False


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_calculator_ui_handler_puts_errors_next_to_the_field(web):
    demo = app.build_demo(web)
    fn = next(b.fn for b in demo.fns.values() if getattr(b.fn, "__name__", "") == "on_calculate")
    base_msg, date_msg, panel = fn("platform_construction", "-5万", "", "", "", "不清楚", "不清楚")
    assert "不能为负数" in base_msg and "pa-field-error" in base_msg and "请先更正" in panel
    base_msg, date_msg, panel = fn("platform_construction", "100万", "明天", "", "", "不清楚", "不清楚")
    assert "无法识别日期" in date_msg
    base_msg, date_msg, panel = fn("platform_construction", "2000万", "", "", "", "不清楚", "不清楚")
    assert "500万元" in panel and "pa-field-ok" in base_msg


# ---------------------------------------------------------------- 政策匹配
ISSUE_PROFILE = {"registered_in": "北京", "industry": "软件和信息服务业", "project_in_library": True,
                 "platform_investment": "2000万元", "insurance_premium": "60万元", "loan_principal": "3亿元",
                 "date": "2023-06-01"}
ISSUE_AMOUNTS = {k: v for k, v in ISSUE_PROFILE.items() if k.endswith(("investment", "premium", "principal"))}


def match_form(web, **overrides):
    """The 政策匹配 form filled with the issue's profile, as the UI sends it."""
    args = {"registered_in": "北京", "industry": "软件和信息服务业", "in_library": "是", "listed_products": "不清楚",
            "date": "2023-06-01", "amounts": dict(ISSUE_AMOUNTS), **overrides}
    return web.match(**args)


@pytest.mark.slow
def test_match_amount_fields_come_from_the_rule_book(web):
    fields = web.match_fields()
    keys = [f.key for f in fields]
    want = list(dict.fromkeys(r.base_key for r in web.kb.rules if r.reviewed and r.kind == "subsidy" and r.base_key))
    assert keys == want and {"platform_investment", "insurance_premium", "loan_principal"} <= set(keys)
    labels = {f.key: f.label for f in fields}
    assert labels["platform_investment"] == "平台建设投资" and labels["insurance_premium"] == "相关保费"
    assert labels["loan_principal"] == "固定资产投资贷款本金（年度）"
    assert len(set(labels.values())) == len(labels)  # two 项目投资额 fields are told apart by their measure
    assert "场景实验室" in labels["lab_investment"] and "第（四）条" in fields[keys.index("platform_investment")].hint


@pytest.mark.slow
def test_match_issue_profile_table_sorted_by_amount(web):
    result = match_form(web)
    by_rule = {m.rule.id: m for m in result.matches}
    assert by_rule["platform_construction"].amount == Decimal("5000000")
    assert by_rule["insurance_premium"].amount == Decimal("300000")
    assert by_rule["loan_interest"].amount == Decimal("6000000")
    statuses = [m.status for m in result.matches]
    # 两清单 and the text's open conditions are not known: 需确认 (with a figure), never 可申请
    computed = [m for m in result.matches if m.status == "needs_confirm"]
    assert "computed" not in statuses and statuses[:len(computed)] == ["needs_confirm"] * len(computed)
    assert [m.amount for m in computed] == sorted((m.amount for m in computed), reverse=True)
    ids = [m.rule.id for m in computed]
    assert ids.index("loan_interest") < ids.index("platform_construction") < ids.index("insurance_premium")
    assert by_rule["scenario_lab"].status == "needs_input"
    html = web.match_html(result)
    for text in ("500万元", "30万元", "600万元", "需确认", "待补充金额", "2,000万元 × 30% = 600万元，超过单个平台上限500万元",
                 "按2023年6月1日计", "在有效期内", "待确认", "数字经济标杆技术清单"):
        assert text in html, text
    assert 'href="#clause-四~' in html and 'href="#clause-十~' in html and "第（十）条" in html
    # the table's rows are in match order
    assert re.findall(r'data-rule="([^"]+)"', html) == [m.rule.id for m in result.matches]
    # the form and the JSON profile agree
    assert [m.to_dict() for m in web.match_json(json.dumps(ISSUE_PROFILE, ensure_ascii=False)).matches] == result.to_list()


@pytest.mark.slow
def test_match_date_defaults_to_today_and_facts_decide_eligibility(web):
    late = match_form(web, date="")  # the fixture's today is after the policy's validity
    assert late.on.isoformat() == ENDED and all(m.status in ("not_eligible", "unreviewed") for m in late.matches)
    html = web.match_html(late)
    assert "有效期已过" in html and "可申请" not in html.split("</thead>", 1)[1]
    assert html.count("已届满") == 1  # said once above the rows, not in every row
    elsewhere = match_form(web, registered_in="上海市", in_library="否")
    loan = next(m for m in elsewhere.matches if m.rule.id == "loan_interest")
    assert loan.status == "not_eligible" and "不符合" in web.match_html(elsewhere)


def test_match_form_asks_the_yes_no_facts_the_clauses_require(web):
    """（三） is for 新基建重点项目牵头单位: the form asks it (from the rule file), and only its answer makes 可申请."""
    unknown = match_form(web, date="2023-06-01", listed_products="是")
    first_use = next(m for m in unknown.matches if m.rule.id == "rd_first_use")
    assert first_use.status == "needs_confirm" and "牵头单位" in first_use.note
    lead = match_form(web, date="2023-06-01", listed_products="是", flags={"lead_unit": "是"})
    assert next(m for m in lead.matches if m.rule.id == "rd_first_use").status == "computed"
    with pytest.raises(FormError) as bad:
        match_form(web, date="2023-06-01", flags={"lead_unit": "大概"})
    assert "lead_unit" in bad.value.errors


@pytest.mark.parametrize(
    ("overrides", "field", "needle"),
    [
        ({"amounts": {**ISSUE_AMOUNTS, "platform_investment": "-5万"}}, "platform_investment", "不能为负数"),
        ({"amounts": {**ISSUE_AMOUNTS, "loan_principal": "abc"}}, "loan_principal", "无法识别金额"),
        ({"date": "2023-13-45"}, "date", "无法识别日期"),
        ({"in_library": "也许"}, "in_library", "不清楚"),
    ],
)
@pytest.mark.slow
def test_match_bad_inputs_name_their_field_in_chinese(web, overrides, field, needle):
    with pytest.raises(FormError) as err:
        match_form(web, **overrides)
    assert field in err.value.errors and needle in err.value.errors[field]
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))


@pytest.mark.slow
def test_match_reports_every_bad_field_at_once(web):
    with pytest.raises(FormError) as err:
        match_form(web, date="明天", amounts={"platform_investment": "abc", "insurance_premium": "0"})
    assert set(err.value.errors) == {"date", "platform_investment", "insurance_premium"}
    assert "平台建设投资：无法识别金额" in str(err.value)  # the combined message names each field


@pytest.mark.slow
def test_match_json_profile_errors_are_chinese(web):
    for bad, needle in [("", "企业画像为空"), ("{not json", "不是有效的 JSON"), ("[1, 2]", "JSON 对象"),
                        ('{"platform_investment": "很多"}', "无法识别金额"), ('{"date": "2023-02-30"}', "日期")]:
        with pytest.raises(PolicyError, match=needle):
            web.match_json(bad)
    unknown = web.match_json('{"registered_in": "北京", "project_in_library": "不清楚", "date": "2023-06-01"}')
    assert unknown.matches and all(m.amount is None or m.rule.kind == "cap_only" for m in unknown.matches)


@pytest.mark.slow
def test_match_ui_handler_puts_errors_next_to_the_field(web):
    demo = app.build_demo(web)
    fn = next(b.fn for b in demo.fns.values() if getattr(b.fn, "__name__", "") == "on_match")
    keys = [f.key for f in web.match_fields()]
    amounts = [ISSUE_AMOUNTS.get(k, "") for k in keys]
    flags = ["不清楚"] * (len(web.kb.flag_conditions()) - 2)  # the yes/no facts beyond 入库 and 两清单
    date_msg, *amount_msgs, panel = fn("北京", "软件和信息服务业", "是", "不清楚", "2023-06-01", *flags, *amounts)
    assert "500万元" in panel and "600万元" in panel and "识别为 2023年6月1日" in date_msg
    assert "20,000,000元" in amount_msgs[keys.index("platform_investment")]
    bad = [("-5万" if k == "platform_investment" else a) for k, a in zip(keys, amounts, strict=True)]
    date_msg, *amount_msgs, panel = fn("北京", "", "是", "不清楚", "明天", *flags, *bad)
    assert "pa-field-error" in amount_msgs[keys.index("platform_investment")]
    assert "不能为负数" in amount_msgs[keys.index("platform_investment")] and "无法识别日期" in date_msg
    assert "pa-field-ok" in amount_msgs[keys.index("insurance_premium")] and "请先更正" in panel
    assert "Traceback" not in panel


def test_match_table_names_each_document_when_there_are_several(corpus_copy, tmp_path):
    from assistant.knowledge.base import Knowledge
    from assistant.knowledge.ingest import add_document
    from assistant.knowledge.rules_draft import draft_rule_file
    from tests.policy_fixtures import DOCX_STEM, PDF_STEM, write_docx_policy, write_pdf_policy

    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash", index_dir=tmp_path / "idx",
                                 answer_log=tmp_path / "a.jsonl")
    for path in (write_docx_policy(tmp_path), write_pdf_policy(tmp_path)):
        add_document(settings, path)
    for stem in (DOCX_STEM, PDF_STEM):
        draft_rule_file(Knowledge.load(corpus_copy).docs[stem])
    rules = corpus_copy / f"{DOCX_STEM}.rules.yaml"  # the .docx policy reviewed, the .pdf one not
    rules.write_text(rules.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    web = WebApp(settings)
    fields = {f.key: f for f in web.match_fields()}
    assert "支持工业互联网平台建设" in fields["platform_investment"].hint  # one field feeds both documents' measures
    result = match_form(web, amounts={"platform_investment": "2000万元"})
    html = web.match_html(result)
    assert "<th>政策文件</th>" in html and "京经信发〔2023〕12号" in html and "规则未审核" in html
    assert "《关于支持工业互联网平台发展的若干措施》" in html
    other = next(m for m in result.matches if m.rule.doc_id == DOCX_STEM and m.status == "computed"
                 and m.rule.base_key == "platform_investment")
    assert other.amount == Decimal("3000000")  # 2000万 × 20%, capped at 300万: its own figures, not merged
    assert f'href="#{web.anchors.of_citation(other.rule.citation)}~' in html


@pytest.mark.slow
def test_match_escapes_what_the_user_typed(web):
    html = web.match_html(match_form(web, registered_in=XSS, industry=XSS))
    assert "<img" not in html and esc(XSS) in html and "500万元" in html  # echoed as text in the verdicts
    with pytest.raises(FormError) as err:
        match_form(web, amounts={"platform_investment": XSS})
    assert "<img" not in field_error(err.value.errors["platform_investment"])


# ---------------------------------------------------------------- 答复起草
@pytest.mark.slow
def test_draft_gives_markdown_basis_and_downloadable_files(web):
    r = web.draft("我公司建设测试验证公共服务平台，建设投资2000万元，能获得多少补贴？", "北京某科技有限公司", session="s")
    assert "500万元" in r.markdown and "北京某科技有限公司" in r.markdown and "政策依据" in r.markdown
    assert "政策依据" in r.basis and 'href="#clause-四~' in r.basis
    text = "\n".join(p.text for p in docx.Document(str(r.docx)).paragraphs)
    assert "500万元" in text and "第（四）条" in text
    assert r.md.read_text(encoding="utf-8") == r.markdown
    assert log_lines(web)[-1]["channel"] == "draft"


@pytest.mark.slow
def test_draft_edits_flow_into_the_downloads(web):
    r = web.draft("平台建设投资2000万元，能补多少？")
    assert "#" not in r.text and "**" not in r.text and r.text.splitlines()[0] == "关于企业政策咨询的答复"
    edited = r.text.replace("特此答复。", "特此答复（已人工复核）。")
    docx_path, txt_path = web.draft_files(edited, str(r.docx.parent))
    assert docx_path.parent == r.docx.parent  # the session's folder is reused
    assert "已人工复核" in txt_path.read_text(encoding="utf-8")
    document = docx.Document(str(docx_path))
    assert any("已人工复核" in p.text for p in document.paragraphs)
    assert document.paragraphs[0].alignment == 1  # the title centred, as in the generated letter
    assert round(document.sections[0].page_width.mm) == 210


@pytest.mark.slow
def test_draft_rejects_an_empty_inquiry_and_escapes_input(web):
    with pytest.raises(FieldError) as err:
        web.draft("  ")
    assert err.value.field == "inquiry" and "咨询内容" in str(err.value)
    r = web.draft(f"{XSS} 平台建设投资1200万元")
    assert "<img" not in r.basis


def test_edited_plain_text_reads_back_as_the_letter_roles():
    text = ("关于企业政策咨询的答复\n\n北京某公司：\n　　您好！正文。\n政策依据\n1. 《某政策》第（四）条：“原文”\n"
            "　　特此答复。\n（答复单位：＿＿）\n（日期：＿＿）\n")
    roles = [role for role, _ in text_to_paragraphs(text)]
    assert roles == ["title", "salutation", "body", "heading", "basis", "body", "sign", "sign"]
    assert text_to_paragraphs("# 标题\n**称呼**：")[0] == ("title", "标题")


# ---------------------------------------------------------------- 政策原文
@pytest.mark.slow
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


@pytest.mark.slow
def test_concurrency_limit_comes_from_settings(shared, tmp_path):
    web = make_web(shared, tmp_path, concurrency=3)
    demo = app.build_demo(web)
    assert demo._queue.default_concurrency_limit == 3
