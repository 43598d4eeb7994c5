"""Past one machine: two app processes share one index on a real `chroma run` server and answer
alternate turns of one conversation (replicas keep no conversation: it travels with the client)."""

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
            # the second instance found the index the first one built: no rebuild, no local vectors
            # (only its own keyword index and document manifest, which live beside the app in POLICY_INDEX_DIR)
            assert "正在构建" not in second.output() and "正在重建" not in second.output()
            local = tmp_path / "b" / "index"
            assert not local.exists() or {p.name for p in local.iterdir()} <= {"keywords", "documents.manifest"}
            alternate_turns(first.url, second.url)
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


def alternate_turns(url_a: str, url_b: str) -> None:
    """One conversation, its turns answered by A, B, A: each turn needs the earlier ones (the measure
    and the firm's facts), which reach a replica only through the history the client passes."""
    a, b = Client(url_a, verbose=False), Client(url_b, verbose=False)
    one = a.predict("我们是海淀区的软件企业，建设测试验证平台投资2000万元，能补多少？", api_name="/ask")
    assert [c["amount_yuan"] for c in one["calculations"]] == ["5000000"]
    two = b.predict("如果是1000万呢", one["history"], api_name="/ask")
    assert [c["amount_yuan"] for c in two["calculations"]] == ["3000000"], two["answer"]
    assert len(two["history"]) == 4 and two["history"][:2] == one["history"]
    three = a.predict("那1200万呢", two["history"], api_name="/ask")
    assert [c["amount_yuan"] for c in three["calculations"]] == ["3600000"], three["answer"]
    # without the history a fresh connection has no conversation to continue
    cold = Client(url_b, verbose=False).predict("如果是1000万呢", api_name="/ask")
    assert cold["calculations"] != two["calculations"] or "平台" not in cold["answer"]


def test_chat_tab_keeps_no_conversation_in_the_process(tmp_path):
    """The chat's state is page state (hidden components), never gr.State held by one replica."""
    import gradio as gr

    import app
    from assistant.service import Assistant
    from assistant.settings import Settings
    from assistant.web.answer_log import AnswerLog
    from assistant.web.state import WebApp

    settings = Settings.from_env(embedding="hash", index_dir=tmp_path / "index")
    web = WebApp(settings, bot=Assistant(settings), answer_log=AnswerLog(tmp_path / "answers.jsonl"))
    demo = app.build_demo(web)
    chat_fns = [fn for fn in demo.fns.values() if getattr(fn.fn, "__name__", "") in ("echo", "reply", "show_details", "on_like", "clear")]
    assert {fn.fn.__name__ for fn in chat_fns} >= {"echo", "reply", "show_details", "clear"}
    for fn in chat_fns:
        assert not any(isinstance(block, gr.State) for block in [*fn.inputs, *fn.outputs]), fn.fn.__name__


def test_gradio_server_variables_are_honoured_and_policy_ones_win():
    from assistant.settings import Settings

    gradio_only = Settings.from_env({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"}, dotenv=None)
    assert (gradio_only.host, gradio_only.port) == ("0.0.0.0", 7861)
    both = Settings.from_env({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861",
                              "POLICY_HOST": "127.0.0.2", "POLICY_PORT": "8123"})
    assert (both.host, both.port) == ("127.0.0.2", 8123)
    assert (Settings.from_env({}).host, Settings.from_env({}).port) == ("127.0.0.1", 7860)
