"""Issue 11 against the web app: the login gate in-process (Starlette's TestClient), then real
``python app.py`` processes (marked slow): an index rebuilt under a running app, private served
files, and throttled logins."""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from starlette.middleware import Middleware
from starlette.testclient import TestClient

import app
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.answer_log import AnswerLog
from assistant.web.guard import RequestGuard
from assistant.web.login_gate import LoginGate
from assistant.web.state import WebApp
from assistant.web.throttle import BUSY, Throttle

from .conftest import ROOT
from .test_browser import AppServer

USER, PASSWORD = "staff", "pw-" + secrets.token_hex(6)
LEAKS = ("named_endpoints", "补贴计算：measure 为规则编号", "/calculate", "platform_investment")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    settings = Settings.from_env(embedding="hash", index_dir=root / "index")
    web = WebApp(settings, bot=Assistant(settings), answer_log=AnswerLog(root / "answers.jsonl"))
    demo = app.build_demo(web)
    demo.auth_message = "政策助手：工作人员登录"
    return demo


def gated(demo, *, auth=True, ready=lambda: True, clock=None, max_failures=3) -> TestClient:
    from gradio.routes import App

    demo.auth = [(USER, PASSWORD)] if auth else None
    throttle = Throttle(max_failures, 60, clock=clock or Clock())
    return TestClient(App.create_app(demo, app_kwargs={"middleware": [Middleware(LoginGate, throttle=throttle, ready=ready)]}))


def login(client: TestClient, password: str = PASSWORD, user: str = USER):
    return client.post("/login", data={"username": user, "password": password})


# ---------------------------------------------------------------- 2. the login page and the routes behind it
def test_the_login_page_carries_no_api_description(demo):
    from gradio.routes import App

    demo.auth = [(USER, PASSWORD)]
    ungated = TestClient(App.create_app(demo)).get("/").text
    assert all(leak in ungated for leak in LEAKS)  # what Gradio itself puts on its login page
    with gated(demo) as client:
        page = client.get("/")
        assert page.status_code == 200 and "auth_required" in page.text
        assert not any(leak in page.text for leak in LEAKS)


@pytest.mark.parametrize("method, path", [
    ("GET", "/openapi.json"), ("GET", "/gradio_api/info"), ("GET", "/gradio_api/openapi.json"), ("GET", "/config"),
    ("POST", "/gradio_api/reset"), ("POST", "/gradio_api/cancel"), ("GET", "/gradio_api/heartbeat/x"),
    ("POST", "/gradio_api/upload"), ("POST", "/gradio_api/queue/join"), ("GET", "/gradio_api/call/ask/x"),
])
def test_every_route_but_the_login_needs_the_session(demo, method, path):
    with gated(demo) as client:
        assert client.request(method, path, json={"event_id": "x", "session_hash": "x", "fn_index": 0}).status_code == 401
        assert login(client).status_code == 200
        if path in ("/openapi.json", "/gradio_api/info", "/config"):
            assert client.get(path).status_code == 200


def test_failed_logins_are_throttled_with_a_growing_wait(demo, caplog):
    clock = Clock()
    with gated(demo, clock=clock) as client, caplog.at_level(logging.INFO, logger="assistant.web.login_gate"):
        assert [login(client, "wrong").status_code for _ in range(3)] == [400, 400, 400]
        refused = login(client)  # the right password, within the window
        assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
        assert refused.json()["detail"] == "登录失败次数过多，请 60 秒后再试"
        assert login(client, user="other").status_code == 429  # the address is throttled too
        clock.now += 61
        assert login(client).status_code == 200  # later accepted
        assert [login(client, "wrong").status_code for _ in range(3)] == [400, 400, 400]
        clock.now += 61
        assert login(client, "wrong").status_code == 400  # one more failure after a lockout…
        assert login(client).headers["retry-after"] == "120"  # …waits twice as long
    text = caplog.text
    assert "登录失败：已配置的用户名，来自 testclient" in text and "暂停登录" in text
    assert "wrong" not in text and PASSWORD not in text and "staff" not in text  # no user name in clear


