"""The Chroma collection of chunk vectors: open, check freshness, rebuild, query.

The collection's metadata records what it was built from (corpus text hash, chunker version,
embedder fingerprint). ``open_index`` compares that with the present and rebuilds by itself,
so nobody ever searches vectors of an old text or of another model. Vectors are always
computed by our embedder and passed in explicitly: Chroma's default embedding function
would download a model, which this deployment must never do.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .chunking import CHUNKER_VERSION, Chunk, chunk_corpus
from .corpus import Document
from .errors import PolicyError, SearchIndexError

log = logging.getLogger(__name__)

COLLECTION = "policy_chunks"
BATCH = 64  # chunks embedded and added per step; also the progress granularity

Progress = Callable[[int, int], None]
CORPUS_CHANGED = "索引已过期（语料变化），正在更新"


def corpus_hash(docs: dict[str, Document]) -> str:
    h = hashlib.sha256()
    for doc_id in sorted(docs):
        h.update(f"{doc_id}\0{docs[doc_id].text}\0".encode())
    return h.hexdigest()[:16]


def stderr_progress(done: int, total: int) -> None:
    """One rewritten line on stderr, like tqdm: 正在构建索引：128/640 个片段（20%）."""
    end = "\n" if done >= total else ""
    print(f"\r正在构建索引：{done}/{total} 个片段（{done * 100 // max(total, 1)}%）", end=end, file=sys.stderr, flush=True)


@dataclass
class PolicyIndex:
    """An open, up-to-date collection plus the chunks it holds (by id)."""

    collection: object
    client: object
    chunks: list[Chunk]
    fingerprint: dict[str, str]
    rebuilt: bool = False
    reason: str = ""  # why it was (re)built; "" when reused
    updated: list[str] = field(default_factory=list)  # documents (re-)embedded by this open
    by_id: dict[str, Chunk] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.chunks}

    def query(self, embedding: list[float], n: int) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with cosine similarity, best first."""
        n = min(n, len(self.chunks))
        if n <= 0:
            return []
        try:
            res = self.collection.query(query_embeddings=[embedding], n_results=n, include=["distances"])
        except Exception as exc:  # a server that went away, a folder deleted under us
            raise SearchIndexError(f"向量索引查询失败（{type(exc).__name__}: {exc}），请运行 python -m assistant index --rebuild") from exc
        ids, dists = res["ids"][0], res["distances"][0]
        return [(self.by_id[i], 1.0 - float(d)) for i, d in zip(ids, dists, strict=True) if i in self.by_id]

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close:
            try:
                close()
            except Exception:  # closing is best effort; nothing useful to report
                pass


