"""答复起草: a reply letter drafted from the answer, edited as plain text, downloaded as an official
.docx (``draft.write_official_docx``); and the /draft endpoint (which keeps returning markdown)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.answering.answer import Answer
from assistant.answering.draft import build_draft, issuer_of, titles_of, write_official_docx
from assistant.errors import PolicyError
from assistant.text.inputs import MAX_NAME, as_text, clean_text
from assistant.web.common import UNEXPECTED, date_or, field_error, render, validity_notices
from assistant.web.private_files import private_dir, restrict, sweep, write_private
from assistant.web.render import FieldError

DRAFT_NAME = "政策咨询答复草稿"
BASIS_LINE = re.compile(r"^\d+\s*[.．、]")


@dataclass
class DraftResult:
    markdown: str
    basis: str  # HTML: 政策依据 with links, calculation table, validity
    docx: Path
    md: Path
    answer: Answer
    text: str = ""  # the letter as plain text, for the edit box


def text_to_paragraphs(text: str) -> list[tuple[str, str]]:
    """The edited plain text back into ``(role, text)`` paragraphs for ``write_official_docx``: the
    first line is the title, the second the salutation, "（…）" lines at the end the 落款, "政策依据"
    the heading, numbered lines the basis, the rest body."""
    lines = []
    for raw in clean_text(text or "").splitlines():
        line = re.sub(r"^#+\s*", "", raw.strip().strip("　")).replace("**", "").strip()
        if line:
            lines.append(line)
    out: list[tuple[str, str]] = []
    sign_from = len(lines)
    while sign_from > 2 and lines[sign_from - 1].startswith(("（", "(")):
        sign_from -= 1
    for i, line in enumerate(lines):
        if i == 0:
            role = "title"
        elif i == 1:
            role = "salutation"
        elif i >= sign_from:
            role = "sign"
        elif line == "政策依据":
            role = "heading"
        elif BASIS_LINE.match(line):
            role = "basis"
        else:
            role = "body"
        out.append((role, line))
    return out


class DraftTab:
    """WebApp's 答复起草 handlers."""

    def draft(self, inquiry: str, enterprise: str = "", *, session: str | None = None) -> DraftResult:
        inquiry = as_text(inquiry, "企业咨询内容 inquiry")
        enterprise = as_text(enterprise, "来函单位 enterprise", limit=MAX_NAME)
        if not (inquiry or "").strip():
            raise FieldError("inquiry", "请先粘贴企业的咨询内容，例如：“我公司建设测试验证平台投资1200万元，能获得多少补贴？”")
        answer, logged = self.ask(inquiry, [], session=session, channel="draft")
        draft = build_draft(answer, inquiry, enterprise=(enterprise or "").strip(), titles=titles_of(self.kb),
                            issuer=issuer_of(self.kb, answer))
        markdown = draft.to_markdown()
        folder = self._draft_folder()
        docx_path = restrict(draft.to_docx(folder / f"{DRAFT_NAME}.docx"))
        md_path = write_private(folder / f"{DRAFT_NAME}.md", markdown)
        validity = ""
        if answer.in_scope:
            doc_ids = [c.doc_id for c in answer.citations] or list(self.kb.docs)
            validity = validity_notices(self.kb.docs, self.anchors, doc_ids, date_or(answer.asked_on, self.bot.today()))
        basis = render("draft_basis.html", notes=self.notices_html(answer, logged), validity=validity, answer=answer,
                       anchors=self.anchors, mode=self.mode_label(answer))
        return DraftResult(markdown, basis, docx_path, md_path, answer, draft.to_text())

    def draft_files(self, text: str, folder: str | None = None) -> tuple[Path, Path]:
        """Download files for a draft the user edited (plain text): the .docx laid out as an official
        reply, and the text as .txt. ``folder`` (the session's earlier draft folder) is reused so that
        typing does not pile up folders."""
        reuse = Path(folder) if folder else None
        folder = reuse if reuse and reuse.parent == self.draft_dir and reuse.is_dir() else self._draft_folder()
        text = clean_text(text or "")
        txt_path = write_private(folder / f"{DRAFT_NAME}.txt", text)
        docx_path = write_official_docx(text_to_paragraphs(text), folder / f"{DRAFT_NAME}.docx")
        return restrict(docx_path), txt_path

    def _draft_folder(self) -> Path:
        """A new 0700 folder for one draft's files; folders older than POLICY_FILE_MAX_AGE are removed."""
        sweep(private_dir(self.draft_dir), self.settings.file_max_age)
        return Path(tempfile.mkdtemp(prefix="draft-", dir=self.draft_dir))