def guess(throttle: Throttle, address: str, user: str = "staff"):
    """One wrong password: reserved, then failed (the refusal when it was not even checked)."""
    refusal = throttle.reserve(address, user)
    if refusal is None:
        throttle.failed(address, user)
    return refusal


def test_a_user_name_guessed_from_many_addresses_is_slowed_down_never_locked():
    clock = Clock()
    throttle = Throttle(3, 60, account_failures=6, account_delay=5, clock=clock)
    assert [guess(throttle, f"10.0.0.{i // 2}") for i in range(6)] == [None] * 6  # two from each of three addresses
    refusal = guess(throttle, "10.0.0.9")  # a seventh address must wait a few seconds…
    assert refusal.scope == "account" and refusal.wait == 5
    assert guess(throttle, "10.0.0.9", "other") is None  # …for this user name only
    clock.now += 5
    assert throttle.reserve("10.0.0.9", "staff") is None  # one attempt per 5 s, never an hour
    assert throttle.reserve("10.0.0.8", "staff").wait == 5
    throttle.succeeded("10.0.0.9", "staff")  # the right password clears the user name
    assert throttle.wait("10.0.0.8", "staff") == 0
    clock.now += 61
    assert guess(throttle, "10.0.0.1") is None


def test_an_address_is_locked_before_the_user_name_is_slowed():
    clock = Clock()
    throttle = Throttle(3, 60, account_failures=4, clock=clock)
    assert [guess(throttle, "10.0.0.1") for _ in range(3)] == [None] * 3
    assert guess(throttle, "10.0.0.1").scope == "address"  # one address never slows staff down
    assert guess(throttle, "10.0.0.2") is None


def test_attempts_being_checked_hold_back_the_rest_until_they_are_settled():
    throttle = Throttle(3, 60, clock=Clock())
    assert [throttle.reserve("10.0.0.1", "staff") for _ in range(3)] == [None] * 3
    assert throttle.reserve("10.0.0.1", "staff") is BUSY  # a fourth could be one failure too many
    throttle.succeeded("10.0.0.1", "staff")  # one of them had the right password…
    assert throttle.reserve("10.0.0.1", "staff") is None  # …so the next goes ahead (an office behind one address)
    for _ in range(3):
        throttle.failed("10.0.0.1", "staff")
    assert throttle.reserve("10.0.0.1", "staff").scope == "address"  # three wrong: the address is locked


def test_without_login_nothing_changes_and_ready_says_when_it_can_answer(demo):
    state = {"ready": False}
    with gated(demo, auth=False, ready=lambda: state["ready"]) as client:
        assert client.get("/gradio_api/info").status_code == 200 and client.get("/openapi.json").status_code == 200
        preparing = client.get("/ready")
        assert preparing.status_code == 503 and preparing.json()["status"] == "正在准备索引…"
        state["ready"] = True
        assert client.get("/ready").json() == {"ready": True, "status": ""}


def test_launch_installs_the_gate_with_the_settings():
    kwargs = app.launch_kwargs(Settings.from_env(app_username=USER, app_password=PASSWORD, login_max_failures=7,
                                                 login_lockout=30))
    assert [m.cls for m in kwargs["app_kwargs"]["middleware"]] == [RequestGuard, LoginGate]  # the guard outside
    guard, gate = kwargs["app_kwargs"]["middleware"]
    throttle = gate.kwargs["throttle"]
    assert (throttle.max_failures, throttle.window) == (7, 30)


# ---------------------------------------------------------------- real app processes
def ask(url: str, question: str, **auth) -> dict:
    from gradio_client import Client

    return Client(url, verbose=False, **auth).predict(question, api_name="/ask")


