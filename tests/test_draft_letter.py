"""Drafted replies read like official correspondence (issue 10): the policy named, an ended validity
period before any amount, no facts asked again, no arrows or emoji, and a .docx laid out like an
official document (A4, East-Asian fonts set, centred title, page numbers, 落款 at the right)."""

from __future__ import annotations

import re

import docx
import pytest
from docx.oxml.ns import qn

from assistant.answering.draft import build_draft, titles_of
from assistant.service import Assistant
from assistant.settings import Settings

TITLE = "《关于促进本市新型基础设施投资中新技术新产品推广应用的若干措施》"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(Settings.from_env(index_dir=tmp_path_factory.mktemp("draft-idx"), embedding="hash",
                                       today="2026-11-29"))


def draft_for(bot, inquiry):
    return build_draft(bot.ask(inquiry), inquiry, enterprise="北京某科技有限公司", titles=titles_of(bot.kb))


def test_the_reply_names_the_policy_and_says_the_period_ended_before_any_amount(bot):
    text = draft_for(bot, "我们是北京的软件企业，保费60万元，产品已列入两清单，能补多少？").to_text()
    assert TITLE in text
    ended, amount = text.index("已届满"), text.index("最高可获30万元")
    assert ended < amount
    assert not re.search(r"[→✅❌❓⚠]", text) and "**" not in text and "#" not in text
    # the inquiry said where the firm is registered, its trade and the list: none is asked again
    asks = text[text.index("请补充") :] if "请补充" in text else ""
    assert "注册地" not in asks and "哪个行业" not in asks and "两清单" not in asks


def test_an_out_of_scope_inquiry_has_no_empty_basis(bot):
    d = draft_for(bot, "今天天气怎么样")
    assert "政策依据" not in d.to_markdown() and "原文未写明有效期" not in d.to_markdown()


def test_the_docx_is_laid_out_like_an_official_document(bot, tmp_path):
    path = draft_for(bot, "平台建设投资2000万元，能补多少？").to_docx(tmp_path / "reply.docx")
    doc = docx.Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    title = doc.paragraphs[0]
    assert title.alignment == 1 and title.text == "关于企业政策咨询的答复"  # centred
    east_asian = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs}
    assert {"方正小标宋简体", "仿宋_GB2312"} <= east_asian
    assert all(r.font.color.rgb is None or str(r.font.color.rgb) == "000000" for p in doc.paragraphs for r in p.runs)
    assert any(p.alignment == 2 and p.text.startswith("（日期") for p in doc.paragraphs)  # 落款 at the right
    assert "PAGE" in section.footer._element.xml
    assert TITLE in "\n".join(p.text for p in doc.paragraphs)
