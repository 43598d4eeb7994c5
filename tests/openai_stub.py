"""A tiny local OpenAI-compatible server for tests (stdlib only, no network beyond 127.0.0.1).

    with OpenAIStub() as stub:
        stub.queue_chat({"content": "你好"})
        client = OpenAI(base_url=stub.base_url, api_key="x")
        ...
        stub.requests[-1]["messages"]      # every request body, in order

Endpoints:

* ``POST /v1/embeddings`` - deterministic vectors from the character n-gram hash embedder
  (``dim`` long, default 256; similar texts get similar vectors). Honours
  ``encoding_format: "base64"``, which the ``openai`` client asks for by default.
* ``POST /v1/chat/completions`` - pops the next queued reply (see :meth:`OpenAIStub.queue_chat`);
  when the queue is empty answers "（stub: 无更多回复）". ``"stream": true`` gets a proper
  server-sent-event stream of ``chat.completion.chunk`` objects ending with ``data: [DONE]``.
* ``GET /v1/models`` - lists the stub's model.

Failure knobs: ``stub.delay`` (seconds to wait before answering, to provoke client timeouts)
and ``stub.fail_status`` (e.g. 500: every request gets that status with an OpenAI-style error
body). Both may be changed while the server runs.
"""

from __future__ import annotations

import base64
import itertools
import json
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from assistant.search.embeddings import HashEmbedder

EMPTY_REPLY = "（stub: 无更多回复）"

ChatReply = dict[str, Any] | str | Callable[[dict[str, Any]], "dict[str, Any] | str"]


