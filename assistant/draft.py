"""Help-desk reply drafts in official letter style, built from an ``Answer`` (so figures are the calculator's)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .answer import Answer
from .inputs import clean_text
from .money import format_rate, format_yuan

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

    def to_markdown(self) -> str:
        out = [f"# {self.title}", "", self.salutation, ""]
        out += [f"　　{p}" for p in self.body] + [""]
        out += ["**政策依据**", ""] + [f"{i}. {b}" for i, b in enumerate(self.basis, 1)] + [""]
        out += [f"**有效期说明**：{self.validity}", ""]
        out += ["　　特此答复。", ""] + self.closing
        return clean_text("\n".join(out)) + "\n"

    def to_docx(self, path: Path) -> Path:
        import docx  # python-docx, only needed for the download

        doc = docx.Document()
        doc.add_heading(clean_text(self.title), level=1)
        # Every paragraph is cleaned: python-docx refuses control characters (not XML) outright.
        lines = [self.salutation, *(f"　　{p}" for p in self.body), "政策依据：",
                 *(f"{i}. {b}" for i, b in enumerate(self.basis, 1)), f"有效期说明：{self.validity}",
                 "　　特此答复。", *self.closing]
        for line in lines:
            doc.add_paragraph(clean_text(line))
        path = Path(path)
        doc.save(str(path))
        return path


def _plain(md: str) -> str:
    """Strip the chat's markdown (bold, quote markers, citation numbers) for letter prose."""
    md = re.sub(r"\*\*(.+?)\*\*", r"\1", md)
    return re.sub(r"\[\d+\]", "", md).strip()


def build_draft(answer: Answer, inquiry: str, *, enterprise: str = "") -> Draft:
    inquiry, enterprise = clean_text(inquiry or ""), clean_text(enterprise or "").strip()
    salutation = f"{enterprise or '贵单位'}："
    body = [f"您好！来函（来电）咨询的问题“{inquiry.strip()[:200]}”已收悉，经研究，现答复如下。"]
    if not answer.in_scope:
        body.append(_plain(answer.answer))
    for calc in answer.calculations:
        rule_line = f"根据政策第{calc.clause}条，经测算：{calc.trace}。"
        if calc.rate is not None:
            rule_line += (f"即按不超过{format_rate(calc.rate)}的比例计算，且不超过上限{format_yuan(calc.cap_yuan)}，"
                          f"贵单位最高可获{format_yuan(calc.amount_yuan)}，实际金额以主管部门评审核定为准。")
        else:
            rule_line += f"最高可获{format_yuan(calc.amount_yuan)}，实际金额以主管部门评审核定为准。"
        body.append(rule_line)
        body.extend(f"需要说明的是，{n}" for n in calc.notes)
    if answer.in_scope and not answer.calculations:
        body.append("相关规定见下列政策依据原文。")
    if answer.eligibility:
        checks = "；".join(f"{v.criterion}（{MARK[v.met]}）" for v in answer.eligibility)
        body.append(f"申报条件核对情况：{checks}。")
    if answer.follow_up:
        body.append("为便于进一步核实，请补充以下情况：" + "".join(answer.follow_up))
    basis = []
    for c in _outermost(answer.citations):
        where = "、".join(x for x in (c.section, f"第{c.clause}条" if (c.clause or "").startswith("（") else c.clause) if x)
        basis.append(f"{where}：“{c.quote}”")
    stated = next((f"政策原文规定：“{c.quote}”" for c in answer.citations if c.clause == "施行期限"), "")
    verdict = next((v.detail for v in answer.eligibility if v.criterion.startswith("申请时间")), "")
    validity = "；".join(x for x in (stated, verdict) if x) or "原文未写明有效期"
    validity += "。申报前请以主管部门最新通知为准。"
    return Draft(salutation=salutation, body=body, basis=basis, validity=validity)


def _outermost(citations: list) -> list:
    """Citations not contained in another one of the same document: a letter quotes each span once."""
    def inside(c, d) -> bool:
        return c is not d and c.doc_id == d.doc_id and d.start <= c.start and c.end <= d.end and (c.start, c.end) != (d.start, d.end)

    unique = list({(c.doc_id, c.start, c.end): c for c in citations}.values())
    return [c for c in unique if not any(inside(c, d) for d in unique)]
