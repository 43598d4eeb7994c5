"""HTML for the app: answers, citations linked to their clause, calculation tables, the self-check list.

Everything a user typed, and every message that may echo it, is escaped before it is put in HTML
(``esc``) or in chat markdown (``md_safe``). Citation links carry ``#clause-…`` anchors that the page
script follows to the 政策原文 tab.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

from assistant.errors import PolicyError
from assistant.knowledge.documents import Citation, Document, Unit
from assistant.text.inputs import clean_text

MARK = {True: ("符合", "pa-yes"), False: ("不符合", "pa-no"), None: ("待确认", "pa-unknown")}
# The panel's own words by the answer's language; the quotes and criteria stay as the text has them.
PANEL_WORDS = {
    "zh": {"calc": "计算过程", "basis": "政策依据", "check": "资格自查表", "none": "本回答没有引用政策原文。",
           "clause": "条款", "base": "计算基数", "rate": "比例（不超过）", "cap": "上限", "amount": "最高可获",
           "capped": "按上限计", "trace": "计算过程：", "note": "说明：", "unset": "原文未规定", "yes": "是", "no": "否",
           "criterion": "条件", "result": "结果", "detail": "说明 / 缺少什么", "source": "依据", "ask": "需补充：",
           "mark": {True: "符合", False: "不符合", None: "待确认"}},
    "en": {"calc": "Calculation", "basis": "Policy text", "check": "Eligibility check",
           "none": "This answer cites no policy text.", "clause": "Clause", "base": "Base", "rate": "Rate (at most)",
           "cap": "Cap", "amount": "Up to", "capped": "Capped", "trace": "Calculation: ", "note": "Note: ",
           "unset": "not set by the text", "yes": "yes", "no": "no", "criterion": "Condition", "result": "Result",
           "detail": "Detail / what is missing", "source": "Source", "ask": "Please tell us: ",
           "mark": {True: "met", False: "not met", None: "to confirm"}},
}


def esc(text: object) -> str:
    """Text for HTML (element content and quoted attributes), without control characters."""
    return html.escape(clean_text("" if text is None else str(text)), quote=True)


# ![alt](url), ![alt][ref], ![alt] [ref]: a markdown image, which the browser would fetch on sight
MD_IMAGE = re.compile(r"!(?=\[(?:[^\]\n\\]|\\.)*\]\s*[(\[])")


def md_safe(text: str) -> str:
    """Text for chat markdown: no HTML can form (``<`` and ``&`` escaped), markdown (``>`` quotes)
    kept, and no image: ``![x](http://host/x.png)`` becomes the plain link ``[x](http://host/x.png)``,
    so a pasted letter cannot make the page fetch a tracking image."""
    return MD_IMAGE.sub("", clean_text(text or "")).replace("&", "&amp;").replace("<", "&lt;")


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "未写明"


def full_yuan(amount: Decimal | None) -> str:
    """12000000 → 12,000,000元, exact (cents kept when there are any)."""
    if amount is None:
        return "—"
    return f"{amount.normalize():,f}元" if amount == amount.to_integral() else f"{amount:,.2f}元"


def clause_name(clause: str | None) -> str:
    if not clause:
        return "原文"
    return f"第{clause}条" if clause.startswith("（") else clause


def _tri(value: str | bool | None, what: str, field_name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("", "不清楚", "未知", "不确定", "none", "null"):
        return None
    if v in ("是", "yes", "y", "true", "1", "已入库", "已列入"):
        return True
    if v in ("否", "no", "n", "false", "0", "未入库", "未列入"):
        return False
    raise FieldError(field_name, f"“{_short(value)}”无法识别：{what}请填“是”“否”或“不清楚”")


def _short(text: object, n: int = 30) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= n else flat[:n] + "…"


class FieldError(PolicyError):
    """A user-facing input error tied to one form field, so the UI can show it next to that field."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


class FormError(PolicyError):
    """Several fields of one form are wrong at once: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None):
        labels = labels or {}
        super().__init__("；".join(f"{labels[k]}：{m}" if k in labels else m for k, m in errors.items()))
        self.errors = errors


# ---------------------------------------------------------------- anchors into the 政策原文 tab
class Anchors:
    """Stable element ids for every unit of every document: ``clause-四``, ``clause-part-四``…"""

    def __init__(self, docs: dict[str, Document]):
        self.ids: dict[tuple[str, int, str], str] = {}
        for n, (doc_id, doc) in enumerate(docs.items()):
            prefix = "clause-" if n == 0 else f"clause-{_slug(doc_id)}-"
            used: set[str] = set()
            for unit in doc.units:
                key = _unit_key(unit)
                anchor, i = prefix + key, 2
                while anchor in used:
                    anchor, i = f"{prefix}{key}-{i}", i + 1
                used.add(anchor)
                self.ids[(doc_id, unit.start, unit.kind)] = anchor
        self.docs = docs

    def of_unit(self, doc_id: str, unit: Unit) -> str:
        return self.ids[(doc_id, unit.start, unit.kind)]

    def of_citation(self, c: Citation) -> str | None:
        doc = self.docs.get(c.doc_id)
        if doc is None:
            return None
        unit = doc.unit_at(c.start)
        return self.of_unit(c.doc_id, unit) if unit else None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "-", text).strip("-") or "doc"


def _unit_key(unit: Unit) -> str:
    if unit.kind == "measure":
        return unit.label.strip("（）()")
    if unit.kind == "part":
        return "part-" + unit.label.rstrip("、.．")
    return _slug(unit.label)


def cite_link(anchors: Anchors, c: Citation, text: str, *, title: str = "") -> str:
    """An <a> to the cited clause in 政策原文. ``text`` is HTML.

    The quote's span rides in the fragment (``#clause-四~945-985``) because the chat's HTML
    sanitizer drops data attributes; ids never contain ``~``."""
    anchor = anchors.of_citation(c)
    if anchor is None:
        return text
    tip = title or f"在政策原文中查看{clause_name(c.clause)}"
    return f'<a class="cite-link" href="#{esc(anchor)}~{c.start}-{c.end}" title="{esc(tip)}">{text}</a>'
