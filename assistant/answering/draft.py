"""Help-desk reply drafts in official letter style, built from an ``Answer`` (so figures are the calculator's)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answering.answer import Answer
from assistant.text.formats import format_rate, format_yuan
from assistant.text.inputs import clean_text

MARK = {True: "符合", False: "不符合", None: "待确认"}


@dataclass
class Draft:
    salutation: str
    body: list[str]
    basis: list[str]  # 政策依据: each cited clause, verbatim
    validity: str
    closing: list[str] = field(default_factory=lambda: ["（答复单位：__________）", "（联系人及电话：__________）",
                                                        "（日期：____年__月__日）"])
    title: str = "关于企业政策咨询的答复"
    office: str = ""  # who issues the reply (the cited policy's issuer), for the file's properties

    def paragraphs(self) -> list[tuple[str, str]]:
        """The letter as (role, text) pairs: title, salutation, body, heading, basis, closing, sign."""
        out = [("title", self.title), ("salutation", self.salutation)]
        out += [("body", p) for p in self.body]
        if self.validity:  # an ended policy is said first, in the body, and not again here
            out.append(("body", f"有效期说明：{self.validity}"))
        out.append(("body", "特此答复。"))
        if self.basis:  # the quotes follow the reply as its attachment, so the reply itself stays short
            out.append(("body", "附件：政策依据（原文摘录）"))
        out += [("sign", line) for line in self.closing]
        if self.basis:
            out += [("heading", "附件　政策依据（原文摘录）")]
            out += [("basis", f"{i}. {b}") for i, b in enumerate(self.basis, 1)]
        return [(role, clean_text(text)) for role, text in out]

    def to_markdown(self) -> str:
        out = []
        for role, text in self.paragraphs():
            if role == "title":
                out += [f"# {text}", ""]
            elif role == "heading":
                out += ["", f"**{text}**", ""]
            elif role == "body":
                out.append(f"　　{text}")
            elif role == "sign" and not any(line.startswith("（答复单位") for line in out):
                out += ["", text]
            else:
                out.append(text)
        return "\n".join(out) + "\n"

    def to_text(self) -> str:
        """Plain text for the editable box: no markdown marks."""
        out = []
        for role, text in self.paragraphs():
            if role == "heading":
                out.append("")
            out.append(f"　　{text}" if role == "body" else text)
            if role in ("title", "salutation"):
                out.append("")
        return "\n".join(out) + "\n"

    def to_docx(self, path: Path) -> Path:
        return write_official_docx(self.paragraphs(), path, author=self.office)


# GB/T 9704 as a guide: A4, margins 37/35/28/26 mm, title in 小标宋 (二号, 22 pt) centred, body in
# 仿宋 三号 (16 pt) with two-character indent and 28 pt lines, black text, page numbers "— 1 —".
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
TITLE_PT, BODY_PT, BASIS_PT, BASIS_LINE_PT = 22, 16, 14, 22
# The page's text block: A4 less the margins, in points (1 mm = 2.835 pt)
TEXT_HEIGHT_PT, TEXT_WIDTH_PT = (297 - 37 - 35) * 2.835, (210 - 28 - 26) * 2.835


def estimated_pages(paragraphs: list[tuple[str, str]]) -> float:
    """How many pages the reply fills in the .docx (its attachment, on pages of its own, not counted), by
    the file's own layout: each paragraph's lines (its characters over the characters a line holds at its
    size, the first line indented two) times its line height."""
    used = 0.0
    for role, text in paragraphs:
        if role == "heading":
            break
        size, line = {"title": (TITLE_PT, 36), "basis": (BASIS_PT, BASIS_LINE_PT)}.get(role, (BODY_PT, 28))
        per_line = int(TEXT_WIDTH_PT // size)
        indent = 2 if role in ("body", "basis") else 0
        width = indent + sum(0.5 if ch.isascii() else 1 for ch in text)  # Latin letters and digits are half-width
        used += -(-width // per_line) * line + (28 if role == "title" else 0)
    return used / TEXT_HEIGHT_PT


def write_official_docx(paragraphs: list[tuple[str, str]], path: Path, *, author: str = "") -> Path:
    """A .docx laid out like a Chinese official reply; ``paragraphs`` as from ``Draft.paragraphs``
    (roles: title, salutation, body, heading, basis, sign). Its properties name the issuing office and
    today's date, never the library that wrote the file."""
    import docx  # python-docx, only needed for the download
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _font(doc.styles["Normal"].font, doc.styles["Normal"].element, BODY_FONT, BODY_PT)
    for role, text in paragraphs:
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28 if role != "title" else 36)
        fmt.space_before = fmt.space_after = Pt(0)
        run = para.add_run(clean_text(text.strip("　 ")))
        run.font.color.rgb = RGBColor(0, 0, 0)
        if role == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(28)
            _font(run.font, run._element, TITLE_FONT, TITLE_PT)
        elif role == "heading":  # the attachment starts on its own page
            fmt.page_break_before = True
            _font(run.font, run._element, HEADING_FONT, BODY_PT)
        elif role == "sign":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run.font, run._element, BODY_FONT, BODY_PT)
        else:
            size = BASIS_PT if role == "basis" else BODY_PT
            if role in ("body", "basis"):
                fmt.first_line_indent = Pt(size * 2)
            if role == "basis":  # the quotes, as an appendix to the reply, in 仿宋 四号
                fmt.line_spacing = Pt(BASIS_LINE_PT)
            _font(run.font, run._element, BODY_FONT, size)
    _page_numbers(section)
    now = dt.datetime.now().replace(microsecond=0)
    props = doc.core_properties
    props.author = props.last_modified_by = clean_text(author) or "政策咨询答复"
    props.title = next((clean_text(t) for r, t in paragraphs if r == "title"), "答复")
    props.created = props.modified = now
    props.comments = props.keywords = props.subject = ""
    props.revision = 1
    path = Path(path)
    doc.save(str(path))
    return path


