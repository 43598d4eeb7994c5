"""政策问答: the chat, its 回答依据 side panel, follow-up chips and 👍/👎 feedback, and the /ask endpoint.

The bubble keeps the answer's own text (answer first, the trace) and leaves the quotes and the
self-check list to the side panel, so nothing is shown twice. Each [n] links to its clause; its title
carries the quote, which the page script shows as a preview with a "查看原文" link.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

import gradio as gr

from assistant.answering.answer import Answer
from assistant.answering.composer import EN
from assistant.answering.prompts import FALLBACK_NOTICES
from assistant.answering.quick_replies import quick_replies
from assistant.errors import PolicyError
from assistant.text.inputs import as_history, as_text, bound_history, clean_text
from assistant.web.common import UNEXPECTED, date_or, render, validity_notices
from assistant.web.render import cite_link, clause_name, esc, md_safe

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One chat turn, ready for the UI."""

    markdown: str  # the chat bubble
    details: str  # the 回答依据 panel
    history: list[dict]  # the plain history for the next turn
    answer: Answer | None = None
    logged: bool = True
    answer_id: str | None = None  # the answer's id in the answer log (for 👍/👎)

FALLBACK = frozenset(FALLBACK_NOTICES.values())
GENERAL_EXAMPLES = ["哪些企业可以享受这个政策？", "这个政策现在还有效吗？"]  # true of every policy
# Blocks of the answer text that the side panel shows in full (the quotes, the self-check list).
PANEL_BLOCKS = ("政策依据：", "资格自查：", EN["basis"], EN["check"])
MODE = {"llm": "由模型组织语言，数字已核对", "grounded": "按政策原文核算"}
MODE_EN = {"llm": "Worded by the model, figures checked", "grounded": "Computed from the policy text"}


def bubble_text(text: str) -> str:
    """The answer without the blocks the side panel holds."""
    kept = [p for p in re.split(r"\n\s*\n", text or "") if p.strip().split("\n", 1)[0].strip() not in PANEL_BLOCKS]
    return "\n\n".join(kept).strip()


def chat_markdown(answer: Answer, anchors) -> str:
    """The chat bubble: escaped, each marker [n] linked to its clause with the quote as its title."""
    text = md_safe(bubble_text(answer.answer))

    def link(m: re.Match[str]) -> str:
        n = int(m[1])
        if 1 <= n <= len(answer.citations):
            c = answer.citations[n - 1]
            return cite_link(anchors, c, f"[{n}]", title=f"{clause_name(c.clause)}：“{c.quote}”")
        return m[0]

    return re.sub(r"\[(\d{1,2})\]", link, text) + basis_expander(answer, anchors)


def basis_expander(answer: Answer, anchors) -> str:
    """依据（n） under the answer, folded: on a phone the 回答依据 panel is far below, so each answer
    carries its own quotes (the stylesheet shows it only on narrow screens)."""
    if not answer.citations:
        return ""
    head = f"Sources ({len(answer.citations)})" if _lang(answer) == "en" else f"依据（{len(answer.citations)}）"
    items = "".join(f"<li>{cite_link(anchors, c, esc(clause_name(c.clause)))}：“{esc(c.quote)}”</li>"
                    for c in answer.citations)
    return f'\n\n<details class="pa-basis"><summary>{head}</summary><ol>{items}</ol></details>'


def details_placeholder() -> str:
    return render("chat_placeholder.html")


