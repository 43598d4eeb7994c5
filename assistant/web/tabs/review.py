"""规则审核 (staff only, shown when a login is configured): each drafted rule beside its quote with worked
examples; 接受 / 修改 / 删除, saved to the rule file at once (``knowledge.review.decide``, the same checks as
``python -m assistant rules review``). An accepted rule is used by the next question, without a restart."""

from __future__ import annotations

import logging

import gradio as gr

from assistant.errors import PolicyError
from assistant.knowledge.review import card, decide, pending
from assistant.text.inputs import as_text
from assistant.web.common import UNEXPECTED, render
from assistant.web.render import esc

log = logging.getLogger(__name__)
ACTIONS = {"接受": "a", "修改": "e", "删除": "r"}


class ReviewTab:
    """WebApp's 规则审核 handlers."""

    def review_docs(self) -> list[tuple[str, str]]:
        """(label, doc id) of every document with rules still to review, the most to review first."""
        out = []
        for doc in self.kb.docs.values():
            try:
                todo = len(pending(doc))
            except PolicyError as exc:  # a broken rule file is said, not hidden
                log.warning("规则文件无法读取：%s", exc)
                continue
            if todo:
                out.append((f"{doc.meta.title or doc.doc_id}（待审核 {todo} 条）", doc.doc_id, todo))
        return [(label, doc_id) for label, doc_id, _ in sorted(out, key=lambda x: -x[2])]

    def review_html(self, doc_id: str | None) -> str:
        """The next drafted rules of one document, each as the reviewer sees it in the command line."""
        if not doc_id:
            return render("notice.html", kind="ok", text="没有待审核的规则：起草的规则都已审核。")
        doc = self.kb.docs.get(doc_id)
        if doc is None:
            return render("notice.html", kind="warn", text=f"没有文档 {doc_id}")
        cards = []
        for rule in pending(doc):
            lines = card(rule)
            cards.append('<div class="pa-rule-card pa-review-card" data-rule="{}"><div class="pa-rule-head">{}</div>{}</div>'
                         .format(esc(rule.id), esc(lines[0].lstrip("─ ")),
                                 "".join(f"<div>{esc(line)}</div>" for line in lines[1:])))
        if not cards:
            return render("notice.html", kind="ok", text="这份文件的规则都已审核。")
        return '<div class="pa-details">' + "".join(cards) + "</div>"

    def review_choices(self, doc_id: str | None) -> list[tuple[str, str]]:
        doc = self.kb.docs.get(doc_id or "")
        return [(f"{r.id} · {r.clause} · {r.name}", r.id) for r in pending(doc)] if doc else []

    def review_decide(self, doc_id: str, rule_id: str, action: str, change: str = "", *, by: str) -> str:
        """Apply one decision and load the rules again, so an accepted rule answers the next question."""
        doc = self.kb.docs.get(doc_id or "")
        if doc is None or not rule_id:
            raise PolicyError("请先选择文档和要审核的规则")
        if action not in ACTIONS:
            raise PolicyError(f"未知的审核操作“{action}”，可选：{'、'.join(ACTIONS)}")
        change = as_text(change or "", "修改内容")
        if ACTIONS[action] == "e" and not change.strip():
            raise PolicyError("请在“修改内容”中逐行填写要修改的字段（YAML，如 `cap: 30万元`）")
        said = decide(doc, rule_id, ACTIONS[action], by=by, change=change)
        refused = next((line for line in said if line.startswith("修改未通过核对")), "")
        self.bot.reload_rules()
        self.kb = self.bot.kb
        if refused:
            raise PolicyError(refused)
        log.info("规则审核：%s %s（审核人已记录在规则文件中）", action, rule_id)
        return {"a": f"已接受 {rule_id}，下一个问题起即按此规则计算。", "e": f"已修改 {rule_id}，请核对后接受。",
                "r": f"已删除 {rule_id}。"}[ACTIONS[action]]


def build(web):
    """The 规则审核 tab (called inside its ``gr.Tab``)."""
    docs = web.review_docs()
    first = docs[0][1] if docs else None
    gr.HTML(render("notice.html", kind="info", text="逐条核对起草的规则与原文：接受后立即用于问答和匹配；修改填写 YAML 字段"
                   "（如 cap: 30万元），数字须出自原文；删除不可恢复。"), js_on_load=None)
    with gr.Row():
        doc = gr.Dropdown(docs, value=first, label="文档", elem_id="review-doc", scale=2)
        rule = gr.Dropdown(web.review_choices(first), label="规则", elem_id="review-rule", scale=3)
    change = gr.Textbox(label="修改内容（仅“修改”时填写，每行一个字段）", lines=2, elem_id="review-change",
                        placeholder="cap: 30万元")
    with gr.Row():
        buttons = [gr.Button(word, variant="primary" if word == "接受" else "secondary",
                             elem_id=f"review-{ACTIONS[word]}") for word in ACTIONS]
    message = gr.HTML("", elem_id="review-msg", js_on_load=None)
    cards = gr.HTML(web.review_html(first), elem_id="review-cards", js_on_load=None)

    def show(doc_id):
        choices = web.review_choices(doc_id)
        return gr.Dropdown(choices=choices, value=choices[0][1] if choices else None), web.review_html(doc_id), ""

    def act(action):
        def handler(doc_id, rule_id, text, request: gr.Request):
            who = getattr(request, "username", None) or "工作人员"
            try:
                note = render("notice.html", kind="ok", text=web.review_decide(doc_id, rule_id, action, text, by=who))
            except PolicyError as exc:
                note = render("notice.html", kind="warn", text=str(exc))
            except Exception:
                log.exception("规则审核时出错")
                note = render("notice.html", kind="warn", text=UNEXPECTED)
            choices = web.review_choices(doc_id)
            return (gr.Dropdown(choices=choices, value=choices[0][1] if choices else None), web.review_html(doc_id),
                    note, "")
        return handler

    private = {"api_visibility": "private"}
    doc.change(show, [doc], [rule, cards, message], queue=False, **private)
    for word, button in zip(ACTIONS, buttons, strict=True):
        button.click(act(word), [doc, rule, change], [rule, cards, message, change], **private)