def _font(font, element, name: str, size: int) -> None:
    """Set the font for Latin *and* East-Asian text (Word and WPS read w:eastAsia for Chinese)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font.name, font.size = name, Pt(size)
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _page_numbers(section) -> None:
    """A centred "— N —" page number in the footer (a PAGE field, so Word/WPS fill it in)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    run = para.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._element.append(el)
    para.add_run(" —")


def _plain(md: str) -> str:
    """Strip the chat's markdown, citation numbers, emoji and arrows for letter prose."""
    md = re.sub(r"\*\*(.+?)\*\*", r"\1", md)
    md = re.sub(r"\[\d+\]", "", md)
    md = re.sub(r"[✅❌❓⚠️️>]", "", md).replace("→", "，")
    return md.strip()


def issuer_of(kb, answer: Answer) -> str:
    """The office a reply about ``answer`` is issued by: the first issuer of the first policy it cites."""
    for c in answer.citations:
        issuers = kb.docs[c.doc_id].meta.issuers if c.doc_id in kb.docs else ()
        if issuers:
            return issuers[0]
    return ""


def titles_of(kb) -> dict[str, str]:
    """Each document's name as a reply cites it: 《title》（文号 where it has one）."""
    return {d: f"《{doc.meta.title}》" + (f"（{doc.meta.doc_number}）" if doc.meta.doc_number else "")
            for d, doc in kb.docs.items()}


def _doc_title(doc_id: str, titles: dict[str, str]) -> str:
    return titles.get(doc_id) or "相关政策"


def short_title(full: str) -> str:
    """《若干措施》 for 《关于…的若干措施》（文号）: what a letter calls a document after naming it once."""
    inner = re.sub(r"（[^）]*）$", "", full).strip("《》")
    tail = inner.rsplit("的", 1)[-1]
    return f"《{tail}》" if 2 <= len(tail) <= 10 and tail != inner else f"《{inner}》"


class _Names:
    """Each document's full title the first time a letter names it, its short title after."""

    def __init__(self, titles: dict[str, str]):
        self.titles, self.named = titles, set()

    def __call__(self, doc_id: str) -> str:
        full = _doc_title(doc_id, self.titles)
        if doc_id in self.named or full == "相关政策":
            return short_title(full) if full != "相关政策" else full
        self.named.add(doc_id)
        return full


COMPANY = re.compile(r"([\u4e00-\u9fa5（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团公司|研究院|研究所))")



