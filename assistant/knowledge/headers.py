"""The fields a government portal prints above a policy it publishes ("政策名：…", "文　　号：…", "失效日期：…"):
a text copied from such a page carries its own title, issuer, number and dates in labelled lines before the
body. Read only from the top of the text, only from lines that are a label and its value (the value may stand
on the next line), never from the body.
"""

from __future__ import annotations

import datetime as dt
import re

HEAD_LINES = 40  # the fields stand above the body; a label further down is the body's own wording
LABELS = {
    "title": ("政策名称", "政策名", "文件名称", "文件标题", "标题", "名称"),
    "issuers": ("发布机构", "发布机关", "发文机关", "发文单位", "牵头单位", "发布单位"),
    "doc_number": ("政策文号", "发文字号", "文号"),
    "valid_from": ("实施日期", "施行日期", "生效日期", "执行日期"),
    "valid_to": ("失效日期", "失效时间", "废止日期", "有效期至"),
}
LINE = re.compile(r"^\s*(?P<label>[\u4e00-\u9fff][\u4e00-\u9fff\s　]{0,8}?)\s*[:：]\s*(?P<value>.*?)\s*$")
TITLE = re.compile(r"[^:：。；;，,]{6,60}(?:若干措施|政策措施|措施|办法|细则|通知|意见|方案|规定|决定|政策)")
DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def header_fields(text: str) -> dict[str, object]:
    """{field: value} of the labelled lines at the top of ``text``: title, issuers (a tuple), doc_number and
    valid_from/valid_to (dates); a field is absent when its line is not there or its value does not read."""
    lines = text.splitlines()[:HEAD_LINES]
    found: dict[str, object] = {}
    for i, line in enumerate(lines):
        m = LINE.match(line)
        if not m:
            continue
        label = re.sub(r"[\s　]", "", m["label"])
        field = next((f for f, names in LABELS.items() if label in names), None)
        if field is None or field in found:
            continue
        value = m["value"] or next((n.strip() for n in lines[i + 1 : i + 2] if n.strip() and not LINE.match(n)), "")
        value = value.strip()
        if not value:
            continue
        if field in ("valid_from", "valid_to"):
            d = DATE.search(value)
            try:
                found[field] = dt.date(int(d[1]), int(d[2]), int(d[3])) if d else None
            except ValueError:
                found[field] = None
            if found[field] is None:
                del found[field]
        elif field == "issuers":
            found[field] = tuple(value.split())
        elif field == "title" and len(value) >= 6:
            found[field] = value
        elif field == "doc_number" and re.search(r"\d", value):
            found[field] = re.sub(r"\s+", "", value)
    if found and "title" not in found:  # a portal page without a title label: the first line that reads as one
        title = next((t for t in (re.sub(r"^[\s　]+|[\s　]+$", "", n) for n in lines) if TITLE.fullmatch(t)), None)
        if title:
            found["title"] = title
    return found


DOC_TITLE = re.compile(r"[^:：。；;，,]{0,40}关于[^:：。；;]{2,80}(?:通知|决定|意见|办法|措施|方案|细则|规定|批复|公告)")


def page_chrome(text: str, spans: list[tuple[int, int]], issuer: re.Pattern) -> int:
    """How many lines before the document's own title are a web page's menus (访问我的专属空间, 政策解读…): the
    title is the last line (or two lines) of the head that reads as one (关于…的通知), with the issuers just before
    it; with no such line, or one that is the first line already, nothing is taken for menus."""
    at = None
    for i, (s, e) in enumerate(spans):
        one, two = text[s:e].strip(), text[s:e].strip() + (text[spans[i + 1][0]:spans[i + 1][1]].strip() if i + 1 < len(spans) else "")
        if DOC_TITLE.fullmatch(one) or (one.startswith("关于") and DOC_TITLE.fullmatch(two)):
            at = i
    if not at or at < 3:
        return 0
    while at > 0 and issuer.search(text[spans[at - 1][0]:spans[at - 1][1]].strip()) \
            and len(text[spans[at - 1][0]:spans[at - 1][1]].strip()) <= 30:
        at -= 1  # 重庆市经济和信息化委员会 / 重庆市财政局 …: the issuers heading the title
    return at
