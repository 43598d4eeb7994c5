"""The Gradio app: 政策问答, 补贴计算器, 政策匹配, 答复起草 and 政策原文. Run ``python app.py`` (settings: POLICY_*).

Handlers are thin: they adapt Gradio values to ``assistant.webui.WebApp`` (where the logic and the
HTML rendering live, tested without a browser). Named API endpoints for ``gradio_client``:
``/ask`` (per-session history), ``/calculate``, ``/match`` and ``/draft`` (see README), each behind
``@endpoint`` (types checked, text cleaned, one error policy). ``LoginGate`` guards every route when
a staff login is configured, throttles failed logins and answers ``/ready``; served files live in
this process's own private folder (``GRADIO_TEMP_DIR``).
"""

import logging
import os
import signal
import sys
import threading

import gradio as gr
from starlette.middleware import Middleware

from assistant.endpoints import endpoint
from assistant.errors import PolicyError, SettingsError
from assistant.inputs import as_text
from assistant.login_gate import LoginGate, Throttle
from assistant.settings import Settings
from assistant.webui import (
    CSS,
    EXAMPLES,
    PAGE_JS,
    TRI_CHOICES,
    UNEXPECTED,
    FieldError,
    FormError,
    WebApp,
    calc_placeholder,
    details_placeholder,
    field_error,
    match_placeholder,
    md_safe,
)

log = logging.getLogger("app")

DRAFT_EXAMPLES = [
    "我公司在海淀区，属于软件和信息服务业，建设了面向中小企业的测试验证公共服务平台，建设投资2000万元，请问能获得多少建设补贴？",
    "我单位采购了列入两清单的新技术新产品并投保，保费30万元，能否补贴？补贴多少？",
]


THEME = gr.themes.Soft(primary_hue="red", neutral_hue="slate").set(
    block_label_background_fill="*neutral_100", block_label_background_fill_dark="*neutral_700",
    block_label_text_color="*neutral_700", block_label_text_color_dark="*neutral_100",
    block_title_text_color="*neutral_700", block_title_text_color_dark="*neutral_100",
)


def preview(markdown: str) -> str:
    """The draft for gr.Markdown: no HTML can form, and the letter's blanks (＿＿) are not emphasis."""
    return md_safe(markdown).replace("_", "\\_")


def session_of(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None) if request is not None else None


def launch_kwargs(settings: Settings, ready=lambda: True) -> dict:
    """Keyword arguments for ``demo.launch``; a half-configured login fails loudly."""
    auth = None
    if settings.app_username or settings.app_password:
        if not (settings.app_username and settings.app_password):
            raise SettingsError("登录需同时设置 POLICY_APP_USERNAME 和 POLICY_APP_PASSWORD（只设置了其中一个）")
        auth = (settings.app_username, settings.app_password)
    throttle = Throttle(settings.login_max_failures, settings.login_lockout)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        "auth_message": "政策助手：工作人员登录",
        "app_kwargs": {"middleware": [Middleware(LoginGate, throttle=throttle, ready=ready)]},
        "css": CSS,
        "head": PAGE_JS,
        "theme": THEME,
        "ssr_mode": False,
        "show_error": False,
    }


