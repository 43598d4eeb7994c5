"""Issue 22 in-process: logins reserved before their password is checked (a parallel burst counts every
guess), bounded bodies, trusted hosts, browser headers, no credentials from other origins, logout of
one session by POST, log lines nobody can forge, strict types, capped fields and feedback."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import sys
import time

import gradio as gr
import httpx
import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient

import app
from assistant.errors import PolicyError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.text.inputs import HISTORY_CHARS, HISTORY_TURNS, MAX_NAME, as_history, bound_history
from assistant.web.answer_log import AnswerLog
from assistant.web.guard import RequestGuard, trusted_hosts
from assistant.web.log_lines import SafeFormatter, log_text, user_label
from assistant.web.login_gate import LoginGate
from assistant.web.private_files import sweep_every
from assistant.web.render import md_safe
from assistant.web.state import WebApp
from assistant.web.throttle import Throttle

USER, PASSWORD = "staff", "pw-" + secrets.token_hex(6)
FORGED = "x\n2099-01-01 00:00:00,000 ERROR app: 管理员已授权"
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate2")
    settings = Settings.from_env(embedding="hash", index_dir=root / "index", today="2023-06-01")
    return WebApp(settings, bot=Assistant(settings), answer_log=AnswerLog(root / "answers.jsonl"))


@pytest.fixture(scope="module")
def demo(web):
    demo = app.build_demo(web)
    demo.auth_message = "政策助手：工作人员登录"
    return demo


def asgi(demo, *, auth=True, max_failures=3, max_body=100_000, allowed=""):
    from gradio.routes import App

    demo.auth = [(USER, PASSWORD)] if auth else None
    throttle = Throttle(max_failures, 60)
    guard = Middleware(RequestGuard, max_body=max_body, hosts=trusted_hosts(allowed))
    return App.create_app(demo, app_kwargs={"middleware": [guard, Middleware(LoginGate, throttle=throttle)]})


def client(demo, **kw) -> TestClient:
    return TestClient(asgi(demo, **kw), base_url="http://127.0.0.1:7860")


def login(c, password=PASSWORD, user=USER):
    return c.post("/login", data={"username": user, "password": password})


# ---------------------------------------------------------------- 1. a parallel burst counts every guess
def test_a_parallel_burst_with_the_right_password_among_it_never_logs_in(demo):
    async def burst():
        transport = httpx.ASGITransport(app=asgi(demo, max_failures=3), client=("10.1.2.3", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:7860") as c:
            passwords = [f"guess-{i}" for i in range(60)]
            passwords[30] = PASSWORD  # the right one, in the middle of the burst
            return await asyncio.gather(*[c.post("/login", data={"username": USER, "password": p}) for p in passwords])

    codes = [r.status_code for r in asyncio.run(burst())]
    # every guess was counted before any password was checked: three were checked, all wrong
    assert codes.count(200) == 0 and codes.count(400) == 3 and codes.count(429) == 57


def test_parallel_logins_with_the_right_password_from_one_address_all_get_in(demo):
    async def burst():
        transport = httpx.ASGITransport(app=asgi(demo, max_failures=3), client=("10.1.2.4", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:7860") as c:
            return await asyncio.gather(*[c.post("/login", data={"username": USER, "password": PASSWORD})
                                          for _ in range(20)])

    assert [r.status_code for r in asyncio.run(burst())] == [200] * 20  # an office behind one address


def test_a_burst_from_many_addresses_is_slowed_per_user_name(demo):
    async def burst():
        responses = []
        for i in range(30):  # each from its own address, all at once
            transport = httpx.ASGITransport(app=gate_app, client=(f"10.9.0.{i}", 5000))
            c = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:7860")
            responses.append(c.post("/login", data={"username": USER, "password": f"guess-{i}"}))
        return await asyncio.gather(*responses)

    gate_app = asgi(demo, max_failures=3)
    codes = [r.status_code for r in asyncio.run(burst())]
    assert codes.count(400) == 10 and codes.count(429) == 20  # POLICY_LOGIN_ACCOUNT_FAILURES, then one per 5 s
    with TestClient(gate_app, base_url="http://127.0.0.1:7860") as c:
        refused = login(c)
        assert refused.status_code == 429 and refused.json()["detail"].startswith("该用户名近期登录失败较多")
        assert int(refused.headers["retry-after"]) <= 5  # a few seconds, never an hour


# ---------------------------------------------------------------- 2. bounded bodies
def test_a_body_over_the_cap_is_refused_before_it_is_read(demo):
    with client(demo, auth=False, max_body=100_000) as c:
        big = c.post("/gradio_api/call/ask", content=b'{"data": ["' + b"x" * 200_000 + b'"]}',
                     headers={"content-type": "application/json"})
        assert big.status_code == 413 and "请求过大（超过 100,000 字节）" in big.json()["detail"]

        def chunks():  # no Content-Length: refused as soon as it grows past the cap
            for _ in range(50):
                yield b"x" * 10_000

        assert c.post("/gradio_api/call/ask", content=chunks()).status_code == 413
        ok = c.post("/gradio_api/call/ask", json={"data": ["平台建设投资1200万元能补多少？", None]})
        assert ok.status_code == 200 and "event_id" in ok.json()


def test_history_is_read_from_its_last_turns_only():
    huge = [{"role": "user", "content": "甲" * 50_000}, {"role": "assistant", "content": "乙"}] * 200
    kept = bound_history(huge)
    assert len(kept) == 2 * HISTORY_TURNS and all(len(m["content"]) <= HISTORY_CHARS for m in kept)
    assert kept[-1] == {"role": "assistant", "content": "乙"}
    assert bound_history([{"role": "system", "content": "x"}, "text", {"role": "user", "content": 5}]) == []
    with pytest.raises(PolicyError, match="对话历史 history：应为对话列表.*实际收到对象"):
        as_history({"a": 1}, "对话历史 history")


# ---------------------------------------------------------------- 4. headers, hosts, origins, logout
def test_every_answer_forbids_framing_and_remote_content(demo):
    with client(demo) as c:
        for response in (c.get("/"), c.get("/config"), login(c, "wrong"), c.post("/login", content=b"x" * 200_000)):
            assert response.headers["x-frame-options"] == "DENY"
            csp = response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp
            assert "http:" not in csp and "https:" not in csp and "*" not in csp


@pytest.mark.parametrize("host, allowed, status", [
    ("127.0.0.1:7860", "", 200), ("localhost:7860", "", 200), ("[::1]:7860", "", 200),
    ("attacker.example", "", 400), ("attacker.example:7860", "", 400), ("127.0.0.1.attacker.example", "", 400),
    ("policy.example.gov.cn", "policy.example.gov.cn", 200), ("evil.example.gov.cn", "policy.example.gov.cn", 400),
])
def test_only_trusted_hosts_are_served(demo, host, allowed, status):
    with client(demo, auth=False, allowed=allowed) as c:
        response = c.get("/config", headers={"host": host})
        assert response.status_code == status
        if status == 400:
            assert "POLICY_ALLOWED_HOSTS" in response.json()["detail"]


def test_another_origin_gets_no_credentials(demo):
    with client(demo) as c:
        assert login(c).status_code == 200
        assert c.get("/config").status_code == 200
        assert c.get("/config", headers={"origin": "http://127.0.0.1:7860"}).status_code == 200  # the app itself
        for origin in ("http://localhost:3000", "http://attacker.example", "null"):
            assert c.get("/config", headers={"origin": origin}).status_code == 401  # its cookie is ignored


def test_logout_is_a_post_with_this_sessions_token_and_ends_only_this_session(demo):
    gate_app = asgi(demo)
    with TestClient(gate_app, base_url="http://127.0.0.1:7860") as one, \
            TestClient(gate_app, base_url="http://127.0.0.1:7860") as two:
        assert login(one).status_code == 200 and login(two).status_code == 200
        page = one.get("/logout")  # a link (or a cross-site GET) shows the button, ends nothing
        assert page.status_code == 200 and "退出登录" in page.text and one.get("/config").status_code == 200
        token = re.search(r'name="token" value="([0-9a-f]{64})"', page.text)[1]
        assert one.post("/logout", data={"token": "0" * 64}).status_code == 403
        assert one.post("/logout", data={"token": two.get("/logout").text.split('value="')[1][:64]}).status_code == 403
        assert one.get("/config").status_code == 200
        done = one.post("/logout", data={"token": token}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert one.get("/config").status_code == 401  # this session has ended…
        assert two.get("/config").status_code == 200  # …the other staff session has not


# ---------------------------------------------------------------- 3. logs nobody can forge
def test_a_user_name_never_reaches_the_log_and_cannot_start_a_line(demo, caplog):
    handler = logging.StreamHandler(stream := __import__("io").StringIO())
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    gate_log = logging.getLogger("assistant.web.login_gate")
    gate_log.addHandler(handler)
    try:
        with client(demo) as c, caplog.at_level(logging.INFO, logger="assistant.web.login_gate"):
            login(c, user=FORGED)
            login(c, user=PASSWORD)  # a password typed into the user-name box
    finally:
        gate_log.removeHandler(handler)
    text = stream.getvalue()
    assert len(text.splitlines()) == 2 and all(RECORD.match(line) for line in text.splitlines())
    assert "2099" not in text and "管理员已授权" not in text and PASSWORD not in text and PASSWORD not in caplog.text
    assert "其他用户名（标记 " in text


@pytest.mark.parametrize("sep", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b[31m", "\u202e"])
def test_no_separator_survives_in_a_log_line(sep):
    line = log_text(f"a{sep}2099-01-01 00:00:00,000 ERROR forged")
    assert line.isprintable() and "\\" in line and len(line.splitlines()) == 1
    assert log_text("C:\\n") == "C:\\\\n"  # a literal backslash-n stays distinguishable from an escaped newline


def test_a_traceback_cannot_pass_for_a_record():
    formatter = SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        raise ValueError(FORGED)
    except ValueError:
        record = logging.LogRecord("app", logging.ERROR, __file__, 1, "出错：%s", (FORGED,), sys.exc_info())
    lines = formatter.format(record).splitlines()
    assert RECORD.match(lines[0]) and all(line.startswith("  | ") for line in lines[1:])
    assert len(lines) > 3 and not any(RECORD.match(line) for line in lines[1:])


def test_the_log_names_only_the_configured_user_name():
    assert user_label("staff", {"staff"}) == "已配置的用户名"
    assert user_label(PASSWORD) == user_label(PASSWORD) and PASSWORD not in user_label(PASSWORD)
    assert user_label("a") != user_label("b")


# ---------------------------------------------------------------- 5. strict types, caps, feedback, expiry
def fn_of(demo, api_name):
    return next(fn for fn in demo.fns.values() if fn.api_name == api_name)


@pytest.mark.parametrize("api_name, data, needle", [
    ("ask", [123, None, []], "question：应为文字，实际收到数字"),
    ("ask", [["平台"], None, []], "question：应为文字，实际收到列表"),
    ("draft", ["保费30万元", {"a": 1}], "enterprise：应为文字，实际收到对象"),
    ("ask", ["x" * 25_000, None, []], "question：过长（25,000 字）"),
    ("ask", [], "缺少参数：question、history"),
    ("calculate", ["platform_construction"], "缺少参数：base、date"),
])
def test_every_endpoint_refuses_wrong_types_and_missing_arguments_by_name(demo, api_name, data, needle):
    with pytest.raises(gr.Error, match=re.escape(needle)):
        asyncio.run(demo.preprocess_data(fn_of(demo, api_name), data, None))


def test_text_fields_are_capped_with_their_name(web):
    with pytest.raises(PolicyError, match=f"来函单位 enterprise：过长（1,000,000 字），最多 {MAX_NAME} 字"):
        web.draft("平台建设投资1200万元能补多少？", "北" * 1_000_000)
    with pytest.raises(gr.Error, match="date：过长"):
        fn_of(app.build_demo(web), "calculate").fn("platform_construction", "1200万", "2" * 6000)


def test_feedback_only_for_an_answer_this_session_was_given(web, tmp_path):
    log = AnswerLog(tmp_path / "a.jsonl")
    answer = web.bot.ask("保费30万元能补多少？")
    log.append(answer, session="s1", answer_id="0123456789abcdef")
    assert not log.feedback("0123456789abcdef", "up", session="s2")  # another session's answer
    assert not log.feedback("fedcba9876543210", "up", session="s1")  # an id nobody was given
    assert not log.feedback("x" * 1_000_000, "up", session="s1")  # 1 MB of forged id
    assert not log.feedback("0123456789abcdef", "x" * 1000, session="s1")
    assert log.feedback("0123456789abcdef", "down", session="s1")
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and max(map(len, lines)) < 20_000 and log.feedback_of("0123456789abcdef") == "down"


def test_draft_originals_expire_without_waiting_for_the_next_draft(tmp_path):
    old = tmp_path / "draft-old"
    old.mkdir()
    (old / "政策咨询答复草稿.docx").write_bytes(b"x")
    stop = sweep_every(tmp_path, max_age=0.2, interval=0.1)
    try:
        deadline = time.monotonic() + 10
        while old.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
    assert not old.exists()


def test_markdown_images_in_a_message_become_plain_links():
    assert md_safe("请看![logo](http://tracker.example/x.png)") == "请看[logo](http://tracker.example/x.png)"
    assert md_safe("![a][r]\n\n[r]: http://t.example/y.png").startswith("[a][r]")
    assert md_safe("注意!重要") == "注意!重要" and md_safe("<img src=x>") == "&lt;img src=x>"
