"""The text of a policy file as a reader sees it: .txt/.md as written, .docx with its tables, .pdf
without running heads and page numbers and with its lines joined back into sentences.

A PDF's text is what extraction gives, laid out by page: a line filled to the page's width that does
not end a sentence goes on in the next line (or on the next page), so it is joined; a line repeated at
the top or bottom of most pages (the document's short title, 第3页/共12页, - 3 -) is the page's, not
the text's, and is dropped. Numbered headings always start a line of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import CorpusError
from assistant.knowledge.numbering import ATTACHMENT, LEAD_NUMBER, fold

SUFFIXES = (".txt", ".md", ".docx", ".pdf")
PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:[/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?[-—–－\s]*$")
ENDS = "。；！？：:”」）)"
EDGE = 2  # lines at the top and at the bottom of a page where running heads and feet sit


def read_text(path: Path) -> str:
    """The text of a .txt/.md/.docx/.pdf file; unreadable files raise CorpusError."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".txt", ".md"):
            return path.read_text(encoding="utf-8")
        if suffix == ".docx":
            return docx_text(path)
        if suffix == ".pdf":
            from pypdf import PdfReader

            text = pdf_text([(page.extract_text() or "") for page in PdfReader(str(path)).pages])
            if not text.strip():
                raise CorpusError(f"文件 {path.name} 是扫描版或空白 PDF，无法提取文字，请提供文字版")
            return text
    except CorpusError:
        raise
    except UnicodeDecodeError:
        raise CorpusError(f"文件 {path.name} 不是 UTF-8 编码的文本，请转换为 UTF-8 后再放入 corpus/") from None
    except Exception as exc:  # a broken .docx/.pdf: name the file, not the library's traceback
        raise CorpusError(f"无法读取文件 {path.name}：文件已损坏或格式不符（{type(exc).__name__}）") from None
    raise CorpusError(f"不支持的文件类型 {path.name}，只接受 {'、'.join(SUFFIXES)}")


def docx_text(path: Path) -> str:
    """Paragraphs and tables in the order of the document; a table row is one line, cells joined by " | "
    (a cell merged across columns counted once)."""
    import docx  # python-docx: only needed for .docx files
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    words = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    if not cells or words != cells[-1]:
                        cells.append(words)
                if any(cells):
                    out.append(" | ".join(cells))
    return "\n".join(out)


def _width(line: str) -> int:
    """How wide a line is printed: a Chinese character or full-width sign takes two columns."""
    return sum(1 if ord(c) < 0x2E80 else 2 for c in line.strip())


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def _starts_heading(line: str) -> bool:
    f = fold(line.strip())
    return bool(LEAD_NUMBER.match(f) or ATTACHMENT.fullmatch(f) or re.match(r"^第\s*\S{1,4}\s*[章节条]", f))


def pdf_text(pages: list[str]) -> str:
    """The pages' text with running heads, feet and page numbers dropped and broken lines joined."""
    pages_lines = [[x.rstrip() for x in page.split("\n") if x.strip()] for page in pages]
    edges: dict[str, int] = {}
    for lines in pages_lines:
        for key in {_key(x) for x in lines[:EDGE] + lines[-EDGE:]}:
            edges[key] = edges.get(key, 0) + 1
    repeated = {k for k, n in edges.items() if n >= 2 and n * 2 >= len(pages_lines)}
    lines: list[str] = []
    for page in pages_lines:
        n = len(page)
        for i, x in enumerate(page):
            at_edge = i < EDGE or i >= n - EDGE
            if PAGE_NUMBER.fullmatch(x.strip()) or (at_edge and _key(x) in repeated):
                continue
            lines.append(x)
    lengths = sorted(_width(x) for x in lines)
    width = lengths[int(len(lengths) * 0.9)] if len(lengths) >= 3 else 0
    out: list[str] = []
    for x in lines:
        prev = out[-1].strip() if out else ""
        if (out and width >= 20 and _width(prev) >= width * 0.85 and prev[-1] not in ENDS
                and not _starts_heading(x)):
            out[-1] = out[-1].rstrip() + x.strip()
        else:
            out.append(x)
    return "\n".join(out)
