"""The document manifest beside the index: a start parses and chunks only what changed since `index`,
reads a document's text only when it is shown, and an edit re-parses and re-embeds that document alone."""

from __future__ import annotations

import pytest

import assistant.knowledge.catalog as catalog
import assistant.search.chunk_table as chunk_table
from assistant.errors import CorpusError
from assistant.knowledge.catalog import StoredDocument, load_corpus, manifest_path
from assistant.knowledge.documents import load_corpus as parse_all
from assistant.search.build import open_retriever
from assistant.service import Assistant, build_index
from assistant.settings import Settings

from .policy_fixtures import DOCX_TEXT
from .test_index import CountingEmbedder

DOC = "beijing-new-infra-2022"


@pytest.fixture
def corpus2(corpus_copy):
    (corpus_copy / "zz-extra.txt").write_text(DOCX_TEXT, encoding="utf-8")
    return corpus_copy


@pytest.fixture
def settings(corpus2, tmp_path):
    return Settings.from_env(corpus_dir=corpus2, index_dir=tmp_path / "index", embedding="hash", chroma_url="")


@pytest.fixture
def parsed(monkeypatch):
    """The files parsed (not read from the manifest) and the documents chunked, in order."""
    seen = {"parsed": [], "chunked": []}
    real_load, real_chunk = catalog.load_document, chunk_table.chunk_document

    def load(path):
        seen["parsed"].append(path.stem)
        return real_load(path)

    def chunk(doc):
        seen["chunked"].append(doc.doc_id)
        return real_chunk(doc)

    monkeypatch.setattr(catalog, "load_document", load)
    monkeypatch.setattr(chunk_table, "chunk_document", chunk)
    return seen


def test_a_start_after_index_parses_and_chunks_nothing(settings, parsed):
    build_index(settings)
    assert manifest_path(settings.index_dir).exists()
    assert sorted(parsed["parsed"]) == [DOC, "zz-extra"]  # the build parsed every document once
    parsed["parsed"].clear(), parsed["chunked"].clear()
    bot = Assistant(settings)
    hits = bot.search("REITs有什么支持", k=3)
    assert parsed == {"parsed": [], "chunked": []}
    assert all(isinstance(d, StoredDocument) for d in bot.kb.docs.values())
    assert hits[0].clause == "（九）" and bot.retriever.index.reason == ""
    doc = bot.kb.docs[DOC]
    assert doc.text[hits[0].start : hits[0].end] == hits[0].quote  # citations stay verbatim


def test_a_stored_document_is_the_parsed_document(settings):
    build_index(settings)
    fresh = parse_all(settings.corpus_dir)
    stored = load_corpus(settings.corpus_dir, manifest_path(settings.index_dir))
    for doc_id, doc in fresh.items():
        again = stored[doc_id]
        assert isinstance(again, StoredDocument) and again._loaded is None
        assert again.meta == doc.meta  # metadata without reading the text
        assert again._loaded is None
        assert (again.text, again.raw_text, again.units, again.raw_offsets) == (doc.text, doc.raw_text, doc.units,
                                                                                  doc.raw_offsets)
        assert again.unit("（四）" if doc_id == DOC else doc.units[-1].label) == doc.unit(
            "（四）" if doc_id == DOC else doc.units[-1].label)


def test_editing_one_document_reparses_and_reembeds_only_it(settings, corpus2, parsed):
    build_index(settings)
    parsed["parsed"].clear(), parsed["chunked"].clear()
    path = corpus2 / "zz-extra.txt"
    path.write_text(DOCX_TEXT.replace("一次性奖励50万元", "一次性奖励60万元"), encoding="utf-8")
    emb = CountingEmbedder()
    bot = Assistant(settings, embedder=emb)
    assert parsed["parsed"] == ["zz-extra"]
    assert bot.search("标识解析二级节点奖励60万元", k=1)[0].doc_id == "zz-extra"
    index = bot.retriever.index
    assert parsed["chunked"] == ["zz-extra"] and index.updated == ["zz-extra"] and not index.rebuilt
    assert 0 < emb.embedded <= 2  # the changed chunks of that document, no other
    # the manifest was brought up to date by that start: the next one parses nothing
    parsed["parsed"].clear(), parsed["chunked"].clear()
    Assistant(settings, embedder=CountingEmbedder()).search("标识解析二级节点奖励60万元", k=1)
    assert parsed == {"parsed": [], "chunked": []}


def test_a_changed_metadata_file_reparses_its_document(settings, corpus2, parsed):
    build_index(settings)
    parsed["parsed"].clear()
    meta = corpus2 / f"{DOC}.meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("2024-12-31", "2025-12-31"), encoding="utf-8")
    docs = load_corpus(corpus2, manifest_path(settings.index_dir))
    assert parsed["parsed"] == [DOC] and str(docs[DOC].meta.valid_to) == "2025-12-31"


def test_a_damaged_or_foreign_manifest_is_ignored_not_trusted(settings, parsed):
    build_index(settings)
    path = manifest_path(settings.index_dir)
    for damage in (b"garbage", b""):
        path.write_bytes(damage)
        parsed["parsed"].clear()
        docs = load_corpus(settings.corpus_dir, path)
        assert sorted(parsed["parsed"]) == [DOC, "zz-extra"] and docs[DOC].unit("（四）").label == "（四）"


def test_a_file_changed_under_a_running_start_is_named_not_misquoted(settings, corpus2):
    build_index(settings)
    docs = load_corpus(corpus2, manifest_path(settings.index_dir))
    path = corpus2 / "zz-extra.txt"
    path.write_text(DOCX_TEXT.replace("一次性奖励50万元", "一次性奖励60万元"), encoding="utf-8")
    with pytest.raises(CorpusError, match="zz-extra.txt.*python -m assistant index"):
        _ = docs["zz-extra"].text


def test_the_index_command_builds_every_part(settings, monkeypatch, tmp_path):
    from assistant.__main__ import main

    for key, value in (("POLICY_CORPUS_DIR", settings.corpus_dir), ("POLICY_INDEX_DIR", settings.index_dir),
                       ("POLICY_EMBEDDING", "hash"), ("POLICY_CHROMA_URL", "")):
        monkeypatch.setenv(key, str(value))
    assert main(["index"]) == 0
    folders = [p for p in (settings.index_dir / "keywords").iterdir() if p.is_dir()]
    assert manifest_path(settings.index_dir).exists() and (settings.index_dir / "chroma.sqlite3").exists()
    assert len(folders) == 1 and (folders[0] / "manifest.json").exists()
    retriever = open_retriever(settings, load_corpus(settings.corpus_dir, manifest_path(settings.index_dir)),
                               CountingEmbedder())
    assert retriever.index.reason == "" and retriever.search("REITs有什么支持", k=1)[0].clause == "（九）"


def test_the_chunk_table_holds_every_chunk_without_its_text(settings):
    from assistant.search.chunk_table import ChunkTable
    from assistant.search.chunking import chunk_corpus

    build_index(settings)
    docs = load_corpus(settings.corpus_dir, manifest_path(settings.index_dir))
    table = ChunkTable(docs)
    expected = chunk_corpus(parse_all(settings.corpus_dir))
    assert not table.chunked and all(d._loaded is None for d in docs.values())  # rows from the manifest, no text read
    assert table.keys(range(len(table))) == {i: (c.doc_id, c.clause) for i, c in enumerate(expected)}
    assert [table.position(c.id) for c in expected] == list(range(len(expected)))
    assert table.position(f"{DOC}#0-1") is None and table.position("nowhere#1-2") is None
    assert list(table) == expected  # text, labels and heading context cut from the document when asked for
