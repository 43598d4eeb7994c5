"""The persistent Chroma index: reuse, automatic rebuilds, corrupt folders, Chroma servers."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import sys
import time

import pytest

from assistant.errors import PolicyError, SearchIndexError
from assistant.knowledge.documents import load_corpus
from assistant.search import index as index_mod
from assistant.search.embeddings import make_embedder
from assistant.search.index import COLLECTION, open_index
from assistant.search.retrieval import Retriever
from assistant.settings import Settings


class CountingEmbedder:
    """The hash embedder, counting how many passages it is asked to embed."""

    def __init__(self, fingerprint_suffix: str = "", fail_after: int | None = None):
        self.inner = make_embedder("hash")
        self.name, self.dim = self.inner.name, self.inner.dim
        self.fingerprint = self.inner.fingerprint + fingerprint_suffix
        self.embedded = 0
        self.fail_after = fail_after

    def embed_documents(self, texts):
        if self.fail_after is not None and self.embedded >= self.fail_after:
            raise RuntimeError("simulated crash in the middle of a build")
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture
def settings(tmp_path):
    return Settings.from_env(chroma_url="", embedding="hash")  # index_dir: tmp_path (conftest)


def test_index_dir_comes_from_the_isolated_environment(settings, tmp_path):
    assert settings.index_dir == tmp_path / "index"


def test_second_open_reuses_the_index_without_embedding(settings, kb):
    first = CountingEmbedder()
    ix = open_index(settings, kb.docs, first)
    assert ix.rebuilt and first.embedded == len(ix.chunks) > 0
    assert ix.collection.count() == len(ix.chunks)
    ix.close()
    again = CountingEmbedder()
    ix2 = open_index(settings, kb.docs, again)
    assert not ix2.rebuilt and again.embedded == 0 and ix2.reason == ""
    assert (settings.index_dir / "chroma.sqlite3").exists()
    meta = ix2.collection.metadata
    assert meta["complete"] is True and meta["embedder"] == again.fingerprint and meta["chunks"] == len(ix2.chunks)


def test_rebuilds_when_the_corpus_text_changes(settings, corpus_copy, caplog):
    docs = load_corpus(corpus_copy)
    open_index(settings, docs, CountingEmbedder()).close()
    path = corpus_copy / "beijing-new-infra-2022.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("单个平台建设补贴最高不超过500万元", "单个平台建设补贴最高不超过600万元"), encoding="utf-8")
    changed = load_corpus(corpus_copy)
    emb = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant.search.index"):
        ix = open_index(settings, changed, emb)
    # one document, one changed: it alone is updated (incremental), not a full rebuild, and of its
    # chunks only the two whose text changed (the measure and its sentence) are embedded again
    assert not ix.rebuilt and ix.updated == ["beijing-new-infra-2022"] and emb.embedded == 2
    assert "索引已增量更新" in caplog.text
    docs_now = ix.collection.get(include=["documents"])["documents"]
    assert any("600万元" in d for d in docs_now) and not any("500万元" in d and "单个平台" in d for d in docs_now)
    assert ix.collection.count() == len(ix.chunks)


def test_rebuilds_when_the_embedder_changes(settings, kb, caplog):
    open_index(settings, kb.docs, CountingEmbedder()).close()
    other = CountingEmbedder(fingerprint_suffix=":v2")
    with caplog.at_level(logging.WARNING, logger="assistant.search.index"):
        ix = open_index(settings, kb.docs, other)
    assert ix.rebuilt and other.embedded == len(ix.chunks)
    assert "向量模型变化" in caplog.text and ix.collection.metadata["embedder"] == other.fingerprint


def test_rebuilds_a_corrupt_index_folder(settings, kb, caplog):
    open_index(settings, kb.docs, CountingEmbedder()).close()
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"this is not a sqlite database" * 500)
    emb = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant.search.index"):
        ix = open_index(settings, kb.docs, emb)
    assert ix.rebuilt and emb.embedded == len(ix.chunks)
    assert "已损坏" in caplog.text and str(settings.index_dir) in caplog.text
    assert ix.query(emb.embed_query("REITs"), 3)  # usable
    ix.close()
    assert not open_index(settings, kb.docs, CountingEmbedder()).rebuilt


def test_rebuilds_a_deleted_index_folder(settings, kb, caplog):
    open_index(settings, kb.docs, CountingEmbedder()).close()
    shutil.rmtree(settings.index_dir)
    emb = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant.search.index"):
        ix = open_index(settings, kb.docs, emb)
    assert ix.rebuilt and emb.embedded == len(ix.chunks) and "索引不存在" in caplog.text
    assert ix.collection.count() == len(ix.chunks)


def test_a_build_interrupted_halfway_is_rebuilt(settings, kb, monkeypatch, caplog):
    monkeypatch.setattr(index_mod, "BATCH", 10)
    with pytest.raises(SearchIndexError, match="构建索引失败"):
        open_index(settings, kb.docs, CountingEmbedder(fail_after=20))
    emb = CountingEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant.search.index"):
        ix = open_index(settings, kb.docs, emb)
    assert ix.rebuilt and "未构建完成" in caplog.text and ix.collection.count() == len(ix.chunks)


def test_explicit_rebuild_and_progress_batch_by_batch(settings, kb, monkeypatch):
    monkeypatch.setattr(index_mod, "BATCH", 10)
    open_index(settings, kb.docs, CountingEmbedder()).close()
    seen = []
    ix = open_index(settings, kb.docs, CountingEmbedder(), rebuild=True, progress=lambda d, t: seen.append((d, t)))
    total = len(ix.chunks)
    assert ix.rebuilt and ix.reason == "按要求重建索引"
    assert seen == [(min(i + 10, total), total) for i in range(0, total, 10)]


def test_default_progress_line_goes_to_stderr_on_long_builds(settings, kb, monkeypatch, capsys):
    monkeypatch.setattr(index_mod, "BATCH", 16)
    open_index(settings, kb.docs, CountingEmbedder()).close()
    err = capsys.readouterr().err
    assert "正在构建索引：16/" in err and "（100%）" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_chroma_server_that_is_down_is_named_in_the_error(kb):
    url = f"http://127.0.0.1:{_free_port()}"
    settings = Settings.from_env(chroma_url=url, embedding="hash")
    with pytest.raises(SearchIndexError) as err:
        open_index(settings, kb.docs, CountingEmbedder())
    assert url in str(err.value) and "无法连接 Chroma 服务器" in str(err.value)
    assert isinstance(err.value, PolicyError)


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on a free local port, stopped after the test."""
    port = _free_port()
    launcher = "import sys; from chromadb.cli.cli import app; sys.argv[0] = 'chroma'; sys.exit(app())"
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "chroma.log").read_text()) from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.mark.slow
def test_round_trip_through_a_real_chroma_server(chroma_server, kb, tmp_path):
    settings = Settings.from_env(chroma_url=chroma_server, embedding="hash")
    first = CountingEmbedder()
    ix = open_index(settings, kb.docs, first)
    assert ix.rebuilt and first.embedded == len(ix.chunks)
    assert not (tmp_path / "index").exists()  # nothing written locally in server mode
    again = CountingEmbedder()
    ix2 = open_index(settings, kb.docs, again)
    assert not ix2.rebuilt and again.embedded == 0
    assert [c.name for c in ix2.client.list_collections()] == [COLLECTION]
    hits = Retriever(kb.docs, again, ix2).search("REITs有什么支持", k=3)
    assert hits and hits[0].clause == "（九）"
    assert hits[0].quote == kb.docs[hits[0].doc_id].text[hits[0].start : hits[0].end]
    changed = CountingEmbedder(fingerprint_suffix=":v2")
    assert open_index(settings, kb.docs, changed).rebuilt and changed.embedded == len(ix.chunks)


