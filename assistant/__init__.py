"""Policy assistant: exact, cited answers about Chinese government support policies."""

from __future__ import annotations

__all__ = ["Answer", "Assistant", "Settings"]


def __getattr__(name: str):
    # Imported lazily so `python -m assistant calc` does not pay for the retrieval stack.
    if name in ("Assistant", "Answer"):
        from assistant import service

        return getattr(service, name)
    if name == "Settings":
        from assistant.settings import Settings

        return Settings
    raise AttributeError(name)