class ChatTab:
    """WebApp's 政策问答 handlers (``self`` is the WebApp)."""

    def ask(self, question: str, history: list[dict] | None, *, session: str | None = None,
            channel: str = "chat", answer_id: str | None = None) -> tuple[Answer, bool]:
        """bot.ask plus the answer log; PolicyError propagates (its message is for the user)."""
        self.warm_up()
        answer = self.bot.ask(clean_text(question or ""), bound_history(history))
        return answer, self.log.append(answer, session=session, channel=channel, answer_id=answer_id)

    def chat_turn(self, message: str, history: list[dict] | None, *, session: str | None = None,
                  channel: str = "chat"):
        history = list(history or [])
        answer_id = uuid.uuid4().hex[:16]
        try:
            answer, logged = self.ask(message, history, session=session, channel=channel, answer_id=answer_id)
        except PolicyError as exc:
            text = f"提示：{exc}"
            return Turn(md_safe(text), render("notice.html", kind="warn", text=text), history)
        except Exception:
            log.exception("回答问题时出错")
            return Turn(UNEXPECTED, render("notice.html", kind="warn", text=UNEXPECTED), history)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": answer.answer}]
        return Turn(chat_markdown(answer, self.anchors), self.details_html(answer, logged=logged),
                    history[-20:], answer, logged, answer_id)

    def feedback(self, answer_id: str | None, liked: bool, *, session: str | None = None) -> bool:
        """👍/👎 on an answer: a line in the answer log next to it, keyed by the answer's id."""
        if not answer_id:
            return False
        return self.log.feedback(answer_id, "up" if liked else "down", session=session)

    def fell_back(self, answer: Answer) -> bool:
        """A configured chat model failed and the grounded answer was given instead (agent's notices)."""
        return answer.mode != "llm" and any(n in FALLBACK for n in answer.notices)

    def mode_label(self, answer: Answer) -> str:
        if self.fell_back(answer):
            return MODE["grounded"] + "（对话模型未能完成本次回答，已回退）"
        modes = MODE_EN if _lang(answer) == "en" else MODE
        return modes.get(answer.mode, modes["grounded"])

    def details_html(self, answer: Answer, *, logged: bool = True) -> str:
        """The 回答依据 panel: notices, validity, calculation table, 政策依据, 资格自查表, how it was made."""
        return render("chat_panel.html", notes=self.notices_html(answer, logged), answer=answer, lang=_lang(answer),
                      validity=self._validity(answer), anchors=self.anchors, mode=self.mode_label(answer))

    def _validity(self, answer: Answer) -> str:
        if not answer.in_scope:
            return ""
        doc_ids = [c.doc_id for c in answer.citations] or list(self.kb.docs)
        return validity_notices(self.kb.docs, self.anchors, doc_ids, date_or(answer.asked_on, self.bot.today()))

    def notices_html(self, answer: Answer, logged: bool) -> str:
        return render("notices.html", fell_back=self.fell_back(answer), answer=answer, logged=logged,
                      fallback=FALLBACK)


