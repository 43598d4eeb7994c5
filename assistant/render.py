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

from .answer import Answer
from .calculator import Calculation, Verdict
from .corpus import Citation, Document, Unit
from .errors import PolicyError
from .inputs import clean_text
from .money import format_rate, format_yuan

MARK = {True: ("符合", "pa-yes"), False: ("不符合", "pa-no"), None: ("待确认", "pa-unknown")}


def esc(text: object) -> str:
    """Text for HTML (element content and quoted attributes), without control characters."""
    return html.escape(clean_text("" if text is None else str(text)), quote=True)


def md_safe(text: str) -> str:
    """Text for chat markdown: no HTML can form (``<`` and ``&`` escaped), markdown (``>`` quotes) kept."""
    return clean_text(text or "").replace("&", "&amp;").replace("<", "&lt;")


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


# ---------------------------------------------------------------- answer rendering
def chat_markdown(answer: Answer, anchors: Anchors) -> str:
    """The answer for the chat bubble: escaped, with each marker [n] linked to its clause."""
    text = md_safe(answer.answer)

    def link(m: re.Match[str]) -> str:
        n = int(m[1])
        if 1 <= n <= len(answer.citations):
            return cite_link(anchors, answer.citations[n - 1], f"[{n}]")
        return m[0]

    return re.sub(r"\[(\d{1,2})\]", link, text)


def citations_html(citations: list[Citation], anchors: Anchors, *, numbered: bool = True) -> str:
    if not citations:
        return '<p class="pa-muted">本回答没有引用政策原文。</p>'
    items = []
    for i, c in enumerate(citations, 1):
        head = f"[{i}] " if numbered else ""
        where = esc(clause_name(c.clause))
        section = f'<span class="pa-section">{esc(c.section)}</span>' if c.section else ""
        items.append(
            '<li class="pa-cite">'
            f'<div class="pa-cite-head">{cite_link(anchors, c, f"{head}{where}")}{section}</div>'
            f'<blockquote class="pa-quote-text">“{esc(c.quote)}”</blockquote>'
            "</li>"
        )
    return f'<ol class="pa-cites">{"".join(items)}</ol>'


def calculations_html(calcs: list[Calculation], anchors: Anchors) -> str:
    rows = []
    for c in calcs:
        rate = format_rate(c.rate) if c.rate is not None else "原文未规定"
        base = format_yuan(c.base_yuan) if c.base_yuan is not None else "—"
        cap = format_yuan(c.cap_yuan) if c.cap_yuan is not None else "—"
        rows.append(
            "<tr>"
            f"<td>{cite_link(anchors, c.citation, esc(clause_name(c.clause)))}</td>"
            f"<td>{esc(base)}</td><td>{esc(rate)}</td><td>{esc(cap)}</td>"
            f'<td class="pa-amount-cell">{esc(format_yuan(c.amount_yuan))}</td>'
            f"<td>{'是' if c.capped else '否'}</td>"
            "</tr>"
            f'<tr class="pa-trace-row"><td colspan="6">计算过程：{esc(c.trace)}</td></tr>'
        )
        rows.extend(f'<tr class="pa-note-row"><td colspan="6">说明：{esc(n)}</td></tr>' for n in c.notes)
    return (
        '<table class="pa-table pa-calc"><thead><tr><th>条款</th><th>计算基数</th><th>比例（不超过）</th>'
        "<th>上限</th><th>最高可获</th><th>按上限计</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def checklist_html(verdicts: list[Verdict], anchors: Anchors) -> str:
    rows = []
    for v in verdicts:
        word, cls = MARK[v.met]
        basis = cite_link(anchors, v.citation, esc(clause_name(v.clause))) if v.citation else esc(v.clause or "")
        missing = f'<div class="pa-ask">需补充：{esc(v.ask)}</div>' if v.met is None and v.ask else ""
        rows.append(
            f'<tr class="{cls}"><td>{esc(v.criterion)}</td><td class="pa-verdict"><span class="pa-badge">{word}</span></td>'
            f"<td>{esc(v.detail)}{missing}</td><td>{basis}</td></tr>"
        )
    return (
        '<table class="pa-table pa-check"><thead><tr><th>条件</th><th>结果</th><th>说明 / 缺少什么</th>'
        f"<th>依据</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def banner(kind: str, text_html: str) -> str:
    return f'<div class="pa-banner pa-{kind}" role="status">{text_html}</div>'


def validity_html(kb_docs: dict[str, Document], anchors: Anchors, doc_ids: list[str], on: dt.date) -> str:
    """A visible validity notice for each document the answer relies on, as of ``on``."""
    out = []
    for doc_id in dict.fromkeys(doc_ids):
        doc = kb_docs.get(doc_id)
        if doc is None:
            continue
        meta = doc.meta
        name = esc(meta.short_title or meta.title)
        period = f"{cn_date(meta.valid_from)}至{cn_date(meta.valid_to)}"
        unit = next((u for u in doc.units if u.kind == "validity"), None)
        source = (" " + cite_link(anchors, doc.unit_citation(unit), "查看施行期限原文")) if unit else ""
        if meta.valid_to and on > meta.valid_to:
            out.append(banner("warn", f"<b>有效期提示</b>：《{name}》有效期为{period}，按{cn_date(on)}计<b>已届满</b>，"
                                      f"目前不能再按本措施申请；以下金额和条件是政策有效期内的规定，仅供参考。{source}"))
        elif meta.valid_from and on < meta.valid_from:
            out.append(banner("warn", f"<b>有效期提示</b>：《{name}》自{cn_date(meta.valid_from)}起施行，"
                                      f"{cn_date(on)}尚未施行。{source}"))
        elif meta.valid_from or meta.valid_to:
            out.append(banner("ok", f"<b>有效期</b>：按{cn_date(on)}计，《{name}》在有效期内（{period}）。{source}"))
    return "".join(out)


# ---------------------------------------------------------------- the calculator's result