def build_demo(web: WebApp) -> gr.Blocks:
    # ---- 政策问答 handlers
    def echo(message, chat):
        text = (message or "").strip()
        if not text:
            return gr.update(), chat, ""
        # The input is locked until the answer is in: a second question sent meanwhile would be
        # answered without the first turn in its history, and its reply would overwrite the chat.
        return gr.update(value="", interactive=False), [*(chat or []), {"role": "user", "content": md_safe(text)}], text

    def reply(pending, chat, history, shown, request: gr.Request):
        if not pending:
            return chat, history, shown, gr.update(), gr.update()
        turn = web.chat_turn(pending, history, session=session_of(request))
        chat = [*(chat or []), {"role": "assistant", "content": turn.markdown}]
        return chat, turn.history, {**shown, len(chat) - 1: turn.details}, turn.details, gr.update(interactive=True)

    def show_details(shown, evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        found = shown.get(index) or shown.get(index + 1) if isinstance(index, int) else None
        return found or gr.update()

    def clear():
        return [], [], {}, details_placeholder(), gr.update(value="", interactive=True)

    @endpoint(UNEXPECTED, question=(as_text, "问题 question"))
    def api_ask(question, history, request: gr.Request):
        if not question.strip():
            raise PolicyError("问题为空，请输入问题，例如：“平台建设投资1200万元，能补多少？”")
        answer, logged = web.ask(question, history, session=session_of(request), channel="api")
        history = [*(history or []), {"role": "user", "content": question},
                   {"role": "assistant", "content": answer.answer}][-20:]
        return {**answer.to_dict(), "notices": answer.notices, "asked_on": answer.asked_on, "logged": logged}, history

    # ---- 补贴计算器 handlers
    def pick_measure(rule_id):
        try:
            label, needs_base = web.base_label(rule_id)
        except PolicyError:
            label, needs_base = "计算基数（金额）", True
        return gr.update(label=label, interactive=needs_base), web.rule_card(rule_id), "", calc_placeholder()

    def on_calculate(rule_id, base, date, registered_in, industry, in_library, listed):
        try:
            result = web.calculate(rule_id, base, date, registered_in, industry, in_library, listed)
        except FieldError as exc:
            message = field_error(str(exc))
            panel = ('<div class="pa-details"><p class="pa-muted">请先更正上面标红的输入。</p></div>'
                     if exc.field in ("base", "date") else f'<div class="pa-details">{message}</div>')
            return (message if exc.field == "base" else gr.update(),
                    message if exc.field == "date" else web.preview_date(date), panel)
        needs_base = result.rule.kind != "cap_only"
        return web.preview_amount(base) if needs_base else "", web.preview_date(date), web.calc_html(result)

    @endpoint(UNEXPECTED)
    def api_calculate(measure: str, base: str, date: str = "", registered_in: str = "", industry: str = "",
                      in_library: str = "", listed_products: str = "") -> dict:
        """补贴计算：measure 为规则编号（如 platform_construction），base 为计算基数金额（如“1200万”，数字按元计）。"""
        return web.calculate(measure, base, date, registered_in, industry, in_library, listed_products).to_dict()

    # ---- 政策匹配 handlers
    amount_fields = web.match_fields()

    def on_match(registered_in, industry, in_library, listed, date, *amounts):
        """→ (date message, one message per amount field, result panel)."""
        texts = dict(zip([f.key for f in amount_fields], amounts, strict=True))
        date_ok = web.preview_date(date)
        amount_ok = [web.preview_amount(t) for t in amounts]
        try:
            result = web.match(registered_in, industry, in_library, listed, date, texts)
        except FormError as exc:
            errors = exc.errors
            shown = {"date", *texts}
            rest = [msg for name, msg in errors.items() if name not in shown]
            panel = ('<div class="pa-details">' + "".join(field_error(m) for m in rest)
                     + ('<p class="pa-muted">请先更正上面标红的输入。</p>' if len(rest) < len(errors) else "")
                     + "</div>")
            return (field_error(errors["date"]) if "date" in errors else date_ok,
                    *[field_error(errors[f.key]) if f.key in errors else ok for f, ok in zip(amount_fields, amount_ok, strict=True)],
                    panel)
        except PolicyError as exc:
            return (date_ok, *amount_ok, f'<div class="pa-details">{field_error(str(exc))}</div>')
        except Exception:
            log.exception("政策匹配时出错")
            return (date_ok, *amount_ok, f'<div class="pa-details">{field_error(UNEXPECTED)}</div>')
        return (date_ok, *amount_ok, web.match_html(result))

    @endpoint(UNEXPECTED)
    def api_match(profile: str) -> list[dict]:
        """政策匹配：profile 为企业画像 JSON，如 {"registered_in": "北京", "platform_investment": "2000万元"}；
        返回每项措施的匹配结果（Match.to_dict()），可申请的在前、金额大的在前。"""
        return web.match_json(profile).to_list()

    # ---- 答复起草 handlers
    def on_draft(inquiry, enterprise, request: gr.Request):
        try:
            result = web.draft(inquiry, enterprise, session=session_of(request))
        except PolicyError as exc:
            return (field_error(str(exc)), *[gr.update()] * 7)
        return ("", result.markdown, preview(result.markdown), result.basis,
                gr.update(value=str(result.docx), interactive=True),
                gr.update(value=str(result.md), interactive=True), str(result.docx.parent), result.markdown)

    def on_edit(markdown, folder, generated):
        if not folder or markdown == generated:
            return gr.update(), gr.update(), gr.update(), gr.update()  # the generated files stand
        docx_path, md_path = web.draft_files(markdown, folder)
        return preview(markdown), gr.update(value=str(docx_path)), gr.update(value=str(md_path)), str(docx_path.parent)

    @endpoint(UNEXPECTED)
    def api_draft(inquiry, enterprise=None, request: gr.Request = None):
        result = web.draft(inquiry, enterprise, session=session_of(request))
        return result.markdown, str(result.docx), str(result.md)

    # ---- the "preparing the index" banner, polled until the app can answer
    def poll_status():
        html = web.status_html()
        return gr.HTML(html, visible=bool(html)), gr.Timer(active=not web.ready)

    age = max(60, web.settings.file_max_age)
    with gr.Blocks(title="政策助手", analytics_enabled=False, delete_cache=(min(age, 600), age)) as demo:
        history = gr.State([])  # plain {"role","content"} turns for Assistant.ask, per session
        shown = gr.State({})  # chat message index -> its 回答依据 panel
        pending = gr.State("")
        draft_folder = gr.State("")
        draft_generated = gr.State("")  # the draft as generated, before edits
        gr.HTML(web.header_html(), js_on_load=None)
        status = gr.HTML(web.status_html(), elem_id="index-status", js_on_load=None)
        status_timer = gr.Timer(1.0, active=not web.ready)
        with gr.Tabs(selected="chat"):
            with gr.Tab("政策问答", id="chat", elem_id="tab-chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="政策问答", show_label=False, height=620, autoscroll=False, elem_id="chatbot", sanitize_html=True, allow_tags=False,
                            feedback_options=None, buttons=["copy"],
                            placeholder="您好！请问您想了解本政策的哪方面？可以直接说出金额，例如“平台建设投资1200万元，能补多少？”。",
                        )
                        with gr.Row():
                            msg = gr.Textbox(show_label=False, placeholder="输入问题，按回车发送", scale=6, lines=1,
                                             max_lines=5, elem_id="chat-input", autofocus=True)
                            send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="chat-send")
                            clear_btn = gr.Button("清空对话", scale=1, min_width=80, elem_id="chat-clear")
                        gr.Examples(EXAMPLES, inputs=[msg], label="示例问题（点击填入）")
                    with gr.Column(scale=2):
                        details = gr.HTML(details_placeholder(), elem_id="answer-details", js_on_load=None)
            with gr.Tab("补贴计算器", id="calc", elem_id="tab-calc"):
                choices = web.rule_choices()
                ids = [rule_id for _, rule_id in choices]
                default_rule = "platform_construction" if "platform_construction" in ids else (ids or [None])[0]
                label, needs_base = web.base_label(default_rule) if default_rule else ("计算基数（金额）", True)
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2):
                        measure = gr.Dropdown(choices, value=default_rule, label="支持措施",
                                              elem_id="calc-measure")
                        rule_card = gr.HTML(web.rule_card(default_rule), js_on_load=None)
                        base = gr.Textbox(label=label, interactive=needs_base, elem_id="calc-base",
                                          placeholder="按习惯填写即可，如：1200万、2.5亿、3,000,000元、三千万")
                        base_msg = gr.HTML("", elem_id="calc-base-msg", js_on_load=None)
                        date = gr.Textbox(label="申请日期（可选）", elem_id="calc-date",
                                          placeholder=f"默认今天（{web.bot.today().isoformat()}），如：2023-06-01")
                        date_msg = gr.HTML("", elem_id="calc-date-msg", js_on_load=None)
                        with gr.Accordion("企业情况（可选，用于资格自查）", open=True):
                            registered_in = gr.Textbox(label="注册经营地", placeholder="如：北京市海淀区")
                            industry = gr.Textbox(label="所属行业", placeholder="如：软件和信息服务业、制造业")
                            in_library = gr.Radio(TRI_CHOICES, value="不清楚", label="项目是否已纳入市级新基建重点项目库")
                            listed = gr.Radio(TRI_CHOICES, value="不清楚", label="采购/应用的产品是否列入“两清单”")
                        calc_btn = gr.Button("计算", variant="primary", elem_id="calc-run")
                    with gr.Column(scale=3):
                        calc_out = gr.HTML(calc_placeholder(), elem_id="calc-result", js_on_load=None)
            with gr.Tab("政策匹配", id="match", elem_id="tab-match"):
                gr.HTML('<p class="pa-muted">填写企业情况和已知的项目金额，一次列出每一项支持措施：能否申请、'
                        "最高可获多少、还缺哪些条件。金额按习惯填写即可（如 2000万、3亿、600,000元），不知道的留空。</p>",
                        js_on_load=None)
                with gr.Row():
                    m_registered = gr.Textbox(label="注册经营地", placeholder="如：北京市海淀区", elem_id="match-registered")
                    m_industry = gr.Textbox(label="所属行业", placeholder="如：软件和信息服务业、制造业",
                                            elem_id="match-industry")
                    with gr.Column(min_width=220):
                        m_date = gr.Textbox(label="申请日期（可选）", elem_id="match-date",
                                            placeholder=f"默认今天（{web.bot.today().isoformat()}），如：2023-06-01")
                        m_date_msg = gr.HTML("", elem_id="match-date-msg", js_on_load=None)
                with gr.Row():
                    m_library = gr.Radio(TRI_CHOICES, value="不清楚", label="项目是否已纳入市级新基建重点项目库（已入库）",
                                         elem_id="match-library")
                    m_listed = gr.Radio(TRI_CHOICES, value="不清楚", label="采购/应用的产品是否列入“两清单”",
                                        elem_id="match-listed")
                m_amounts, m_amount_msgs = [], []
                per_row = 3
                for i in range(0, len(amount_fields), per_row):
                    with gr.Row(equal_height=False):
                        for f in amount_fields[i:i + per_row]:
                            with gr.Column(min_width=220):
                                m_amounts.append(gr.Textbox(label=f.label, info=f.hint, elem_id=f"match-{f.key}",
                                                            placeholder="如：2000万（不知道可留空）"))
                                m_amount_msgs.append(gr.HTML("", elem_id=f"match-{f.key}-msg", js_on_load=None))
                        for _ in range(per_row - len(amount_fields[i:i + per_row])):
                            gr.Column(min_width=220)  # keeps the last row's fields as wide as the others
                with gr.Row():
                    match_btn = gr.Button("匹配", variant="primary", elem_id="match-run", scale=0, min_width=240)
                match_out = gr.HTML(match_placeholder(), elem_id="match-result", js_on_load=None)
            with gr.Tab("答复起草", id="draft", elem_id="tab-draft"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2):
                        inquiry = gr.Textbox(label="企业咨询内容", lines=6, elem_id="draft-inquiry",
                                             placeholder="粘贴企业来函或来电记录……")
                        inquiry_msg = gr.HTML("", elem_id="draft-inquiry-msg", js_on_load=None)
                        enterprise = gr.Textbox(label="来函单位（可选）", placeholder="如：北京某某科技有限公司",
                                                elem_id="draft-enterprise")
                        draft_btn = gr.Button("生成答复草稿", variant="primary", elem_id="draft-run")
                        gr.Examples(DRAFT_EXAMPLES, inputs=[inquiry], label="示例来函（点击填入）")
                        draft_basis = gr.HTML("", elem_id="draft-basis", js_on_load=None)
                    with gr.Column(scale=3):
                        with gr.Tabs():
                            with gr.Tab("编辑", id="draft-edit"):
                                draft_text = gr.Textbox(label="答复草稿（可直接修改，下载的文件随修改更新）", lines=22,
                                                        max_lines=60, interactive=True, elem_id="draft-text",
                                                        buttons=["copy"])
                            with gr.Tab("预览", id="draft-preview"):
                                draft_preview = gr.Markdown("（生成草稿后在此预览）", elem_id="draft-preview",
                                                            line_breaks=True)
                        with gr.Row():
                            dl_docx = gr.DownloadButton("下载 Word（.docx）", interactive=False, elem_id="download-docx")
                            dl_md = gr.DownloadButton("下载 Markdown（.md）", interactive=False, elem_id="download-md")
            with gr.Tab("政策原文", id="source", elem_id="tab-source"):
                gr.HTML(web.source_html(), elem_id="policy-source", js_on_load=None)

        # ---- API-only inputs/outputs (hidden): /ask and /draft
        api_question = gr.Textbox(label="question", visible=False)
        api_answer = gr.JSON(label="answer", visible=False)
        api_inquiry = gr.Textbox(label="inquiry", visible=False)
        api_enterprise = gr.Textbox(label="enterprise", visible=False)
        api_draft_md = gr.Textbox(label="draft_markdown", visible=False)
        api_draft_docx = gr.File(label="docx", visible=False)
        api_draft_mdfile = gr.File(label="md", visible=False)

        # ---- wiring
        private = {"api_visibility": "private"}
        demo.load(poll_status, None, [status, status_timer], queue=False, show_progress="hidden", **private)
        status_timer.tick(poll_status, None, [status, status_timer], queue=False, show_progress="hidden", **private)
        for trigger in (msg.submit, send.click):
            trigger(echo, [msg, chatbot], [msg, chatbot, pending], queue=False, **private).then(
                reply, [pending, chatbot, history, shown], [chatbot, history, shown, details, msg], **private)
        chatbot.select(show_details, [shown], [details], queue=False, **private)
        clear_btn.click(clear, None, [chatbot, history, shown, details, msg], queue=False, **private)
        # the chatbot's own trash icon must forget the history too, or the next turn would inherit it
        chatbot.clear(clear, None, [chatbot, history, shown, details, msg], queue=False, **private)
        api_question.submit(api_ask, [api_question, history], [api_answer, history], api_name="ask")

        measure.change(pick_measure, [measure], [base, rule_card, base_msg, calc_out], queue=False, **private)
        base.change(web.preview_amount, [base], [base_msg], queue=False, show_progress="hidden", **private)
        date.change(web.preview_date, [date], [date_msg], queue=False, show_progress="hidden", **private)
        calc_inputs = [measure, base, date, registered_in, industry, in_library, listed]
        for trigger in (calc_btn.click, base.submit, date.submit):
            trigger(on_calculate, calc_inputs, [base_msg, date_msg, calc_out], **private)
        gr.api(api_calculate, api_name="calculate")

        m_date.change(web.preview_date, [m_date], [m_date_msg], queue=False, show_progress="hidden", **private)
        for box, box_msg in zip(m_amounts, m_amount_msgs, strict=True):
            box.change(web.preview_amount, [box], [box_msg], queue=False, show_progress="hidden", **private)
        match_inputs = [m_registered, m_industry, m_library, m_listed, m_date, *m_amounts]
        match_outputs = [m_date_msg, *m_amount_msgs, match_out]
        for trigger in (match_btn.click, m_date.submit, *[box.submit for box in m_amounts]):
            trigger(on_match, match_inputs, match_outputs, **private)
        gr.api(api_match, api_name="match")

        draft_btn.click(on_draft, [inquiry, enterprise],
                        [inquiry_msg, draft_text, draft_preview, draft_basis, dl_docx, dl_md, draft_folder,
                         draft_generated], **private)
        # .change, not .input: pasted or IME-composed text must update the previews and downloads too
        draft_text.change(on_edit, [draft_text, draft_folder, draft_generated],
                          [draft_preview, dl_docx, dl_md, draft_folder],
                          trigger_mode="always_last", show_progress="hidden", **private)
        api_inquiry.submit(api_draft, [api_inquiry, api_enterprise], [api_draft_md, api_draft_docx, api_draft_mdfile],
                           api_name="draft")
    demo.queue(default_concurrency_limit=web.settings.concurrency)
    return demo


def _make_web() -> WebApp:
    try:
        return WebApp()
    except PolicyError as exc:
        if __name__ == "__main__":
            sys.exit(f"启动失败：{exc}")
        raise


web = _make_web()
# Gradio copies served files into GRADIO_TEMP_DIR (read when the components are built): this
# process's own 0700 folder, never the /tmp/gradio shared by every Gradio app on the machine.
os.environ["GRADIO_TEMP_DIR"] = str(web.served_dir)
demo = build_demo(web)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        kwargs = launch_kwargs(web.settings, ready=lambda: web.ready)
    except PolicyError as exc:
        sys.exit(f"启动失败：{exc}")
    os.umask(0o077)  # everything this server writes (Gradio's copies of drafts included) is private
    # SIGTERM (systemd, docker stop) closes the server like Ctrl-C, so the private folder is removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    log.info("下载文件目录：%s（仅本进程可读，%d 秒后删除）", web.served_dir, web.settings.file_max_age)
    # Load the embedding model and index in the background: the page is up at once, and the first
    # questions wait for this one load instead of each starting their own.
    threading.Thread(target=web.warm_up, name="warm-up", daemon=True).start()
    demo.launch(**kwargs)


if __name__ == "__main__":
    main()
