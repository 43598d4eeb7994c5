"""The Chroma collection of chunk vectors: open, check freshness, rebuild, query.

The collection's metadata records what it was built from (corpus text hash, chunker version,
embedder fingerprint). ``open_index`` compares that with the present and rebuilds by itself,
so nobody ever searches vectors of an old text or of another model. Vectors are always
computed by our embedder and passed in explicitly: Chroma's default embedding function
would download a model, which this deployment must never do.

Safe to rebuild and share:
* a full build fills a staging collection and swaps it in at the end, so readers keep the old
  collection until the new one is complete;
* builds of one index are serialised (``index_store``: a file lock locally, a marker with an owner
  and an expiry on a Chroma server); a process that waited looks again and reuses the result;
* a running process notices a rebuilt or replaced collection and reopens it on its next search
  (locally by the store's ``generation`` stamp, on a server because the old collection is gone).

Every failure to open or query the index raises ``SearchUnavailable`` (a one-line Chinese message),
which callers can tell apart from a search that found nothing.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.errors import PolicyError, SearchUnavailable
from assistant.knowledge.catalog import text_hash as doc_hash
from assistant.knowledge.documents import Document
from assistant.search.chunk_table import ChunkTable
from assistant.search.chunking import CHUNKER_VERSION, Chunk
from assistant.search.store import (
    LocalStore,
    ServerStore,
    Store,
    close_client,
    collection_names,
    drop_collection,
    make_store,
    one_line,
)

log = logging.getLogger(__name__)

COLLECTION = "policy_chunks"
STAGING = "policy_chunks_staging"  # a full build fills this, then renames it to COLLECTION
BATCH = 64  # chunks embedded per step; also the progress granularity
ADD_BATCH = 2048  # chunks per Chroma add: 64 a call ran at half the speed (docs/BENCHMARKS.md, issue 21)
LOCK_WAIT = 1800.0  # seconds to wait for another process's build before giving up
REOPEN_TRIES = 10  # a rebuilt collection is swapped in with a delete and a rename: bridge that gap
REOPEN_PAUSE = 0.1
REBUILD = "按要求重建索引"
MISSING = "索引不存在，正在构建"
UNFINISHED = "索引上次未构建完成，正在重建"

Progress = Callable[[int, int], None]
CORPUS_CHANGED = "索引已过期（语料变化），正在更新"


def stderr_progress(done: int, total: int, rate: float | None = None, note: str = "") -> None:
    """One rewritten line on stderr, like tqdm: 正在构建索引：128/640 个片段（20%），25 个/秒，约剩 21 秒
    (``note``: the other parts of the build, such as the keyword index)."""
    end = "\n" if done >= total else ""
    speed = ""
    if rate:
        left = (total - done) / rate
        speed = f"，{rate:.0f} 个/秒，" + (f"约剩 {left / 60:.0f} 分钟" if left >= 90 else f"约剩 {left:.0f} 秒")
    print(f"\r正在构建索引：{done}/{total} 个片段（{done * 100 // max(total, 1)}%）{speed}{note}", end=end,
          file=sys.stderr, flush=True)


def progress_line(note: Callable[[], str] | None = None) -> Progress:
    """``stderr_progress`` with the throughput and the time left, measured from its first call."""
    first: list[tuple[float, int]] = []

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if not first:
            first.append((now, done))
        t0, d0 = first[0]
        stderr_progress(done, total, (done - d0) / (now - t0) if done > d0 and now > t0 else None, note() if note else "")

    return show


@dataclass
class PolicyIndex:
    """An open, up-to-date collection plus the table of the chunks it holds."""

    collection: object
    client: object
    chunks: ChunkTable
    fingerprint: dict[str, str]
    rebuilt: bool = False
    reason: str = ""  # why it was (re)built; "" when reused
    updated: list[str] = field(default_factory=list)  # documents (re-)embedded by this open
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent embedding and inserting, if built
    store: Store | None = field(default=None, repr=False)  # where it lives, for reopening

    def __post_init__(self) -> None:
        self._stamp = self.store.stamp() if self.store else None
        self._opened = 0  # counts reopenings, so concurrent failures reopen once
        self._reopen_lock = threading.Lock()

    def query(self, embedding: list[float], n: int) -> list[tuple[Chunk, float]]:
        """The ``n`` nearest chunks with cosine similarity, best first. SearchUnavailable when the
        collection is gone and cannot be reopened, or the server cannot be reached."""
        return [(self.chunks[i], score) for i, score in self.nearest(embedding, n)]

    def nearest(self, embedding: list[float], n: int) -> list[tuple[int, float]]:
        """``query`` as chunk-table positions: no chunk text is read."""
        n = min(n, len(self.chunks))
        if n <= 0:
            return []
        opened = self._opened
        if self.store is not None and self.store.stamp() != self._stamp:
            self._reopen(opened, "索引已被其他进程重建或更新")
            opened = self._opened
        try:
            res = self.collection.query(query_embeddings=[embedding], n_results=n, include=["distances"])
        except Exception as exc:  # a rebuild swapped the collection, a server went away, a folder was deleted
            if self.store is None:
                raise SearchUnavailable(f"向量索引查询失败（{type(exc).__name__}），请运行 python -m assistant index") from exc
            log.warning("向量索引查询失败（%s: %s），重新打开索引", type(exc).__name__, one_line(exc))
            self._reopen(opened, type(exc).__name__)
            try:
                res = self.collection.query(query_embeddings=[embedding], n_results=n, include=["distances"])
            except Exception as again:
                raise SearchUnavailable(f"向量索引查询失败（{type(again).__name__}），请稍后再试或运行 python -m assistant index") from again
        ids, dists = res["ids"][0], res["distances"][0]
        found = [(self.chunks.position(i), 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
        return [(i, score) for i, score in found if i is not None]

    def _reopen(self, opened: int, why: str) -> None:
        """Open the collection again by name (after a rebuild it is another collection)."""
        with self._reopen_lock:
            if self._opened != opened:
                return  # another thread has just reopened it
            store = self.store
            last = why
            for attempt in range(REOPEN_TRIES):
                if attempt:
                    time.sleep(REOPEN_PAUSE)
                stamp = store.stamp()
                if not store.exists():
                    last = "索引文件不存在，可能正在重建"
                    continue
                try:
                    client = store.connect(fresh=True)
                    collection, reason = _inspect(client, self.fingerprint)
                except SearchUnavailable:
                    raise
                except Exception as exc:
                    raise SearchUnavailable(f"无法重新打开检索索引 {store.where}（{type(exc).__name__}），"
                                            "请稍后再试或运行 python -m assistant index") from exc
                if collection is not None and reason in ("", CORPUS_CHANGED):
                    if reason:
                        log.warning("索引已按新的语料重建；本进程仍按启动时的语料检索，请重启以使用新文档")
                    # The old client is not closed: its engine is already stopped, and closing
                    # it would release the new engine registered under the same path.
                    self.client, self.collection, self._stamp = client, collection, stamp
                    self._opened += 1
                    log.warning("检索索引已被重建或替换，已重新打开（%s）", why)
                    return
                if collection is not None and reason != UNFINISHED:
                    raise SearchUnavailable(f"检索索引已按不同的设置重建（{reason.removesuffix('，正在重建')}），请重启应用")
                last = "集合不存在或正在构建"
            raise SearchUnavailable(f"检索索引 {store.where} 暂不可用（{last}），请稍后再试或运行 python -m assistant index")

    def close(self) -> None:
        close_client(self.client)


# ----------------------------------------------------------------------------- open / build
def open_index(
    settings,
    docs: dict[str, Document],
    embedder,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: float = LOCK_WAIT,
    chunks: ChunkTable | None = None,
) -> PolicyIndex:
    """Open the index for ``docs``/``embedder``, (re)building it when missing, stale or corrupt.

    ``settings.chroma_url`` selects a Chroma server, otherwise ``settings.index_dir`` is used.
    Raises SearchUnavailable when the server is unreachable or its address invalid, the folder
    cannot be written, a build fails, or another process's build outlasts ``wait`` seconds.
    """
    _CLOCK.__dict__.clear()
    chunks = chunks if chunks is not None else ChunkTable(docs)
    # whether the vectors are fresh is decided from the documents' text hashes (the manifest's), not their text
    fp = {"corpus": chunks.fingerprint, "chunker": CHUNKER_VERSION, "embedder": embedder.fingerprint}
    store = make_store(settings)
    stamp = store.stamp()
    client, collection, reason = _look(store, fp, embedder.dim)
    if rebuild:
        reason = REBUILD
    updated: list[str] = []
    rebuilt = False
    if reason:
        with store.build_lock(client, wait) as refresh:
            # Another process may have built while we waited; locally our engine would not see it.
            fresh = isinstance(store, LocalStore) and (store.stamp() != stamp or reason.startswith("索引目录"))
            if fresh:
                close_client(client)
            client, collection, now = _look(store, fp, embedder.dim, fresh=fresh)
            if not now and not rebuild:
                log.warning("另一个进程已构建好索引，直接使用")
                return PolicyIndex(collection, client, chunks, fp, store=store)
            reason = reason if rebuild else now
            if reason.startswith("索引目录") and isinstance(store, LocalStore):
                log.warning(reason)
                close_client(client)
                store.wipe()
                try:
                    client, collection = store.connect(fresh=True), None
                except Exception as exc:
                    raise SearchUnavailable(f"无法在 {store.where} 创建索引（{type(exc).__name__}），"
                                            "请检查 POLICY_INDEX_DIR 的写权限") from exc
            collection, reason, updated, rebuilt = _refresh(client, collection, reason, docs, chunks, embedder, fp,
                                                            _ticking(progress, refresh, len(chunks)))
            store.mark_built()
    return PolicyIndex(collection, client, chunks, fp, rebuilt=rebuilt, reason=reason, updated=updated, store=store,
                       timings=dict(_CLOCK.__dict__))


def _look(store: Store, fp: dict[str, str], dim: int, *, fresh: bool = False):
    """(client, collection or None, reason to (re)build or "")."""
    client = None
    try:
        client = store.connect(fresh=fresh)
        collection, reason = _inspect(client, fp)
        if collection is not None and not reason and isinstance(store, LocalStore):
            # Reading sqlite metadata does not touch the vector segment; one tiny query does.
            collection.query(query_embeddings=[[1.0] + [0.0] * (dim - 1)], n_results=1, include=[])
        return client, collection, reason
    except PolicyError:
        raise
    except Exception as exc:
        if isinstance(store, ServerStore):
            raise SearchUnavailable(f"读取 Chroma 服务器 {store.url} 上的索引失败（{type(exc).__name__}）") from exc
        return client, None, f"索引目录 {store.where} 已损坏或无法读取（{type(exc).__name__}），正在重建"


def _ticking(progress: Progress | None, refresh: Callable[[], None], total: int) -> Progress:
    """The caller's progress (or the stderr line on long builds), also refreshing the build marker."""
    shown = progress if progress is not None else (progress_line() if total > BATCH else None)

    def tick(done: int, total: int) -> None:
        refresh()
        if shown:
            shown(done, total)

    return tick


