"""Help-desk reply drafts in official letter style, built from an ``Answer`` (so figures are the calculator's)."""

from __future__ import annotations

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

    def paragraphs(self) -> list[tuple[str, str]]:
        """The letter as (role, text) pairs: title, salutation, body, heading, basis, closing, sign."""
        out = [("title", self.title), ("salutation", self.salutation)]
        out += [("body", p) for p in self.body]
        if self.basis:
            out += [("heading", "政策依据")] + [("basis", f"{i}. {b}") for i, b in enumerate(self.basis, 1)]
        out += [("body", f"有效期说明：{self.validity}"), ("body", "特此答复。")]
        out += [("sign", line) for line in self.closing]
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
            out.append(f"　　{text}" if role == "body" else text)
            if role in ("title", "salutation"):
                out.append("")
        return "\n".join(out) + "\n"

    def to_docx(self, path: Path) -> Path:
        return write_official_docx(self.paragraphs(), path)


# GB/T 9704 as a guide: A4, margins 37/35/28/26 mm, title in 小标宋 (二号, 22 pt) centred, body in
# 仿宋 三号 (16 pt) with two-character indent and 28 pt lines, black text, page numbers "— 1 —".
TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
TITLE_PT, BODY_PT = 22, 16


def write_official_docx(paragraphs: list[tuple[str, str]], path: Path) -> Path:
    """A .docx laid out like a Chinese official reply; ``paragraphs`` as from ``Draft.paragraphs``
    (roles: title, salutation, body, heading, basis, sign)."""
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
        elif role == "heading":
            _font(run.font, run._element, HEADING_FONT, BODY_PT)
        elif role == "sign":
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run.font, run._element, BODY_FONT, BODY_PT)
        else:
            if role in ("body", "basis"):
                fmt.first_line_indent = Pt(BODY_PT * 2)
            _font(run.font, run._element, BODY_FONT, BODY_PT)
    _page_numbers(section)
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


def titles_of(kb) -> dict[str, str]:
    """Each document's name as a reply cites it: 《title》（文号 where it has one）."""
    return {d: f"《{doc.meta.title}》" + (f"（{doc.meta.doc_number}）" if doc.meta.doc_number else "")
            for d, doc in kb.docs.items()}


def _doc_title(doc_id: str, titles: dict[str, str]) -> str:
    return titles.get(doc_id) or "相关政策"


def build_draft(answer: Answer, inquiry: str, *, enterprise: str = "", titles: dict[str, str] | None = None) -> Draft:
    """A formal reply. ``titles``: doc id -> 《title》（文号）, so the reply names the policy it cites."""
    titles = titles or {}
    inquiry, enterprise = clean_text(inquiry or ""), clean_text(enterprise or "").strip()
    salutation = f"{enterprise or '贵单位'}："
    body = [f"您好！来函（来电）咨询的问题“{inquiry.strip()[:200]}”已收悉，经研究，现答复如下。"]
    if not answer.in_scope:
        body.append(_plain(answer.answer))
    docs = list(dict.fromkeys(c.doc_id for c in answer.citations))
    validity_cit = next((c for c in answer.citations if c.clause == "施行期限"), None)
    timing = next((v for v in answer.eligibility if v.criterion.startswith("申请时间")), None)
    if answer.in_scope and validity_cit and timing is not None and timing.met is False:
        # An ended policy is said before any amount: the enterprise must not read a promise first.
        body.append(f"经核，{_doc_title(validity_cit.doc_id, titles)}规定“{validity_cit.quote.rstrip('。')}”，"
                    f"{timing.detail.replace('，所述金额为政策有效期内的支持标准', '')}。以下为该措施有效期内的相关规定，供参考。")
    for calc in answer.calculations:
        name = _doc_title(calc.citation.doc_id, titles) if calc.citation else _doc_title(docs[0] if docs else "", titles)
        line = f"根据{name}第{calc.clause}条的规定，"
        if calc.rate is not None and calc.base_yuan is not None:
            raw = calc.base_yuan * calc.rate
            line += (f"按不超过{format_rate(calc.rate)}的比例计算、且不超过上限{format_yuan(calc.cap_yuan)}，经测算："
                     f"{format_yuan(calc.base_yuan)} × {format_rate(calc.rate)} = {format_yuan(raw)}"
                     + ("，超过上限，按上限计" if calc.capped else "")
                     + f"，贵单位最高可获{format_yuan(calc.amount_yuan)}。")
        else:
            line += f"{_plain(calc.trace).rstrip('。')}。"
        line += "实际金额以主管部门评审核定为准。"
        body.append(line)
        body.extend(f"需要说明的是，{n}" for n in calc.notes)
    if answer.in_scope and not answer.calculations:
        body.append("相关规定见下列政策依据原文。")
    stated = [v for v in answer.eligibility if v.met is not None and not v.criterion.startswith("申请时间")]
    if stated:
        checks = "；".join(f"{v.criterion}（{MARK[v.met]}）" for v in stated)
        body.append(f"根据来函所述情况，申报条件核对如下：{checks}。")
    if answer.follow_up:
        body.append("为便于进一步核实，请补充以下情况：" + "".join(answer.follow_up))
    basis = []
    for c in _outermost(answer.citations):
        where = "、".join(x for x in (c.section, f"第{c.clause}条" if (c.clause or "").startswith("（") else c.clause) if x)
        basis.append(f"{_doc_title(c.doc_id, titles)}{where}：“{c.quote}”")
    stated_validity = f"{_doc_title(validity_cit.doc_id, titles)}规定：“{validity_cit.quote}”" if validity_cit else ""
    verdict = timing.detail if timing else ""
    validity = "；".join(x for x in (stated_validity, verdict) if x)
    if not validity:
        validity = "本答复未涉及具体政策条款的有效期" if not answer.in_scope else "所引政策原文未写明有效期"
    validity += "。申报前请以主管部门最新通知为准。"
    return Draft(salutation=salutation, body=body, basis=basis, validity=validity)


def _outermost(citations: list) -> list:
    """Citations not contained in another one of the same document: a letter quotes each span once."""
    def inside(c, d) -> bool:
        return c is not d and c.doc_id == d.doc_id and d.start <= c.start and c.end <= d.end and (c.start, c.end) != (d.start, d.end)

    unique = list({(c.doc_id, c.start, c.end): c for c in citations}.values())
    return [c for c in unique if not any(inside(c, d) for d in unique)]
