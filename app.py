"""The Gradio app: 政策问答, 补贴计算器, 政策匹配, 答复起草 and 政策原文. Run ``python app.py`` (settings: POLICY_*).

A thin builder: each tab's components, handlers and rendering live in ``assistant/web/tabs/<tab>.py``
over the shared ``assistant.web.state.WebApp`` (tested without a browser). Named API endpoints for ``gradio_client``:
``/ask`` (per-session history), ``/calculate``, ``/match`` and ``/draft`` (see README), each behind
``@endpoint`` (types checked, text cleaned and capped, one error policy) on ``StrictBlocks`` (text
boxes refuse non-strings, missing arguments are named). ``RequestGuard`` checks the Host, bounds the
body and sets the browser's security headers on every request; ``LoginGate`` guards every route when
a staff login is configured, throttles logins before their password is checked, ends one session by
``POST /logout`` and answers ``/ready``. Served files live in this process's own private folder
(``GRADIO_TEMP_DIR``); log lines are escaped (``log_lines``).
"""

import logging
import os
import signal
import sys
import threading

import gradio as gr
from starlette.middleware import Middleware

from assistant.errors import PolicyError, SettingsError
from assistant.settings import Settings
from assistant.web import log_lines
from assistant.web.common import UI_STRINGS, UNEXPECTED  # noqa: F401  (the one message for unexpected errors)
from assistant.web.endpoints import StrictBlocks, endpoint
from assistant.web.guard import RequestGuard, trusted_hosts
from assistant.web.login_gate import LoginGate
from assistant.web.private_files import sweep_every
from assistant.web.state import CSS, PAGE_JS, WebApp
from assistant.web.tabs import calculator, chat, draft, match, review, source
from assistant.web.throttle import Throttle

log = logging.getLogger("app")


THEME = gr.themes.Soft(primary_hue="red", neutral_hue="slate").set(
    block_label_background_fill="*neutral_100", block_label_background_fill_dark="*neutral_700",
    block_label_text_color="*neutral_700", block_label_text_color_dark="*neutral_100",
    block_title_text_color="*neutral_700", block_title_text_color_dark="*neutral_100",
    # white on red-700 is 6.5:1 (red-500 was 3.76:1, under WCAG AA's 4.5:1)
    button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_dark="*primary_700", button_primary_text_color="white",
)


def session_of(request: gr.Request | None) -> str | None:
    return getattr(request, "session_hash", None) if request is not None else None


def launch_kwargs(settings: Settings, ready=lambda: True) -> dict:
    """Keyword arguments for ``demo.launch``; a half-configured login fails loudly."""
    auth = None
    if settings.app_username or settings.app_password:
        if not (settings.app_username and settings.app_password):
            raise SettingsError("登录需同时设置 POLICY_APP_USERNAME 和 POLICY_APP_PASSWORD（只设置了其中一个）")
        auth = (settings.app_username, settings.app_password)
    throttle = Throttle(settings.login_max_failures, settings.login_lockout,
                        account_failures=settings.login_account_failures, account_delay=settings.login_account_delay)
    guard = Middleware(RequestGuard, max_body=settings.max_body, hosts=trusted_hosts(settings.allowed_hosts, settings.host))
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": auth,
        "auth_message": "政策助手：工作人员登录",
        "app_kwargs": {"middleware": [guard, Middleware(LoginGate, throttle=throttle, ready=ready)]},
        "css": CSS,
        "head": PAGE_JS,
        "theme": THEME,
        "ssr_mode": False,
        "show_error": False,
        "i18n": gr.I18n(en=UI_STRINGS, zh=UI_STRINGS, **{"zh-CN": UI_STRINGS}),
    }


def build_demo(web: WebApp) -> gr.Blocks:
    """The page: header, the "preparing" banner, and one tab per module of ``assistant.web.tabs``."""

    def poll_status():  # the "preparing the index" banner, polled until the app can answer
        html = web.status_html()
        return gr.HTML(html, visible=bool(html)), gr.Timer(active=not web.ready)

    age = max(60, web.settings.file_max_age)
    with StrictBlocks(title="政策助手", analytics_enabled=False, delete_cache=(min(age, 600), age)) as demo:
        gr.HTML(web.header_html(), js_on_load=None, elem_id="page-header")
        status = gr.HTML(web.status_html(), elem_id="index-status", js_on_load=None)
        status_timer = gr.Timer(1.0, active=not web.ready)
        # "wrap": on a phone every tab stays visible (a "…" menu hid three of the five)
        with gr.Tabs(selected="chat", overflow_behavior="wrap", elem_id="tabs"):
            with gr.Tab("政策问答", id="chat", elem_id="tab-chat"):
                chat.build(web, session_of, endpoint)
            with gr.Tab("补贴计算器", id="calc", elem_id="tab-calc"):
                calculator.build(web, endpoint)
            with gr.Tab("政策匹配", id="match", elem_id="tab-match"):
                match.build(web, endpoint)
            with gr.Tab("答复起草", id="draft", elem_id="tab-draft"):
                draft.build(web, session_of, endpoint)
            with gr.Tab("政策原文", id="source", elem_id="tab-source"):
                source.build(web)
            if web.settings.app_username:  # staff only: the tab exists when a login guards the app
                with gr.Tab("规则审核", id="review", elem_id="tab-review"):
                    review.build(web)
        private = {"api_visibility": "private"}
        demo.load(poll_status, None, [status, status_timer], queue=False, show_progress="hidden", **private)
        status_timer.tick(poll_status, None, [status, status_timer], queue=False, show_progress="hidden", **private)
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
    log_lines.install()
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
    # A draft's originals expire like Gradio's served copies (delete_cache), not only at the next draft.
    age = web.settings.file_max_age
    sweep_every(web.draft_dir, age, max(1, min(age, 600)))
    demo.launch(**kwargs, prevent_thread_lock=True)
    log_lines.install()  # the server's own loggers exist now: they format safely too
    demo.block_thread()


if __name__ == "__main__":
    main()