def _refresh(client, collection, reason, docs, chunks, embedder, fp, progress):
    """Bring the collection up to date: incrementally when only the text changed, else a full build."""
    if reason == CORPUS_CHANGED and collection is not None:
        # Only the text changed: re-embed just the documents whose text differs.
        try:
            updated = _update(collection, docs, chunks, embedder, fp, progress)
            reason = f"索引已增量更新（{len(updated)} 个文档变化：{'、'.join(updated) or '仅删除'}）"
            log.warning(reason)
            return collection, reason, updated, False
        except Exception as exc:  # fall back to a full rebuild rather than serve a half-updated index
            reason = f"增量更新失败（{type(exc).__name__}），正在重建"
    log.warning(reason)
    try:
        collection = _build(client, chunks, embedder, fp, progress, docs)
    except PolicyError:
        raise
    except Exception as exc:
        raise SearchUnavailable(f"构建索引失败（{type(exc).__name__}: {one_line(exc)}），请检查索引目录或 Chroma 服务器") from exc
    return collection, reason, sorted(docs), True


def _update(collection, docs: dict[str, Document], chunks: ChunkTable, embedder, fp, progress) -> list[str]:
    """Delete the chunks of changed or removed documents and add the changed ones; returns their ids."""
    have = {}
    for meta in collection.get(include=["metadatas"])["metadatas"] or []:
        have[meta.get("doc_id")] = meta.get("doc_hash")
    changed = sorted(d for d, doc in docs.items() if have.get(d) != doc_hash(doc))
    gone = sorted(d for d in have if d not in docs)
    # An edited document keeps most of its sentences: their vectors are reused by content hash, so an
    # edit costs the embedding of what changed, not of the whole document.
    reuse: dict[str, list[float]] = {}
    for d in changed:
        if d in have:
            old = collection.get(where={"doc_id": d}, include=["embeddings", "metadatas"])
            for meta, vector in zip(old["metadatas"] or [], old["embeddings"] if old["embeddings"] is not None else [],
                                    strict=False):
                if meta and meta.get("text_hash"):
                    reuse[meta["text_hash"]] = [float(x) for x in vector]
    collection.modify(metadata={**fp, "complete": False})
    for d in changed + gone:
        collection.delete(where={"doc_id": d})
    new = [chunks[i] for d in changed for i in chunks.doc_positions(d)]
    embedded = _add(collection, new, embedder, docs, progress, reuse)
    if new:
        log.info("增量更新：%d 个片段中 %d 个重新计算向量，其余沿用", len(new), embedded)
    collection.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    return changed


