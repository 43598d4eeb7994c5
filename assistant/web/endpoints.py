"""The one wrapper every API handler of the app goes through: ``@endpoint(...)``.

It checks the declared parameters' types (``question=(as_text, "问题 question")``), cleans every other
text argument of control characters and unpaired surrogates, and applies one error policy: a
``PolicyError`` becomes ``gr.Error`` with its Chinese message; anything else is logged with its
traceback and the client gets the generic "内部错误" message, never an empty error. The WebApp
methods behind the handlers check their own fields' types (a number is an amount in yuan), so the
same rules hold for the form, the API and Python callers.
"""

from __future__ import annotations

import functools
import inspect
import logging

from assistant.errors import PolicyError
from assistant.text.inputs import clean_text, clean_value

log = logging.getLogger("app")


def endpoint(unexpected: str, **kinds):
    """Decorator; ``kinds`` maps a parameter name to ``(convert, label)``, ``convert(value, label)``
    returning the checked value or raising PolicyError."""

    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            import gradio as gr

            try:
                bound = signature.bind_partial(*args, **kwargs)
                for name, value in list(bound.arguments.items()):
                    if name in kinds:
                        convert, label = kinds[name]
                        bound.arguments[name] = convert(value, label)
                    elif isinstance(value, str | list | dict):
                        bound.arguments[name] = clean_value(value)
                return fn(*bound.args, **bound.kwargs)
            except gr.Error:
                raise
            except PolicyError as exc:
                raise gr.Error(clean_text(str(exc))) from None
            except Exception:
                log.exception("API %s 出错", fn.__name__)
                raise gr.Error(unexpected) from None

        return wrapper

    return decorate