def build_draft(answer: Answer, inquiry: str, *, enterprise: str = "", titles: dict[str, str] | None = None,
                issuer: str = "") -> Draft:
    """A formal reply. ``titles``: doc id -> 《title》（文号）, so the reply names the policy it cites (in full
    once, then by its short title); ``issuer``: the office the reply is issued by (the file's author). The
    inquiry is summarised, never pasted back; each quote appears once, in 政策依据."""
    titles = titles or {}
    name = _Names(titles)
    inquiry, enterprise = clean_text(inquiry or ""), clean_text(enterprise or "").strip()
    salutation = f"{enterprise or company_of(inquiry) or '贵单位'}："
    docs = list(dict.fromkeys(c.doc_id for c in answer.citations))
    body = [_opening(answer, inquiry, enterprise, name, docs)]
    if not answer.in_scope:
        body.append(_plain(answer.answer))
    validity_cit = next((c for c in answer.citations if c.clause == "施行期限"), None)
    timing = next((v for v in answer.eligibility if v.criterion.startswith("申请时间")), None)
    ended = bool(answer.in_scope and validity_cit and timing is not None and timing.met is False)
    on = _day(answer.asked_on)
    if ended:
        # An ended policy is said before any amount: the enterprise must not read a promise first.
        body.append(f"经核，{name(validity_cit.doc_id)}有效期已届满{f'，截至{on}' if on else ''}不能再申报；"
                    "以下按有效期内标准测算，供参考。")
    for calc in answer.calculations:
        line = f"根据{name(calc.citation.doc_id if calc.citation else (docs[0] if docs else ''))}第{calc.clause}条，"
        who = "" if ended else "贵单位"  # an ended policy: the paragraph before says these are its former standards
        if calc.rate is not None and calc.base_yuan is not None:
            raw = calc.base_yuan * calc.rate
            cap = f"、最高{format_yuan(calc.cap_yuan)}" if calc.cap_yuan is not None else ""
            line += (f"按不超过{format_rate(calc.rate)}{cap}计算："
                     f"{format_yuan(calc.base_yuan)} × {format_rate(calc.rate)} = {format_yuan(raw)}"
                     + ("，超过上限，按上限计" if calc.capped else "")
                     + f"，{who}最高可获{format_yuan(calc.amount_yuan)}")
        else:
            line += _plain(calc.trace).rstrip("。")
        line += "，实际金额以主管部门评审核定为准。"
        body.append(line)
        body.extend(f"需要说明的是，{n}" for n in calc.notes)
    if answer.in_scope and not answer.calculations:
        body.append("相关规定见下列政策依据原文。")
    stated = [v for v in answer.eligibility if v.met is not None and not v.criterion.startswith("申请时间")]
    if stated:
        checks = "；".join(f"{v.criterion}（{MARK[v.met]}）" for v in stated)
        body.append(f"经核对：{checks}。")
    if answer.follow_up:
        body.append("请补充说明：" + "".join(answer.follow_up))
    quotes: dict[tuple[str, str], list[str]] = {}  # one item per clause, its quotes in the order cited
    for c in _outermost(answer.citations):
        where = f"第{c.clause}条" if (c.clause or "").startswith("（") else (c.clause or c.section or "")
        quotes.setdefault((c.doc_id, where), []).append(f"“{c.quote}”")
    basis = [f"{name(doc_id)}{where}：{'；'.join(qs)}" for (doc_id, where), qs in quotes.items()]
    if ended:
        validity = ""  # said first, in the body
    elif validity_cit and timing is not None and timing.met:
        validity = f"{on or '答复之日'}在该措施有效期内（原文见政策依据）"
    elif validity_cit:
        validity = "该措施的有效期见政策依据所引原文"
    else:
        validity = "本答复未涉及具体政策条款的有效期" if not answer.in_scope else "所引政策原文未写明有效期"
    validity += "。申报前请以主管部门最新通知为准。" if validity else ""
    return Draft(salutation=salutation, body=body, basis=basis, validity=validity, office=issuer)


def _opening(answer: Answer, inquiry: str, enterprise: str, name, docs: list[str]) -> str:
    """One sentence: who asked about what (the measures the answer is about), never the letter itself."""
    who = enterprise or company_of(inquiry)
    clauses = list(dict.fromkeys(c.clause for c in answer.calculations if c.clause))
    if not clauses:
        clauses = list(dict.fromkeys(c.clause for c in answer.citations if (c.clause or "").startswith("（")))
    if answer.in_scope and docs and clauses:
        what = f"{name(docs[0])}第{'、'.join(clauses)}条的申请事宜"
    elif answer.in_scope and docs:
        what = f"{name(docs[0])}的相关规定"
    else:
        what = "有关政策支持事宜"
    # the salutation names the firm; the opening does not say it again
    return f"您好！{'贵单位来函' if who else '来函（来电）'}咨询{what}收悉，现答复如下。"


def company_of(inquiry: str) -> str:
    """The enterprise a pasted letter names itself as (北京某某科技有限公司), or ""."""
    found = COMPANY.search(inquiry)
    return re.sub(r"^(我司|我们|我公司|本公司|我单位|本单位|是|为)+", "", found[1]) if found else ""


def _day(iso: str) -> str:
    try:
        d = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def _outermost(citations: list) -> list:
    """Citations not contained in another one of the same document: a letter quotes each span once."""
    def inside(c, d) -> bool:
        return c is not d and c.doc_id == d.doc_id and d.start <= c.start and c.end <= d.end and (c.start, c.end) != (d.start, d.end)

    unique = list({(c.doc_id, c.start, c.end): c for c in citations}.values())
    return [c for c in unique if not any(inside(c, d) for d in unique)]