class _Clock:
    """Seconds per build step in this process (read by the benchmark: where a build spends its time)."""

    def tick(self, step: str, since: float) -> None:
        self.__dict__[step] = self.__dict__.get(step, 0.0) + time.perf_counter() - since


_CLOCK = _Clock()


def _inspect(client, fp: dict[str, str]):
    """(collection or None, reason to rebuild or "")."""
    names = collection_names(client)
    if COLLECTION not in names:
        return None, UNFINISHED if STAGING in names else MISSING
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


def _build(client, chunks: ChunkTable, embedder, fp: dict[str, str], progress: Progress | None, docs):
    """A full build into STAGING, swapped in when complete: readers keep the old collection meanwhile."""
    drop_collection(client, STAGING)  # left by a build that was killed
    # "complete" is set only after the last batch, so a build killed halfway is detected.
    staging = client.create_collection(
        STAGING,
        embedding_function=None,
        metadata={**fp, "complete": False},
        configuration={"hnsw": {"space": "cosine"}},
    )
    _add(staging, chunks, embedder, docs, progress)
    staging.modify(metadata={**fp, "complete": True, "chunks": len(chunks)})
    drop_collection(client, COLLECTION)
    staging.modify(name=COLLECTION)
    return client.get_collection(COLLECTION, embedding_function=None)