def build(web, session_of, endpoint):
    """The 政策问答 tab's components and events (called inside its ``gr.Tab``)."""
    # The conversation lives in the page, not in this process (hidden components travel with every
    # event, gr.State would stay on one replica): any replica can answer any turn, and a restarted
    # server loses nothing. JSON keys are strings, hence the str(index) below.
    history = gr.JSON([], visible=False)  # plain {"role","content"} turns for Assistant.ask
    shown = gr.JSON({}, visible=False)  # chat message index -> its 回答依据 panel
    ids = gr.JSON({}, visible=False)  # chat message index -> the answer's id in the answer log (for feedback)
    pending = gr.Textbox("", visible=False)
    api_session = gr.State([])  # /ask's history for API clients that do not pass their own
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(
                label="政策问答", show_label=False, height=560, autoscroll=False, elem_id="chatbot",
                sanitize_html=True, allow_tags=False, feedback_options=("Like", "Dislike"), buttons=["copy"],
                placeholder=f"您好！请问您想了解本政策的哪方面？可以直接说出金额，例如“{web.kb.example_questions(1)[0]}”。",
            )
            with gr.Row(elem_id="chat-input-row"):
                msg = gr.Textbox(label="输入问题", show_label=False, placeholder="输入问题，按回车发送", scale=6, lines=1,
                                 max_lines=5, elem_id="chat-input", autofocus=True, min_width=160)
                send = gr.Button("发送", variant="primary", scale=1, min_width=64, elem_id="chat-send")
                clear_btn = gr.Button("清空", scale=1, min_width=64, elem_id="chat-clear")
            gr.Examples(web.kb.example_questions(4) + GENERAL_EXAMPLES, inputs=[msg], label="示例问题（点击填入）")
        with gr.Column(scale=2, min_width=300, elem_id="answer-column"):
            details = gr.HTML(details_placeholder(), elem_id="answer-details", js_on_load=None)

    def echo(message, chat):
        text = (message or "").strip()
        if not text:
            return gr.update(), chat, ""
        # The input is locked until the answer is in: a second question sent meanwhile would be
        # answered without the first turn in its history, and its reply would overwrite the chat.
        return gr.update(value="", interactive=False), [*(chat or []), {"role": "user", "content": md_safe(text)}], text

    def reply(pending, chat, history, shown, ids, request: gr.Request):
        if not pending:
            return chat, history, shown, ids, gr.update(), gr.update()
        turn = web.chat_turn(pending, history if isinstance(history, list) else [], session=session_of(request))
        message = {"role": "assistant", "content": turn.markdown}
        chips = quick_replies(turn.answer, web.kb, _lang(turn.answer)) if turn.answer is not None else []
        if chips:  # what a user would answer, never the assistant's own question or an example figure
            message["options"] = [{"value": q, "label": q} for q in chips]
        chat = [*(chat or []), message]
        index = len(chat) - 1
        return (chat, turn.history, {**(shown or {}), str(index): turn.details}, {**(ids or {}), str(index): turn.answer_id},
                turn.details, gr.update(interactive=True))

    def pick_option(chat, evt: gr.SelectData):
        """A follow-up chip: asked as if typed."""
        return echo(str(evt.value or ""), chat)

    def show_details(shown, evt: gr.SelectData):
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        shown = shown or {}
        found = shown.get(str(index)) or shown.get(str(index + 1)) if isinstance(index, int) else None
        return found or gr.update()

    def on_like(ids, evt: gr.LikeData, request: gr.Request):
        index = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if evt.liked in (True, False, "Like", "Dislike"):
            web.feedback((ids or {}).get(str(index)), evt.liked in (True, "Like"), session=session_of(request))

    def clear():
        return [], [], {}, {}, details_placeholder(), gr.update(value="", interactive=True)

    @endpoint(UNEXPECTED, question=(as_text, "问题 question"), history=(as_history, "对话历史 history"))
    def api_ask(question, history=None, session_history=None, request: gr.Request = None):
        """history: the earlier turns ([{"role", "content"}], the ``history`` of the previous answer), so
        that any replica can answer; omitted, this connection's own earlier turns are used."""
        if not question.strip():
            raise PolicyError(f"问题为空，请输入问题，例如：“{web.kb.example_questions(1)[0]}”")
        if history is not None and not isinstance(history, list):
            raise PolicyError("history 应为对话列表，如 [{\"role\": \"user\", \"content\": \"…\"}]，或省略")
        history = session_history if history is None else history
        answer, logged = web.ask(question, history, session=session_of(request), channel="api")
        history = [*(history or []), {"role": "user", "content": question},
                   {"role": "assistant", "content": answer.answer}][-20:]
        return ({**answer.to_dict(), "notices": answer.notices, "asked_on": answer.asked_on, "logged": logged,
                 "history": history}, history)

    api_question = gr.Textbox(label="question", visible=False)
    api_history = gr.JSON(None, label="history", visible=False)
    api_answer = gr.JSON(label="answer", visible=False)
    private = {"api_visibility": "private"}
    answered = [chatbot, history, shown, ids, details, msg]
    for trigger, fn, inputs in ((msg.submit, echo, [msg, chatbot]), (send.click, echo, [msg, chatbot]),
                                (chatbot.option_select, pick_option, [chatbot])):
        trigger(fn, inputs, [msg, chatbot, pending], queue=False, **private).then(
            reply, [pending, chatbot, history, shown, ids], answered, **private)
    chatbot.select(show_details, [shown], [details], queue=False, **private)
    chatbot.like(on_like, [ids], None, queue=False, **private)
    clear_btn.click(clear, None, [chatbot, history, shown, ids, details, msg], queue=False, **private)
    # the chatbot's own trash icon must forget the history too, or the next turn would inherit it
    chatbot.clear(clear, None, [chatbot, history, shown, ids, details, msg], queue=False, **private)
    api_question.submit(api_ask, [api_question, api_history, api_session], [api_answer, api_session], api_name="ask")


def _lang(answer) -> str:
    """The language the answer was written in (its framing), for the chips under it."""
    return "en" if answer.answer[:200].isascii() or EN["check"] in answer.answer or EN["basis"] in answer.answer else "zh"
