"""A deterministic character n-gram hashing embedder, for tests only: it knows shared characters,
not meaning."""

from __future__ import annotations

import re
import zlib

from assistant.search.embeddings.base import Embedder, normalise


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
        return normalise(vec)
