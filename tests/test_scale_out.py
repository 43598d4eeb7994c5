"""Past one machine: two app processes share one index on a real `chroma run` server."""

from __future__ import annotations

import pytest
from gradio_client import Client

from .test_browser import AppServer
from .test_index import chroma_server  # noqa: F401  (the fixture: a real Chroma server on 127.0.0.1)


@pytest.mark.slow
def test_two_app_instances_share_one_chroma_server(chroma_server, tmp_path):  # noqa: F811
    env = {"POLICY_CHROMA_URL": chroma_server, "POLICY_EMBEDDING": "hash"}
    first = AppServer(tmp_path / "a", **env).start()
    try:
        a = Client(first.url, verbose=False).predict("REITs有什么支持", api_name="/ask")
        assert "（九）" in [c["clause"] for c in a["citations"]]
        assert "索引不存在，正在构建" in first.output()  # the first instance built the shared index
        second = AppServer(tmp_path / "b", **env).start()
        try:
            b = Client(second.url, verbose=False).predict("健康宝数据能对接吗", api_name="/ask")
            assert "（五）" in [c["clause"] for c in b["citations"]]
            calc = Client(second.url, verbose=False).predict("平台建设投资2000万元能补多少", api_name="/ask")
            assert calc["calculations"][0]["amount_yuan"] == "5000000"
            # the second instance found the index the first one built: no rebuild, nothing local
            assert "正在构建" not in second.output() and "正在重建" not in second.output()
            assert not (tmp_path / "b" / "index").exists()
        finally:
            second.stop()
    finally:
        first.stop()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    host, port = chroma_server.rsplit(":", 1)
    client = chromadb.HttpClient(host=host.split("//")[1], port=int(port), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection("policy_chunks")
    assert collection.metadata["complete"] is True and collection.count() == collection.metadata["chunks"]
