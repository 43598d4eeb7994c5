"""The app's front door: with staff login configured, nothing but the login itself without a session,
and failed logins throttled. Also ``/ready`` for load balancers (with or without login).

An ASGI middleware in front of Gradio's routes (``demo.launch(app_kwargs={"middleware": ...})``):

* the login page is served without the API description Gradio embeds in it
  (``window.gradio_api_info``: every endpoint's parameters, docstrings and code snippets);
* ``/openapi.json``, every ``/gradio_api/*`` route (``reset``, ``cancel``, ``heartbeat``… included)
  and anything else not on the short public list answer 401 without a session;
* ``POST /login`` is throttled per client address and per user name (``throttle.Throttle``): each
  attempt is reserved before Gradio checks its password, so a burst of parallel guesses counts
  every guess; a locked address, or a user name that must wait, gets 429 without its password
  being checked. Logins are logged with the address and a masked user name (``log_lines``: the
  name could be a password typed in the wrong box), never the password;
* ``/logout`` ends only this session, and only by ``POST`` with this session's token: ``GET``
  shows a page with the button (a link on another site cannot log anyone out, and Gradio's own
  ``GET /logout`` ended every session of the shared staff account).

Without login configured every request passes through unchanged, so local use is as before.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie

from assistant.web.guard import respond, send_json
from assistant.web.log_lines import log_text, user_label
from assistant.web.throttle import BUSY, Throttle

log = logging.getLogger(__name__)

MAX_LOGIN_BODY = 64 * 1024
BUSY_WAIT = 30.0  # seconds an attempt may wait for those being checked before it is refused
PUBLIC_PATHS = {"/", "/login", "/login/", "/logout", "/favicon.ico", "/theme.css", "/robots.txt",
                "/manifest.json", "/ready",
                "/gradio_api/theme.css",  # the login page's look
                "/gradio_api/startup-events"}  # called by launch() itself; runs the startup once, returns a bool
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/")  # the page's own scripts, styles and fonts
API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.S)  # "<" is escaped inside the JSON
NOT_READY = "正在准备索引…"

# On the login page: show the server's reason when a login is refused for now (Gradio's form only
# knows "incorrect credentials").
LOGIN_PAGE_SCRIPT = b"""<script>(function () {
  const fetch0 = window.fetch;
  window.fetch = async function (...args) {
    const response = await fetch0.apply(this, args);
    try {
      const url = String((args[0] && args[0].url) || args[0]);
      if (response.status === 429 && /\\/login\\/?$/.test(url)) {
        const detail = (await response.clone().json()).detail;
        let box = document.getElementById("pa-login-wait");
        if (!box) {
          box = document.createElement("div");
          box.id = "pa-login-wait";
          box.setAttribute("role", "alert");
          box.style.cssText = "position:fixed;top:12px;left:50%;transform:translateX(-50%);z-index:9999;" +
            "background:#fff4e5;color:#8a4b00;border:1px solid #f0b35a;border-radius:6px;padding:8px 16px;";
          document.body.appendChild(box);
        }
        box.textContent = detail;
      }
    } catch (e) { /* the form still works */ }
    return response;
  };
})();</script>"""


class LoginGate:
    """ASGI middleware; ``ready`` says whether the app can answer yet (for ``/ready``)."""

    def __init__(self, app, *, throttle: Throttle, ready: Callable[[], bool] = lambda: True):
        self.app = app
        self.throttle = throttle
        self.ready = ready
        self._logout_key = secrets.token_bytes(32)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        root = scope.get("root_path") or ""
        if root and path.startswith(root):
            path = path[len(root):] or "/"
        if path == "/ready" and scope["type"] == "http":
            ready = bool(self.ready())
            return await send_json(send, 200 if ready else 503, {"ready": ready, "status": "" if ready else NOT_READY})
        gradio_app = scope.get("app")
        if getattr(gradio_app, "auth", None) is None:
            return await self.app(scope, receive, send)  # no login configured: local use, unchanged
        if path in ("/login", "/login/") and scope.get("method") == "POST":
            return await self._login(scope, receive, send, gradio_app)
        if path in ("/logout", "/logout/") and scope["type"] == "http":
            return await self._logout(scope, receive, send, gradio_app)
        if _session(scope, gradio_app) is not None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if path == "/" and scope.get("method") in ("GET", "HEAD"):
            return await self._login_page(scope, receive, send)
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return await self.app(scope, receive, send)
        return await respond(send, 401, "请先登录")

    async def _login_page(self, scope, receive, send):
        """Gradio's page for a visitor without a session, minus the API description."""
        start, chunks = {}, []

        async def keep(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        body = API_INFO.sub(b"window.gradio_api_info = {};</script>", b"".join(chunks), count=1)
        if b"named_endpoints" in body:  # the page changed shape: fail closed rather than leak
            log.error("登录页仍含接口说明，已拒绝返回")
            return await respond(send, 500, "登录页生成失败，请联系管理员")
        body = body.replace(b"</head>", LOGIN_PAGE_SCRIPT + b"</head>", 1)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})

    async def _login(self, scope, receive, send, gradio_app):
        body = await _read_body(receive, MAX_LOGIN_BODY)
        if body is None:
            return await respond(send, 413, "登录请求过大")
        user = await _form_user(scope, body)
        address = (scope.get("client") or ("?", 0))[0]
        shown = f"{user_label(user, _configured(gradio_app))}，来自 {log_text(address)}"
        # Reserved before the password is checked: a parallel burst never has more guesses checked
        # than the limit; the rest wait for those being checked, then are refused or go ahead.
        deadline = time.monotonic() + BUSY_WAIT
        while (refusal := self.throttle.reserve(address, user)) is BUSY and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if refusal is not None:
            wait = max(1, math.ceil(refusal.wait))
            log.warning("登录已暂停：%s，还需等待 %d 秒（%s）", shown, wait, "该用户名" if refusal.scope == "account" else "该地址")
            detail = (f"该用户名近期登录失败较多，请 {wait} 秒后再试" if refusal.scope == "account"
                      else f"登录失败次数过多，请 {wait} 秒后再试")
            return await respond(send, 429, detail, [(b"retry-after", str(wait).encode())])
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, _replay(body), watch)
        finally:
            if status.get("code") == 200:
                self.throttle.succeeded(address, user)
                log.info("登录成功：%s", shown)
            else:  # wrong credentials, a malformed form, or the client gone: a failure all the same
                wait = self.throttle.failed(address, user)
                log.warning("登录失败：%s%s", shown, f"；暂停登录 {math.ceil(wait)} 秒" if wait else "")

    async def _logout(self, scope, receive, send, gradio_app):
        """GET: a page with the button (and this session's token); POST with the token: this session ends."""
        token = _session(scope, gradio_app)
        if token is None:
            return await _redirect(send, scope, [])
        expected = hmac.new(self._logout_key, token.encode(), hashlib.sha256).hexdigest()
        if scope.get("method") != "POST":
            root = (scope.get("root_path") or "").rstrip("/") + "/"
            page = LOGOUT_PAGE.replace("{token}", expected).replace("{root}", root).encode("utf-8")
            return await _html(send, 200, page)
        body = await _read_body(receive, 4096)
        from urllib.parse import parse_qs

        given = parse_qs((body or b"").decode("latin-1")).get("token", [""])[0]
        given = given or dict(scope.get("headers", [])).get(b"x-logout-token", b"").decode("latin-1")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return await respond(send, 403, "退出登录请求无效，请在本页面点击“退出登录”")
        gradio_app.tokens.pop(token, None)  # this session only; other staff sessions go on
        log.info("退出登录：来自 %s", log_text((scope.get("client") or ("?", 0))[0]))
        cookie_id = getattr(gradio_app, "cookie_id", "")
        expired = [(b"set-cookie", f"{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax".encode())
                   for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}")]
        return await _redirect(send, scope, expired)