def _add(collection, chunks, embedder, docs, progress: Progress | None,
         reuse: dict[str, list[float]] | None = None) -> int:
    """Add ``chunks`` (a list or the table), embedding only those whose text has no vector in ``reuse``
    (by ``text_hash``), BATCH at a time, and adding them to Chroma ADD_BATCH at a time; returns how
    many were embedded."""
    hashes: dict[str, str] = {}
    reuse = reuse or {}
    embedded = 0
    pending: list[tuple[Chunk, list[float]]] = []
    for i in range(0, len(chunks), BATCH):
        t = time.perf_counter()
        batch = chunks[i : i + BATCH]
        vectors = [reuse.get(text_hash(c)) for c in batch]
        todo = [j for j, v in enumerate(vectors) if v is None]
        for j, v in zip(todo, embedder.embed_documents([batch[j].embed_text for j in todo]) if todo else [], strict=True):
            vectors[j] = v
        embedded += len(todo)
        pending += zip(batch, vectors, strict=True)
        _CLOCK.tick("embed_s", t)
        if len(pending) >= ADD_BATCH or i + BATCH >= len(chunks):
            t = time.perf_counter()
            for c, _ in pending:
                if c.doc_id not in hashes:
                    hashes[c.doc_id] = doc_hash(docs[c.doc_id])
            collection.add(ids=[c.id for c, _ in pending], embeddings=[v for _, v in pending],
                           documents=[c.text for c, _ in pending], metadatas=[_metadata(c, hashes) for c, _ in pending])
            pending = []
            _CLOCK.tick("insert_s", t)
        if progress:
            progress(i + len(batch), len(chunks))
    return embedded


def text_hash(c: Chunk) -> str:
    """What the embedder saw, hashed: a chunk with the same hash has the same vector."""
    return hashlib.sha256(c.embed_text.encode()).hexdigest()[:16]


def _metadata(c: Chunk, hashes: dict[str, str]) -> dict:
    # Only what an update needs: the chunk table is the source of truth for the rest, and every
    # further metadata key cost about a tenth of the insert time (docs/BENCHMARKS.md, issue 21).
    return {"doc_id": c.doc_id, "doc_hash": hashes[c.doc_id], "text_hash": text_hash(c)}
