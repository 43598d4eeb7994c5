"""The app's front door: with staff login configured, nothing but the login itself without a session,
and failed logins throttled. Also ``/ready`` for load balancers (with or without login).

An ASGI middleware in front of Gradio's routes (``demo.launch(app_kwargs={"middleware": ...})``):

* the login page is served without the API description Gradio embeds in it
  (``window.gradio_api_info``: every endpoint's parameters, docstrings and code snippets);
* ``/openapi.json``, every ``/gradio_api/*`` route (``reset``, ``cancel``, ``heartbeat``… included)
  and anything else not on the short public list answer 401 without a session;
* ``POST /login`` is throttled per client address and per user name (``Throttle``): after
  ``max_failures`` failures within ``window`` seconds, every attempt, right or wrong, is refused
  with 429 for a wait that doubles with each further failure; failures are logged with the user
  name and address, never the password.

Without login configured every request passes through unchanged, so local use is as before.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie

from assistant.text.inputs import clean_text

log = logging.getLogger(__name__)

MAX_WAIT = 3600.0  # seconds; the growing wait stops doubling here
MAX_LOGIN_BODY = 64 * 1024
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


class Throttle:
    """Failed logins per key (a client address, a user name): up to ``max_failures`` within ``window``
    seconds, then a wait of ``window`` seconds that doubles with each further failure (at most
    MAX_WAIT). A success clears the key; so does a quiet MAX_WAIT."""

    def __init__(self, max_failures: int = 5, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max(1, int(max_failures))
        self.window = max(0.1, float(window))
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._strikes: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> float:
        """Seconds until ``keys`` may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max([self._until.get(k, 0.0) - now for k in keys] + [0.0])

    def failed(self, *keys: str) -> float:
        """Record a failure; returns the wait it imposes (0 while under the limit)."""
        now = self.clock()
        imposed = 0.0
        with self._lock:
            self._prune(now)
            for key in keys:
                recent = self._failures.setdefault(key, deque())
                while recent and now - recent[0] > self.window:
                    recent.popleft()
                recent.append(now)
                if len(recent) >= self.max_failures or self._strikes.get(key):
                    strikes = self._strikes.get(key, 0) + 1
                    self._strikes[key] = strikes
                    wait = min(self.window * 2 ** (strikes - 1), MAX_WAIT)
                    self._until[key] = now + wait
                    imposed = max(imposed, wait)
        return imposed

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
                self._strikes.pop(key, None)
                self._until.pop(key, None)

    def _prune(self, now: float) -> None:
        if len(self._failures) < 10_000:
            return
        for key in [k for k, q in self._failures.items() if not q or now - q[-1] > MAX_WAIT]:
            self._failures.pop(key, None)
            self._strikes.pop(key, None)
            self._until.pop(key, None)


class LoginGate:
    """ASGI middleware; ``ready`` says whether the app can answer yet (for ``/ready``)."""

    def __init__(self, app, *, throttle: Throttle, ready: Callable[[], bool] = lambda: True):
        self.app = app
        self.throttle = throttle
        self.ready = ready

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope["path"]
        root = scope.get("root_path") or ""
        if root and path.startswith(root):
            path = path[len(root):] or "/"
        if path == "/ready" and scope["type"] == "http":
            ready = bool(self.ready())
            return await _json(send, 200 if ready else 503, {"ready": ready, "status": "" if ready else NOT_READY})
        gradio_app = scope.get("app")
        if getattr(gradio_app, "auth", None) is None:
            return await self.app(scope, receive, send)  # no login configured: local use, unchanged
        if path in ("/login", "/login/") and scope.get("method") == "POST":
            return await self._login(scope, receive, send)
        if _session_user(scope, gradio_app) is not None:
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        if path == "/" and scope.get("method") in ("GET", "HEAD"):
            return await self._login_page(scope, receive, send)
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return await self.app(scope, receive, send)
        return await _json(send, 401, {"detail": "请先登录"})

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
            return await _json(send, 500, {"detail": "登录页生成失败，请联系管理员"})
        body = body.replace(b"</head>", LOGIN_PAGE_SCRIPT + b"</head>", 1)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})

    async def _login(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_LOGIN_BODY:
                return await _json(send, 413, {"detail": "登录请求过大"})
            if not message.get("more_body"):
                break
        user = await _form_user(scope, body)
        address = (scope.get("client") or ("?", 0))[0]
        keys = (f"addr:{address}", f"user:{user.lower()}")
        shown = clean_text(user)[:64]
        wait = self.throttle.wait(*keys)
        if wait > 0:
            log.warning("登录已暂停：用户名“%s”，来自 %s，还需等待 %d 秒", shown, address, math.ceil(wait))
            return await _json(send, 429, {"detail": f"登录失败次数过多，请 {math.ceil(wait)} 秒后再试"},
                               [(b"retry-after", str(math.ceil(wait)).encode())])
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        sent = [False]

        async def replay():
            if sent[0]:
                return {"type": "http.disconnect"}
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, watch)
        if status.get("code") == 200:
            self.throttle.succeeded(*keys)
            log.info("登录成功：用户名“%s”，来自 %s", shown, address)
        elif status.get("code") in (400, 401):
            imposed = self.throttle.failed(*keys)
            log.warning("登录失败：用户名“%s”，来自 %s%s", shown, address,
                        f"；暂停登录 {math.ceil(imposed)} 秒" if imposed else "")


def _session_user(scope, gradio_app) -> str | None:
    """The user of the session cookie Gradio set at login, or None."""
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
            return tokens[morsel.value]
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


async def _json(send, status: int, data: dict, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