@dataclass
class StubRequest:
    """One request as received: method, path (e.g. "/v1/chat/completions"), headers (keys
    lower-cased, e.g. ``headers["authorization"]``), body (parsed JSON)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any = field(default=None)


class OpenAIStub:
    """Background-thread OpenAI-compatible HTTP server on 127.0.0.1 (free port)."""

    def __init__(self, *, dim: int = 256, model: str = "stub-model") -> None:
        self.dim = dim
        self.model = model
        self.delay: float = 0.0
        self.fail_status: int | None = None
        #: Every request body (parsed JSON, or None), in arrival order.
        self.requests: list[Any] = []
        #: The same requests with method, path and headers.
        self.log: list[StubRequest] = []
        self._chat_queue: deque[ChatReply] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._ids = itertools.count(1)
        self._embedder = HashEmbedder(dim)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> OpenAIStub:
        handler = type("Handler", (_Handler,), {"stub": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        server.block_on_close = False  # a handler sleeping in `delay` must not block close()
        self._server = server
        self._closing.clear()
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers sleeping in `delay`
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("OpenAIStub is not running; use it as a context manager")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` - what OpenAI clients take as ``base_url``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # ------------------------------------------------------------------ scripting

    def queue_chat(self, *replies: ChatReply) -> None:
        """Queue replies for ``/v1/chat/completions``, answered in order, one per request.

        Each reply is an assistant message dict - ``{"content": "…"}`` and/or
        ``{"tool_calls": [{"function": {"name": "…", "arguments": {...} or "json"}}]}``
        (missing ``id``/``type``/``role`` are filled in, dict arguments are JSON-encoded) -
        or a plain string (the content), or a callable taking the request JSON and returning
        either of those.
        """
        with self._lock:
            self._chat_queue.extend(replies)

    @property
    def pending(self) -> int:
        """Queued chat replies not yet served."""
        with self._lock:
            return len(self._chat_queue)

    @property
    def chat_requests(self) -> list[Any]:
        return [r.body for r in self.log if r.path.endswith("/chat/completions")]

    @property
    def embedding_requests(self) -> list[Any]:
        return [r.body for r in self.log if r.path.endswith("/embeddings")]

    def embedding(self, text: str) -> list[float]:
        """The vector the stub returns for ``text`` (for assertions)."""
        return self._embedder.vector(text)

    # ------------------------------------------------------------------ internals

    def _record(self, req: StubRequest) -> None:
        with self._lock:
            self.log.append(req)
            self.requests.append(req.body)

    def _next_reply(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            item = self._chat_queue.popleft() if self._chat_queue else EMPTY_REPLY
        if callable(item):
            item = item(body)
        return self._message(item)

    def _message(self, item: dict[str, Any] | str) -> dict[str, Any]:
        if isinstance(item, str):
            return {"role": "assistant", "content": item}
        msg = dict(item)
        msg.setdefault("role", "assistant")
        msg.setdefault("content", None)
        if msg.get("tool_calls"):
            calls = []
            for call in msg["tool_calls"]:
                call = dict(call)
                call.setdefault("id", f"call_{next(self._ids)}")
                call.setdefault("type", "function")
                fn = dict(call.get("function") or {})
                if not isinstance(fn.get("arguments", ""), str):
                    fn["arguments"] = json.dumps(fn["arguments"], ensure_ascii=False)
                fn.setdefault("arguments", "{}")
                call["function"] = fn
                calls.append(call)
            msg["tool_calls"] = calls
        else:
            msg.pop("tool_calls", None)
        return msg

    def _embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        inputs = body.get("input", [])
        if isinstance(inputs, str):
            inputs = [inputs]
        b64 = body.get("encoding_format") == "base64"
        data = []
        for i, text in enumerate(inputs):
            if not isinstance(text, str):  # token ids: embed their textual form
                text = " ".join(map(str, text)) if isinstance(text, list) else str(text)
            vec = self._embedder.vector(text)
            if b64:
                emb: Any = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
            else:
                emb = vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        tokens = sum(len(str(t)) for t in inputs)
        return {
            "object": "list",
            "data": data,
            "model": body.get("model") or self.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    def _completion(self, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        msg = self._next_reply(body)
        prompt_tokens = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
        completion_tokens = len(msg.get("content") or "") + len(json.dumps(msg.get("tool_calls") or ""))
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        finish = "tool_calls" if msg.get("tool_calls") else "stop"
        completion = {
            "id": f"chatcmpl-stub{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [{"index": 0, "message": msg, "logprobs": None, "finish_reason": finish}],
            "usage": usage,
        }
        return completion, msg

    def _chunks(self, completion: dict[str, Any], msg: dict[str, Any], body: dict[str, Any]):
        """The completion as a list of ``chat.completion.chunk`` dicts."""
        base = {
            "id": completion["id"],
            "object": "chat.completion.chunk",
            "created": completion["created"],
            "model": completion["model"],
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                **base,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }

        chunks = [chunk({"role": "assistant", "content": ""})]
        content = msg.get("content") or ""
        for start in range(0, len(content), 8):
            chunks.append(chunk({"content": content[start : start + 8]}))
        for i, call in enumerate(msg.get("tool_calls") or []):
            fn = call["function"]
            chunks.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": i,
                                "id": call["id"],
                                "type": "function",
                                "function": {"name": fn.get("name", ""), "arguments": ""},
                            }
                        ]
                    }
                )
            )
            chunks.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": fn["arguments"]}}]}))
        chunks.append(chunk({}, completion["choices"][0]["finish_reason"]))
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**base, "choices": [], "usage": completion["usage"]})
        return chunks


class _Handler(BaseHTTPRequestHandler):
    stub: OpenAIStub
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._handle(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._handle(body)

    def _handle(self, body: Any) -> None:
        stub = self.stub
        path = self.path.split("?", 1)[0].rstrip("/")
        headers = {k.lower(): v for k, v in self.headers.items()}
        stub._record(StubRequest(self.command, path, headers, body))
        if stub.delay and stub._closing.wait(stub.delay):
            return  # server is shutting down
        try:
            if stub.fail_status:
                self._json(
                    stub.fail_status,
                    {
                        "error": {
                            "message": f"stub failure (HTTP {stub.fail_status})",
                            "type": "server_error",
                            "param": None,
                            "code": None,
                        }
                    },
                )
            elif self.command == "GET" and path.endswith("/models"):
                model = {"id": stub.model, "object": "model", "created": 0, "owned_by": "stub"}
                self._json(200, {"object": "list", "data": [model]})
            elif self.command == "POST" and path.endswith("/embeddings") and isinstance(body, dict):
                self._json(200, stub._embeddings(body))
            elif self.command == "POST" and path.endswith("/chat/completions") and isinstance(body, dict):
                completion, msg = stub._completion(body)
                if body.get("stream"):
                    self._sse(stub._chunks(completion, msg, body))
                else:
                    self._json(200, completion)
            else:
                error = {"message": f"stub: no route {self.command} {path}", "type": "invalid_request_error"}
                self._json(404, {"error": error})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout); nothing to answer

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, chunks: list[dict[str, Any]]) -> None:
        events = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in chunks]
        events.append("data: [DONE]\n\n")
        data = "".join(events).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
