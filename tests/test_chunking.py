"""Chunks are verbatim, locatable quotes that never cross a measure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.knowledge.documents import load_corpus
from assistant.search.chunking import CHUNKER_VERSION, chunk_corpus, chunk_document, split_sentences

MEASURES = [f"（{n}）" for n in "一二三四五六七八九十"]


def test_every_chunk_is_an_exact_span_of_the_text(doc):
    chunks = chunk_document(doc)
    assert chunks
    for c in chunks:
        assert c.text == doc.text[c.start : c.end]
        assert c.text == c.text.strip() and c.text
        cite = doc.citation(c.start, c.end)
        assert (c.clause, c.section, c.doc_id) == (cite.clause, cite.section, doc.doc_id)


def test_no_chunk_crosses_a_measure_boundary(doc):
    measures = doc.measures
    for c in chunk_document(doc):
        inside = [m for m in measures if m.start <= c.start and c.end <= m.end]
        overlapping = [m for m in measures if c.start < m.end and m.start < c.end]
        # Either wholly inside one measure, or touching none (scope, preamble, validity, title).
        assert len(overlapping) == len(inside) <= 1, c
        if inside:
            assert c.clause == inside[0].label


def test_structure_one_unit_chunk_per_measure_plus_the_other_paragraphs(doc):
    units = [c for c in chunk_document(doc) if c.kind == "unit"]
    labels = [c.clause for c in units]
    assert [lab for lab in labels if lab in MEASURES] == MEASURES
    for label in ("适用范围", "前言", "施行期限", "标题"):
        assert label in labels
    for c in units:
        unit = doc.unit(c.clause)
        assert (c.start, c.end) == (unit.start, unit.end)


def test_long_measures_are_also_split_into_sentences_that_tile_the_measure(doc):
    chunks = chunk_document(doc)
    for m in doc.measures:
        sentences = [c for c in chunks if c.kind == "sentence" and c.clause == m.label]
        assert len(sentences) >= 2, m.label
        assert sentences[0].start == m.start and sentences[-1].end == m.end
        for a, b in zip(sentences, sentences[1:], strict=False):
            assert doc.text[a.end : b.start].strip() == ""  # no gap but whitespace
        # A sentence knows which measure it belongs to, for the embedder.
        assert all(s.context.startswith(m.label) for s in sentences[1:])
        assert sentences[0].context == ""


def test_numbers_and_brackets_stay_whole(doc):
    quotes = [c.text for c in chunk_document(doc) if c.kind == "sentence"]
    joined = "\n".join(quotes)
    for figure in ("50％", "1000万元（含）以上", "（REITs）", "3000万元", "2亿元"):
        assert figure in joined, figure
    assert any(q.endswith("单个企业最高补贴不超过1000万元。") for q in quotes)
    text = "本措施在2022-2024年内有效，补贴为50％；总投资1000万元（含）以上的，可申报2.5亿元额度。"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "本措施在2022-2024年内有效，补贴为50％；", "总投资1000万元（含）以上的，可申报2.5亿元额度。"]


def test_scope_sentence_is_its_own_quote(doc):
    quotes = [c.text for c in chunk_document(doc) if c.clause == "适用范围" and c.kind == "sentence"]
    assert "本措施支持的对象为在本市注册经营的工业和软件信息服务业企业。" in quotes


def test_ids_are_unique_and_stable(doc, kb):
    a = chunk_corpus(kb.docs)
    b = chunk_corpus(load_corpus(doc.path.parent))
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    assert all(c.id.startswith(f"{c.doc_id}#") for c in a)
    assert CHUNKER_VERSION


def test_split_sentences_on_chinese_punctuation():
    text = "第一句话在这里。第二句话有分号；第三句话是感叹！第四句话是问句？最后半句没有句号"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "第一句话在这里。", "第二句话有分号；", "第三句话是感叹！", "第四句话是问句？", "最后半句没有句号"]


def test_split_sentences_does_not_cut_inside_brackets_or_quotes():
    text = "依据《关于某事的通知。修订版》（京政发〔2022〕23号。）制定本措施。鼓励采用“揭榜挂帅；毛遂自荐”等方式承接试点。"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "依据《关于某事的通知。修订版》（京政发〔2022〕23号。）制定本措施。",
        "鼓励采用“揭榜挂帅；毛遂自荐”等方式承接试点。",
    ]


def test_split_sentences_merges_tiny_fragments():
    text = "是。这是一个足够长的句子，用来承载内容。好。"
    assert [text[s:e] for s, e in split_sentences(text)] == ["是。这是一个足够长的句子，用来承载内容。好。"]


@given(st.text(alphabet="甲乙丙丁。；！？（）《》“” \n0123456789%-", max_size=200))
def test_split_sentences_spans_are_ordered_exact_and_cover_the_text(text):
    spans = split_sentences(text)
    pos = 0
    for s, e in spans:
        assert pos <= s < e <= len(text)
        assert text[pos:s].strip() == ""
        assert text[s:e] == text[s:e].strip()
        pos = e
    assert text[pos:].strip() == ""
