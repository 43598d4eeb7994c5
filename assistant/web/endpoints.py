"""The one wrapper every API handler of the app goes through: ``@endpoint(...)``.

It checks the declared parameters' types (``question=(as_text, "问题 question")``), cleans every other
text argument of control characters and unpaired surrogates, and applies one error policy: a
``PolicyError`` becomes ``gr.Error`` with its Chinese message; anything else is logged with its
traceback and the client gets the generic "内部错误" message, never an empty error. The WebApp
methods behind the handlers check their own fields' types (a number is an amount in yuan), so the
same rules hold for the form, the API and Python callers. Every text argument is capped
(``MAX_TEXT`` characters, the field named in the refusal).

``StrictBlocks`` is the page's ``gr.Blocks``: before Gradio's own processing, a text box given
anything but a string (an API call sending ``123`` or ``{"a": 1}`` as the question) is refused with
the box's name, a text longer than ``MAX_FIELD`` is refused, and a call with missing arguments gets
a Chinese message naming them (Gradio's own answer was ``{"error": null}``); a history passed to a
JSON input is cut to the turns that are read (``bound_history``) before Gradio keeps it in the session.
"""

from __future__ import annotations

import functools
import inspect
import logging

import gradio as gr

from assistant.errors import PolicyError
from assistant.text.inputs import MAX_TEXT, bound_history, check_length, clean_text, clean_value, type_name

log = logging.getLogger("app")


def refusal(message: str) -> gr.Error:
    """The error a client sees. Gradio prints the traceback of a ``gr.Error`` to stderr, outside the
    log's formatter, and the message may echo what the user sent: so no traceback (the unexpected
    errors' tracebacks go through the log first)."""
    return gr.Error(message, print_exception=False)


def endpoint(unexpected: str, **kinds):
    """Decorator; ``kinds`` maps a parameter name to ``(convert, label)``, ``convert(value, label)``
    returning the checked value or raising PolicyError."""

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                bound = signature.bind_partial(*args, **kwargs)
                for name, value in list(bound.arguments.items()):
                    if name in kinds:
                        convert, label = kinds[name]
                        bound.arguments[name] = convert(value, label)
                    elif isinstance(value, str):
                        bound.arguments[name] = clean_text(check_length(value, name, MAX_TEXT))
                    elif isinstance(value, list | dict):
                        bound.arguments[name] = clean_value(value)
                return fn(*bound.args, **bound.kwargs)
            except gr.Error:
                raise
            except PolicyError as exc:
                raise refusal(clean_text(str(exc))) from None
            except Exception:
                log.exception("API %s 出错", fn.__name__)
                raise refusal(unexpected) from None

        return wrapper

    return decorate


MAX_FIELD = 4 * MAX_TEXT  # characters of any text box (the draft's edit box holds a whole letter)


class StrictBlocks(gr.Blocks):
    """``gr.Blocks`` that checks what reaches its text boxes before Gradio converts it."""

    def validate_inputs(self, block_fn, inputs):
        if len(inputs) < len(block_fn.inputs):
            wanted = [i for i, block in enumerate(block_fn.inputs) if not block.stateful]  # a State is not sent
            missing = "、".join(_name(block_fn, i) for i in wanted if i >= len(inputs))
            raise refusal(f"缺少参数：{missing or _name(block_fn, wanted[-1])}（此接口需要 {len(wanted)} 个参数：" +
                          "、".join(_name(block_fn, i) for i in wanted) + "）")
        super().validate_inputs(block_fn, inputs)

    async def preprocess_data(self, block_fn, inputs, state, explicit_call: bool = False):
        inputs = list(inputs)
        for i, (block, value) in enumerate(zip(block_fn.inputs, inputs, strict=False)):
            if isinstance(block, gr.JSON) and _is_history(value):
                # only the turns that will be read are kept: Gradio stores an input in the session
                inputs[i] = bound_history(value)
                continue
            if not isinstance(block, gr.Textbox) or i in block_fn.component_prop_inputs or value is None:
                continue
            what = _name(block_fn, i)
            if not isinstance(value, str):
                raise refusal(f"{what}：应为文字，实际收到{type_name(value)}")
            try:
                check_length(value, what, MAX_FIELD)
            except PolicyError as exc:
                raise refusal(str(exc)) from None
        return await super().preprocess_data(block_fn, inputs, state, explicit_call)


def _is_history(value) -> bool:
    return isinstance(value, list) and len(value) > 0 and isinstance(value[-1], dict) and "role" in value[-1]


def _name(block_fn, i: int) -> str:
    """What the caller calls input ``i``: the text box's label, or the API function's parameter."""
    block = block_fn.inputs[i]
    if isinstance(block, gr.Textbox | gr.JSON) and block.label:
        return clean_text(str(block.label))
    try:
        params = [p for p in inspect.signature(block_fn.fn).parameters.values() if p.annotation != "gr.Request"
                  and p.name != "request"]
        return params[i].name
    except (TypeError, ValueError, IndexError):
        return f"第 {i + 1} 个参数"
