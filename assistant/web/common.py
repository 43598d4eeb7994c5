"""What every tab shares: the Jinja2 environment (autoescape on), small HTML pieces and input helpers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from assistant.errors import PolicyError
from assistant.text.formats import format_rate, format_yuan
from assistant.web.render import MARK, PANEL_WORDS, FieldError, cite_link, clause_name, cn_date, full_yuan

TEMPLATES = Path(__file__).resolve().parent / "templates"
UNEXPECTED = "抱歉，处理这个问题时出现了内部错误，已记录。请稍后重试，或换一种问法。"
TRI_CHOICES = ["不清楚", "是", "否"]
# Gradio's own interface words (buttons, status), in Chinese whatever the browser's language: the page is
# Chinese, and a missing key (common.complete) would otherwise show as the key itself.
UI_STRINGS = {
    "chatbot.copy_message": "复制回答", "chatbot.copied_message": "已复制", "chatbot.like": "有帮助",
    "chatbot.dislike": "没有帮助", "chatbot.clear": "清空对话", "chatbot.retry": "重试", "chatbot.undo": "撤销",
    "chatbot.edit": "编辑", "chatbot.submit": "提交", "chatbot.cancel": "取消", "chatbot.complete": "完成",
    "chatbot.chatbot": "政策问答", "chatbot.conversation": "对话",
    "common.complete": "完成", "common.error": "出错", "common.loading": "加载中", "common.clear": "清除",
    "common.submit": "提交", "common.download": "下载", "common.progress": "进度", "common.settings": "设置",
    "common.built_with_gradio": "使用 Gradio 构建", "common.built_with": "构建于", "common.empty": "空",
    "common.edit": "编辑", "common.remove": "移除", "common.undo": "撤销", "common.share": "分享",
    "common.language": "语言", "common.display_theme": "显示主题",
    "errors.use_via_api": "通过 API 使用", "errors.use_via_api_or_mcp": "通过 API 或 MCP 使用",
}

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters.update(yuan=format_yuan, full_yuan=full_yuan, rate=format_rate, clause=clause_name, cn_date=cn_date)
env.globals.update(MARK=MARK, WORDS=PANEL_WORDS)


def render(template: str, **context) -> str:
    """A template rendered with every value escaped unless it is ``Markup``."""
    return env.get_template(template).render(**context)


def cite(anchors, citation, text: str, *, title: str = "") -> Markup:
    """A link to the cited clause; ``text`` is plain text (escaped here)."""
    from assistant.web.render import esc

    return Markup(cite_link(anchors, citation, esc(text), title=title))


env.globals.update(cite=cite)


def field_error(message: str) -> str:
    return render("field_error.html", message=message)


def typed(field_name: str, convert, value, what: str):
    """``convert(value, what)`` with a type error tied to its form field."""
    try:
        return convert(value, what)
    except PolicyError as exc:
        raise FieldError(field_name, str(exc)) from None


def date_or(text: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def validity_notices(docs: dict, anchors, doc_ids: list[str], on: dt.date) -> str:
    """One notice per document, in the words the text uses ("在2022-2024年内有效"), as of ``on``."""
    items = []
    for doc_id in dict.fromkeys(doc_ids):
        doc = docs.get(doc_id)
        if doc is None:
            continue
        meta = doc.meta
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        if meta.valid_to and on > meta.valid_to:
            state = "ended"
        elif meta.valid_from and on < meta.valid_from:
            state = "not_yet"
        elif meta.valid_from or meta.valid_to:
            state = "in_force"
        else:
            continue
        items.append({"name": meta.short_title or meta.title, "state": state, "on": on, "meta": meta,
                      "stated": unit.text.strip() if unit else "",
                      "citation": doc.unit_citation(unit) if unit else None})
    return render("validity.html", items=items, anchors=anchors)
