"""Issue 22 against a running ``python app.py`` with staff login: a real parallel burst of logins,
a 30 MB body, forged log lines, headers, the Host check, strict types, logout; and in Chromium, a
framed page and a remote image in a message."""

from __future__ import annotations

import json
import re
import secrets
import socket
import time
from urllib.parse import urlencode

import httpx
import pytest

from tests.test_browser import AppServer, launch_chromium

pytestmark = pytest.mark.slow  # a real app server in a subprocess (and Chromium)

USER, PASSWORD = "helpdesk", "pw-" + secrets.token_hex(8)
MAX_FAILURES = 5
FORGED = "x\n2099-01-01 00:00:00,000 ERROR app: 管理员已授权"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(tmp_path_factory.mktemp("live-app"), POLICY_EMBEDDING="hash", POLICY_APP_USERNAME=USER,
                   POLICY_APP_PASSWORD=PASSWORD, POLICY_LOGIN_MAX_FAILURES=str(MAX_FAILURES),
                   POLICY_LOGIN_LOCKOUT="2", POLICY_TODAY="2023-06-01") as srv:
        yield srv


@pytest.fixture(scope="module")
def session(server):
    http = httpx.Client(base_url=server.url, timeout=60)
    assert http.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
    return http


def raw_request(port: int, method: str, path: str, body: bytes = b"", **headers: str) -> bytes:
    head = {"Host": f"127.0.0.1:{port}", "Content-Length": str(len(body)), "Connection": "close", **headers}
    return (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n").encode() + body


def status_of(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def called(http: httpx.Client, api: str, data: list) -> tuple[str, str]:
    """(event, data) of one /gradio_api/call/<api> call."""
    event_id = http.post(f"/gradio_api/call/{api}", json={"data": data}).json()["event_id"]
    stream = http.get(f"/gradio_api/call/{api}/{event_id}").text
    event, payload = re.findall(r"event: (\w+)\ndata: (.*)", stream)[-1]
    return event, payload


def test_a_burst_of_60_parallel_logins_with_the_right_password_never_logs_in(server):
    form = "application/x-www-form-urlencoded"
    requests = [raw_request(server.port, "POST", "/login", urlencode({"username": USER, "password": p}).encode(),
                            **{"Content-Type": form})
                for p in [f"guess-{i}" for i in range(59)] + [PASSWORD]]
    socks = [socket.create_connection(("127.0.0.1", server.port), timeout=60) for _ in requests]
    try:
        for sock, req in zip(socks, requests, strict=True):
            sock.sendall(req[:-1])  # all 60 in flight, none complete
        for sock, req in zip(socks[:-1], requests[:-1], strict=True):
            sock.sendall(req[-1:])
        time.sleep(1.0)  # the right password arrives while the burst is still being answered
        socks[-1].sendall(requests[-1][-1:])
        codes = [status_of(sock) for sock in socks]
    finally:
        for sock in socks:
            sock.close()
    assert codes[-1] == 429  # the right password was never checked
    # every guess was counted before its password was checked (before: 59×400, 1×200)
    assert codes.count(400) == MAX_FAILURES and codes.count(429) == 60 - MAX_FAILURES
    time.sleep(2.2)  # the address's wait (POLICY_LOGIN_LOCKOUT=2, doubled once per further failure)…
    http = httpx.Client(base_url=server.url, timeout=30)
    for _ in range(5):
        response = http.post("/login", data={"username": USER, "password": PASSWORD})
        if response.status_code != 429:
            break
        time.sleep(int(response.headers["retry-after"]) + 0.2)
    assert response.status_code == 200  # …then the right password is accepted: staff are not locked out


def test_a_30_mb_body_is_refused(server, session):
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    big = 30 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(raw_request(server.port, "POST", "/gradio_api/call/ask", **{
            "Content-Type": "application/json", "Cookie": cookie}).replace(b"Content-Length: 0", f"Content-Length: {big}".encode()))
        assert status_of(sock) == 413  # answered by its Content-Length, before any of the 30 MB is read
    response = session.post("/gradio_api/call/ask", content=b'{"data": ["' + b"x" * 2_000_000 + b'"]}',
                            headers={"content-type": "application/json"})
    assert response.status_code == 413 and "请求过大" in response.json()["detail"]

    def chunks():  # no Content-Length: refused once it grows past the cap, whatever follows
        yield b'{"data": ["'
        for _ in range(30):
            yield b"x" * (1024 * 1024)

    try:
        assert session.post("/gradio_api/call/ask", content=chunks(),
                            headers={"content-type": "application/json"}).status_code == 413
    except (httpx.WriteError, httpx.RemoteProtocolError):
        pass  # the server answered 413 and closed while the rest was still being sent
    assert called(session, "ask", ["保费30万元能补多少？", None])[0] == "complete"  # the server is fine


def test_a_forged_user_name_writes_no_line_and_no_name(server):
    http = httpx.Client(base_url=server.url, timeout=30, headers={"x-forwarded-for": "1.2.3.4"})
    http.post("/login", data={"username": FORGED, "password": "nope"})
    http.post("/login", data={"username": PASSWORD + "\u2028", "password": "nope"})  # a password in the wrong box
    time.sleep(0.5)
    out = server.output()
    assert "其他用户名（标记 " in out and "管理员已授权" not in out and PASSWORD not in out and "nope" not in out
    assert not any(line.startswith("2099") for line in out.splitlines())
    assert "\u2028" not in out


def test_headers_and_the_host_check(server, session):
    page = session.get("/")
    assert page.status_code == 200 and page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert httpx.get(server.url, headers={"host": "attacker.example"}, timeout=10).status_code == 400
    assert httpx.get(server.url.replace("127.0.0.1", "localhost"), timeout=10).status_code == 200
    assert session.get("/config", headers={"origin": "http://localhost:3000"}).status_code == 401  # no credentials


def test_strict_types_and_missing_arguments_through_the_api(session):
    event, payload = called(session, "ask", [{"a": 1}, None])
    assert event == "error" and "question：应为文字，实际收到对象" in json.loads(payload)["error"]
    event, payload = called(session, "ask", [])
    assert event == "error" and "缺少参数：question" in json.loads(payload)["error"]
    event, payload = called(session, "draft", ["保费30万元能补多少？", "北" * 1000])
    assert event == "error" and "来函单位 enterprise：过长" in json.loads(payload)["error"]


def test_logout_ends_only_this_session(server, session):
    other = httpx.Client(base_url=server.url, timeout=30)
    assert other.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
    assert other.get("/logout").status_code == 200 and other.get("/config").status_code == 200  # GET ends nothing
    token = re.search(r'name="token" value="(\w+)"', other.get("/logout").text)[1]
    assert other.post("/logout", data={"token": token}, follow_redirects=False).status_code == 303
    assert other.get("/config").status_code == 401 and session.get("/config").status_code == 200


def test_the_page_cannot_be_framed_and_loads_no_remote_image(server):
    from playwright.sync_api import sync_playwright

    seen = []
    with socket.socket() as trap:  # a "remote" image host: anything connecting to it is a leak
        trap.bind(("127.0.0.1", 0))
        trap.listen(8)
        trap.settimeout(0.2)
        image = f"http://127.0.0.1:{trap.getsockname()[1]}/pixel.png"
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                page = browser.new_page()
                console = []
                page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
                page.goto(server.url)
                page.fill("input[type=text]", USER)
                page.fill("input[type=password]", PASSWORD)
                page.keyboard.press("Enter")
                page.wait_for_selector("#chat-input textarea", timeout=60_000)
                page.on("request", lambda r: seen.append(r.url))
                page.fill("#chat-input textarea", f"请看附件![图]({image})平台建设投资1200万元能补多少？")
                page.keyboard.press("Enter")
                page.wait_for_selector("#chatbot a[href]", timeout=60_000)
                assert page.locator("#chatbot img[src*='pixel.png']").count() == 0
                for tab in ("补贴计算器", "政策匹配", "答复起草", "政策原文"):  # every tab works under the CSP
                    page.get_by_role("tab", name=tab).click()
                    page.wait_for_timeout(300)
                assert not [m for m in console if "Content Security Policy" in m or "EvalError" in m]
                framing = browser.new_page()
                framing.set_content(f'<iframe id="f" src="{server.url}" width="600" height="400"></iframe>')
                framing.wait_for_timeout(2000)
                frame = framing.frame_locator("#f")
                assert frame.locator("#chat-input, input[type=password]").count() == 0  # refused by the browser
            finally:
                browser.close()
        try:
            trap.accept()
            leaked = True
        except TimeoutError:
            leaked = False
    assert not leaked and not any("pixel.png" in url for url in seen)
