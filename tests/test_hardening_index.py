"""Issue 11, item 3: the index survives rebuilds, builds are serialised, a bad or dead server is a
clear "search unavailable" error (``SearchUnavailable``), never a traceback or a silent "no hits"."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from assistant.errors import PolicyError, SearchIndexError, SearchUnavailable
from assistant.search import index as index_mod
from assistant.search.embeddings import make_embedder
from assistant.search.index import COLLECTION, open_index
from assistant.search.retrieval import Retriever
from assistant.search.store import MARKER, ServerStore
from assistant.settings import Settings

from .conftest import ROOT

QUESTION = "REITs有什么支持"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8", **env}, timeout=300)


@pytest.fixture
def local(tmp_path):
    env = {"POLICY_INDEX_DIR": str(tmp_path / "index"), "POLICY_EMBEDDING": "hash", "POLICY_CHROMA_URL": ""}
    settings = Settings.from_env(chroma_url="", embedding="hash", index_dir=tmp_path / "index")
    return settings, env


def retriever(settings, kb) -> Retriever:
    return Retriever(kb.docs, make_embedder("hash"), open_index(settings, kb.docs, make_embedder("hash")))


def test_a_rebuild_by_another_process_is_reopened_on_the_next_search(local, kb):
    settings, env = local
    r = retriever(settings, kb)
    assert r.search(QUESTION, k=3)[0].clause == "（九）"
    out = cli("index", "--rebuild", env=env)  # the documented command, in another process
    assert out.returncode == 0, out.stderr
    assert r.search(QUESTION, k=3)[0].clause == "（九）"  # was: Collection … does not exist


def test_a_replaced_index_folder_is_reopened_and_a_missing_one_is_unavailable(local, kb):
    settings, env = local
    r = retriever(settings, kb)
    assert r.search(QUESTION, k=3)
    shutil.rmtree(settings.index_dir)
    with pytest.raises(SearchUnavailable, match="暂不可用"):
        r.search(QUESTION, k=3)  # not an empty result: the service must be able to say so
    assert cli("index", env=env).returncode == 0  # built again by someone else
    assert r.search(QUESTION, k=3)[0].clause == "（九）"


# A builder that embeds slowly and reports when its embedding ran; both start at the same moment.
BUILDER = r"""
import json, sys, time
from assistant.search import index
from assistant.knowledge.documents import load_corpus
from assistant.search.embeddings import make_embedder
from assistant.settings import Settings

settings = Settings.from_env()
emb = make_embedder("hash")
real, spans = emb.embed_documents, []
def slow(texts):
    began = time.time()
    out = real(texts)
    time.sleep(0.25)
    spans.append((began, time.time()))
    return out
emb.embed_documents = slow
index.BATCH = 8
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
ix = index.open_index(settings, load_corpus(settings.corpus_dir), emb, rebuild=True, progress=lambda d, t: None)
print(json.dumps({"first": spans[0][0], "last": spans[-1][1], "count": ix.collection.count(), "chunks": len(ix.chunks)}))
"""


@pytest.mark.slow
def test_two_processes_building_one_index_are_serialised(local, tmp_path):
    _, env = local
    start = str(time.time() + 4)  # after both interpreters have imported everything
    procs = [subprocess.Popen([sys.executable, "-c", BUILDER, start], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, **env, "PYTHONPATH": str(ROOT)})
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    a, b = sorted((json.loads(out) for out, _ in outs), key=lambda r: r["first"])
    assert a["last"] <= b["first"], "the two builds overlapped"
    assert a["count"] == a["chunks"] and b["count"] == b["chunks"]
    assert "另一个进程" in "".join(err for _, err in outs)  # the second one said why it waited


def test_a_server_build_marker_has_an_owner_and_expires(tmp_path, monkeypatch, caplog):
    """The Chroma-server lock, exercised on a local client (the marker is an ordinary collection)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(tmp_path / "server"), settings=ChromaSettings(anonymized_telemetry=False))
    store = ServerStore("http://127.0.0.1:8000")
    with store.build_lock(client, wait=5) as refresh:
        owner = client.get_collection(MARKER).metadata["owner"]
        assert str(os.getpid()) in owner
        refresh()
        with pytest.raises(SearchUnavailable, match=f"等待另一个进程（{owner}）构建索引超时"):
            with store.build_lock(client, wait=0.5):
                pass
    assert MARKER not in [c.name for c in client.list_collections()]  # released
    # a builder that died leaves a marker; once expired it is taken over
    client.create_collection(MARKER, metadata={"owner": "dead-host:1:x", "expires": time.time() - 1})
    with store.build_lock(client, wait=0.5):
        assert client.get_collection(MARKER).metadata["owner"] != "dead-host:1:x"
    assert "已过期" in caplog.text


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:port", "ftp://127.0.0.1:8000", "http://"])
def test_an_invalid_server_address_is_one_chinese_line(url, kb):
    settings = Settings.from_env(chroma_url=url, embedding="hash")
    with pytest.raises(SearchUnavailable) as err:
        open_index(settings, kb.docs, make_embedder("hash"))
    message = str(err.value)
    assert "POLICY_CHROMA_URL" in message and url in message and "\n" not in message
    assert isinstance(err.value, SearchIndexError) and isinstance(err.value, PolicyError)


def test_search_cli_with_an_invalid_server_address_exits_2_without_traceback(local):
    _, env = local
    out = cli("search", QUESTION, env={**env, "POLICY_CHROMA_URL": "http://[::1"})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().startswith("错误：POLICY_CHROMA_URL") and len(out.stderr.strip().splitlines()) == 1


def test_a_dead_server_is_search_unavailable(kb):
    from .test_index import _free_port

    settings = Settings.from_env(chroma_url=f"http://127.0.0.1:{_free_port()}", embedding="hash")
    with pytest.raises(SearchUnavailable, match="无法连接 Chroma 服务器"):
        open_index(settings, kb.docs, make_embedder("hash"))


def test_a_collection_deleted_and_not_rebuilt_is_unavailable_not_empty(local, kb, monkeypatch):
    settings, _ = local
    monkeypatch.setattr(index_mod, "REOPEN_PAUSE", 0.01)
    r = retriever(settings, kb)
    r.index.client.delete_collection(COLLECTION)
    with pytest.raises(SearchUnavailable):
        r.search(QUESTION, k=3)