@pytest.mark.slow
def test_an_index_rebuilt_under_a_running_app_is_reopened(tmp_path):
    env = {"POLICY_EMBEDDING": "hash", "POLICY_TODAY": "2023-06-01"}
    with AppServer(tmp_path / "app", **env) as server:
        first = ask(server.url, "REITs有什么支持")
        assert first["in_scope"] and "（九）" in [c["clause"] for c in first["citations"]]
        rebuild = subprocess.run([sys.executable, "-m", "assistant", "index", "--rebuild"], cwd=ROOT, text=True,
                                 capture_output=True, timeout=300,
                                 env={**server.env, "PYTHONIOENCODING": "utf-8"})
        assert rebuild.returncode == 0, rebuild.stderr
        # a new question (a repeated one is read from the cache without searching)
        again = ask(server.url, "健康宝数据能对接吗")  # was: "Collection … does not exist" → "不在本助手收录的政策范围内"
        assert again["in_scope"] and "（五）" in [c["clause"] for c in again["citations"]]
        assert "已重新打开" in server.output() and "does not exist" not in server.output()
        import urllib.request

        with urllib.request.urlopen(server.url + "ready", timeout=10) as resp:
            assert json.loads(resp.read()) == {"ready": True, "status": ""}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_served_drafts_and_the_log_are_private_and_logins_throttled(tmp_path):
    import httpx
    from gradio_client import Client

    env = {"POLICY_EMBEDDING": "hash", "POLICY_APP_USERNAME": USER, "POLICY_APP_PASSWORD": PASSWORD,
           "POLICY_LOGIN_MAX_FAILURES": "3", "POLICY_LOGIN_LOCKOUT": "2"}
    # a file another Gradio process left in the shared cache must never be served
    foreign = Path("/tmp/gradio") / secrets.token_hex(8) / "政策咨询答复草稿.md"
    foreign.parent.mkdir(parents=True, exist_ok=True)
    foreign.write_text("another process's draft", encoding="utf-8")
    try:
        with AppServer(tmp_path / "app", **env) as server:
            page = httpx.get(server.url, timeout=10).text
            assert "auth_required" in page and not any(leak in page for leak in LEAKS)
            assert httpx.get(server.url + "openapi.json", timeout=10).status_code == 401
            Client(server.url, auth=(USER, PASSWORD), verbose=False).predict(
                "平台建设投资2000万元能补多少？", "北京某公司", api_name="/draft")
            http = httpx.Client(base_url=server.url, timeout=30)
            assert http.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
            event = http.post("/gradio_api/call/draft", json={"data": ["保费30万元能补多少？", ""]}).json()["event_id"]
            stream = http.get(f"/gradio_api/call/draft/{event}").text
            data = json.loads(stream.split("event: complete\ndata: ", 1)[1].splitlines()[0])
            served = [Path(item["path"]) for item in data[1:]]
            root = next(p for p in served[0].parents if p.name.startswith("policy-assistant-"))
            assert "/tmp/gradio/" not in str(served[0]) and _mode(root) == 0o700
            for path in served:
                assert _mode(path) == 0o600, path
                for folder in path.parents:
                    if folder == root.parent:
                        break
                    assert _mode(folder) == 0o700, folder
            assert _mode(server.log_path) == 0o600
            assert http.get(f"/gradio_api/file={foreign}").status_code in (403, 404)
            # throttled logins on the real server: the right password is refused, then accepted
            fresh = httpx.Client(base_url=server.url, timeout=30)
            assert [fresh.post("/login", data={"username": USER, "password": "nope"}).status_code
                    for _ in range(3)] == [400, 400, 400]
            assert fresh.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 429
            time.sleep(2.2)
            assert fresh.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
            assert PASSWORD not in server.output() and "nope" not in server.output()
        assert not root.exists()  # removed when the app stops
    finally:
        foreign.unlink(missing_ok=True)
        os.rmdir(foreign.parent)
