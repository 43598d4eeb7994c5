"""Server log lines nobody can forge: user-controlled text is escaped, user names are never shown.

A log line starts with its time and level (``%(asctime)s %(levelname)s …``); a newline in a user
name could otherwise start a line of the attacker's choosing. ``log_text`` escapes every character
that ends or hides a line: CR, LF, U+0085, U+2028/2029, other control characters and the bidi
controls that reorder what a reader sees. ``SafeFormatter`` applies it to every message of the
process's log handlers, and indents a traceback with "  | " so that no line of it can pass for a
record. A user name typed at the login could be a password typed in the wrong box, so the log names
it only as "the configured user name" or by a keyed hash that changes with each start.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

# C0 controls (tab included), DEL, C1 controls (U+0085 among them), line/paragraph separators,
# bidi embeddings, overrides and isolates, the byte order mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KEY = secrets.token_bytes(16)  # per process: a tag cannot be looked up in a table of common passwords
MAX_SHOWN = 200  # characters of one user-controlled value shown in a log line


def log_text(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as one safe line: unsafe characters as ``\\n``, ``\\x1b``, ``\\u2028``; cut at ``limit``."""
    text = str(value)
    cut = len(text) > limit
    text = text[:limit].replace("\\", "\\\\")
    text = _UNSAFE.sub(lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"), text)
    return text + ("…" if cut else "")


def user_label(name: str, configured: set[str] | frozenset[str] = frozenset()) -> str:
    """How a login's user name appears in the log: never the name itself."""
    if name in configured:
        return "已配置的用户名"
    tag = hmac.new(_KEY, name.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:8]
    return f"其他用户名（标记 {tag}，{len(name)} 字）"


class SafeFormatter(logging.Formatter):
    """A formatter whose every line is either a record (escaped message) or part of a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = log_text(record.getMessage(), limit=20_000)
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        extra = []
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            extra.append(record.exc_text)
        if record.stack_info:
            extra.append(self.formatStack(record.stack_info))
        for block in extra:
            line += "".join("\n  | " + log_text(part, limit=20_000) for part in block.splitlines())
        return line


def install(fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
    """Every handler of the root logger, and of the server's own loggers, formats safely."""
    logging.basicConfig(level=logging.INFO, format=fmt)
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(SafeFormatter(fmt))
