"""Untrusted input at the edges (API, forms, command line): text cleaned, types checked.

Text that reaches a .docx, the answer log or the page must be valid XML and valid UTF-8: control
characters are dropped (the whitespace-like ones become a space) and an unpaired surrogate becomes
"�", so the reader still sees that something was there. Values of the wrong JSON type are refused
with a Chinese message that names the field; a number is accepted as an amount in yuan.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from assistant.errors import PolicyError

# C0 controls except \t \n \r, DEL, C1 controls, and the two XML non-characters.
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x9f\ufffe\uffff]")
_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\u2028\u2029]")  # separators Python counts as whitespace
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 20  # nesting a profile or a history may have; deeper JSON is refused, not recursed into
MAX_TEXT = 5000  # characters of any one text field (a question, an inquiry, a place, an amount)
MAX_NAME = 200  # characters of a name (the enterprise a reply is addressed to)
HISTORY_TURNS = 10  # turns (a question and its answer) of a client-passed history that are read
HISTORY_CHARS = 2000  # characters of each message of that history that are read

TYPE_NAMES = {bool: "布尔值", int: "数字", float: "数字", Decimal: "数字", list: "列表", tuple: "列表",
              dict: "对象", str: "文字", type(None): "空值"}


class InputTypeError(PolicyError, TypeError):
    """A value of the wrong type reached an edge (API parameter, profile field, file)."""


class InputTooLong(PolicyError, ValueError):
    """A text field longer than its cap."""


def check_length(text: str, what: str, limit: int = MAX_TEXT) -> str:
    if len(text) > limit:
        raise InputTooLong(f"{what}：过长（{len(text):,} 字），最多 {limit:,} 字，请删减后再试")
    return text


def clean_text(text: str) -> str:
    """``text`` without control characters or unpaired surrogates (which become "�")."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", text)
    text = _DROP.sub("", text)
    # Pairs of surrogates (from a UTF-16 round trip) are one real character: join them first.
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        text = _SURROGATE.sub("\ufffd", text)
    return text


def clean_value(value, depth: int = 0):
    """Every string inside ``value`` (dicts, lists) cleaned; other values unchanged."""
    if depth > MAX_DEPTH:
        raise InputTypeError(f"输入嵌套过深（超过{MAX_DEPTH}层），请提供扁平的 JSON 对象")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v, depth + 1) for v in value]
    return value


def type_name(value) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def as_text(value, what: str, *, optional: bool = True, limit: int = MAX_TEXT) -> str:
    """A text field: str of at most ``limit`` characters (cleaned); None → "" when optional; anything
    else is refused, naming the field."""
    if value is None and optional:
        return ""
    if value is None:
        raise InputTypeError(f"{what}：缺少此项，请填写")
    if isinstance(value, str):
        return clean_text(check_length(value, what, limit))
    raise InputTypeError(f"{what}：应为文字，实际收到{type_name(value)}（{_preview(value)}）")


def bound_history(history) -> list[dict]:
    """The last HISTORY_TURNS turns of a client-passed history, each message cut at HISTORY_CHARS and
    cleaned; anything that is not a ``{"role": "user"|"assistant", "content": str}`` is skipped. It
    reads from the end and stops, so a huge history costs no more than a short one."""
    if not isinstance(history, list | tuple):
        return []
    out: list[dict] = []
    for m in reversed(history):
        if len(out) >= 2 * HISTORY_TURNS:
            break
        if isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str):
            out.append({"role": m["role"], "content": clean_text(m["content"][:HISTORY_CHARS])})
    return out[::-1]


def as_history(value, what: str) -> list[dict] | None:
    """An API's ``history``: a list (bounded by ``bound_history``) or None; anything else is refused."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputTypeError(f"{what}：应为对话列表，如 [{{\"role\": \"user\", \"content\": \"…\"}}]，"
                             f"实际收到{type_name(value)}（{_preview(value)}）；也可省略")
    return bound_history(value)


def as_amount_text(value, what: str, *, optional: bool = True) -> str:
    """An amount as people write it ("1200万", "3,000,000元"); a JSON number is an amount in yuan."""
    if isinstance(value, bool):
        raise InputTypeError(f"{what}：应为金额（如“1200万元”或数字 12000000），实际收到布尔值（{value}）")
    if isinstance(value, int | Decimal):
        return f"{Decimal(value):f}元"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputTypeError(f"{what}：应为有限的金额数字，实际为 {value}")
        return f"{Decimal(repr(value)):f}元"
    if value is None and not optional:
        raise InputTypeError(f"{what}：不能为空，请填写金额，如“1200万元”")
    if value is None or isinstance(value, str):
        return as_text(value, what)
    raise InputTypeError(f"{what}：应为金额（如“1200万元”或数字 12000000），实际收到{type_name(value)}（{_preview(value)}）")


def as_choice_text(value, what: str) -> str | bool | None:
    """A yes/no/unknown field: a bool, None, or text (checked by the caller's vocabulary)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return clean_text(value)
    raise InputTypeError(f"{what}：应为 是/否/不清楚（或 true/false），实际收到{type_name(value)}（{_preview(value)}）")


def _preview(value, n: int = 30) -> str:
    try:
        text = repr(value)
    except RecursionError:
        text = "…"
    text = clean_text(text)
    return text if len(text) <= n else text[:n] + "…"