def build(web, session_of, endpoint):
    """The 答复起草 tab (called inside its ``gr.Tab``)."""
    draft_folder = gr.State("")
    draft_generated = gr.State("")  # the draft as generated, before edits
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            inquiry = gr.Textbox(label="企业咨询内容", lines=6, elem_id="draft-inquiry", placeholder="粘贴企业来函或来电记录……")
            inquiry_msg = gr.HTML("", elem_id="draft-inquiry-msg", js_on_load=None)
            enterprise = gr.Textbox(label="来函单位（可选）", placeholder="如：北京某某科技有限公司", elem_id="draft-enterprise")
            draft_btn = gr.Button("生成答复草稿", variant="primary", elem_id="draft-run")
            examples = [f"我单位咨询：{q}" for q in web.kb.example_questions(2)]  # from the rule files
            gr.Examples(examples, inputs=[inquiry], label="示例来函（点击填入）")
            draft_basis = gr.HTML("", elem_id="draft-basis", js_on_load=None)
        with gr.Column(scale=3, min_width=300):
            draft_text = gr.Textbox(label="答复草稿（可直接修改，下载的文件随修改更新；填写落款后即可发出）", lines=22,
                                    max_lines=60, interactive=True, elem_id="draft-text", buttons=["copy"])
            with gr.Row():
                dl_docx = gr.DownloadButton("下载 Word（.docx）", interactive=False, elem_id="download-docx")
                dl_txt = gr.DownloadButton("下载文本（.txt）", interactive=False, elem_id="download-txt")

    def on_draft(inquiry, enterprise, request: gr.Request):
        try:
            result = web.draft(inquiry, enterprise, session=session_of(request))
        except PolicyError as exc:
            return (field_error(str(exc)), *[gr.update()] * 6)
        except Exception:
            return (field_error(UNEXPECTED), *[gr.update()] * 6)
        txt_path = write_private(result.docx.parent / f"{DRAFT_NAME}.txt", result.text)
        return ("", result.text, result.basis, gr.update(value=str(result.docx), interactive=True),
                gr.update(value=str(txt_path), interactive=True), str(result.docx.parent), result.text)

    def on_edit(text, folder, generated):
        if not folder or text == generated:
            return gr.update(), gr.update(), gr.update()  # the generated files stand
        docx_path, txt_path = web.draft_files(text, folder)
        return gr.update(value=str(docx_path)), gr.update(value=str(txt_path)), str(docx_path.parent)

    @endpoint(UNEXPECTED)
    def api_draft(inquiry, enterprise=None, request: gr.Request = None):
        result = web.draft(inquiry, enterprise, session=session_of(request))
        return result.markdown, str(result.docx), str(result.md)

    api_inquiry = gr.Textbox(label="inquiry", visible=False)
    api_enterprise = gr.Textbox(label="enterprise", visible=False)
    api_draft_md = gr.Textbox(label="draft_markdown", visible=False)
    api_draft_docx = gr.File(label="docx", visible=False)
    api_draft_mdfile = gr.File(label="md", visible=False)
    private = {"api_visibility": "private"}
    draft_btn.click(on_draft, [inquiry, enterprise],
                    [inquiry_msg, draft_text, draft_basis, dl_docx, dl_txt, draft_folder, draft_generated], **private)
    # .change, not .input: pasted or IME-composed text must update the downloads too
    draft_text.change(on_edit, [draft_text, draft_folder, draft_generated], [dl_docx, dl_txt, draft_folder],
                      trigger_mode="always_last", show_progress="hidden", **private)
    api_inquiry.submit(api_draft, [api_inquiry, api_enterprise], [api_draft_md, api_draft_docx, api_draft_mdfile],
                       api_name="draft")
