"""What every request meets first, with or without login (an ASGI middleware, outside ``LoginGate``):

* **the Host is checked**: only localhost, 127.0.0.1, ::1 and the names in ``POLICY_ALLOWED_HOSTS``
  (and ``POLICY_HOST`` when it is a name) are served; any other Host gets 400. A page on another
  site that rebinds its DNS name to 127.0.0.1 therefore reaches nothing;
* **the body is bounded**: a body over ``POLICY_MAX_BODY`` bytes gets 413 with a Chinese message
  before it is read (by its Content-Length) or as soon as it grows past the bound (chunked), so a
  30 MB history never reaches the JSON parser;
* **the browser is told**: no framing (``X-Frame-Options: DENY``, CSP ``frame-ancestors 'none'``),
  a CSP that allows only the app's own scripts, styles, fonts, images and connections, no sniffing,
  no referrer to other sites;
* **no credentials from other origins**: a request whose ``Origin`` is not the app's own has its
  cookies removed before anything reads them, so another origin (even another localhost port that
  Gradio's CORS answers) can only make anonymous requests, which the login refuses.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
CSP = "; ".join([
    "default-src 'self'",
    # Gradio's page starts from inline scripts (its config), and gr.HTML evaluates its templates as
    # JavaScript (without 'unsafe-eval' every HTML panel fails: "Error evaluating template: EvalError")
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",  # no remote image can be loaded, from a message or anywhere else
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
BAD_HOST = "不接受这个主机名的请求。如需通过其他域名访问，请由管理员把它加入 POLICY_ALLOWED_HOSTS。"


def trusted_hosts(allowed: str = "", host: str = "") -> frozenset[str]:
    """localhost, 127.0.0.1, ::1, the comma-separated ``allowed`` and ``host`` when it names one host."""
    names = {*LOCAL_HOSTS, *(h.strip().lower().strip("[]") for h in allowed.split(",") if h.strip())}
    if host and host not in ("0.0.0.0", "::", ""):
        names.add(host.lower().strip("[]"))
    return frozenset(names)


def host_name(value: str) -> str:
    """The name of a Host header or an origin's netloc, without port ("[::1]:7860" -> "::1")."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RequestGuard:
    def __init__(self, app, *, max_body: int = 1_000_000, hosts: frozenset[str] = frozenset(LOCAL_HOSTS)):
        self.app = app
        self.max_body = max(1024, int(max_body))
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = scope.get("headers", [])
        host = _header(headers, b"host")
        if host_name(host) not in self.hosts:
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await respond(send, 400, BAD_HOST)
        origin = _header(headers, b"origin")
        if origin and not _same_origin(origin, host):
            scope = {**scope, "headers": [(k, v) for k, v in headers if k.lower() != b"cookie"]}
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)
        too_big = f"请求过大（超过 {self.max_body:,} 字节），已拒绝。请缩短输入或对话记录后再试。"
        length = _header(headers, b"content-length")
        if length and (not length.isdigit() or int(length) > self.max_body):
            return await respond(send, 413, too_big)
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            chunks, size, more = [], 0, True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                more = message.get("more_body", False)
                if size > self.max_body:
                    return await respond(send, 413, too_big)
            receive = _replay(b"".join(chunks), receive)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + SECURITY_HEADERS}
            await send(message)

        return await self.app(scope, receive, with_headers)


def _header(headers, name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _same_origin(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.strip().lower()


def _replay(body: bytes, receive):
    sent = [False]

    async def replay():
        if sent[0]:
            return await receive()  # later messages: the client's disconnect
        sent[0] = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def respond(send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A JSON ``{"detail": …}`` answer that never reaches the app."""
    await send_json(send, status, {"detail": detail}, headers)


async def send_json(send, status: int, data: dict, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS, *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
