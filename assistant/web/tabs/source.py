"""政策原文: each document with its structure, a search box, a "返回对话" link, and validity as the text
states it (the dates in the metadata are derived from the text, so they are not shown as if stated)."""

from __future__ import annotations

import gradio as gr

from assistant.knowledge.documents import Document
from assistant.web.common import render
from assistant.web.render import Anchors

LABELS = {"scope": "适用范围", "validity": "施行期限"}


def source_doc_html(doc: Document, anchors: Anchors) -> str:
    """The document with its structure; each unit's text is exact, so the page script can mark a span."""
    units, toc = [], []
    for unit in doc.units:
        anchor = anchors.of_unit(doc.doc_id, unit)
        item = {"unit": unit, "anchor": anchor, "tag": LABELS.get(unit.kind, "")}
        if unit.kind == "part":
            item["heading"] = unit.text.split("\n", 1)[0]
            toc.append({"cls": "pa-toc-part", "anchor": anchor, "text": unit.section or item["heading"]})
        elif unit.kind == "measure":
            head, dot, tail = unit.body.partition("。")
            item.update(head=head + dot, tail=tail)
            toc.append({"cls": "pa-toc-measure", "anchor": anchor, "text": unit.label + (unit.heading or "")})
        elif item["tag"]:
            toc.append({"cls": "pa-toc-other", "anchor": anchor, "text": item["tag"]})
        units.append(item)
    stated = next((u.text.strip() for u in doc.units if u.kind == "validity"), "")
    return render("source_doc.html", doc=doc, meta=doc.meta, units=units, toc=toc, stated=stated)


class SourceTab:
    """WebApp's 政策原文."""

    def source_html(self) -> str:
        if self._source_html is None:
            docs = "".join(source_doc_html(doc, self.anchors) for doc in self.kb.docs.values())
            self._source_html = render("source.html", docs=docs)
        return self._source_html


def build(web):
    gr.HTML(web.source_html(), elem_id="policy-source", js_on_load=None)