LOGOUT_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>退出登录 · 政策助手</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:28em;margin:4em auto;padding:0 1em;line-height:1.6">
<h1 style="font-size:1.3em">退出登录</h1><p>退出后，本浏览器需要重新登录；其他工作人员的登录不受影响。</p>
<form method="post" action="{root}logout"><input type="hidden" name="token" value="{token}">
<button type="submit" style="font-size:1em;padding:.4em 1.2em">退出登录</button> <a href="{root}">返回</a></form>
</body></html>"""


def _configured(gradio_app) -> frozenset[str]:
    auth = getattr(gradio_app, "auth", None)
    return frozenset(auth) if isinstance(auth, dict) else frozenset()


async def _read_body(receive, limit: int) -> bytes | None:
    """The whole request body, or None when it exceeds ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes):
    sent = [False]

    async def replay():
        if sent[0]:
            return {"type": "http.disconnect"}
        sent[0] = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _html(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, scope, headers: list[tuple[bytes, bytes]]) -> None:
    root = (scope.get("root_path") or "").rstrip("/") + "/"
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", root.encode("latin-1")), (b"content-length", b"0"), *headers]})
    await send({"type": "http.response.body", "body": b""})


def _session(scope, gradio_app) -> str | None:
    """The session token of the cookie Gradio set at login (a live one), or None."""
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k.lower() == b"cookie").decode("latin-1")
    if not raw:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(raw)
    except CookieError:
        return None
    tokens = getattr(gradio_app, "tokens", {}) or {}
    cookie_id = getattr(gradio_app, "cookie_id", "")
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        morsel = cookies.get(name)
        if morsel is not None and tokens.get(morsel.value) is not None:
            return morsel.value
    return None


async def _form_user(scope, body: bytes) -> str:
    """The ``username`` field of a login form (urlencoded or multipart), stripped like Gradio does."""
    from starlette.requests import Request

    async def once():
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
        value = form.get("username")
        return value.strip() if isinstance(value, str) else ""
    except Exception:  # a malformed form: Gradio answers it; the address is still counted
        return ""
