"""A scripted chat model for the model path: LangChain's fake chat model, made to accept tools.

    model = fake(call("calculate_subsidy", rule_id="platform_construction", base_amount="1200万元"),
                 "平台建设补贴最高可获360万元……")

Each reply is one model turn: a tool call (``call``) or the final text. ``model.seen`` keeps
the messages each turn was sent, so a test can check what the model saw.
"""

from __future__ import annotations

import itertools

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field

_ids = itertools.count(1)


class ToolCallingFake(GenericFakeChatModel):
    """GenericFakeChatModel that accepts tools (ignoring them) and keeps what it was sent."""

    seen: list = Field(default_factory=list)

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def call(name: str, **args) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call_{next(_ids)}"}])


def fake(*replies) -> ToolCallingFake:
    return ToolCallingFake(messages=iter(replies))
