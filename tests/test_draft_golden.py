"""Drafts a help-desk officer can send (issue 20): three inquiries (a plain one, a pasted letter with a
signature and a phone number, one with several measures). The opening summarises, never pastes; the
policy is named in full once; each quote appears once; an ended policy comes before any amount, which is
then the standard of the validity period; the file's properties name the issuing office and today."""

from __future__ import annotations

import datetime as dt

import docx
import pytest

from assistant.answering.draft import build_draft, estimated_pages, issuer_of, titles_of
from assistant.service import Assistant
from assistant.settings import Settings

FULL = "《关于促进本市新型基础设施投资中新技术新产品推广应用的若干措施》"
PLAIN = "我们是北京的软件企业，测试验证平台建设投资1200万元，能补多少？"
LETTER = ("尊敬的市经信局领导：\n您好！我司北京智联云景科技有限公司成立于2016年，注册于北京市海淀区，注册资本5000万元。"
          "我司建设了面向中小企业的第三方测试验证公共服务平台，平台建设投资1200万元，请问能获得多少建设补贴？\n"
          "联系人：王经理 电话：13800001111\n2024年3月5日")
SEVERAL = "我们是北京的工业企业，平台建设投资1200万元，另外采购新产品保费60万元（产品已列入两清单），分别能补多少？"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return Assistant(Settings.from_env(index_dir=tmp_path_factory.mktemp("golden-idx"), embedding="hash",
                                       today="2026-11-29"))


def draft(bot, inquiry):
    answer = bot.ask(inquiry)
    return answer, build_draft(answer, inquiry, titles=titles_of(bot.kb), issuer=issuer_of(bot.kb, answer))


@pytest.mark.parametrize("inquiry, amounts", [
    (PLAIN, ["360万元"]),
    (LETTER, ["360万元"]),
    (SEVERAL, ["360万元", "30万元"]),
])
def test_a_draft_is_sendable_as_written(bot, inquiry, amounts):
    _answer, d = draft(bot, inquiry)
    text = d.to_text()
    opening = d.body[0]
    assert opening.startswith("您好！") and "咨询" in opening and inquiry[:20] not in opening  # summarised
    assert "13800001111" not in text and "尊敬的" not in text and "2024年3月5日" not in text  # nothing pasted
    assert text.count(FULL) == 1 and "《若干措施》" in text  # the full title once, then the short one
    for quote in (b.split("：“", 1)[1] for b in d.basis):
        assert text.count(quote.rstrip("”")) == 1, quote  # each quote once
    ended = text.index("有效期已届满")
    for amount in amounts:
        assert ended < text.index(f"最高可获{amount}")
    assert "按有效期内标准测算" in text and "贵单位最高可获" not in text
    # the reply fits one page for one measure; the quotes follow as its attachment, on a page of their own
    pages = estimated_pages(d.paragraphs())
    assert pages <= 1 if len(amounts) == 1 else pages <= 1.5, pages
    roles = [role for role, _ in d.paragraphs()]
    assert roles.index("heading") > roles.index("sign") and "附件：政策依据（原文摘录）" in text


def test_the_letter_is_answered_to_the_firm_that_wrote_it(bot):
    _answer, d = draft(bot, LETTER)
    assert d.salutation == "北京智联云景科技有限公司：" and d.body[0].startswith("您好！贵单位来函咨询")
    assert "截至2026年11月29日" in d.to_text()  # counted from the day of the reply, not the letter's date


def test_the_file_names_the_issuing_office_and_today(bot, tmp_path):
    _answer, d = draft(bot, PLAIN)
    props = docx.Document(str(d.to_docx(tmp_path / "reply.docx"))).core_properties
    assert props.author == "北京市经济和信息化局" and props.last_modified_by == "北京市经济和信息化局"
    assert props.created.date() == dt.date.today() and "python-docx" not in (props.comments or "")