def test_an_edit_re_embeds_only_the_chunks_whose_text_changed(settings, corpus_copy, monkeypatch):
    from assistant.knowledge.documents import load_corpus
    from assistant.search.embeddings import HashEmbedder

    class Counting(HashEmbedder):
        def __init__(self):
            super().__init__()
            self.embedded: list[str] = []

        def embed_documents(self, texts):
            self.embedded += list(texts)
            return super().embed_documents(texts)

    settings = Settings.from_env(corpus_dir=corpus_copy, index_dir=settings.index_dir)
    first = Counting()
    index = open_index(settings, load_corpus(corpus_copy), first)
    assert len(first.embedded) == len(index.chunks)
    path = next(p for p in corpus_copy.glob("*.txt"))
    path.write_text(path.read_text(encoding="utf-8").replace("REITs", "基础设施REITs", 1), encoding="utf-8")
    docs = load_corpus(corpus_copy)
    second = Counting()
    updated = open_index(settings, docs, second, progress=lambda d, t: None)
    assert updated.updated and not updated.rebuilt
    assert 0 < len(second.embedded) <= 4  # the changed measure and its changed sentence(s), not all chunks
    assert all("基础设施REITs" in t for t in second.embedded)
    # the reused vectors are the right ones: every chunk still finds itself
    for c in updated.chunks[::7]:
        assert updated.query(second.embed_query(c.embed_text), 1)[0][0].id == c.id
