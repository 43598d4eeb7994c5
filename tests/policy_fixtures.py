"""Two further policies written for the tests in the style of Chinese official documents.

Their figures differ from the first policy on purpose (20% / 300万元 platforms, 1.5% loan interest,
a 第X条 document with 25% / 200万元), so answers must keep documents apart. One is written as
.docx (python-docx), the other as a text PDF (reportlab's built-in CID font, no font files).
"""

from __future__ import annotations

from pathlib import Path

DOCX_STEM = "test-industrial-internet-2023"
DOCX_TEXT = """北京市经济和信息化局
京经信发〔2023〕12号
关于支持工业互联网平台发展的若干措施

为加快工业互联网平台建设，推动制造业数字化转型，制定本措施。
本措施支持的对象为在本市注册经营的工业企业和工业互联网平台企业。
一、支持平台建设
（一）支持工业互联网平台建设。对新建的工业互联网平台，按照不超过平台建设投资的20%给予补贴，单个平台补贴最高不超过300万元。
（二）支持标识解析节点建设。对建设工业互联网标识解析二级节点的企业给予一次性奖励50万元。
二、支持融资
（三）支持平台企业融资。对平台企业的固定资产贷款，给予不超过1.5%的贷款贴息，单个企业贴息最高不超过500万元。
（四）支持项目入库。平台项目总投资达到500万元（含）以上的，纳入市级工业互联网项目储备库。
本措施自2023年3月1日起施行，有效期至2025年12月31日。
"""

PDF_STEM = "test-digital-transformation-2024"
PDF_LINES = [
    "北京市中小企业数字化转型专项支持办法",
    "第一章 总则",
    "第一条 为推动中小企业数字化转型，制定本办法。",
    "第二条 本办法支持的对象为在本市注册经营的中小企业。",
    "第二章 支持内容",
    "第三条 对中小企业数字化转型项目，按不超过项目投资额的25%给予补贴，单个项目最高不超过200万元。",
    "第四条 对购买网络安全保险的中小企业，按不超过保费的40%给予补贴，单个企业最高不超过20万元。",
    "第三章 附则",
    "第五条 本办法由市经济和信息化局负责解释。",
]


def write_docx_policy(folder: Path) -> Path:
    import docx

    doc = docx.Document()
    for line in DOCX_TEXT.splitlines():
        doc.add_paragraph(line)
    path = Path(folder) / f"{DOCX_STEM}.docx"
    doc.save(str(path))
    return path


def write_pdf_policy(folder: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = Path(folder) / f"{PDF_STEM}.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 10)
    y = 800
    for line in PDF_LINES:
        c.drawString(40, y, line)
        y -= 18
    c.save()
    return path


def drafted_corpus(tmp: Path, sources: list[Path], today: str):
    """Settings over a copy of the corpus plus each text of ``sources`` added with ``add`` and its rules accepted
    as drafted (aliases included), as a new user brings real policies."""
    import shutil

    from assistant.knowledge.base import Knowledge
    from assistant.knowledge.ingest import add_document
    from assistant.knowledge.rules_draft import draft_rule_file
    from assistant.settings import Settings

    from .conftest import CORPUS

    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings.from_env(corpus_dir=corpus, embedding="hash", index_dir=tmp / "idx", today=today,
                                 answer_log=tmp / "answers.jsonl")
    for src in sources:
        add_document(settings, src)
    docs = Knowledge.load(corpus).docs
    for src in sources:
        path, _ = draft_rule_file(docs[src.stem])
        path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    return settings


def drafted_assistant(tmp: Path, stem: str, text: str, today: str):
    """An assistant over the corpus plus ``text`` (file ``stem``), its rules accepted as drafted."""
    from assistant.service import Assistant

    src = tmp / f"{stem}.txt"
    src.write_text(text, encoding="utf-8")
    return Assistant(drafted_corpus(tmp, [src], today))


def drafted_bot_fixture(stem: str, text: str, today: str):
    """A module-scoped pytest fixture: an assistant over the corpus plus ``text``, its rules accepted as drafted."""
    import pytest

    @pytest.fixture(scope="module")
    def bot(tmp_path_factory):
        return drafted_assistant(tmp_path_factory.mktemp(stem), stem, text, today)

    return bot