def open_index(
    settings,
    docs: dict[str, Document],
    embedder,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> PolicyIndex:
    """Open the index for ``docs``/``embedder``, (re)building it when missing, stale or corrupt.

    ``settings.chroma_url`` selects a Chroma server, otherwise ``settings.index_dir`` is used.
    Raises SearchIndexError when the server is unreachable or the folder cannot be written.
    """
    chunks = chunk_corpus(docs)
    fp = {"corpus": corpus_hash(docs), "chunker": CHUNKER_VERSION, "embedder": embedder.fingerprint}
    if settings.chroma_url:
        client = _http_client(settings.chroma_url)
        try:
            collection, reason = _inspect(client, fp)
        except Exception as exc:
            raise SearchIndexError(f"读取 Chroma 服务器 {settings.chroma_url} 上的索引失败（{type(exc).__name__}）") from exc
    else:
        client, collection, reason = _open_local(Path(settings.index_dir), fp, embedder.dim)
    if rebuild:
        reason = "按要求重建索引"
    updated: list[str] = []
    if reason == CORPUS_CHANGED and collection is not None:
        # Only the text changed: re-embed just the documents whose text differs.
        try:
            updated = _update(collection, docs, chunks, embedder, fp, progress)
            reason = f"索引已增量更新（{len(updated)} 个文档变化：{'、'.join(updated) or '仅删除'}）"
            log.warning(reason)
            return PolicyIndex(collection, client, chunks, fp, rebuilt=False, reason=reason, updated=updated)
        except Exception as exc:  # fall back to a full rebuild rather than serve a half-updated index
            reason = f"增量更新失败（{type(exc).__name__}），正在重建"
    if reason:
        log.warning(reason)
        try:
            collection = _build(client, chunks, embedder, fp, progress, docs)
        except PolicyError:
            raise
        except Exception as exc:
            raise SearchIndexError(f"构建索引失败（{type(exc).__name__}: {exc}），请检查索引目录或 Chroma 服务器") from exc
        updated = sorted(docs)
    return PolicyIndex(collection, client, chunks, fp, rebuilt=bool(reason), reason=reason, updated=updated)


def doc_hash(doc: Document) -> str:
    return hashlib.sha256(f"{doc.doc_id}\0{doc.text}".encode()).hexdigest()[:16]


def _update(collection, docs: dict[str, Document], chunks: list[Chunk], embedder, fp, progress) -> list[str]:
    """Delete the chunks of changed or removed documents and add the changed ones; returns their ids."""
    have = {}
    for meta in collection.get(include=["metadatas"])["metadatas"] or []:
        have[meta.get("doc_id")] = meta.get("doc_hash")
    changed = sorted(d for d, doc in docs.items() if have.get(d) != doc_hash(doc))
    gone = sorted(d for d in have if d not in docs)
    collection.modify(metadata={**fp, "complete": False})
    for d in changed + gone:
        collection.delete(where={"doc_id": d})
    _add(collection, [c for c in chunks if c.doc_id in set(changed)], embedder, docs, progress)
    collection.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    return changed


def _http_client(url: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url if "://" in url else f"http://{url}")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
        client = chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=port,
            ssl=parsed.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as exc:
        raise SearchIndexError(
            f"无法连接 Chroma 服务器 {url}（{type(exc).__name__}）：请确认服务器已启动"
            f"（如 chroma run --path index --host 127.0.0.1 --port 8000），或清空 POLICY_CHROMA_URL 改用本地索引"
        ) from exc
    return client


def _persistent_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _open_local(path: Path, fp: dict[str, str], dim: int):
    """(client, collection or None, reason to rebuild or ""); a corrupt folder is wiped."""
    path = path.resolve()
    client = None
    if not (path / "chroma.sqlite3").exists():
        _forget_system(path)  # the folder was deleted while this process had it open
    try:
        client = _persistent_client(path)
        collection, reason = _inspect(client, fp)
        if collection is not None and not reason:
            # Reading sqlite metadata does not touch the vector segment; one tiny query does.
            collection.query(query_embeddings=[[1.0] + [0.0] * (dim - 1)], n_results=1, include=[])
        return client, collection, reason
    except Exception as exc:
        reason = f"索引目录 {path} 已损坏或无法读取（{type(exc).__name__}），正在重建"
    # Chroma caches one engine per path inside the process; it must let go of the broken
    # files before they are removed, or the new client would reuse the stale engine.
    if client is not None:
        client.close()
    _forget_system(path)
    shutil.rmtree(path, ignore_errors=True)
    try:
        return _persistent_client(path), None, reason
    except Exception as exc:
        raise SearchIndexError(f"无法在 {path} 创建索引（{type(exc).__name__}: {exc}），请检查 POLICY_INDEX_DIR 的写权限") from exc


def _forget_system(path: Path) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    SharedSystemClient._identifier_to_refcount.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # already broken; we are about to delete its files anyway
            pass


def _inspect(client, fp: dict[str, str]):
    """(collection or None, reason to rebuild or "")."""
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    if COLLECTION not in names:
        return None, "索引不存在，正在构建"
    collection = client.get_collection(COLLECTION, embedding_function=None)
    meta = collection.metadata or {}
    if meta.get("complete") is not True:
        return collection, "索引上次未构建完成，正在重建"
    changed = [name for key, name in (("corpus", "语料"), ("chunker", "切分规则"), ("embedder", "向量模型"))
               if meta.get(key) != fp[key]]
    if changed == ["语料"]:
        return collection, CORPUS_CHANGED
    if changed:
        return collection, f"索引已过期（{'、'.join(changed)}变化），正在重建"
    return collection, ""


def _build(client, chunks: list[Chunk], embedder, fp: dict[str, str], progress: Progress | None, docs):
    try:
        client.delete_collection(COLLECTION)
    except Exception:  # nothing to delete
        pass
    # "complete" is set only after the last batch, so a build killed halfway is detected.
    collection = client.create_collection(
        COLLECTION,
        embedding_function=None,
        metadata={**fp, "complete": False},
        configuration={"hnsw": {"space": "cosine"}},
    )
    _add(collection, chunks, embedder, docs, progress)
    collection.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    return collection


def _add(collection, chunks: list[Chunk], embedder, docs, progress: Progress | None) -> None:
    if progress is None and len(chunks) > BATCH:
        progress = stderr_progress
    hashes = {d: doc_hash(doc) for d, doc in docs.items()}
    for i in range(0, len(chunks), BATCH):
        batch = chunks[i : i + BATCH]
        collection.add(
            ids=[c.id for c in batch],
            embeddings=embedder.embed_documents([c.embed_text for c in batch]),
            documents=[c.text for c in batch],
            metadatas=[_metadata(c, hashes) for c in batch],
        )
        if progress:
            progress(i + len(batch), len(chunks))


def _metadata(c: Chunk, hashes: dict[str, str]) -> dict:
    # Chroma metadata values cannot be None; the chunk objects stay the source of truth.
    return {"doc_id": c.doc_id, "clause": c.clause or "", "section": c.section or "",
            "kind": c.kind, "start": c.start, "end": c.end, "doc_hash": hashes[c.doc_id]}
